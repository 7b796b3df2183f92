/**
 * The deletion log: when a monitor deletes a record, the record (and its own custody log) is
 * gone, so a tombstone is kept here, in browser.storage.local (WXT item `local:deletions`), not
 * in IndexedDB. Append-only and hash-chained exactly like a record's custody log
 * (lib/integrity/custody.ts, appendCustody over the fixed pseudo record id 'deletions'): the
 * hash covers {at, action, actor, details, prevHash}, and `details` holds the tombstone's content
 * ({id, sha256, subjectName, reason, custodyHead}). The same fields are repeated at the top level
 * for reading; verifyDeletions checks both agree.
 */
import { storage } from 'wxt/utils/storage';
import { appendCustody, verifyCustody, type ChainCheck } from '../integrity/custody';

export const DELETIONS_CHAIN_ID = 'deletions';

export type DeletionDetails = {
  /** the deleted record's id */
  id: string;
  /** its screenshot's SHA-256 */
  sha256: string;
  subjectName: string | null;
  reason: string;
  /** the last hash of the record's own custody log when it was deleted */
  custodyHead: string | null;
  /** the record's status when it was deleted */
  status: string;
};

export interface DeletionEntry extends DeletionDetails {
  at: string;
  action: 'delete';
  actor: string | null;
  details: DeletionDetails;
  prevHash?: string | null;
  hash?: string;
}

export const deletionsItem = storage.defineItem<DeletionEntry[]>('local:deletions', { fallback: [] });

let queue: Promise<unknown> = Promise.resolve();

/** Append one tombstone (serialised: concurrent deletions never lose an entry). Returns the entry. */
export function appendDeletion(input: DeletionDetails & { at: string; actor: string | null }): Promise<DeletionEntry> {
  const run = queue.then(async () => {
    const log = await deletionsItem.getValue();
    const details: DeletionDetails = {
      id: input.id, sha256: input.sha256, subjectName: input.subjectName, reason: input.reason,
      custodyHead: input.custodyHead, status: input.status,
    };
    const next = appendCustody<DeletionEntry>(DELETIONS_CHAIN_ID, log ?? [], {
      ...details, at: input.at, action: 'delete', actor: input.actor, details,
    });
    await deletionsItem.setValue(next);
    return next[next.length - 1]!;
  });
  queue = run.catch(() => undefined);
  return run;
}

export async function readDeletions(): Promise<DeletionEntry[]> {
  return (await deletionsItem.getValue()) ?? [];
}

/** The chain verifies and every entry's readable fields equal its hashed details. */
export function verifyDeletions(log: readonly DeletionEntry[]): ChainCheck {
  const chain = verifyCustody(DELETIONS_CHAIN_ID, log);
  if (!chain.ok) return chain;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    const d = e.details;
    if (!d || e.id !== d.id || e.sha256 !== d.sha256 || e.subjectName !== d.subjectName || e.reason !== d.reason) {
      return { ok: false, index: i, reason: `entry ${i + 1} does not match its hashed details`, reasonId: `entri ${i + 1} tidak cocok dengan rincian yang di-hash` };
    }
  }
  return chain;
}
