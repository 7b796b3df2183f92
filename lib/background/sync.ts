/**
 * The background side of sync: walks the durable queue in IndexedDB, uploads one record at a time
 * through lib/sync/protocol, and moves each record with the pure state machine in lib/sync/queue.
 * Driven by alarms (re-created at every worker start), the `online` event, browser start-up, a
 * newly saved record and the popup's "Sync now". Single-flight: one run at a time per worker.
 * The token is read from storage for each run and never logged or put in a message.
 */
import { browser } from 'wxt/browser';
import {
  countByStatus, deleteEvidence, getBlob, getEvidence, listEvidence, updateEvidence, type CustodyEvent, type StoredEvidence, type SyncInfo,
} from '../db/evidence-db';
import { vaultState } from '../db/vault';
import { t, type Lang } from '../i18n/messages';
import { backendItem, getSettings } from '../settings';
import { uploadEvidence, type FetchLike, type UploadOutcome } from '../sync/protocol';
import { syncErrorText } from '../sync/error-text';
import {
  isDue, markSending, nextDueAt, onUploadOutcome, recoverInterrupted, retryFailed, type SyncState,
} from '../sync/queue';
import { refreshBadge } from './badge';
import { installationPublicKey } from '../integrity/keystore';
import type { PublicJwk } from '../integrity/keys';
import { recordKeys } from '../integrity/record-check';
import { updateWithCustody } from './custody';
import { syncStatusItem, type SyncStatus } from './sync-status';

export const SYNC_ALARM = 'asn-sync';
/** Uploads in flight at once (the reference backend and most servers handle this easily). */
export const UPLOAD_CONCURRENCY = 2;
/** Chrome does not fire alarms sooner than 30 s; shorter waits use a timer as well. */
const MIN_ALARM_MS = 30_000;

type SyncableStatus = SyncState['status'];

export function toSyncState(ev: StoredEvidence): SyncState | null {
  if (ev.status === 'draft') return null;
  return { ...ev.sync, status: ev.status as SyncableStatus, paused: !!ev.sync.paused };
}

function fromSyncState(s: SyncState): { status: StoredEvidence['status']; sync: SyncInfo } {
  const { status, ...rest } = s;
  return { status, sync: rest };
}

let running: Promise<SyncRunResult> | null = null;
let rerun = false;
let timer: ReturnType<typeof setTimeout> | undefined;

export interface SyncRunResult { uploaded: number; failed: number; remaining: number; status: SyncStatus }

export interface SyncDeps {
  fetchImpl?: FetchLike;
  now?: () => number;
  random?: () => number;
}

/** Start a run, or ask the current one to go round again when it finishes. */
/** `manual`: the monitor pressed "Sinkronkan sekarang": try even when paused (e.g. the coordinator has just approved this device). */
export function requestSync(deps: SyncDeps = {}, manual = false): Promise<SyncRunResult> {
  if (manual) pendingManual = true;
  if (running) {
    rerun = true;
    return running;
  }
  running = (async () => {
    let result: SyncRunResult;
    do {
      rerun = false;
      const m = pendingManual;
      pendingManual = false;
      result = await runOnce(deps, m);
    } while (rerun && result.status.state === 'ok');
    return result;
  })().finally(() => {
    running = null;
  });
  return running;
}

/** At worker start: records left "sending" by a killed worker go back to the queue. */
export async function recoverQueue(): Promise<number> {
  const vault = await vaultState();
  if (vault.meta && !vault.keys) return 0; // locked: done at unlock (lib/background/handlers.ts)
  const sending = await listEvidence({ status: 'sending' });
  for (const ev of sending) {
    await updateEvidence(ev.id, (cur) => {
      const s = toSyncState(cur);
      if (!s || s.status !== 'sending') return null;
      return { ...cur, ...fromSyncState(recoverInterrupted(s)), updatedAt: new Date().toISOString() };
    });
  }
  return sending.length;
}

async function setStatus(lang: Lang, status: Omit<SyncStatus, 'at'>): Promise<SyncStatus> {
  const s: SyncStatus = { ...status, at: new Date().toISOString() };
  await syncStatusItem.setValue(s);
  void lang;
  return s;
}

let pendingManual = false;

async function runOnce(deps: SyncDeps, manual = false): Promise<SyncRunResult> {
  const now = deps.now ?? Date.now;
  const { language: lang, monitor } = await getSettings();
  const backend = await backendItem.getValue();
  if (!backend.baseUrl.trim()) {
    const status = await setStatus(lang, { state: 'unconfigured', message: t(lang, 'sync_unconfigured') });
    return { uploaded: 0, failed: 0, remaining: await countWaiting(), status };
  }
  const vault = await vaultState();
  if (vault.meta && !vault.keys) {
    // Encrypted and locked: the records cannot be read, so nothing can be sent until the monitor
    // unlocks (which starts a run). No timer: it would only find the store locked again.
    const status = await setStatus(lang, { state: 'locked', message: t(lang, 'sync_locked') });
    await clearSchedule();
    return { uploaded: 0, failed: 0, remaining: await countWaiting(), status };
  }
  await applyRetention(backend.retentionDays, now());
  const prior = await syncStatusItem.getValue();
  if (prior.state === 'paused' && !manual) {
    // Paused by the server refusing the token or the device: wait for the monitor (settings or "Sinkronkan sekarang").
    return { uploaded: 0, failed: 0, remaining: await countWaiting(), status: prior };
  }

  let uploaded = 0;
  let failed = 0;
  /** After a transient failure: not before this instant (the failed record's backoff). */
  let holdUntil: number | null = null;
  let status = await setStatus(lang, { state: 'syncing', message: t(lang, 'sync_running') });
  const queue = (await listEvidence({ status: 'queued' }))
    .sort((a, b) => a.record.capturedAt.localeCompare(b.record.capturedAt));

  const due = queue.filter((ev) => {
    const s = toSyncState(ev);
    return !!s && isDue(s, now());
  });
  let next = 0;
  let stop = false;
  let lastBadge = 0;
  const badge = async () => {
    if (Date.now() - lastBadge < 500) return; // the count, not every step, is what the monitor sees
    lastBadge = Date.now();
    await refreshBadge();
  };

  // UPLOAD_CONCURRENCY uploads in flight: one request's wait overlaps the other's IndexedDB work.
  const worker = async () => {
    while (!stop && next < due.length) {
      const ev = due[next++]!;
      const blob = await getBlob(ev.id, 'screenshot');
      if (!blob) {
        await applyOutcome(ev.id, { kind: 'rejected', status: 0, error: 'refused', message: t(lang, 'sync_noScreenshot') }, deps, monitor.name);
        failed++;
        continue;
      }
      // queued -> sending before the request, so a killed worker leaves a trace to recover. Not
      // fsynced (relaxed): if the mark is lost the record is simply still queued and is sent
      // again, which the server's idempotency makes safe. The outcome below is strict.
      const claimed = await updateEvidence(ev.id, (cur) => {
        const s = toSyncState(cur);
        if (!s) return null;
        const marked = markSending(s, now());
        return marked === s ? null : { ...cur, ...fromSyncState(marked), updatedAt: new Date(now()).toISOString() };
      }, { durability: 'relaxed' });
      if (!claimed || claimed.status !== 'sending') continue;
      await badge();

      const full = claimed.record.screenshot.full ? (await getBlob(ev.id, 'full')) ?? null : null;
      const source = claimed.record.source ? (await getBlob(ev.id, 'source')) ?? null : null;
      const outcome = await uploadEvidence({
        baseUrl: backend.baseUrl, token: backend.token, record: claimed.record, screenshot: blob, full, source,
        custody: claimed.custody.map((c) => ({ ...c, recordId: ev.id })), keys: custodyKeys(claimed.record, claimed.custody, await installationPublicKey()),
        fetchImpl: deps.fetchImpl,
      });
      // What the record keeps as its last error is what the monitor reads: plain text, no server English.
      await applyOutcome(ev.id, outcome.kind === 'stored' ? outcome : { ...outcome, message: syncErrorText(lang, outcome.error) }, deps, monitor.name);
      if (outcome.kind === 'stored') uploaded++;
      else if (outcome.kind === 'rejected') failed++;
      else if (outcome.kind === 'auth') {
        if (!stop) {
          const key = (await installationPublicKey()).keyId.slice(0, 16);
          status = await setStatus(lang, { state: 'paused', message: pausedMessage(lang, outcome, key), httpStatus: outcome.status });
        }
        stop = true;
      } else {
        // Network down or server trouble: stop this run; the failed record's backoff decides when
        // to come back for the whole queue (the others would only meet the same trouble).
        if (!stop) {
          status = await setStatus(lang, retryStatus(lang, outcome));
          const after = await getEvidence(ev.id);
          holdUntil = after?.sync.nextAttemptAt ? Date.parse(after.sync.nextAttemptAt) : null;
        }
        stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: UPLOAD_CONCURRENCY }, worker));
  if (status.state === 'syncing') status = await setStatus(lang, { state: 'ok', message: t(lang, 'sync_ok') });
  await refreshBadge();
  if (status.state === 'paused') await clearSchedule(); // waits for the monitor, not for a timer
  else await scheduleNext(now(), deps, holdUntil);
  return { uploaded, failed, remaining: await countWaiting(), status };
}

/** The monitor-facing text of a refused token or device (sync paused until the monitor acts). */
export function pausedMessage(lang: Lang, outcome: Extract<UploadOutcome, { kind: 'auth' }>, key: string): string {
  if (outcome.error === 'device_not_approved') return t(lang, 'sync_deviceNotApproved', { key });
  if (outcome.error === 'key_revoked') return t(lang, 'sync_keyRevoked', { key });
  return t(lang, 'sync_paused', { reason: syncErrorText(lang, outcome.error) });
}

/**
 * A transient failure: no answer at all (fetch threw: no network, DNS, refused connection) is
 * 'offline'; a server that answered 5xx/429, did not answer in time or gave a bad reply is 'retrying'.
 */
export function retryStatus(lang: Lang, outcome: Extract<UploadOutcome, { kind: 'retry' }>): Omit<SyncStatus, 'at'> {
  if (outcome.error === 'network') return { state: 'offline', message: t(lang, 'sync_offline'), httpStatus: null };
  return { state: 'retrying', message: t(lang, 'sync_retrying', { reason: syncErrorText(lang, outcome.error) }), httpStatus: outcome.status };
}

async function applyOutcome(id: string, outcome: UploadOutcome, deps: SyncDeps, actor: string): Promise<void> {
  const now = (deps.now ?? Date.now)();
  await updateWithCustody(id, (cur) => {
    const s = toSyncState(cur);
    if (!s) return null;
    let next = onUploadOutcome(s, outcome, now, deps.random ?? Math.random);
    // A refused token pauses sync as a whole (see runOnce); the record just waits in the queue.
    if (outcome.kind === 'auth') next = { ...next, paused: false, nextAttemptAt: null };
    const at = new Date(now).toISOString();
    const { signed, ...plain } = outcome.kind === 'stored' ? outcome.receipt : { signed: undefined };
    // The sync entry carries the server's countersigned receipt: bundles take it along.
    const entries: CustodyEvent[] = outcome.kind === 'stored'
      ? [{ at, action: 'sync', actor: actor || null, details: { ...plain, httpStatus: outcome.status, ...(signed ? { receipt: signed } : {}) } }]
      : [];
    return { next: { ...cur, ...fromSyncState(next), updatedAt: at }, entries };
  });
}

/** The public keys that signed a record's capture and custody log, as the server and bundles list them. */
export function custodyKeys(
  record: { attestation?: { keyId: string; publicKey: PublicJwk } | null },
  custody: readonly { action: string; keyId?: string; details?: unknown }[],
  own: { keyId: string; publicKey: PublicJwk },
): { keyId: string; publicKey: PublicJwk }[] {
  const keys = new Map<string, PublicJwk>([[own.keyId, own.publicKey], ...recordKeys(record, custody)]);
  const used = new Set(custody.map((e) => e.keyId).filter((k): k is string => !!k));
  if (record.attestation) used.add(record.attestation.keyId);
  return [...keys].filter(([k]) => used.has(k)).map(([keyId, publicKey]) => ({ keyId, publicKey }));
}

async function countWaiting(): Promise<number> {
  const c = await countByStatus(); // readable while the encrypted store is locked
  return c.queued + c.sending + c.failed;
}

/** Arm the alarm (survives the worker) and, for short waits, a timer (alarms fire >= 30 s). */
export async function scheduleNext(now: number, deps: SyncDeps = {}, notBefore: number | null = null): Promise<void> {
  clearTimeout(timer);
  const states = (await listEvidence({ status: 'queued' })).map(toSyncState).filter((s): s is SyncState => !!s);
  const earliest = nextDueAt(states, now);
  if (earliest === null) {
    await browser.alarms.clear(SYNC_ALARM);
    return;
  }
  const due = notBefore !== null && Number.isFinite(notBefore) ? Math.max(earliest, notBefore) : earliest;
  const wait = Math.max(0, due - now);
  await browser.alarms.create(SYNC_ALARM, { when: now + Math.max(wait, MIN_ALARM_MS), periodInMinutes: 5 });
  // The timer's run uses the same transport and clock as the run that armed it.
  if (wait < MIN_ALARM_MS) timer = setTimeout(() => void requestSync(deps), wait);
}

async function clearSchedule(): Promise<void> {
  clearTimeout(timer);
  await browser.alarms.clear(SYNC_ALARM);
}

/** The monitor fixed something: failed records (or one) go back to the queue, pause lifted. */
export async function retryRecords(ids?: string[]): Promise<number> {
  const targets = ids ?? (await listEvidence({ status: 'failed' })).map((e) => e.id);
  let n = 0;
  for (const id of targets) {
    const res = await updateEvidence(id, (cur) => {
      const s = toSyncState(cur);
      if (!s) return null;
      const next = retryFailed(s);
      if (next === s) return null;
      n++;
      return { ...cur, ...fromSyncState(next), updatedAt: new Date().toISOString() };
    });
    void res;
  }
  return n;
}

/** Called when backend settings change: lift a token pause so the next run tries again. */
export async function resetPause(): Promise<void> {
  const s = await syncStatusItem.getValue();
  if (s.state === 'paused' || s.state === 'unconfigured') {
    await syncStatusItem.setValue({ state: 'idle', message: '', at: new Date().toISOString() });
  }
}

/** Delete synced records older than `days` (0 = keep forever). */
export async function applyRetention(days: number, now: number): Promise<number> {
  if (!days || days <= 0) return 0;
  const cutoff = now - days * 86_400_000;
  const synced = await listEvidence({ status: 'synced' });
  let n = 0;
  for (const ev of synced) {
    const at = Date.parse(ev.sync.receipt?.receivedAt ?? ev.updatedAt);
    if (at < cutoff) {
      await deleteEvidence(ev.id);
      n++;
    }
  }
  return n;
}
