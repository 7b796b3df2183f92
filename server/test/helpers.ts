/** Shared by server tests and tests/unit/sync: a valid evidence record, PNG bytes, signed uploads. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { attest } from '../../lib/integrity/attestation';
import { appendSignedCustody, type CustodyLink } from '../../lib/integrity/custody';
import { generateSigningKey, type PublicJwk, type SigningKey } from '../../lib/integrity/keys';
import type { Receipt } from '../../lib/integrity/receipt';
import type { EvidenceRecord } from '../../lib/record/schema';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG of `raw` scanlines (each: filter byte 0, then width * 3 bytes), deflated (zlib's default level unless `level`). */
function encodePng(width: number, height: number, raw: Buffer, level?: number): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, level === undefined ? {} : { level })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** A real (decodable) RGB PNG; `seed` changes the pixel colour so bytes/sha differ. */
export function makePng(width = 4, height = 3, seed = 0): Uint8Array<ArrayBuffer> {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width * 3; x++) raw[y * (width * 3 + 1) + 1 + x] = (x * 37 + y * 11 + seed) & 0xff;
  }
  return encodePng(width, height, raw);
}

/** A real PNG of at least `bytes` bytes: random pixels, stored without compression (large-file tests). */
export function makeNoisePng(bytes: number): Uint8Array<ArrayBuffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3));
  const raw = randomBytes((side * 3 + 1) * side);
  for (let y = 0; y < side; y++) raw[y * (side * 3 + 1)] = 0;
  return encodePng(side, side, raw, 0);
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function makeRecord(png: Uint8Array, over: Partial<EvidenceRecord> = {}): EvidenceRecord {
  const id = over.id ?? randomUUID();
  return {
    id,
    schemaVersion: 1,
    capturedAt: '2024-09-13T02:15:04.123Z',
    timezone: 'Asia/Jakarta',
    platform: 'facebook',
    kind: 'comment',
    page: { url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000', title: 'Facebook' },
    post: {
      id: 'pfbid0abc', url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000',
      authorName: 'Tim Kampanye', authorUrl: 'https://www.facebook.com/timkampanye', text: 'Ayo coblos nomor 2',
      postedAt: null, postedAtLabel: '2 j', mediaType: 'photo',
    },
    comment: {
      id: '1234', url: null, parentId: null, authorName: 'Budi Santoso', authorUrl: 'https://www.facebook.com/budi',
      text: 'Siap menangkan!', postedAt: null, postedAtLabel: 'Kemarin pukul 15.14',
    },
    reaction: null,
    subject: {
      name: 'Budi Santoso', accountUrl: 'https://www.facebook.com/budi', handle: null, nip: '198503142010011002',
      agency: 'Dinas Pendidikan', position: 'Guru', rank: 'III/b', employmentType: 'PNS',
    },
    violation: { types: ['comment'], gestures: [], candidate: 'Paslon 2', election: 'Pilkada 2024', notes: null },
    screenshot: {
      file: `evidence/${id}/screenshot.png`, sha256: sha256Hex(png), mime: 'image/png', width: 4, height: 3,
      devicePixelRatio: 1, region: null,
    },
    monitor: { name: 'Pengawas A', nip: null, unit: 'Diskominfo' },
    fieldSources: { 'comment.authorName': 'dom', 'post.id': 'url' },
    client: { extensionVersion: '0.2.0', browser: 'chrome' },
    ...over,
  };
}

export type UploadCustodyEntry = CustodyLink & { recordId: string };
export interface UploadKey { keyId: string; publicKey: PublicJwk }

export interface UploadOpts {
  token?: string | null;
  idempotencyKey?: string | null;
  recordText?: string;
  png?: Uint8Array<ArrayBuffer>;
  extraHeaders?: Record<string, string>;
  /** part "custody": the record's signed custody log (omitted: no part) */
  custody?: readonly UploadCustodyEntry[];
  /** part "keys": [{keyId, publicKey}] (omitted: no part) */
  keys?: readonly UploadKey[];
}

/** POSTs one record the way the extension does (fetch + FormData). */
export async function postEvidence(baseUrl: string, record: EvidenceRecord, png: Uint8Array<ArrayBuffer>, opts: UploadOpts = {}): Promise<Response> {
  const form = new FormData();
  form.append('record', new Blob([opts.recordText ?? JSON.stringify(record)], { type: 'application/json' }), 'record.json');
  form.append('screenshot', new Blob([opts.png ?? png], { type: 'image/png' }), 'screenshot.png');
  if (opts.custody) form.append('custody', new Blob([JSON.stringify(opts.custody)], { type: 'application/json' }), 'custody.json');
  if (opts.keys) form.append('keys', new Blob([JSON.stringify(opts.keys)], { type: 'application/json' }), 'keys.json');
  const headers: Record<string, string> = { ...opts.extraHeaders };
  if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? 'token-alpha-123'}`;
  if (opts.idempotencyKey !== null) headers['Idempotency-Key'] = opts.idempotencyKey ?? record.id;
  return fetch(`${baseUrl}/v1/evidence`, { method: 'POST', headers, body: form });
}

export const TEST_TOKENS = [
  { monitor: 'alpha', token: 'token-alpha-123' },
  { monitor: 'beta', token: 'token-beta-4567' },
  { monitor: 'gone', token: 'token-gone-8901', enabled: false },
  { monitor: 'reader', token: 'token-reader-22', scopes: ['list' as const] },
  { monitor: 'coord', token: 'token-coord-3333', role: 'coordinator' as const },
];

/**
 * One installation key per token, for the whole test file: the server binds a monitor's first key
 * and refuses another one (403 device_not_approved) until a coordinator approves it, as it would
 * for a monitor's second browser.
 */
const installationKeys = new Map<string, Promise<SigningKey>>();
export function keyFor(token = 'token-alpha-123'): Promise<SigningKey> {
  let k = installationKeys.get(token);
  if (!k) {
    k = generateSigningKey();
    installationKeys.set(token, k);
  }
  return k;
}

/** A record as the extension uploads it: signed at capture, with its signed custody log and the key. */
export interface SignedRecord {
  record: EvidenceRecord;
  custody: UploadCustodyEntry[];
  keys: UploadKey[];
  key: SigningKey;
}

/**
 * What the extension does at capture: sign the record (attestation) and write the signed `capture`
 * custody entry (then `more` entries, signed by the same installation).
 */
export async function signRecord(
  record: EvidenceRecord,
  opts: { token?: string; key?: SigningKey; more?: Omit<CustodyLink, 'prevHash' | 'hash' | 'keyId' | 'sig'>[] } = {},
): Promise<SignedRecord> {
  const key = opts.key ?? (await keyFor(opts.token));
  const captured = new Date(record.capturedAt);
  // attest() signs the record without any attestation it already had (a re-capture under the same id)
  const attestation = await attest(record, key, Number.isNaN(captured.getTime()) ? new Date() : captured);
  const signed: EvidenceRecord = { ...record, attestation };
  const log = await appendSignedCustody<CustodyLink>(record.id, [], [
    { at: record.capturedAt, action: 'capture', actor: record.monitor.name, details: { sha256: record.screenshot.sha256 } },
    ...(opts.more ?? []),
  ], key);
  return {
    record: signed,
    custody: log.map((e) => ({ ...e, recordId: record.id })),
    keys: [{ keyId: key.keyId, publicKey: key.publicKey }],
    key,
  };
}

/** POSTs a signed record with its `custody` and `keys` parts, as the extension does. */
export function postSigned(baseUrl: string, s: SignedRecord, png: Uint8Array<ArrayBuffer>, opts: UploadOpts = {}): Promise<Response> {
  return postEvidence(baseUrl, s.record, png, { custody: s.custody, keys: s.keys, ...opts });
}

/** Sign `record` with the installation key of the uploading token, then POST it. */
export async function signedUpload(
  baseUrl: string, record: EvidenceRecord, png: Uint8Array<ArrayBuffer>, opts: UploadOpts = {},
): Promise<{ res: Response; signed: SignedRecord }> {
  const signed = await signRecord(record, { token: opts.token ?? undefined });
  return { res: await postSigned(baseUrl, signed, png, opts), signed };
}

/** The server's answer to an accepted upload (201/200). */
export interface UploadReply { id: string; receivedAt: string; sha256: string; version: number; receipt: Receipt }

export const strip = (log: readonly UploadCustodyEntry[]): CustodyLink[] => log.map(({ recordId: _r, ...e }) => e);
export const withId = (id: string, log: readonly CustodyLink[]): UploadCustodyEntry[] => log.map((e) => ({ ...e, recordId: id }));

/** What the extension writes after a 2xx: a signed `sync` entry carrying the receipt. */
export async function synced(s: SignedRecord, reply: Pick<UploadReply, 'id' | 'receivedAt' | 'sha256' | 'receipt'>, status: number): Promise<SignedRecord> {
  const log = await appendSignedCustody(s.record.id, strip(s.custody), [{
    at: new Date().toISOString(), action: 'sync', actor: 'Pengawas A',
    details: { id: reply.id, receivedAt: reply.receivedAt, sha256: reply.sha256, httpStatus: status, receipt: reply.receipt },
  }], s.key);
  return { ...s, custody: withId(s.record.id, log) };
}

/** What the extension writes for a correction: the field changed, marked "user", and a signed `edit` entry. */
export async function corrected(s: SignedRecord, path: `subject.${'agency' | 'position' | 'rank'}`, to: string, key = s.key): Promise<SignedRecord> {
  const field = path.split('.')[1] as 'agency' | 'position' | 'rank';
  const record: EvidenceRecord = structuredClone(s.record);
  const from = record.subject[field];
  record.subject[field] = to;
  record.fieldSources[path] = 'user';
  const log = await appendSignedCustody(s.record.id, strip(s.custody), [{
    at: new Date().toISOString(), action: 'edit', actor: 'Pengawas A', details: { changes: [{ path, from, to }] },
  }], key);
  return { ...s, record, custody: withId(s.record.id, log) };
}

