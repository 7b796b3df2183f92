/**
 * The custody log of a record is append-only, hash-chained and (since 0.2.0) signed: every entry
 * carries the hash of the entry before it, its own hash over (record id, its content, that previous
 * hash, the signing key's id), and an ES256 signature by the installation that wrote it over the
 * same bytes. Changing, removing, reordering or appending an entry with recomputed hashes breaks a
 * link or a signature, and the verifier names the first bad entry. docs/integrity.md has the recipe.
 *
 * Hashing is synchronous (@noble/hashes) so it can run inside an IndexedDB transaction; signing is
 * asynchronous (WebCrypto), so a signed entry is prepared against the log's current head and
 * committed only if the head is still the same (lib/db/evidence-db.ts appendSignedCustody).
 */
import { sha256HexOfText } from '../export/sha256';
import { importVerifyKey, signText, verifyText, type PublicJwk, type Signer, type SigningKey } from './keys';
import { canonicalJson } from './canonical';

export interface CustodyLink {
  at: string;
  action: string;
  actor: string | null;
  details?: Record<string, unknown> | string;
  /** for export/import: the SHA-256 of the bundle ZIP */
  bundleSha256?: string;
  /** Hash of the previous entry, null for the first (capture). */
  prevHash?: string | null;
  /** SHA-256 (hex) of the entry's hash input (custodyHashInput). */
  hash?: string;
  /** Id of the key that signed the entry (0.2.0 and later). */
  keyId?: string;
  /** base64url ES256 signature (r || s) over the hash input. */
  sig?: string;
}

/**
 * The bytes that are hashed and signed: canonical JSON of
 *  - signed entries (with keyId): {recordId, at, action, actor, details, bundleSha256, prevHash, keyId}
 *  - 0.1.0 entries (no keyId):   {recordId, at, action, actor, details, prevHash}
 * with absent actor/details/bundleSha256 as null.
 */
export function custodyHashInput(recordId: string, e: CustodyLink, prevHash: string | null): string {
  const base = { recordId, at: e.at, action: e.action, actor: e.actor ?? null, details: e.details ?? null, prevHash };
  if (e.keyId === undefined) return canonicalJson(base);
  return canonicalJson({ ...base, bundleSha256: e.bundleSha256 ?? null, keyId: e.keyId });
}

export function custodyHash(recordId: string, e: CustodyLink, prevHash: string | null): string {
  return sha256HexOfText(custodyHashInput(recordId, e, prevHash));
}

function link<T extends CustodyLink>(recordId: string, log: readonly T[], entry: T, keyId?: string): { linked: T; input: string } {
  const prevHash = log.length ? (log[log.length - 1]!.hash ?? null) : null;
  const { hash: _h, prevHash: _p, sig: _s, keyId: _k, ...content } = entry;
  const linked = { ...content, prevHash, ...(keyId ? { keyId } : {}) } as T;
  const input = custodyHashInput(recordId, linked, prevHash);
  linked.hash = sha256HexOfText(input);
  return { linked, input };
}

/** A new log with `entry` appended and hash-chained, unsigned (the deletion log; 0.1.0 logs in tests). */
export function appendCustody<T extends CustodyLink>(recordId: string, log: readonly T[], entry: T): T[] {
  return [...log, link(recordId, log, entry).linked];
}

/** `entry` linked to the end of `log` and signed by `signer`. Does not change `log`. */
export async function signedCustodyEntry<T extends CustodyLink>(recordId: string, log: readonly T[], entry: T, signer: Signer | SigningKey): Promise<T> {
  const { linked, input } = link(recordId, log, entry, signer.keyId);
  linked.sig = await signText(signer, input);
  return linked;
}

/** A new log with `entries` appended in order, each signed. */
export async function appendSignedCustody<T extends CustodyLink>(recordId: string, log: readonly T[], entries: readonly T[], signer: Signer | SigningKey): Promise<T[]> {
  const out = [...log];
  for (const e of entries) out.push(await signedCustodyEntry(recordId, out, e, signer));
  return out;
}

export type ChainCheck = { ok: true; length: number } | { ok: false; index: number; reason: string; reasonId: string };

/**
 * Hash links only (synchronous, linear): the first broken link (0-based index). With `inputs`,
 * each entry's hash input is also collected there (the signature check signs the same bytes).
 */
export function verifyCustody(recordId: string, log: readonly CustodyLink[], inputs?: string[]): ChainCheck {
  let prev: string | null = null;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if (!e.hash) {
      return { ok: false, index: i, reason: `entry ${i + 1} (${e.action}) has no hash`, reasonId: `entri ${i + 1} (${e.action}) tidak memiliki hash` };
    }
    if ((e.prevHash ?? null) !== prev) {
      return i === 0
        ? { ok: false, index: i, reason: 'the first entry does not start the chain', reasonId: 'entri pertama tidak memulai rantai' }
        : { ok: false, index: i, reason: `entry ${i + 1} does not point to entry ${i}`, reasonId: `entri ${i + 1} tidak menunjuk ke entri ${i}` };
    }
    const input = custodyHashInput(recordId, e, prev);
    if (sha256HexOfText(input) !== e.hash) {
      return { ok: false, index: i, reason: `entry ${i + 1} (${e.action}) was changed after it was written`, reasonId: `entri ${i + 1} (${e.action}) diubah setelah ditulis` };
    }
    inputs?.push(input);
    prev = e.hash;
  }
  return { ok: true, length: log.length };
}

/**
 * Hash links and signatures. `keys` maps key ids to public keys; with `requireSigned` every entry
 * must be signed by a known key whose thumbprint is its id. Linear in entries: each entry's hash
 * input is built once (for its hash and its signature), each key is imported once, and signatures
 * are checked in parallel batches (WebCrypto spreads them over threads, in the browser and in Node).
 */
export async function verifySignedCustody(
  recordId: string, log: readonly CustodyLink[], keys: ReadonlyMap<string, PublicJwk>, requireSigned: boolean,
): Promise<ChainCheck> {
  const inputs: string[] = [];
  const chain = verifyCustody(recordId, log, inputs);
  if (!chain.ok) return chain;
  const cache = new Map<string, CryptoKey | null>();
  const BATCH = 256;
  for (let from = 0; from < log.length; from += BATCH) {
    const results: Promise<boolean>[] = [];
    const at: number[] = [];
    for (let i = from; i < Math.min(log.length, from + BATCH); i++) {
      const e = log[i]!;
      if (e.keyId === undefined && e.sig === undefined) {
        if (requireSigned) return { ok: false, index: i, reason: `entry ${i + 1} (${e.action}) is not signed`, reasonId: `entri ${i + 1} (${e.action}) tidak ditandatangani` };
        continue;
      }
      if (!e.keyId || !e.sig) return { ok: false, index: i, reason: `entry ${i + 1} (${e.action}) has a key id without a signature or the reverse`, reasonId: `entri ${i + 1} (${e.action}) tanda tangannya tidak lengkap` };
      if (!cache.has(e.keyId)) {
        const jwk = keys.get(e.keyId);
        cache.set(e.keyId, jwk ? await importVerifyKey(jwk).catch(() => null) : null);
      }
      const key = cache.get(e.keyId);
      if (!key) return { ok: false, index: i, reason: `entry ${i + 1} (${e.action}) is signed by an unknown key ${e.keyId.slice(0, 16)}`, reasonId: `entri ${i + 1} (${e.action}) ditandatangani kunci yang tidak dikenal ${e.keyId.slice(0, 16)}` };
      results.push(verifyText(key, e.sig, inputs[i]!));
      at.push(i);
    }
    const bad = (await Promise.all(results)).indexOf(false);
    if (bad >= 0) {
      const i = at[bad]!;
      return { ok: false, index: i, reason: `entry ${i + 1} (${log[i]!.action}): signature does not match`, reasonId: `entri ${i + 1} (${log[i]!.action}): tanda tangan tidak cocok` };
    }
  }
  return { ok: true, length: log.length };
}
