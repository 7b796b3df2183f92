/**
 * Optional passphrase encryption of the local evidence database ("brankas").
 *
 * Keys: a random 256-bit data key (DEK) encrypts everything; it is stored only wrapped
 * (AES-GCM) under a key derived from the monitor's passphrase with PBKDF2-SHA-256 at
 * >= 600,000 iterations and a random salt, in browser.storage.local (`local:vault`). Changing the
 * passphrase re-wraps the DEK; nothing else is re-encrypted. Two working keys come from the DEK
 * by HKDF-SHA-256: an AES-GCM-256 key for records and screenshots and an HMAC-SHA-256 key that
 * turns "what was flagged" into an opaque lookup key (so a duplicate flag is still recognised).
 *
 * Unlocked = the raw DEK is in browser.storage.session (`session:vaultKey`): kept in memory
 * only, never written to disk, gone when the browser closes, readable only by the extension's
 * own pages and background (not by content scripts). Locked = it is not there: nothing can be
 * read or written until the monitor types the passphrase.
 *
 * Every extension context caches the keys and drops the cache when either item changes, so a
 * lock in the popup is seen by the background and the manager page at once.
 *
 * This module holds the keys and the crypto; lib/db/evidence-db.ts decides what is sealed.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';

export const PBKDF2_ITERATIONS = 600_000;
/** The fewest characters accepted for a passphrase (the KDF slows guessing; it cannot fix "1234"). */
export const MIN_PASSPHRASE_LENGTH = 10;

export type VaultPhase = 'sealing' | 'on' | 'unsealing';

export interface VaultMeta {
  version: 1;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  /** the DEK, AES-GCM encrypted under the passphrase key (base64) */
  wrapped: { iv: string; data: string };
  /** 'sealing': existing records are being encrypted; 'unsealing': being decrypted to turn it off */
  phase: VaultPhase;
  since: string;
}

export interface VaultKeys { enc: CryptoKey; mac: CryptoKey }

export interface VaultState {
  meta: VaultMeta | null;
  /** null while locked (or when there is no vault) */
  keys: VaultKeys | null;
}

export class VaultLockedError extends Error {
  override name = 'VaultLockedError';
  constructor() {
    super('the evidence database is locked');
  }
}
export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
  constructor() {
    super('wrong passphrase');
  }
}
export class WeakPassphraseError extends Error {
  override name = 'WeakPassphraseError';
}

export const VAULT_META_KEY = 'vault';
export const VAULT_SESSION_KEY = 'vaultKey';
export const vaultMetaItem = storage.defineItem<VaultMeta | null>(`local:${VAULT_META_KEY}`, { fallback: null });
const sessionKeyItem = storage.defineItem<string | null>(`session:${VAULT_SESSION_KEY}`, { fallback: null });

const te = new TextEncoder();
const WRAP_AAD = te.encode('asn-evidence vault v1 data key');

export const toB64 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
export const fromB64 = (s: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

async function passphraseKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', te.encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'],
  );
}

async function workingKeys(dek: Uint8Array<ArrayBuffer>): Promise<VaultKeys> {
  const base = await crypto.subtle.importKey('raw', dek, 'HKDF', false, ['deriveKey']);
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: te.encode(info) });
  const [enc, mac] = await Promise.all([
    crypto.subtle.deriveKey(hkdf('asn-evidence/records'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    crypto.subtle.deriveKey(hkdf('asn-evidence/target-key'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']),
  ]);
  return { enc, mac };
}

async function wrapDek(dek: Uint8Array<ArrayBuffer>, passphrase: string, iterations: number): Promise<Pick<VaultMeta, 'kdf' | 'wrapped'>> {
  const salt = random(16);
  const iv = random(12);
  const kek = await passphraseKey(passphrase, salt, iterations);
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: WRAP_AAD }, kek, dek));
  return {
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toB64(salt) },
    wrapped: { iv: toB64(iv), data: toB64(data) },
  };
}

async function unwrapDek(meta: VaultMeta, passphrase: string): Promise<Uint8Array<ArrayBuffer>> {
  const kek = await passphraseKey(passphrase, fromB64(meta.kdf.salt), meta.kdf.iterations);
  try {
    return new Uint8Array(await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromB64(meta.wrapped.iv), additionalData: WRAP_AAD }, kek, fromB64(meta.wrapped.data),
    ));
  } catch {
    // AES-GCM authenticates: another passphrase cannot produce a key that decrypts.
    throw new WrongPassphraseError();
  }
}

// ---- the cached state, per extension context ----

let cached: Promise<VaultState> | null = null;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  try {
    browser.storage.onChanged.addListener((changes, area) => {
      if ((area === 'local' && VAULT_META_KEY in changes) || (area === 'session' && VAULT_SESSION_KEY in changes)) cached = null;
    });
  } catch {
    listening = false; // no storage events here: read every time
  }
}

async function loadState(): Promise<VaultState> {
  const [meta, raw] = await Promise.all([vaultMetaItem.getValue(), readSessionKey()]);
  if (!meta) return { meta: null, keys: null };
  return { meta, keys: raw ? await workingKeys(fromB64(raw)) : null };
}

async function readSessionKey(): Promise<string | null> {
  try {
    return await sessionKeyItem.getValue();
  } catch {
    return null; // no storage.session in this browser: always locked after a restart of the page
  }
}

/** The vault's state in this context (cached; dropped when the meta or the session key changes). */
export function vaultState(): Promise<VaultState> {
  listen();
  if (!listening) return loadState();
  const p = (cached ??= loadState());
  p.catch(() => {
    if (cached === p) cached = null;
  });
  return p;
}

/** For tests, and after a storage reset. */
export function resetVaultCache(): void {
  cached = null;
  listening = false;
}

/** Keys to read sealed data; throws VaultLockedError when the vault is on and locked. */
export async function requireKeys(): Promise<VaultKeys> {
  const st = await vaultState();
  if (!st.keys) throw new VaultLockedError();
  return st.keys;
}

/** Whether new writes are sealed: on, or being turned on. */
export function sealsWrites(st: VaultState): boolean {
  return !!st.meta && st.meta.phase !== 'unsealing';
}

// ---- sealing ----

export interface Sealed { iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer }

/** AES-GCM with a fresh 96-bit IV; `aad` binds the ciphertext to where it is stored. */
export async function seal(keys: VaultKeys, plain: BufferSource, aad: string): Promise<Sealed> {
  const iv = random(12);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: te.encode(aad) }, keys.enc, plain);
  return { iv, ct };
}

export async function unseal(keys: VaultKeys, s: Sealed, aad: string): Promise<ArrayBuffer> {
  try {
    return await crypto.subtle.decrypt({ name: 'AES-GCM', iv: s.iv, additionalData: te.encode(aad) }, keys.enc, s.ct);
  } catch {
    throw new Error(`stored data could not be decrypted (${aad}): altered, or sealed under another key`);
  }
}

/** An opaque, stable lookup key for `text` (HMAC-SHA-256, hex, prefixed so it never equals a plain key). */
export async function macKey(keys: VaultKeys, text: string): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', keys.mac, te.encode(text)));
  return `h:${Array.from(sig, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---- management (the background runs these; see lib/background/vault-handlers.ts) ----

function checkStrength(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new WeakPassphraseError(`a passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
}

async function setSessionKey(dek: Uint8Array | null): Promise<void> {
  cached = null;
  await sessionKeyItem.setValue(dek ? toB64(dek) : null);
  cached = null;
}

/** Turn encryption on: a new DEK wrapped under `passphrase`; the vault is unlocked, phase 'sealing'. */
export async function createVault(passphrase: string, iterations = PBKDF2_ITERATIONS): Promise<VaultMeta> {
  if (await vaultMetaItem.getValue()) throw new Error('encryption is already on');
  checkStrength(passphrase);
  const dek = random(32);
  const meta: VaultMeta = { version: 1, ...(await wrapDek(dek, passphrase, iterations)), phase: 'sealing', since: new Date().toISOString() };
  // The session key first: a vault that exists is never without a way to open it in this session.
  await setSessionKey(dek);
  cached = null;
  await vaultMetaItem.setValue(meta);
  cached = null;
  return meta;
}

export async function unlockVault(passphrase: string): Promise<VaultMeta> {
  const meta = await vaultMetaItem.getValue();
  if (!meta) throw new Error('encryption is off');
  await setSessionKey(await unwrapDek(meta, passphrase));
  return meta;
}

export async function lockVault(): Promise<void> {
  await setSessionKey(null);
}

/** Re-wrap the DEK under a new passphrase (and the current iteration count); data is untouched. */
export async function changePassphrase(current: string, next: string, iterations = PBKDF2_ITERATIONS): Promise<VaultMeta> {
  const meta = await vaultMetaItem.getValue();
  if (!meta) throw new Error('encryption is off');
  checkStrength(next);
  const dek = await unwrapDek(meta, current);
  const updated: VaultMeta = { ...meta, ...(await wrapDek(dek, next, Math.max(iterations, meta.kdf.iterations))) };
  await vaultMetaItem.setValue(updated);
  cached = null;
  await setSessionKey(dek);
  return updated;
}

export async function setPhase(phase: VaultPhase): Promise<void> {
  const meta = await vaultMetaItem.getValue();
  if (!meta) return;
  await vaultMetaItem.setValue({ ...meta, phase });
  cached = null;
}

/** After every record was decrypted: forget the vault. */
export async function removeVault(): Promise<void> {
  await vaultMetaItem.setValue(null);
  await setSessionKey(null);
}
