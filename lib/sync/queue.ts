/**
 * The durable upload queue as a pure state machine. The background owns storage (IndexedDB) and
 * wiring; it stores a SyncState per record and calls these functions to move it:
 *
 *   queued --markSending--> sending --onUploadOutcome--> synced            (stored: 201/200)
 *                                                     -> failed            (rejected: 400/409/413/422...)
 *                                                     -> queued + paused   (auth: 401/403, no token/address)
 *                                                     -> queued + nextAttemptAt = now + backoff (retry)
 *   sending --recoverInterrupted--> queued (worker died mid-upload; server idempotency makes a resend safe)
 *   failed | paused --retryFailed--> queued, due now (the monitor fixed something)
 *
 * Times in the state are ISO-8601 strings (what lib/db stores); `now` arguments are epoch ms.
 * Nothing here touches storage, the network or the clock.
 */
import { backoffDelay, type BackoffOptions } from './backoff';
import { MAX_RETRY_AFTER_MS, type Receipt, type UploadOutcome } from './protocol';

export type SyncStatus = 'queued' | 'sending' | 'synced' | 'failed';

export interface SyncError {
  /** HTTP status, or null for network errors, timeouts and local configuration problems. */
  status: number | null;
  message: string;
  /** ISO-8601 instant. */
  at: string;
}

export interface SyncState {
  status: SyncStatus;
  /** Upload attempts that got an outcome (an interrupted attempt is not counted). */
  attempts: number;
  lastError: SyncError | null;
  /** ISO-8601: not before this instant. null = due now (when queued and not paused). */
  nextAttemptAt: string | null;
  receipt: Receipt | null;
  /** true after 401/403 (or a missing token/address): waits for the monitor, not for a timer. */
  paused: boolean;
}

export interface QueuePolicy {
  backoff?: BackoffOptions;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function initialSyncState(): SyncState {
  return { status: 'queued', attempts: 0, lastError: null, nextAttemptAt: null, receipt: null, paused: false };
}

/** Queued, not paused, and its time has come. */
export function isDue(state: SyncState, now: number): boolean {
  if (state.status !== 'queued' || state.paused) return false;
  if (state.nextAttemptAt === null) return true;
  const at = Date.parse(state.nextAttemptAt);
  return Number.isNaN(at) || at <= now;
}

/** queued -> sending. Returns the same object when the record is not due (caller skips it). */
export function markSending(state: SyncState, now: number): SyncState {
  if (!isDue(state, now)) return state;
  return { ...state, status: 'sending' };
}

/**
 * Applies one upload outcome. A record already 'synced' stays synced (a late, stale outcome never
 * undoes a receipt).
 */
export function onUploadOutcome(
  state: SyncState,
  outcome: UploadOutcome,
  now: number,
  random: () => number = Math.random,
  policy: QueuePolicy = {},
): SyncState {
  if (state.status === 'synced') return state;
  const attempts = state.attempts + 1;
  switch (outcome.kind) {
    case 'stored':
      return { status: 'synced', attempts, lastError: null, nextAttemptAt: null, receipt: { ...outcome.receipt }, paused: false };
    case 'auth':
      return {
        status: 'queued', attempts, receipt: null, paused: true, nextAttemptAt: null,
        lastError: { status: outcome.status, message: outcome.message, at: iso(now) },
      };
    case 'rejected':
      return {
        status: 'failed', attempts, receipt: null, paused: false, nextAttemptAt: null,
        lastError: { status: outcome.status, message: outcome.message, at: iso(now) },
      };
    case 'retry': {
      const jitter = backoffDelay(attempts, policy.backoff, random);
      const serverAsked = Math.min(Math.max(0, outcome.retryAfterMs ?? 0), MAX_RETRY_AFTER_MS);
      return {
        status: 'queued', attempts, receipt: null, paused: false,
        nextAttemptAt: iso(now + Math.max(jitter, serverAsked)),
        lastError: { status: outcome.status, message: outcome.message, at: iso(now) },
      };
    }
  }
}

/** At worker start: a record left in 'sending' was interrupted; queue it again, due now. */
export function recoverInterrupted(state: SyncState): SyncState {
  if (state.status !== 'sending') return state;
  return { ...state, status: 'queued', nextAttemptAt: null };
}

/**
 * The monitor fixed something (token, address, the record itself): failed or paused records go
 * back to the queue, due now, with a fresh backoff. lastError is kept for the record's history.
 */
export function retryFailed(state: SyncState): SyncState {
  if (state.status === 'failed' || (state.status === 'queued' && state.paused)) {
    return { ...state, status: 'queued', paused: false, attempts: 0, nextAttemptAt: null };
  }
  return state;
}

/** Earliest instant (epoch ms) at which one of these states becomes due; null if none will by time alone. */
export function nextDueAt(states: Iterable<SyncState>, now: number): number | null {
  let best: number | null = null;
  for (const s of states) {
    if (s.status !== 'queued' || s.paused) continue;
    const at = s.nextAttemptAt === null ? now : Date.parse(s.nextAttemptAt);
    const t = Number.isNaN(at) ? now : Math.max(now, at);
    if (best === null || t < best) best = t;
  }
  return best;
}
