/**
 * ES256 keys, signatures and key ids, shared by the extension, the backend and the CLI (WebCrypto
 * only). Recipe for outsiders in docs/integrity.md:
 *  - a public key is a JWK {kty: "EC", crv: "P-256", x, y} (x, y base64url without padding);
 *  - its key id is the RFC 7638 JWK thumbprint: SHA-256 of the UTF-8 bytes of
 *    {"crv":"P-256","kty":"EC","x":"...","y":"..."}, written as 64 lower-case hex digits;
 *  - a signature is ECDSA P-256 with SHA-256 over the UTF-8 bytes of a string, encoded as the raw
 *    64-byte r || s (IEEE P1363, what WebCrypto produces), base64url without padding.
 */
import { sha256HexOfText } from '../export/sha256';
import { canonicalJson } from './canonical';

export interface PublicJwk { kty: 'EC'; crv: 'P-256'; x: string; y: string }

/** Anything that can sign: the installation's non-extractable WebCrypto key, the server's key. */
export interface Signer {
  keyId: string;
  publicKey: PublicJwk;
  sign(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

export interface SigningKey { privateKey: CryptoKey; publicKey: PublicJwk; keyId: string }

export const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;

export function b64url(bytes: ArrayBuffer | Uint8Array): string {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

export function publicJwk(k: { kty?: string; crv?: string; x?: string; y?: string }): PublicJwk {
  return { kty: 'EC', crv: 'P-256', x: String(k.x), y: String(k.y) };
}

/** RFC 7638 thumbprint, hex. */
export function keyIdOf(jwk: PublicJwk): string {
  return sha256HexOfText(canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }));
}

export function isPublicJwk(v: unknown): v is PublicJwk {
  const o = v as Partial<PublicJwk> | null;
  return !!o && typeof o === 'object' && o.kty === 'EC' && o.crv === 'P-256' && typeof o.x === 'string' && typeof o.y === 'string';
}

export async function generateSigningKey(extractable = false): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(EC_ALG, extractable, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicKey = publicJwk(jwk);
  return { privateKey: pair.privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function signerOf(key: SigningKey): Signer {
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    sign: async (bytes) => new Uint8Array(await crypto.subtle.sign(SIGN_ALG, key.privateKey, bytes)),
  };
}

export function toSigner(k: Signer | SigningKey): Signer {
  return 'sign' in k ? k : signerOf(k);
}

export async function signText(signer: Signer | SigningKey, text: string): Promise<string> {
  return b64url(await toSigner(signer).sign(new TextEncoder().encode(text)));
}

export function importVerifyKey(jwk: PublicJwk): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, EC_ALG, false, ['verify']);
}

/** True when `sig` (base64url r||s) is a valid signature over the UTF-8 bytes of `text`. */
export async function verifyText(key: CryptoKey | PublicJwk, sig: string, text: string): Promise<boolean> {
  try {
    const k = 'kty' in key ? await importVerifyKey(key) : key;
    const raw = fromB64url(sig);
    if (raw.length !== 64) return false;
    return await crypto.subtle.verify(SIGN_ALG, k, raw, new TextEncoder().encode(text));
  } catch {
    return false;
  }
}
