/**
 * The reference backend for the extension's sync (../../shared contracts section 4; this repo's
 * docs/sync-protocol.md and docs/server.md). `startServer` is what tests, e2e suites and the CLI
 * (server/main.ts) use.
 */
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeIssues, evidenceRecordSchema } from '../lib/record/schema';
import { z } from 'zod';
import { custodyEntrySchema } from '../lib/export/manifest';
import type { CustodyLink } from '../lib/integrity/custody';
import { capturedSha256, makeReceipt, type Receipt, type ServerKeyJwk } from '../lib/integrity/receipt';
import { checkRecord, keyMap } from '../lib/integrity/record-check';
import { canonicalJson } from './canonical';
import { exportRecords, EXPORT_MAX_RECORDS } from './export';
import { loadOrCreateServerKey } from './keys';
import { FaultQueue, validateFaults, type FaultSpec } from './faults';
import { HttpError } from './http-error';
import { depthProblem, shapeProblem, unknownFields } from './json-guard';
import { openStorage, type EvidenceStorage, type NewEvidence, type StoredEvidence } from './storage';
import { ALL_SCOPES, loadOrCreateDevTokens, ROLE_SCOPES, TokenStore, withScope, type Role, type Scope, type TokenInput } from './tokens';
import { AuthService } from './auth/service';
import { TeamRegister } from './team/register';
import { parseKnownQuery } from '../lib/team/account-key';
import { TeamError, type TeamApi } from './team/types';
import { workspacePlugin } from './workspace/plugin';
import type { TeamHistory } from '../lib/export/report';
import { openFileStore, type FileStore, type FileStoreKind, DatabaseFileStore } from './files/store';
import {
  discardRest, moveIntoPlace, prepareTempDir, readUpload, removeFiles, tooLarge, UploadSlots, type FilePart, type Upload,
} from './upload';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
/** Uploads received at once, per token and overall; past either, 429 with Retry-After. */
export const DEFAULT_MAX_UPLOADS_PER_TOKEN = 4;
export const DEFAULT_MAX_UPLOADS = 32;
/** Refused requests whose body is read and discarded at once (so the client can read the answer); past it, the connection is closed. */
const MAX_DRAINING = 64;
const DRAIN_TIMEOUT_MS = 30_000;
/** Nesting allowed in the custody and keys parts and in the signed capture (the record's own nesting is the schema's). */
const MAX_JSON_DEPTH = 32;
/** JSON nested deeper than MAX_JSON_DEPTH anywhere is malformed input: 400 `json_too_deep`, before any other check. */
function tooDeep(part: string, value: unknown, prefix = ''): void {
  const problem = depthProblem(value, MAX_JSON_DEPTH);
  if (problem) throw new HttpError(400, `part "${part}": ${prefix}${problem}`, {}, 'json_too_deep');
}
/** server/data, wherever the process was started from. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('./data', import.meta.url));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const UUID_LIKE = /^[0-9A-Za-z-]{1,64}$/;

export { SERVER_VERSION } from './version';
import { SERVER_VERSION } from './version';

export interface ServerOptions {
  /** 0 = an ephemeral port. Default 8787. */
  port?: number;
  host?: string;
  /** Holds db/ (PGlite), screenshots/ and the generated tokens.json. Default server/data. */
  dataDir?: string;
  /** postgres://... : use PostgreSQL via `pg` instead of PGlite. */
  databaseUrl?: string | null;
  /** Omitted: read or generate <dataDir>/tokens.json (monitor "dev"). */
  tokens?: TokenInput;
  /** Request size limit in bytes (whole multipart body). Default 25 MB. */
  maxBytes?: number;
  /** Uploads one token may have in progress at once (more: 429). Default 4. */
  maxUploadsPerToken?: number;
  /** Uploads in progress at once, all tokens together (more: 429). Default 32. */
  maxConcurrentUploads?: number;
  /** Enables POST/GET/DELETE /__test/faults and GET /__test/memory. Never on by default. */
  testHooks?: boolean;
  /** Faults active from the start (requires testHooks). */
  faults?: FaultSpec[];
  /** The server's signing key (JWK with its private part); made on first start. Default <dataDir>/server-key.json. */
  serverKeyFile?: string;
  /**
   * Where screenshots and sources are kept: 'database' (every server process on one PostgreSQL
   * sees them; the default with databaseUrl) or 'disk' (<dataDir>/screenshots; the default for
   * the embedded PGlite).
   */
  files?: FileStoreKind;
  /** The team's time zone (workspace pages, deadlines, day filters). Default Asia/Jakarta (WIB). */
  timeZone?: string;
  /** Mark the workspace's cookies Secure (the server is reached over HTTPS, e.g. behind a proxy). Default false. */
  secureCookies?: boolean;
  /** One line per request; false = silent. Default console.log. Never receives tokens. */
  log?: ((line: string) => void) | false;
}

export interface RunningServer {
  url: string;
  port: number;
  storage: EvidenceStorage;
  /** where the evidence files are (disk or database) */
  files: FileStore;
  /** the team register (findings, workflow, audit log) */
  team: TeamApi;
  screenshotsDir: string;
  /** the public key receipts are signed with (as /v1/health publishes it) */
  serverKey: ServerKeyJwk;
  /** Replaces the active faults (only with testHooks). */
  setFaults(faults: FaultSpec[]): void;
  /** Uploads being received right now (each holds a slot until it is stored or refused). */
  uploadsInProgress(): number;
  close(): Promise<void>;
}

interface UploadReply {
  id: string;
  receivedAt: string;
  sha256: string;
  /** the server's countersigned receipt (null for records stored before receipts existed) */
  receipt: Receipt | null;
  /** 1 as first received, +1 for each accepted amendment */
  version: number;
}

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Retry-After',
};

function send(reply: FastifyReply, status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}): void {
  if (reply.sent || reply.raw.destroyed) return;
  reply.code(status).headers({
    ...CORS_HEADERS,
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  }).send(body);
}

function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(reply, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
  return m ? (m[1] ?? null) : null;
}

/** Reads and discards a body (bounded), so a fault reply is not sent mid-upload. */
async function drain(req: IncomingMessage, maxBytes: number): Promise<void> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) return;
  }
}

type Amendment =
  | { kind: 'same' }
  | { kind: 'amend' }
  | { kind: 'conflict'; code: 'amend_other_monitor' | 'capture_differs' | 'custody_not_extended'; reason: string };

/**
 * How an upload relates to the stored row with its id (docs/sync-protocol.md, "Amendments"). The
 * upload already passed the strict check (its content is its signed capture plus its signed edits).
 * - same: the same screenshot, record and custody log (a true retry);
 * - amend: the same monitor, the same signed capture and files, and a custody log of which the
 *   stored one is an exact prefix, longer;
 * - conflict: anything else (another capture, other files, a shorter or diverging log, another monitor).
 */
export function amendmentOf(
  existing: Pick<StoredEvidence, 'monitor' | 'sha256' | 'recordJson' | 'custodyJson'>,
  upload: { monitor: string; sha256: string; recordJson: string; custody: readonly unknown[]; attestation: unknown },
): Amendment {
  const stored = JSON.parse(existing.custodyJson) as unknown[];
  const sameFiles = existing.sha256 === upload.sha256;
  const sameLog = stored.length === upload.custody.length && stored.every((e, i) => canonicalJson(e) === canonicalJson(upload.custody[i]));
  // Rows stored before custody logs existed ('[]') keep the old rule: same screenshot and record = retry.
  if (sameFiles && existing.recordJson === upload.recordJson && (sameLog || stored.length === 0)) return { kind: 'same' };
  if (existing.monitor !== upload.monitor) {
    return { kind: 'conflict', code: 'amend_other_monitor', reason: 'only the monitor who sent it may send a correction' };
  }
  const storedRecord = JSON.parse(existing.recordJson) as { attestation?: unknown };
  if (!sameFiles || !storedRecord.attestation || canonicalJson(storedRecord.attestation) !== canonicalJson(upload.attestation)) {
    return { kind: 'conflict', code: 'capture_differs', reason: 'it is another capture (a correction keeps the signed capture and its files)' };
  }
  if (sameLog || stored.length === 0 || upload.custody.length <= stored.length
    || !stored.every((e, i) => canonicalJson(e) === canonicalJson(upload.custody[i]))) {
    return {
      kind: 'conflict', code: 'custody_not_extended',
      reason: `its custody log (${upload.custody.length} entries) does not continue the stored one (${stored.length} entries)`,
    };
  }
  return { kind: 'amend' };
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const screenshotsDir = join(dataDir, 'screenshots');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1024) throw new Error('maxBytes must be an integer >= 1024');
  const maxUploadsPerToken = options.maxUploadsPerToken ?? DEFAULT_MAX_UPLOADS_PER_TOKEN;
  const maxConcurrentUploads = options.maxConcurrentUploads ?? DEFAULT_MAX_UPLOADS;
  for (const [name, v] of [['maxUploadsPerToken', maxUploadsPerToken], ['maxConcurrentUploads', maxConcurrentUploads]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be an integer >= 1`);
  }
  const log = options.log === false ? () => {} : (options.log ?? ((l: string) => console.log(l)));
  const tokens = new TokenStore(options.tokens ?? loadOrCreateDevTokens(join(dataDir, 'tokens.json')).entries);
  if (tokens.size === 0) throw new Error('no tokens configured');
  const testHooks = options.testHooks === true;
  const faults = new FaultQueue();
  if (options.faults?.length) {
    if (!testHooks) throw new Error('faults require testHooks: true');
    faults.set(validateFaults(options.faults));
  }

  await mkdir(screenshotsDir, { recursive: true });
  // Uploads stream here first; on the data folder's filesystem, so accepting one is a rename.
  const tmpDir = join(dataDir, 'tmp');
  await prepareTempDir(tmpDir);
  const slots = new UploadSlots(maxConcurrentUploads, maxUploadsPerToken);
  let draining = 0;
  const serverKey = await loadOrCreateServerKey(options.serverKeyFile ?? join(dataDir, 'server-key.json'));
  const storage = await openStorage({ databaseUrl: options.databaseUrl ?? null, dbDir: join(dataDir, 'db') });
  const files = openFileStore(options.files ?? (options.databaseUrl ? 'database' : 'disk'), storage.db, screenshotsDir);
  if (files instanceof DatabaseFileStore) {
    const copied = await files.importFromDisk(screenshotsDir);
    if (copied > 0) log(`files: ${copied} file(s) copied from ${screenshotsDir} into the database`);
  }
  const timeZone = options.timeZone ?? 'Asia/Jakarta';
  const team = new TeamRegister(storage.db, serverKey.signer, { timeZone });
  // People, tokens and keys changed in the workspace are written to the audit log by the workspace
  // itself; the sign-in service adds the two changes only it sees: the first coordinator account
  // (made with a config coordinator token) and a password change.
  const auth: AuthService = new AuthService(storage.db, {
    configTokens: tokens,
    audit: async (actor, action, target, detail) => {
      if (action === 'person.bootstrap') await team.audit({ name: actor, role: 'coordinator' }, action, target, detail);
      else if (action === 'person.password') {
        const person = (await auth.people()).find((p) => p.username === actor);
        await team.audit({ name: actor, role: person?.role ?? 'monitor' }, action, target, detail);
      }
    },
  });
  /** Tokens issued from the workspace. */
  const issuedTokens = (token: string) => auth.tokenIdentity(token);
  const backfilled = await team.backfill();
  if (backfilled > 0) log(`register: ${backfilled} record(s) filed under their ASN and finding`);

  /** Files a stored record under its ASN and finding; a failure leaves it to the next start's backfill, the upload stands. */
  async function fileRecord(id: string): Promise<void> {
    try {
      await team.indexEvidence(id);
    } catch (e) {
      log(`register: record ${id} not filed yet (${(e as Error).message}); it is filed on the next start`);
    }
  }
  const notes = new WeakMap<FastifyRequest, string>();
  const app = Fastify({
    requestTimeout: 120_000,
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    // A path that is not valid percent-encoding: the same JSON answer as every other refusal.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const recordPath = /^\/v1\/evidence\//.test(request.raw.url ?? '');
      reply.code(400).headers({ ...CORS_HEADERS, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
        .type('application/json; charset=utf-8').send(JSON.stringify({ error: recordPath ? 'malformed record id' : `malformed request: ${error.message}` }));
    },
    bodyLimit: 1024 * 1024,
    logger: false,
  });
  // The API reads its bodies itself (uploads stream through busboy): no parser consumes them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  const hanging = new Set<() => void>();
  let closing = false;

  async function authorize(req: IncomingMessage, scope: Scope): Promise<string> {
    return (await authorizeRole(req, scope)).monitor;
  }

  /** Who a token is: one from the config, else one the coordinator issued in the workspace. */
  async function identify(presented: string | null): Promise<ReturnType<TokenStore['identify']>> {
    const fromConfig = tokens.identify(presented);
    if (fromConfig.ok || fromConfig.status === 403 || !presented) return fromConfig;
    const issued = await issuedTokens(presented);
    if (!issued) return fromConfig;
    if (!issued.enabled) return { ok: false, status: 403, error: 'token disabled' };
    return { ok: true, monitor: issued.monitor, role: issued.role, scopes: ALL_SCOPES.filter((s) => ROLE_SCOPES[issued.role].includes(s)) };
  }

  /** Read isolation (shared contracts section 5): a monitor reads its own records, a coordinator or an auditor all. */
  function readFilter(who: { monitor: string; role: Role }): { monitor?: string } {
    return who.role === 'monitor' ? { monitor: who.monitor } : {};
  }
  function mayRead(who: { monitor: string; role: Role }, row: StoredEvidence): boolean {
    return who.role !== 'monitor' || row.monitor === who.monitor;
  }

  async function authorizeRole(req: IncomingMessage, scope: Scope): Promise<{ monitor: string; role: Role }> {
    const result = withScope(await identify(bearer(req)), scope);
    if (!result.ok) {
      const headers: Record<string, string> =
        result.status === 401
          ? { 'WWW-Authenticate': 'Bearer realm="asn-evidence"' }
          : {};
      throw new HttpError(result.status, result.error, headers, result.status === 403 ? (result.error === 'token disabled' ? 'token_disabled' : 'forbidden') : undefined);
    }
    return { monitor: result.monitor, role: result.role };
  }

  /** Validates and stores one upload; returns the receipt and 201/200. */
  async function receive(req: IncomingMessage, monitor: string): Promise<{ status: 200 | 201; receipt: UploadReply }> {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim() === '') throw new HttpError(400, 'Idempotency-Key header (the record id) is required');
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*;/i.test(contentType)) throw new HttpError(400, 'body must be multipart/form-data');
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);

    const release = slots.acquire(monitor);
    let upload: Upload | null = null;
    try {
      upload = await readUpload(req, { contentType, maxBytes, tmpDir });
      return await accept(upload, key, monitor);
    } finally {
      release();
      // Accepted files were moved away already; whatever is left of this upload goes.
      if (upload) await removeFiles(upload.files);
    }
  }

  /** The checks and the store, once the whole upload is read (files in temporary files). */
  async function accept(upload: Upload, key: string, monitor: string): Promise<{ status: 200 | 201; receipt: UploadReply }> {
    const { parts } = upload;
    const recordPart = parts.get('record');
    const shot = parts.get('screenshot');
    if (!recordPart || recordPart.kind !== 'text') throw new HttpError(400, 'missing part "record"');
    if (!shot || shot.kind !== 'file') throw new HttpError(400, 'missing file part "screenshot"');
    let raw: unknown;
    try {
      raw = JSON.parse(recordPart.text);
    } catch {
      throw new HttpError(400, 'part "record" is not valid JSON');
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'part "record" must be a JSON object');
    tooDeep('record', raw);
    const rawId = (raw as { id?: unknown }).id;
    if (typeof rawId === 'string' && rawId !== key) throw new HttpError(400, 'Idempotency-Key does not equal record.id');
    const parsed = evidenceRecordSchema.safeParse(raw);
    if (!parsed.success) throw new HttpError(422, `invalid record: ${describeIssues(parsed.error)}`, {}, 'schema');
    const record = parsed.data;
    // Members the schema does not know are refused, not stored as received (docs/server.md).
    const unknown = unknownFields(raw, record);
    if (unknown.count > 0) {
      const more = unknown.count > unknown.paths.length ? ` (and ${unknown.count - unknown.paths.length} more)` : '';
      throw new HttpError(422, `the record has fields the schema does not know: ${unknown.paths.join(', ')}${more}`, {}, 'unknown_fields');
    }
    // Known fields nest only as deep as the schema; their strings must be well-formed (canonical JSON refuses lone surrogates).
    const badText = shapeProblem(record, MAX_JSON_DEPTH);
    if (badText) throw new HttpError(422, `invalid record: ${badText}`, {}, 'schema');
    if (record.id !== key) throw new HttpError(400, 'Idempotency-Key does not equal record.id');
    if (!UUID_LIKE.test(record.id)) throw new HttpError(422, 'invalid record id', {}, 'schema');

    if (shot.bytes < PNG_SIGNATURE.length || !PNG_SIGNATURE.equals(shot.head.subarray(0, PNG_SIGNATURE.length))) {
      throw new HttpError(422, 'screenshot is not a PNG image', {}, 'screenshot_mismatch');
    }
    const sha256 = shot.sha256;
    if (sha256 !== record.screenshot.sha256) {
      throw new HttpError(422, `screenshot sha256 mismatch: record says ${record.screenshot.sha256}, bytes are ${sha256}`, {}, 'screenshot_mismatch');
    }
    const optionalFile = (name: 'full' | 'source', want: string | null | undefined): FilePart | null => {
      const part = parts.get(name);
      if (!want) {
        if (part) throw new HttpError(422, `part "${name}" sent but the record has no ${name === 'full' ? 'screenshot.full' : 'source'}`, {}, 'screenshot_mismatch');
        return null;
      }
      if (!part || part.kind !== 'file') throw new HttpError(422, `missing file part "${name}" (the record lists one)`, {}, 'screenshot_mismatch');
      if (part.sha256 !== want) throw new HttpError(422, `${name} sha256 mismatch: record says ${want}, bytes are ${part.sha256}`, {}, 'screenshot_mismatch');
      return part;
    };
    const full = optionalFile('full', record.screenshot.full?.sha256);
    const source = optionalFile('source', record.source?.sha256);
    const jsonPart = (name: 'custody' | 'keys'): unknown => {
      const p = parts.get(name);
      if (!p || p.kind !== 'text') return undefined;
      let value: unknown;
      try {
        value = JSON.parse(p.text) as unknown;
      } catch {
        throw new HttpError(400, `part "${name}" is not valid JSON`);
      }
      tooDeep(name, value);
      const problem = shapeProblem(value, MAX_JSON_DEPTH);
      if (problem) throw new HttpError(422, `part "${name}": ${problem}`, {}, 'custody_invalid');
      return value;
    };
    const custodyRaw = jsonPart('custody');
    const keysRaw = jsonPart('keys');

    // The strict rule (lib/integrity/record-check.ts): signed capture, signed custody, edits replayed.
    if (!record.attestation) throw new HttpError(422, 'the record is not signed (capture signature missing)', {}, 'unsigned');
    // The signed capture is compared field by field with the record: it too must be sanely shaped.
    let signedCapture: unknown;
    try {
      signedCapture = JSON.parse(record.attestation.payload);
    } catch {
      signedCapture = undefined; // not JSON: the signature check says so
    }
    if (signedCapture !== undefined) tooDeep('record', signedCapture, 'attestation.payload: ');
    const badCapture = signedCapture === undefined ? null : shapeProblem(signedCapture, MAX_JSON_DEPTH);
    if (badCapture) throw new HttpError(422, `invalid record: attestation.payload: ${badCapture}`, {}, 'schema');
    const custodyParsed = z.array(custodyEntrySchema).max(100_000).safeParse(custodyRaw ?? []);
    if (!custodyParsed.success) throw new HttpError(422, `invalid custody log: ${describeIssues(custodyParsed.error)}`, {}, 'custody_invalid');
    const custody = custodyParsed.data;
    if (custody.some((c) => c.recordId !== record.id)) throw new HttpError(422, 'a custody entry names another record', {}, 'custody_invalid');
    const { keys } = keyMap(keysRaw ?? []);
    const proof = await checkRecord(record, custody as CustodyLink[], { keys });
    if (!proof.ok) {
      const first = proof.problems[0]!;
      const code = first.code === 'unsigned' || first.code === 'signature_invalid' || first.code === 'content_differs' ? first.code : 'custody_invalid';
      throw new HttpError(422, proof.problems.map((p) => p.message).join('; '), {}, code);
    }
    if (custody.length === 0) throw new HttpError(422, 'the custody log is missing', {}, 'custody_invalid');

    // The uploading installation: the key that signed the last entry (0.1.0 records: the capture key).
    const uploaderKeyId = proof.holderKeyId ?? proof.captureKeyId!;
    const uploaderKey = uploaderKeyId === record.attestation.keyId ? record.attestation.publicKey : keys.get(uploaderKeyId);
    if (!uploaderKey) throw new HttpError(422, 'the public key of the uploading installation is missing (part "keys")', {}, 'custody_invalid');
    const registered = await storage.registerKey(monitor, uploaderKeyId, JSON.stringify(uploaderKey), new Date().toISOString());
    if (registered.monitor !== monitor) throw new HttpError(403, 'this installation key belongs to another monitor', {}, 'key_other_monitor');
    if (registered.status === 'pending') {
      throw new HttpError(403, 'this device (installation key) is not approved yet: ask the coordinator to approve it', {}, 'device_not_approved');
    }
    if (registered.status === 'revoked') throw new HttpError(403, 'this device (installation key) was revoked by the coordinator', {}, 'key_revoked');

    // The record as received (only known fields, checked above), canonicalised for the retry comparison.
    const recordJson = canonicalJson(raw);
    const custodyJson = JSON.stringify(custody);
    const attestation = record.attestation;
    const newReceipt = (receivedAt: string) => makeReceipt({
      type: 'asn-evidence-receipt', v: 1, recordId: record.id,
      capturedSha256: capturedSha256(attestation.payload), screenshotSha256: sha256,
      fullSha256: record.screenshot.full?.sha256 ?? null, sourceSha256: record.source?.sha256 ?? null,
      custodyHead: custody.at(-1)?.hash ?? null, custodyLength: custody.length,
      installationKeyId: attestation.keyId, uploaderKeyId, monitor, receivedAt, serverKeyId: serverKey.jwk.kid,
    }, serverKey.signer);

    /**
     * The id is stored already: a true retry (200, the stored receipt), an amendment (200, a new
     * version and a new receipt), or a conflict (409). docs/sync-protocol.md, "Amendments".
     */
    const compare = async (existing: StoredEvidence): Promise<{ status: 200; receipt: UploadReply }> => {
      for (let round = 0; ; round++) {
        const relation = amendmentOf(existing, { monitor, sha256, recordJson, custody, attestation });
        if (relation.kind === 'same') return { status: 200, receipt: replyOf(existing) };
        if (relation.kind === 'conflict') {
          throw new HttpError(409, `record ${record.id} was already received with different content: ${relation.reason}`, {}, relation.code);
        }
        const amendedAt = new Date().toISOString();
        const result = await storage.amend(record.id, existing.version, {
          recordJson, subjectName: record.subject.name, custodyJson,
          receiptJson: JSON.stringify(await newReceipt(amendedAt)), amendedAt,
        });
        if (result.amended) {
          log(`amended id=${record.id} version=${result.row.version} monitor=${monitor}`);
          await fileRecord(record.id);
          return { status: 200, receipt: replyOf(result.row) };
        }
        // Another amendment of this record was stored meanwhile: judge this one against it.
        if (!result.existing || round >= 4) throw new HttpError(409, `record ${record.id} changed while this amendment was checked: send it again`, {}, 'amend_race');
        existing = result.existing;
      }
    };

    // Cheap path for retries: nothing moved when the row is already there.
    const before = await storage.get(record.id);
    if (before) return compare(before);

    const relPath = `${record.id}/${sha256}.png`;
    const fullPath = full ? `${record.id}/full-${full.sha256}.png` : null;
    const sourcePath = source ? `${record.id}/source-${source.sha256}.html` : null;
    // Files first (fsync, rename, fsync of the folder), then the row: a crash leaves at most orphan
    // files, never a row without its files.
    await files.put(relPath, shot.path, sha256);
    if (full) await files.put(fullPath!, full.path, full.sha256);
    if (source) await files.put(sourcePath!, source.path, source.sha256);
    const receivedAt = new Date().toISOString();
    const signedReceipt = await newReceipt(receivedAt);
    const row: NewEvidence = {
      id: record.id,
      receivedAt,
      monitor,
      sha256,
      recordJson,
      platform: record.platform,
      kind: record.kind,
      subjectName: record.subject.name,
      pageUrl: record.page.url,
      capturedAt: record.capturedAt,
      screenshotPath: relPath,
      screenshotBytes: shot.bytes,
      custodyJson,
      receiptJson: JSON.stringify(signedReceipt),
      keyId: record.attestation.keyId,
      fullPath,
      sourcePath,
    };
    const result = await storage.insert(row);
    if (result.inserted) {
      await fileRecord(record.id);
      return { status: 201, receipt: replyOf(result.row) };
    }
    // Lost a race. Our files are only garbage where the stored row points at other ones.
    const kept = new Set([result.existing.screenshotPath, result.existing.fullPath, result.existing.sourcePath]);
    for (const p of [relPath, fullPath, sourcePath]) {
      if (p && !kept.has(p)) await files.discard(p);
    }
    return compare(result.existing);
  }

  function replyOf(row: StoredEvidence): UploadReply {
    return {
      id: row.id, receivedAt: row.amendedAt ?? row.receivedAt, sha256: row.sha256,
      receipt: JSON.parse(row.receiptJson) as Receipt | null, version: row.version,
    };
  }

  async function handlePost(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const req = request.raw;
    const fault = testHooks ? faults.take() : null;
    const beforeStore =
      fault !== null &&
      (fault.type === 'hang' ||
        (fault.type === 'status' && fault.afterStore !== true) ||
        (fault.type === 'garbageJson' && fault.afterStore === false));
    if (fault && beforeStore) {
      await drain(req, maxBytes);
      if (fault.type === 'hang') {
        await new Promise<void>((done) => {
          hanging.add(done);
          if (fault.ms) setTimeout(done, fault.ms).unref();
        });
        reply.hijack();
        reply.raw.destroy();
        return 'fault=hang';
      }
      if (fault.type === 'garbageJson') {
        send(reply, 201, '{"id": <html>oops', 'application/json; charset=utf-8');
        return 'fault=garbageJson-before-store';
      }
      sendJson(reply, fault.status ?? 500, { error: 'injected fault' }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
      return `fault=status${fault.status ?? 500}`;
    }
    const monitor = await authorize(req, 'upload');
    const { status, receipt } = await receive(req, monitor);
    if (fault?.type === 'status') {
      sendJson(reply, fault.status ?? 500, { error: 'injected fault after store' }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
      return `fault=status${fault.status ?? 500}-after-store monitor=${monitor} id=${receipt.id}`;
    }
    if (fault?.type === 'garbageJson') {
      send(reply, 201, '{"id": "' + receipt.id + '", "receivedAt": <html>oops', 'application/json; charset=utf-8');
      return `fault=garbageJson monitor=${monitor} id=${receipt.id}`;
    }
    if (fault?.type === 'wrongSha256') {
      const wrong = receipt.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      sendJson(reply, 200, { ...receipt, sha256: wrong });
      return `fault=wrongSha256 monitor=${monitor} id=${receipt.id}`;
    }
    sendJson(reply, status, receipt);
    return `monitor=${monitor} id=${receipt.id}`;
  }

  app.setErrorHandler(async (e: unknown, request, reply) => {
    const req = request.raw;
    // Fastify's own refusals (a bad URL, a body its parsers refuse) carry a 4xx statusCode.
    const fw = e as { statusCode?: number; message?: string };
    const known = e instanceof HttpError ? e
      : typeof fw.statusCode === 'number' && fw.statusCode >= 400 && fw.statusCode < 500 ? new HttpError(fw.statusCode, fw.message ?? 'bad request') : null;
    const status = known ? known.status : 500;
    // An early reply (401, 403, 429, 400 before the whole body arrived): read and discard the
    // rest of the body first (bounded), so the client reads this answer instead of having its
    // upload cut off (EPIPE/ECONNRESET, which it would retry). 413, or a body that does not end
    // within the bounds: answer and close the connection.
    const close = status === 413 || (!req.complete && !(await finishBody(req)));
    const headers = { ...CORS_HEADERS, ...(known ? known.headers : {}), ...(close ? { Connection: 'close' } : {}) };
    if (known) notes.set(request, known.message);
    else notes.set(request, (e as Error)?.message ?? String(e));
    const body = known ? { error: known.message, ...(known.code ? { code: known.code } : {}) } : { error: 'internal server error' };
    reply.code(status).headers({ ...headers, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
      .type('application/json; charset=utf-8').send(JSON.stringify(body));
    return reply;
  });
  app.addHook('onResponse', async (request, reply) => {
    log(`${request.method} ${request.url.split('?')[0]} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms ${notes.get(request) ?? ''}`.trimEnd());
  });
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function parseLimit(url: URL): number {
    const v = url.searchParams.get('limit');
    if (v === null) return 100;
    if (!/^\d{1,6}$/.test(v) || Number(v) < 1) throw new HttpError(400, 'limit must be a positive integer');
    return Math.min(Number(v), 1000);
  }

  const urlOf = (request: FastifyRequest): URL => new URL(request.raw.url ?? '/', 'http://localhost');

  /** The record id in a path, checked (400 when malformed). */
  function recordIdParam(raw: string | undefined): string {
    const id = raw ?? '';
    if (!UUID_LIKE.test(id)) throw new HttpError(400, 'malformed record id');
    return id;
  }

  /** Answers a CORS preflight (also Chrome's Private Network Access preflight: public page -> 127.0.0.1 / LAN server). */
  function preflight(request: FastifyRequest, reply: FastifyReply): void {
    const headers: Record<string, string> = {
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Idempotency-Key, Content-Type',
      'Access-Control-Max-Age': '600',
    };
    if (request.headers['access-control-request-private-network'] === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
    reply.code(204).headers({ ...CORS_HEADERS, ...headers, 'Content-Length': '0' }).send();
  }

  /**
   * One API path, its handlers by method: another method gets 405 with Allow, OPTIONS the CORS
   * preflight. A handler returns the note for the request log line.
   */
  type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<string>;
  function api(url: string, handlers: Partial<Record<'GET' | 'POST' | 'DELETE', Handler>>, allowHead = false): void {
    const allow = [...Object.keys(handlers), ...(allowHead ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    app.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      handler: async (request, reply) => {
        const method = request.method;
        if (method === 'OPTIONS') {
          preflight(request, reply);
          return reply;
        }
        const handler = handlers[method as 'GET' | 'POST' | 'DELETE'] ?? (method === 'HEAD' && allowHead ? handlers.GET : undefined);
        if (!handler) throw new HttpError(405, 'method not allowed', { Allow: allow });
        notes.set(request, await handler(request, reply));
        return reply;
      },
    });
  }

  api('/v1/health', {
    GET: async (_request, reply) => {
      sendJson(reply, 200, { ok: true, version: SERVER_VERSION, protocol: 2, maxBytes, serverKey: serverKey.jwk });
      return '';
    },
  }, true);

  api('/v1/whoami', {
    // The extension's connection test: is this token known, enabled, and may it upload?
    GET: async (request, reply) => {
      const who = await identify(bearer(request.raw));
      if (!who.ok) {
        throw new HttpError(who.status, who.error, who.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="asn-evidence"' } : {},
          who.status === 403 ? 'token_disabled' : undefined);
      }
      sendJson(reply, 200, { monitor: who.monitor, role: who.role, scopes: who.scopes });
      return `${who.role}=${who.monitor} whoami`;
    },
  });

  api('/v1/evidence', {
    POST: (request, reply) => handlePost(request, reply),
    GET: async (request, reply) => {
      const who = await authorizeRole(request.raw, 'list');
      const filter = readFilter(who);
      sendJson(reply, 200, { records: await storage.list(parseLimit(urlOf(request)), filter), total: await storage.count(filter) });
      return `${who.role}=${who.monitor}`;
    },
  });

  /** The stored row a reader may see (another monitor's record is answered exactly as one that does not exist). */
  async function readableRow(request: FastifyRequest): Promise<{ who: { monitor: string; role: Role }; row: StoredEvidence }> {
    const who = await authorizeRole(request.raw, 'list');
    const id = recordIdParam((request.params as { id?: string }).id);
    const row = await storage.get(id);
    if (!row || !mayRead(who, row)) throw new HttpError(404, 'no such record');
    return { who, row };
  }

  api('/v1/evidence/:id', {
    GET: async (request, reply) => {
      const { who, row } = await readableRow(request);
      sendJson(reply, 200, {
        id: row.id, receivedAt: row.receivedAt, monitor: row.monitor, sha256: row.sha256,
        version: row.version, amendedAt: row.amendedAt,
        screenshotBytes: row.screenshotBytes, record: JSON.parse(row.recordJson) as unknown,
        receipt: JSON.parse(row.receiptJson) as unknown, custody: JSON.parse(row.custodyJson) as unknown,
      });
      return `${who.role}=${who.monitor} id=${row.id}`;
    },
  });

  api('/v1/evidence/:id/versions', {
    GET: async (request, reply) => {
      const { who, row } = await readableRow(request);
      // The versions amendments replaced, oldest first, each with its own receipt; the current one is the record itself.
      const versions = await storage.versions(row.id);
      sendJson(reply, 200, {
        id: row.id, version: row.version,
        versions: versions.map((v) => ({
          version: v.version, receivedAt: v.receivedAt, supersededAt: v.supersededAt, monitor: v.monitor, sha256: v.sha256,
          record: JSON.parse(v.recordJson) as unknown, receipt: JSON.parse(v.receiptJson) as unknown, custody: JSON.parse(v.custodyJson) as unknown,
        })),
      });
      return `${who.role}=${who.monitor} id=${row.id} versions`;
    },
  });

  for (const part of ['screenshot', 'full', 'source'] as const) {
    api(`/v1/evidence/:id/${part}`, {
      GET: async (request, reply) => {
        const { who, row } = await readableRow(request);
        const rel = part === 'screenshot' ? row.screenshotPath : part === 'full' ? row.fullPath : row.sourcePath;
        if (!rel) throw new HttpError(404, `this record has no ${part}`);
        const bytes = await files.get(rel);
        // The row names a file the store does not have: a server fault, not "no such file".
        if (!bytes) throw new Error(`record ${row.id}: stored ${part} ${rel} is missing`);
        if (part === 'source') {
          // The flagged item's HTML as captured: text to read, never a page to render here.
          send(reply, 200, bytes, 'text/html; charset=utf-8', { 'Content-Security-Policy': "default-src 'none'; sandbox", 'Content-Disposition': 'attachment; filename="source.html"' });
        } else send(reply, 200, bytes, 'image/png');
        return `${who.role}=${who.monitor} id=${row.id} ${part}`;
      },
    });
  }

  /** Streams a bundle of these rows (the same format as the extension's) as the reply. */
  async function streamExport(reply: FastifyReply, rows: StoredEvidence[], exportedBy: string, label: string, history?: TeamHistory): Promise<string> {
    const name = `bukti-asn-${label}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}.zip`;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...CORS_HEADERS, 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    try {
      const out = await exportRecords({
        rows, storage, files, serverKey, exportedBy, history,
        onChunk: async (chunk, final) => {
          if (!res.write(chunk)) await new Promise<void>((ok) => res.once('drain', () => ok()));
          if (final) res.end();
        },
      });
      return `export records=${out.recordCount} bytes=${out.size}`;
    } catch (e) {
      res.destroy(e as Error); // the client sees a cut download, never a bundle that looks whole
      return `export failed: ${(e as Error).message}`;
    }
  }

  api('/v1/export', {
    GET: async (request, reply) => {
      const who = await authorizeRole(request.raw, 'list');
      if (who.role === 'monitor') throw new HttpError(403, 'only a coordinator or an auditor may export from the server', {}, 'forbidden');
      const url = urlOf(request);
      const idsParam = url.searchParams.get('ids');
      const ids = idsParam === null ? undefined : idsParam.split(',').filter(Boolean);
      if (ids && (ids.length === 0 || ids.length > EXPORT_MAX_RECORDS || ids.some((x) => !UUID_LIKE.test(x)))) throw new HttpError(400, 'ids must be a comma-separated list of record ids');
      const monitorParam = url.searchParams.get('monitor') ?? undefined;
      const rows = await storage.rows({ ids, monitor: monitorParam }, EXPORT_MAX_RECORDS + 1);
      if (rows.length === 0) throw new HttpError(404, 'no records match');
      if (rows.length > EXPORT_MAX_RECORDS) throw new HttpError(400, `more than ${EXPORT_MAX_RECORDS} records: export fewer at a time (ids=... or monitor=...)`);
      const note = await streamExport(reply, rows, who.monitor, 'server');
      log(`GET /v1/export 200 ${who.role}=${who.monitor} ${note}`);
      return note;
    },
  });

  api('/v1/keys', {
    GET: async (request, reply) => {
      const who = await authorizeRole(request.raw, 'list');
      if (who.role === 'monitor') throw new HttpError(403, 'only a coordinator or an auditor may list device keys', {}, 'forbidden');
      sendJson(reply, 200, { keys: await storage.listKeys() });
      return `monitor=${who.monitor}`;
    },
  });
  for (const action of ['approve', 'revoke'] as const) {
    api(`/v1/keys/:keyId/${action}`, {
      POST: async (request, reply) => {
        const who = await authorizeRole(request.raw, 'keys');
        const keyId = (request.params as { keyId?: string }).keyId ?? '';
        if (!/^[0-9a-f]{64}$/.test(keyId)) throw new HttpError(400, 'malformed key id (64 hex digits)');
        const key = await storage.decideKey(keyId, action === 'approve' ? 'approved' : 'revoked', who.monitor, new Date().toISOString());
        if (!key) throw new HttpError(404, 'no such key');
        sendJson(reply, 200, key);
        return `coordinator=${who.monitor} ${action} key=${keyId.slice(0, 16)}`;
      },
    });
  }

  // The old record list: the team's workspace replaced it.
  for (const url of ['/', '/records']) {
    api(url, {
      GET: async (_request, reply) => {
        reply.code(303).headers({ Location: '/posko', 'Cache-Control': 'no-store' }).send();
        return 'to /posko';
      },
    }, true);
  }

  if (testHooks) {
    api('/__test/memory', {
      // The server's own memory, for tests that run it in another process.
      GET: async (_request, reply) => {
        sendJson(reply, 200, process.memoryUsage());
        return '';
      },
    });
    const listFaults = async (_request: FastifyRequest, reply: FastifyReply): Promise<string> => {
      sendJson(reply, 200, { faults: faults.list() });
      return '';
    };
    api('/__test/faults', {
      GET: listFaults,
      POST: async (request, reply) => {
        let body = '';
        for await (const chunk of request.raw as AsyncIterable<Buffer>) {
          body += chunk.toString('utf8');
          if (body.length > 65536) throw new HttpError(413, 'too large');
        }
        let specs: FaultSpec[];
        try {
          specs = validateFaults(JSON.parse(body || '[]'));
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
        faults.set(specs);
        return listFaults(request, reply);
      },
      DELETE: async (request, reply) => {
        faults.set([]);
        return listFaults(request, reply);
      },
    });
  }

  /** The team's findings about the ASN of these records: the report's "Riwayat temuan tim". */
  async function historyOf(ids: readonly string[]): Promise<TeamHistory> {
    const subjectIds = new Set<number>();
    for (const id of ids) {
      const f = await team.findingOf(id);
      if (f) subjectIds.add(f.subjectId);
    }
    const findings: TeamHistory['findings'][number][] = [];
    for (const sid of subjectIds) {
      const detail = await team.subject(sid);
      if (!detail) continue;
      for (const f of detail.findings) {
        findings.push({
          subjectName: detail.subject.name, nip: detail.subject.nip, platform: f.platform, kind: f.kind, firstCapturedAt: f.firstCapturedAt,
          violations: f.violations, status: f.status, witnesses: [...new Set(f.witnesses.map((w) => w.monitor))], forwardedTo: f.forwardedTo,
          forwardedOn: f.forwardedOn, letterNumber: f.letterNumber, sanction: f.sanction, rejectedReason: f.rejectedReason,
          recordIds: f.witnesses.map((w) => w.evidenceId),
        });
      }
    }
    return { source: 'server tim (Posko Timwas)', asOf: new Date().toISOString(), findings };
  }

  /** A coordinator's or an auditor's token (the register is not a monitor's). */
  async function reader(request: FastifyRequest): Promise<{ monitor: string; role: Role }> {
    const who = await authorizeRole(request.raw, 'list');
    if (who.role === 'monitor') throw new HttpError(403, 'only a coordinator or an auditor may read the team register', {}, 'forbidden');
    return who;
  }
  const pageParams = (url: URL): { page: number; pageSize: number } => {
    const page = url.searchParams.get('page') ?? '1';
    const size = url.searchParams.get('pageSize') ?? '100';
    if (!/^\d{1,6}$/.test(page) || Number(page) < 1 || !/^\d{1,4}$/.test(size) || Number(size) < 1) throw new HttpError(400, 'page and pageSize must be positive integers');
    return { page: Number(page), pageSize: Math.min(Number(size), 500) };
  };
  const teamFailure = (e: unknown): never => {
    if (e instanceof TeamError) throw new HttpError(e.status, e.message, {}, e.code);
    throw e;
  };

  api('/v1/subjects', {
    // The team register (shared contracts section 5): one entry per ASN across all monitors.
    GET: async (request, reply) => {
      const who = await reader(request);
      const url = urlOf(request);
      const { page, pageSize } = pageParams(url);
      const q = url.searchParams.get('q') ?? undefined;
      const out = await team.subjects({ q, openOnly: url.searchParams.get('open') === '1' }, page, pageSize);
      sendJson(reply, 200, { subjects: out.items, total: out.total, page: out.page, pageSize: out.pageSize });
      return `${who.role}=${who.monitor} subjects=${out.items.length}`;
    },
  });
  api('/v1/subjects/:id', {
    GET: async (request, reply) => {
      const who = await reader(request);
      const raw = (request.params as { id?: string }).id ?? '';
      if (!/^\d{1,15}$/.test(raw)) throw new HttpError(400, 'malformed subject id');
      const detail = await team.subject(Number(raw)).catch(teamFailure);
      // An entry whose records all moved elsewhere (amendments) is no longer in the register.
      if (!detail || detail.subject.records === 0) throw new HttpError(404, 'no such subject');
      sendJson(reply, 200, detail);
      return `${who.role}=${who.monitor} subject=${raw}`;
    },
  });
  api('/v1/audit', {
    // The signed, hash-chained audit log (docs/workspace.md), with the server's own re-check.
    GET: async (request, reply) => {
      const who = await reader(request);
      const { page, pageSize } = pageParams(urlOf(request));
      const log = await team.auditLog({}, page, pageSize);
      sendJson(reply, 200, { entries: log.items, total: log.total, page: log.page, pageSize: log.pageSize, check: await team.verifyAudit(), serverKey: serverKey.jwk });
      return `${who.role}=${who.monitor} audit`;
    },
  });
  api('/v1/team/known', {
    // What a monitor's extension may learn about accounts and NIPs it shows: counts only.
    GET: async (request, reply) => {
      const who = await authorizeRole(request.raw, 'list');
      const url = urlOf(request);
      const parsed = parseKnownQuery(url.searchParams);
      if (!parsed.ok) throw new HttpError(400, parsed.error);
      const nips = parsed.keys.filter((k) => k.kind === 'nip');
      const accounts = parsed.keys.filter((k) => k.kind === 'account');
      const counts = await team.knowledge({ nips: nips.map((k) => k.key), accounts: accounts.map((k) => k.key) });
      // Answered under each key as asked (the extension asks normalised keys); only keys with findings.
      const asked = [...nips, ...accounts];
      // A key asked twice is answered once.
      const seen = new Set<string>();
      const known = counts.map((c, i) => ({ ...c, key: asked[i]!.asked }))
        .filter((c) => {
          if (c.findings === 0 || seen.has(c.key)) return false;
          seen.add(c.key);
          return true;
        });
      sendJson(reply, 200, { known });
      return `${who.role}=${who.monitor} known keys=${asked.length}`;
    },
  });

  await app.register(workspacePlugin, {
    team, auth, storage, timeZone, serverKeyKid: serverKey.jwk.kid,
    secureCookies: options.secureCookies === true,
    readFile: (path: string) => files.get(path),
    exportBundle: async (ids: string[], exportedBy: string, reply: FastifyReply) => {
      const rows = await storage.rows({ ids }, EXPORT_MAX_RECORDS + 1);
      const note = await streamExport(reply, rows, exportedBy, 'posko', await historyOf(ids));
      log(`workspace export by ${exportedBy}: ${note}`);
    },
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (request.method === 'OPTIONS') {
      preflight(request, reply);
      return reply;
    }
    throw new HttpError(404, 'not found');
  });

  /** Reads and discards the rest of a refused request's body; false when it is too large, too slow, or too many are being discarded. */
  async function finishBody(req: IncomingMessage): Promise<boolean> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return false;
    if (draining >= MAX_DRAINING) return false;
    draining++;
    try {
      return await discardRest(req, maxBytes, DRAIN_TIMEOUT_MS);
    } finally {
      draining--;
    }
  }


  const host = options.host ?? DEFAULT_HOST;
  await app.listen({ port: options.port ?? DEFAULT_PORT, host });
  const port = (app.server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    storage,
    files,
    team,
    serverKey: serverKey.jwk,
    screenshotsDir,
    uploadsInProgress: () => slots.active,
    setFaults(list: FaultSpec[]) {
      if (!testHooks) throw new Error('faults require testHooks: true');
      faults.set(validateFaults(list));
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const release of hanging) release();
      hanging.clear();
      const closed = app.close();
      app.server.closeIdleConnections();
      // Give in-flight requests a moment, then cut what is left.
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 2000);
      timer.unref();
      await closed;
      clearTimeout(timer);
      await storage.close();
    },
  };
}
