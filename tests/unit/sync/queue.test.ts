import { describe, expect, it } from 'vitest';
import type { UploadOutcome } from '../../../lib/sync/protocol';
import {
  initialSyncState, isDue, markSending, nextDueAt, onUploadOutcome, recoverInterrupted, retryFailed, type SyncState,
} from '../../../lib/sync/queue';

const NOW = Date.parse('2024-11-27T01:00:00.000Z');
const receipt = { id: 'r1', receivedAt: '2024-11-27T01:00:01.000Z', sha256: 'a'.repeat(64) };
const sending = (over: Partial<SyncState> = {}): SyncState => ({ ...initialSyncState(), status: 'sending', ...over });
const half = () => 0.5;

describe('queue state machine', () => {
  it('starts queued and due now', () => {
    const s = initialSyncState();
    expect(s).toEqual({ status: 'queued', attempts: 0, lastError: null, nextAttemptAt: null, receipt: null, paused: false });
    expect(isDue(s, NOW)).toBe(true);
  });

  it('markSending only moves a due queued record', () => {
    const s = initialSyncState();
    expect(markSending(s, NOW)).toEqual({ ...s, status: 'sending' });
    const later = { ...s, nextAttemptAt: new Date(NOW + 1000).toISOString() };
    expect(markSending(later, NOW)).toBe(later);
    expect(markSending(later, NOW + 1000).status).toBe('sending');
    const paused = { ...s, paused: true };
    expect(markSending(paused, NOW)).toBe(paused);
    const synced: SyncState = { ...s, status: 'synced', receipt };
    expect(markSending(synced, NOW)).toBe(synced);
  });

  it('stored (201 and 200) -> synced with receipt, error cleared', () => {
    for (const status of [201, 200] as const) {
      const prev = sending({ attempts: 2, lastError: { status: 503, message: 'x', at: 'y' }, nextAttemptAt: 'z' });
      const next = onUploadOutcome(prev, { kind: 'stored', status, receipt }, NOW, half);
      expect(next).toEqual({ status: 'synced', attempts: 3, lastError: null, nextAttemptAt: null, receipt, paused: false });
      expect(isDue(next, NOW + 1e9)).toBe(false);
    }
  });

  it('auth (401/403/null) -> queued but paused, not due until retryFailed', () => {
    for (const status of [401, 403, null] as const) {
      const next = onUploadOutcome(sending(), { kind: 'auth', status, error: 'token_refused', message: 'token not accepted' }, NOW, half);
      expect(next).toEqual({
        status: 'queued', attempts: 1, paused: true, nextAttemptAt: null, receipt: null,
        lastError: { status, message: 'token not accepted', at: '2024-11-27T01:00:00.000Z' },
      });
      expect(isDue(next, NOW + 1e12)).toBe(false);
      expect(nextDueAt([next], NOW)).toBeNull();
      const resumed = retryFailed(next);
      expect(resumed).toMatchObject({ status: 'queued', paused: false, attempts: 0, nextAttemptAt: null });
      expect(resumed.lastError?.status).toBe(status);
      expect(isDue(resumed, NOW)).toBe(true);
    }
  });

  it('rejected (400/409/413/422) -> failed with the server reason, not retried by time', () => {
    for (const status of [400, 409, 413, 422]) {
      const next = onUploadOutcome(sending({ attempts: 4 }), { kind: 'rejected', status, error: 'record_refused', message: `HTTP ${status}: nope` }, NOW, half);
      expect(next).toEqual({
        status: 'failed', attempts: 5, paused: false, nextAttemptAt: null, receipt: null,
        lastError: { status, message: `HTTP ${status}: nope`, at: '2024-11-27T01:00:00.000Z' },
      });
      expect(isDue(next, NOW + 1e12)).toBe(false);
      expect(retryFailed(next)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: null });
    }
  });

  it('retry -> queued with full-jitter backoff growing with attempts', () => {
    const outcome: UploadOutcome = { kind: 'retry', status: 503, error: 'server_error', message: 'HTTP 503: server error' };
    let s = sending();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      s = onUploadOutcome(s, outcome, NOW, () => 0.999999);
      expect(s.status).toBe('queued');
      expect(s.paused).toBe(false);
      expect(s.lastError).toEqual({ status: 503, message: 'HTTP 503: server error', at: '2024-11-27T01:00:00.000Z' });
      delays.push(Date.parse(s.nextAttemptAt!) - NOW);
      expect(isDue(s, NOW)).toBe(delays.at(-1)! <= 0);
      s = markSending({ ...s, nextAttemptAt: null }, NOW);
    }
    expect(s.attempts).toBe(12);
    expect(delays.slice(0, 4)).toEqual([999, 1999, 3999, 7999]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
    expect(delays.at(-1)).toBe(299_999);
  });

  it('retry: network error (status null) and stubbed random 0 -> due immediately', () => {
    const s = onUploadOutcome(sending(), { kind: 'retry', status: null, error: 'network', message: 'Network error' }, NOW, () => 0);
    expect(s.nextAttemptAt).toBe('2024-11-27T01:00:00.000Z');
    expect(isDue(s, NOW)).toBe(true);
    expect(s.lastError?.status).toBeNull();
  });

  it('retry honours Retry-After when longer than the backoff, and clamps it to 1 h', () => {
    const s = onUploadOutcome(sending(), { kind: 'retry', status: 429, error: 'server_busy', message: 'busy', retryAfterMs: 120_000 }, NOW, half);
    expect(Date.parse(s.nextAttemptAt!) - NOW).toBe(120_000);
    const short = onUploadOutcome(sending({ attempts: 8 }), { kind: 'retry', status: 429, error: 'server_busy', message: 'busy', retryAfterMs: 10 }, NOW, half);
    expect(Date.parse(short.nextAttemptAt!) - NOW).toBe(128_000);
    const huge = onUploadOutcome(sending(), { kind: 'retry', status: 503, error: 'server_error', message: 'x', retryAfterMs: 9e9 }, NOW, half);
    expect(Date.parse(huge.nextAttemptAt!) - NOW).toBe(3_600_000);
  });

  it('respects a custom backoff policy', () => {
    const s = onUploadOutcome(sending({ attempts: 10 }), { kind: 'retry', status: 500, error: 'server_error', message: 'x' }, NOW, () => 1, {
      backoff: { baseMs: 100, capMs: 5000 },
    });
    expect(Date.parse(s.nextAttemptAt!) - NOW).toBe(5000);
  });

  it('a stale outcome never undoes synced', () => {
    const synced: SyncState = { ...initialSyncState(), status: 'synced', attempts: 1, receipt };
    expect(onUploadOutcome(synced, { kind: 'rejected', status: 409, error: 'conflict', message: 'x' }, NOW, half)).toBe(synced);
    expect(onUploadOutcome(synced, { kind: 'retry', status: null, error: 'network', message: 'x' }, NOW, half)).toBe(synced);
  });

  it('recoverInterrupted: sending -> queued due now, attempts unchanged; others untouched', () => {
    const s = sending({ attempts: 3, nextAttemptAt: '2024-11-27T00:59:00.000Z' });
    expect(recoverInterrupted(s)).toEqual({ ...s, status: 'queued', nextAttemptAt: null });
    expect(isDue(recoverInterrupted(s), NOW)).toBe(true);
    for (const st of ['queued', 'synced', 'failed'] as const) {
      const other = { ...initialSyncState(), status: st };
      expect(recoverInterrupted(other)).toBe(other);
    }
  });

  it('retryFailed leaves queued (unpaused), sending and synced records alone', () => {
    for (const st of ['queued', 'sending', 'synced'] as const) {
      const other = { ...initialSyncState(), status: st };
      expect(retryFailed(other)).toBe(other);
    }
  });

  it('isDue treats an unparsable nextAttemptAt as due (never strands a record)', () => {
    expect(isDue({ ...initialSyncState(), nextAttemptAt: 'garbage' }, NOW)).toBe(true);
  });

  it('nextDueAt finds the earliest queued, unpaused record', () => {
    const a = { ...initialSyncState(), nextAttemptAt: new Date(NOW + 5000).toISOString() };
    const b = { ...initialSyncState(), nextAttemptAt: new Date(NOW + 2000).toISOString() };
    const paused = { ...initialSyncState(), paused: true };
    const failed: SyncState = { ...initialSyncState(), status: 'failed' };
    expect(nextDueAt([a, b, paused, failed], NOW)).toBe(NOW + 2000);
    expect(nextDueAt([a, initialSyncState()], NOW)).toBe(NOW);
    expect(nextDueAt([paused, failed], NOW)).toBeNull();
  });
});
