/**
 * Password hashing with scrypt (memory-hard, node:crypto, run off the event loop in libuv's pool).
 *
 * Stored form (PHC-like, self-describing so the cost can be raised later without a migration):
 *   $scrypt$ln=15,r=8,p=1$<salt, base64url>$<key, base64url>
 * ln is log2(N). Defaults: N=2^15, r=8, p=1 (32 MiB, ~0.2 s on one core), 16-byte salt, 32-byte key.
 * Passwords are NFC-normalised first (the same password typed on a phone and a laptop matches).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_DEFAULT = { ln: 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Longest password accepted (hashing a megabyte on every attempt would be a cheap DoS). */
export const MAX_PASSWORD_LENGTH = 1024;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** 128·N·r bytes are needed; allow twice that so Node never refuses the default parameters. */
const options = (ln: number, r: number, p: number): ScryptOptions => ({ N: 2 ** ln, r, p, maxmem: 256 * 2 ** ln * r + 1024 * 1024 });

export async function hashPassword(password: string, params: { ln: number; r: number; p: number } = SCRYPT_DEFAULT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_BYTES, options(params.ln, params.r, params.p));
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed { ln: number; r: number; p: number; salt: Buffer; key: Buffer }

/** Parses a stored hash; null when it is not one this code wrote (bounds keep a bad row from costing minutes). */
export function parseHash(stored: string): Parsed | null {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{22,128})$/.exec(stored);
  if (!m) return null;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || r > 16 || p < 1 || p > 4) return null;
  const salt = Buffer.from(m[4]!, 'base64url');
  const key = Buffer.from(m[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { ln, r, p, salt, key };
}

/** True when `password` matches `stored`. Constant-time compare of the derived keys. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (!h) {
    // Still spend one default hash, so a broken row is not faster than a real one.
    await dummyVerify(password);
    return false;
  }
  const key = await scrypt(password.normalize('NFC'), h.salt, h.key.length, options(h.ln, h.r, h.p));
  return timingSafeEqual(key, h.key);
}

let dummy: Promise<string> | null = null;
/**
 * One scrypt at the default cost against a fixed throw-away hash: used for unknown or disabled
 * people, so "no such user" takes as long as "wrong password" (no timing oracle).
 */
export async function dummyVerify(password: string): Promise<void> {
  const h = parseHash(await prepareDummy())!;
  const key = await scrypt(password.normalize('NFC'), h.salt, h.key.length, options(h.ln, h.r, h.p));
  timingSafeEqual(key, h.key);
}

/** Makes the throw-away hash ahead of the first sign-in (AuthService calls it when created). */
export function prepareDummy(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummy;
}
