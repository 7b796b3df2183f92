/**
 * The strict rule (docs/integrity.md), one implementation for the CLI verifier, the extension's
 * verify/import screen and the backend. A record is valid only if
 *  1. its capture signature verifies and is about this record (lib/integrity/attestation.ts);
 *  2. its custody log is hash-chained, starts with the capture, and every entry is signed: the
 *     capture by the capture key, later entries by the installation holding the record (the
 *     capture key until an `import` entry hands it to the importing installation's key);
 *     records captured by 0.1.0 may keep the unsigned entries 0.1.0 wrote, never after a signed one;
 *  3. its content equals the signed capture with the log's edits replayed in order;
 *  4. every server receipt in its `sync` entries is signed by the server and is about this record.
 * Anything else is invalid, naming the record, the ASN and what differs.
 */
import type { Attestation } from './attestation';
import { verifyAttestation } from './attestation';
import { verifySignedCustody, type CustodyLink } from './custody';
import { isPublicJwk, keyIdOf, type PublicJwk } from './keys';
import { capturedSha256, verifyReceipt, type ReceiptBody } from './receipt';
import { changesOf, diffFields, jsonEqual, replayEdits, short } from './replay';

export interface ProofProblem { code: string; message: string; messageId: string }

export interface FieldChangeProof { path: string; captured: unknown; current: unknown; at: string | null; actor: string | null }

export interface ReceiptProof {
  ok: boolean;
  trusted: boolean;
  body: ReceiptBody | null;
  serverKeyId: string | null;
}

export interface RecordProof {
  recordId: string;
  subjectName: string | null;
  subjectNip: string | null;
  ok: boolean;
  problems: ProofProblem[];
  captureKeyId: string | null;
  /** key of the last signed custody entry: the installation that held the record last */
  holderKeyId: string | null;
  /** captured by 0.1.0: its older custody entries are hash-chained but not signed */
  legacy: boolean;
  changes: FieldChangeProof[];
  receipts: ReceiptProof[];
}

export interface CheckRecordOptions {
  /** public keys by key id (bundle manifest `keys`); the capture key is added from the attestation */
  keys?: ReadonlyMap<string, PublicJwk>;
  /** server key ids the reader trusts; receipts signed by other keys are checked but not trusted */
  trustedServerKeys?: ReadonlySet<string>;
}

interface CheckableRecord {
  id: string;
  capturedAt: string;
  screenshot: { sha256: string; full?: { sha256: string } | null };
  source?: { sha256: string } | null;
  subject?: { name?: string | null; nip?: string | null };
  attestation?: Attestation | null;
}

/** 0.1.0 wrote records whose custody entries are not signed; the version is inside the signed capture. */
export function isLegacyCapture(signed: Record<string, unknown>): boolean {
  const v = (signed.client as { extensionVersion?: unknown } | undefined)?.extensionVersion;
  return typeof v === 'string' && /^0\.1\.\d+$/.test(v);
}

export async function checkRecord(record: CheckableRecord, log: readonly CustodyLink[], opts: CheckRecordOptions = {}): Promise<RecordProof> {
  const problems: ProofProblem[] = [];
  const who = `${record.id}${record.subject?.name ? ` (${short(record.subject.name, 60).replace(/^"|"$/g, '')})` : ''}`;
  const add = (code: string, message: string, messageId: string) => problems.push({ code, message: `record ${who}: ${message}`, messageId: `bukti ${who}: ${messageId}` });
  const proof: RecordProof = {
    recordId: record.id, subjectName: record.subject?.name ?? null, subjectNip: record.subject?.nip ?? null,
    ok: false, problems, captureKeyId: null, holderKeyId: null, legacy: false, changes: [], receipts: [],
  };

  // 1. capture signature
  const att = await verifyAttestation(record);
  if (!att.ok) {
    add(record.attestation ? 'signature_invalid' : 'unsigned', `capture signature: ${att.reason}`, `tanda tangan penangkapan: ${att.reasonId}`);
    return proof;
  }
  const a = record.attestation!;
  proof.captureKeyId = a.keyId;
  proof.legacy = isLegacyCapture(att.signed);
  const keys = new Map(opts.keys ?? []);
  keys.set(a.keyId, a.publicKey);

  // 2. custody log: chain, signatures, who signed what
  if (log.length === 0) {
    add('custody_missing', 'it has no custody log', 'tidak memiliki log serah-terima');
    return proof;
  }
  const chain = await verifySignedCustody(record.id, log, keys, !proof.legacy);
  if (!chain.ok) {
    add('custody_broken', `custody log broken at entry ${chain.index + 1}: ${chain.reason}`, `log serah-terima rusak pada entri ${chain.index + 1}: ${chain.reasonId}`);
    return proof;
  }
  if (log[0]!.action !== 'capture') add('custody_broken', 'the custody log does not start with the capture', 'log serah-terima tidak diawali penangkapan');
  let holder = a.keyId;
  let signedSeen = false;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if (!e.keyId) {
      if (signedSeen) { add('custody_broken', `custody entry ${i + 1} (${e.action}) is unsigned after signed entries`, `entri serah-terima ${i + 1} (${e.action}) tidak ditandatangani setelah entri bertanda tangan`); break; }
      continue;
    }
    signedSeen = true;
    if (i === 0 && e.keyId !== a.keyId) { add('custody_foreign_key', 'the capture entry is signed by another key than the capture', 'entri penangkapan ditandatangani kunci lain dari kunci penangkapan'); break; }
    if (e.action === 'import') holder = e.keyId;
    else if (e.keyId !== holder) {
      add('custody_foreign_key', `custody entry ${i + 1} (${e.action}) is signed by key ${e.keyId.slice(0, 16)}, not by the installation holding the record (${holder.slice(0, 16)})`,
        `entri serah-terima ${i + 1} (${e.action}) ditandatangani kunci ${e.keyId.slice(0, 16)}, bukan oleh instalasi pemegang bukti (${holder.slice(0, 16)})`);
      break;
    }
  }
  proof.holderKeyId = signedSeen ? holder : null;

  // 3. content = signed capture + edits replayed
  const replay = replayEdits(att.signed, log);
  const { attestation: _a, ...current } = record as unknown as Record<string, unknown>;
  if (!replay.ok) {
    add('edit_log_mismatch', replay.reason, replay.reasonId);
  } else {
    const currentJson = JSON.parse(JSON.stringify(current)) as unknown;
    const diffs = diffFields(replay.record, currentJson);
    if (diffs.length) {
      const list = diffs.slice(0, 8).map((d) => `${d.path}: ${short(d.expected)} -> ${short(d.actual)}`).join('; ');
      add('content_differs', `fields differ from the signed capture with no signed edit: ${list}${diffs.length > 8 ? `; ... (${diffs.length} in all)` : ''}`,
        `kolom berbeda dari tangkapan bertanda tangan tanpa perubahan bertanda tangan di log: ${list}${diffs.length > 8 ? `; ... (${diffs.length} seluruhnya)` : ''}`);
    }
  }
  // the monitor's changes after capture, with the captured values (for the report)
  const last = new Map<string, { at: string | null; actor: string | null }>();
  for (const e of log) {
    if (e.action !== 'edit') continue;
    for (const c of changesOf(e) ?? []) last.set(c.path, { at: e.at ?? null, actor: e.actor ?? null });
  }
  for (const [path, when] of last) {
    const [s, k] = path.split('.') as [string, string];
    const captured = (att.signed[s] as Record<string, unknown> | null | undefined)?.[k] ?? null;
    const now = (current[s] as Record<string, unknown> | null | undefined)?.[k] ?? null;
    if (!jsonEqual(captured, now)) proof.changes.push({ path, captured, current: now, ...when });
  }

  // 4. receipts
  const hashes = log.map((e) => e.hash ?? null);
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    // The extension keeps the receipt in its `sync` entry; the server, exporting, in its `import` entry.
    const r = (e.action === 'sync' || e.action === 'import') && e.details && typeof e.details === 'object' ? (e.details as { receipt?: unknown }).receipt : undefined;
    if (r === undefined || (r as { format?: unknown } | null)?.format === undefined) continue; // 0.1.0 sync entries: {id, receivedAt, sha256}
    const rc = await verifyReceipt(r);
    if (!rc.ok) {
      add('receipt_invalid', `server receipt in custody entry ${i + 1}: ${rc.reason}`, `tanda terima server pada entri serah-terima ${i + 1}: ${rc.reasonId}`);
      proof.receipts.push({ ok: false, trusted: false, body: null, serverKeyId: null });
      continue;
    }
    const b = rc.body;
    const wrong: string[] = [];
    if (b.recordId !== record.id) wrong.push(`it is for record ${short(b.recordId, 40)}`);
    if (b.capturedSha256 !== capturedSha256(a.payload)) wrong.push('the signed capture differs');
    if (b.screenshotSha256 !== record.screenshot.sha256) wrong.push('the screenshot hash differs');
    if ((b.fullSha256 ?? null) !== (record.screenshot.full?.sha256 ?? null)) wrong.push('the full-tab screenshot hash differs');
    if ((b.sourceSha256 ?? null) !== (record.source?.sha256 ?? null)) wrong.push('the source HTML hash differs');
    if (b.installationKeyId !== a.keyId) wrong.push('it names another capture key');
    const at = b.custodyHead === null ? -1 : hashes.indexOf(b.custodyHead);
    if (at < 0 || at >= i || b.custodyLength !== at + 1) wrong.push('the custody log it received is not this log');
    else if (log[at]!.keyId && b.uploaderKeyId !== log[at]!.keyId) wrong.push('it names another uploading installation');
    if (wrong.length) {
      add('receipt_mismatch', `server receipt in custody entry ${i + 1} does not match: ${wrong.join(', ')}`, `tanda terima server pada entri serah-terima ${i + 1} tidak cocok: ${wrong.join(', ')}`);
    }
    proof.receipts.push({ ok: wrong.length === 0, trusted: !!opts.trustedServerKeys?.has(rc.serverKeyId), body: b, serverKeyId: rc.serverKeyId });
  }

  proof.ok = problems.length === 0;
  return proof;
}

/** The public keys an `import` custody entry lists (details.keys), thumbprint-checked; none for other entries. */
export function importedKeys(entry: { action: string; details?: unknown }): Map<string, PublicJwk> {
  if (entry.action !== 'import' || !entry.details || typeof entry.details !== 'object') return new Map();
  return keyMap((entry.details as { keys?: unknown }).keys).keys;
}

/**
 * Every public key a record's own data names: the capture key (its attestation) and the keys each
 * `import` entry of its log lists. What a bundle's manifest, an upload's `keys` part and a server
 * import entry carry for the record, so a verifier can check each custody signature.
 */
export function recordKeys(
  record: { attestation?: { keyId: string; publicKey: PublicJwk } | null },
  custody: readonly { action: string; details?: unknown }[],
): Map<string, PublicJwk> {
  const keys = new Map<string, PublicJwk>();
  if (record.attestation) keys.set(record.attestation.keyId, record.attestation.publicKey);
  for (const e of custody) for (const [id, k] of importedKeys(e)) keys.set(id, k);
  return keys;
}

/** Manifest/upload `keys`: [{keyId, publicKey}] -> map, refusing ids that are not the key's thumbprint. */
export function keyMap(list: unknown): { keys: Map<string, PublicJwk>; bad: string[] } {
  const keys = new Map<string, PublicJwk>();
  const bad: string[] = [];
  if (!Array.isArray(list)) return { keys, bad };
  for (const k of list) {
    const o = k as { keyId?: unknown; publicKey?: unknown } | null;
    if (!o || typeof o.keyId !== 'string' || !isPublicJwk(o.publicKey) || keyIdOf(o.publicKey) !== o.keyId) {
      bad.push(typeof o?.keyId === 'string' ? o.keyId.slice(0, 16) : '?');
      continue;
    }
    keys.set(o.keyId, { kty: 'EC', crv: 'P-256', x: o.publicKey.x, y: o.publicKey.y });
  }
  return { keys, bad };
}
