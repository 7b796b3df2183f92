/**
 * Capture attestation: each installation has an ECDSA P-256 key pair (WebCrypto; the private key
 * is non-extractable and never leaves IndexedDB). At capture the background signs the canonical
 * JSON (RFC 8785) of the record as captured (screenshot and source hashes included). Later edits
 * by the monitor do not touch the signed payload: they are listed, with old and new values, in the
 * signed custody log, and a verifier replays them (lib/integrity/replay.ts). docs/integrity.md.
 */
import { canonicalJson } from './canonical';
import { keyIdOf, signText, verifyText, type PublicJwk, type Signer, type SigningKey } from './keys';

export { b64url, fromB64url, generateSigningKey, keyIdOf, signerOf, type SigningKey } from './keys';

export interface Attestation {
  alg: 'ES256';
  /** RFC 7638 thumbprint (hex) of publicKey. */
  keyId: string;
  publicKey: PublicJwk;
  /** Canonical JSON of the record as captured, without `attestation`. */
  payload: string;
  /** base64url of the IEEE P1363 (r || s) signature over the UTF-8 payload. */
  signature: string;
  signedAt: string;
}

/** Sign the record as it is now (minus any previous attestation). */
export async function attest<R extends { attestation?: unknown }>(record: R, signer: Signer | SigningKey, now = new Date()): Promise<Attestation> {
  const { attestation: _a, ...content } = record;
  const payload = canonicalJson(content);
  return { alg: 'ES256', keyId: signer.keyId, publicKey: signer.publicKey, payload, signature: await signText(signer, payload), signedAt: now.toISOString() };
}

export type AttestationCheck =
  | { ok: true; keyId: string; signed: Record<string, unknown> }
  | { ok: false; reason: string; reasonId: string };

/** Check the signature and that it is about this record (id, capture time, screenshot hash). */
export async function verifyAttestation(record: {
  id: string; capturedAt: string; screenshot: { sha256: string }; attestation?: Attestation | null;
}): Promise<AttestationCheck> {
  const a = record.attestation;
  if (!a) return { ok: false, reason: 'the record is not signed', reasonId: 'bukti tidak ditandatangani' };
  const bad = (reason: string, reasonId: string) => ({ ok: false as const, reason, reasonId });
  try {
    if (a.alg !== 'ES256') return bad(`unsupported algorithm ${String(a.alg).slice(0, 20)}`, `algoritme tidak didukung ${String(a.alg).slice(0, 20)}`);
    if (keyIdOf(a.publicKey) !== a.keyId) return bad('the key id does not match the public key', 'id kunci tidak cocok dengan kunci publik');
    if (!(await verifyText(a.publicKey, a.signature, a.payload))) return bad('the signature does not match the signed content', 'tanda tangan tidak cocok dengan isi yang ditandatangani');
    const signed = JSON.parse(a.payload) as Record<string, unknown> & { id?: string; capturedAt?: string; screenshot?: { sha256?: string } };
    if (signed.id !== record.id) return bad('the signature belongs to another record', 'tanda tangan milik bukti lain');
    if (signed.capturedAt !== record.capturedAt) return bad('the capture time differs from the signed one', 'waktu penangkapan berbeda dari yang ditandatangani');
    if (signed.screenshot?.sha256 !== record.screenshot.sha256) return bad('the screenshot hash differs from the signed one', 'hash tangkapan layar berbeda dari yang ditandatangani');
    return { ok: true, keyId: a.keyId, signed };
  } catch (e) {
    return bad(`the signature is unreadable (${String((e as Error)?.message ?? e).slice(0, 80)})`, 'tanda tangan tidak terbaca');
  }
}
