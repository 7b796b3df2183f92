/**
 * Server receipts (shared contracts section 5): for every accepted upload the backend signs, with
 * its own key, what it received and when. The extension keeps the receipt in the record's `sync`
 * custody entry (details.receipt), so bundles carry it. docs/integrity.md has the format.
 */
import { sha256HexOfText } from '../export/sha256';
import { canonicalJson } from './canonical';
import { isPublicJwk, keyIdOf, signText, verifyText, type PublicJwk, type Signer } from './keys';

export const RECEIPT_FORMAT = 'asn-evidence-receipt' as const;

export interface ReceiptBody {
  type: typeof RECEIPT_FORMAT;
  v: 1;
  recordId: string;
  /** SHA-256 (hex) of the UTF-8 bytes of the record's attestation.payload */
  capturedSha256: string;
  screenshotSha256: string;
  fullSha256: string | null;
  sourceSha256: string | null;
  /** hash of the last custody entry received, and how many entries were received */
  custodyHead: string | null;
  custodyLength: number;
  /** the key that signed the capture */
  installationKeyId: string;
  /** the key that signed the last custody entry (the uploading installation) */
  uploaderKeyId: string;
  /** the monitor whose token uploaded it */
  monitor: string;
  /** ISO-8601 UTC by the server's clock: when the version this receipt covers was received (an amendment is a new version) */
  receivedAt: string;
  serverKeyId: string;
}

export interface ServerKeyJwk extends PublicJwk { kid: string; alg: 'ES256'; use: 'sig' }

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  version: 1;
  /** canonical JSON of the ReceiptBody: the signed bytes (UTF-8) */
  payload: string;
  /** base64url ES256 r || s over the payload */
  signature: string;
  serverKey: ServerKeyJwk;
}

export function serverKeyJwk(k: PublicJwk): ServerKeyJwk {
  return { kty: 'EC', crv: 'P-256', x: k.x, y: k.y, kid: keyIdOf(k), alg: 'ES256', use: 'sig' };
}

export function capturedSha256(attestationPayload: string): string {
  return sha256HexOfText(attestationPayload);
}

export async function makeReceipt(body: ReceiptBody, signer: Signer): Promise<Receipt> {
  const payload = canonicalJson(body);
  return { format: RECEIPT_FORMAT, version: 1, payload, signature: await signText(signer, payload), serverKey: serverKeyJwk(signer.publicKey) };
}

export function isReceipt(v: unknown): v is Receipt {
  const r = v as Partial<Receipt> | null;
  return !!r && typeof r === 'object' && r.format === RECEIPT_FORMAT && r.version === 1
    && typeof r.payload === 'string' && typeof r.signature === 'string' && isPublicJwk(r.serverKey);
}

export type ReceiptCheck =
  | { ok: true; body: ReceiptBody; serverKeyId: string }
  | { ok: false; reason: string; reasonId: string };

const HEX64 = /^[0-9a-f]{64}$/;

/** The server's signature and the body's shape (not yet what it says about a record). */
export async function verifyReceipt(r: unknown): Promise<ReceiptCheck> {
  const bad = (reason: string, reasonId: string) => ({ ok: false as const, reason, reasonId });
  if (!isReceipt(r)) return bad('the receipt is malformed', 'tanda terima rusak');
  const kid = keyIdOf(r.serverKey);
  if (r.serverKey.kid !== undefined && r.serverKey.kid !== kid) return bad('the receipt\'s server key id does not match its key', 'id kunci server pada tanda terima tidak cocok dengan kuncinya');
  if (!(await verifyText(r.serverKey, r.signature, r.payload))) return bad('the server\'s signature on the receipt does not match', 'tanda tangan server pada tanda terima tidak cocok');
  let body: ReceiptBody;
  try {
    body = JSON.parse(r.payload) as ReceiptBody;
  } catch {
    return bad('the receipt\'s payload is not JSON', 'isi tanda terima bukan JSON');
  }
  if (!body || body.type !== RECEIPT_FORMAT || body.v !== 1 || typeof body.recordId !== 'string' || !HEX64.test(String(body.capturedSha256))
    || !HEX64.test(String(body.screenshotSha256)) || typeof body.receivedAt !== 'string' || typeof body.monitor !== 'string'
    || typeof body.installationKeyId !== 'string' || body.serverKeyId !== kid) {
    return bad('the receipt\'s content is incomplete or names another server key', 'isi tanda terima tidak lengkap atau menyebut kunci server lain');
  }
  return { ok: true, body, serverKeyId: kid };
}
