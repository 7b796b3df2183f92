/**
 * The custody log of a record is append-only and hash-chained: every entry carries the hash of
 * the entry before it, and its own hash over (record id, its content, that previous hash). Changing,
 * removing or reordering any entry breaks every later link, and the verifier names the first one.
 * Synchronous (pure-JS SHA-256) so it can run inside an IndexedDB read-modify-write transaction.
 */
import { JsSha256 } from '../export/sha256';
import { canonicalJson } from './canonical';

export interface CustodyLink {
  at: string;
  action: string;
  actor: string | null;
  details?: Record<string, unknown> | string;
  /** Hash of the previous entry, null for the first (capture). */
  prevHash?: string | null;
  /** SHA-256 (hex) of canonical JSON {recordId, at, action, actor, details, prevHash}. */
  hash?: string;
}

export function custodyHash(recordId: string, e: CustodyLink, prevHash: string | null): string {
  const h = new JsSha256();
  h.update(new TextEncoder().encode(canonicalJson({
    recordId, at: e.at, action: e.action, actor: e.actor ?? null, details: e.details ?? null, prevHash,
  })));
  return h.digestHex();
}

/** A new log with `entry` appended and chained to the last entry. Never mutates `log`. */
export function appendCustody<T extends CustodyLink>(recordId: string, log: readonly T[], entry: T): T[] {
  const prevHash = log.length ? (log[log.length - 1]!.hash ?? null) : null;
  const { hash: _h, prevHash: _p, ...content } = entry;
  const linked = { ...content, prevHash } as T;
  linked.hash = custodyHash(recordId, linked, prevHash);
  return [...log, linked];
}

export type ChainCheck = { ok: true; length: number } | { ok: false; index: number; reason: string };

/** Check every link; report the first broken one (0-based index). */
export function verifyCustody(recordId: string, log: readonly CustodyLink[]): ChainCheck {
  let prev: string | null = null;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if ((e.prevHash ?? null) !== prev) {
      return { ok: false, index: i, reason: i === 0 ? 'the first entry does not start the chain' : `entry ${i + 1} does not point to entry ${i}` };
    }
    if (!e.hash || custodyHash(recordId, e, prev) !== e.hash) {
      return { ok: false, index: i, reason: `entry ${i + 1} (${e.action}) was changed after it was written` };
    }
    prev = e.hash;
  }
  return { ok: true, length: log.length };
}
