/**
 * Corrections after sync (issue 14; docs/sync-protocol.md, "Amendments"). A synced record opens
 * read-only; a correction is allowed only when the message asks for it explicitly (`amend: true`).
 * It is a signed custody `edit` entry like any other, and the record goes back to the queue, so sync
 * uploads it again: the server keeps the earlier version and answers with a new receipt. A record
 * being sent ('sending') is never changed.
 */
import type { StoredEvidence } from '../db/evidence-db';

export type EditMode = 'edit' | 'amend' | 'locked';

/** What a change may do to a record in this state: a plain edit, an amendment, or nothing. */
export function editMode(status: StoredEvidence['status'], amend: boolean | undefined): EditMode {
  if (status === 'sending') return 'locked';
  if (status === 'synced') return amend === true ? 'amend' : 'locked';
  return 'edit';
}

/**
 * The record after an amendment's edit: queued again, due now, with a fresh attempt count. The last
 * receipt stays in `sync.receipt` (and in its `sync` custody entry) until the amendment's receipt
 * replaces it.
 */
export function requeued(ev: StoredEvidence): Pick<StoredEvidence, 'status' | 'sync'> {
  return { status: 'queued', sync: { ...ev.sync, attempts: 0, lastError: null, nextAttemptAt: null, paused: false } };
}
