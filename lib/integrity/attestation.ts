/**
 * Capture attestation: each installation has an ECDSA P-256 key pair (WebCrypto; the private key
 * is non-extractable and never leaves IndexedDB). At capture the background signs the canonical
 * JSON of the record as captured (screenshot hash included). Later edits by the monitor do not
 * touch the signed payload: they are listed, with old and new values, in the hash-chained custody
 * log, so a reader can tell what the machine captured from what a person added.
 * Verification needs only WebCrypto, so it runs in the extension, the backend and the CLI.
 */
import { canonicalJson } from './canonical';

export interface Attestation {
  alg: 'ES256';
  /** SHA-256 (hex) of the canonical JSON of the public JWK {crv, kty, x, y}. */
  keyId: string;
  publicKey: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  /** Canonical JSON of the record as captured, without `attestation`. */
  payload: string;
  /** base64url of the IEEE P1363 (r || s) signature over the UTF-8 payload. */
  signature: string;
  signedAt: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export function b64url(bytes: ArrayBuffer | Uint8Array): string {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

async function sha256HexOf(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function keyIdOf(jwk: Attestation['publicKey']): Promise<string> {
  return sha256HexOf(canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }));
}

export interface SigningKey { privateKey: CryptoKey; publicKey: Attestation['publicKey']; keyId: string }

export async function generateSigningKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicKey = { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! };
  return { privateKey: pair.privateKey, publicKey, keyId: await keyIdOf(publicKey) };
}

/** Sign the record as it is now (minus any previous attestation). */
export async function attest<R extends { attestation?: unknown }>(record: R, key: SigningKey, now = new Date()): Promise<Attestation> {
  const { attestation: _a, ...content } = record;
  const payload = canonicalJson(content);
  const sig = await crypto.subtle.sign(SIGN, key.privateKey, new TextEncoder().encode(payload));
  return { alg: 'ES256', keyId: key.keyId, publicKey: key.publicKey, payload, signature: b64url(sig), signedAt: now.toISOString() };
}

export type AttestationCheck =
  | { ok: true; keyId: string; changedPaths: string[] }
  | { ok: false; reason: string };

/**
 * Check the signature, that it is about this record (id, capture time, screenshot hash), and list
 * the top-level-and-section paths whose current value differs from what was captured.
 */
export async function verifyAttestation(record: {
  id: string; capturedAt: string; screenshot: { sha256: string }; attestation?: Attestation | null;
}): Promise<AttestationCheck> {
  const a = record.attestation;
  if (!a) return { ok: false, reason: 'no signature' };
  try {
    if (a.alg !== 'ES256') return { ok: false, reason: `unsupported algorithm ${String(a.alg)}` };
    if ((await keyIdOf(a.publicKey)) !== a.keyId) return { ok: false, reason: 'key id does not match the public key' };
    const key = await crypto.subtle.importKey('jwk', { ...a.publicKey, ext: true }, ALG, false, ['verify']);
    const ok = await crypto.subtle.verify(SIGN, key, fromB64url(a.signature), new TextEncoder().encode(a.payload));
    if (!ok) return { ok: false, reason: 'signature does not match the signed content' };
    const signed = JSON.parse(a.payload) as Record<string, unknown> & { id?: string; capturedAt?: string; screenshot?: { sha256?: string } };
    if (signed.id !== record.id) return { ok: false, reason: 'signature belongs to another record' };
    if (signed.capturedAt !== record.capturedAt) return { ok: false, reason: 'capture time differs from the signed one' };
    if (signed.screenshot?.sha256 !== record.screenshot.sha256) return { ok: false, reason: 'screenshot hash differs from the signed one' };
    const { attestation: _x, ...current } = record as Record<string, unknown>;
    return { ok: true, keyId: a.keyId, changedPaths: diffPaths(signed, current) };
  } catch (e) {
    return { ok: false, reason: `signature unreadable: ${String((e as Error)?.message ?? e).slice(0, 120)}` };
  }
}

/** Leaf paths (a.b.c) whose values differ between two JSON values. */
export function diffPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(a) || !isObj(b)) return [prefix || '(record)'];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  const out: string[] = [];
  for (const k of [...keys].sort()) {
    out.push(...diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  return out;
}
