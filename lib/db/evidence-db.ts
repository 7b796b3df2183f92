/**
 * The evidence store. IndexedDB belongs to the background (a content script would open the
 * site's database). Every write uses `durability: 'strict'` so a record reported as saved is on
 * disk, and the record and its screenshots are written in one transaction: all or nothing.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EvidenceRecord } from '../record/schema';

export const EVIDENCE_STATUSES = ['draft', 'queued', 'sending', 'synced', 'failed'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

export interface SyncInfo {
  attempts: number;
  lastError: { status: number | null; message: string; at: string } | null;
  nextAttemptAt: string | null;
  receipt: { id: string; receivedAt: string; sha256: string } | null;
  /** Set when the server refused the token: sync paused until the monitor fixes settings. */
  paused?: boolean;
}

/** One entry of a record's append-only, hash-chained custody log (see lib/integrity/custody.ts). */
export interface CustodyEvent {
  at: string;
  action: 'capture' | 'edit' | 'save' | 'sync' | 'export' | 'import' | 'delete';
  actor: string | null;
  details?: Record<string, unknown>;
  prevHash?: string | null;
  hash?: string;
}

export interface ExtractionNote { code: string; message: string }

export interface StoredEvidence {
  id: string;
  status: EvidenceStatus;
  record: EvidenceRecord;
  createdAt: string;
  updatedAt: string;
  /** Record fields the page did not yield and the monitor should fill (dot paths). */
  missing: string[];
  warnings: ExtractionNote[];
  extras: Record<string, unknown>;
  sync: SyncInfo;
  custody: CustodyEvent[];
  /** What was flagged, when the page identified it (see targetKeyOf); absent otherwise. */
  targetKey?: string;
}

/**
 * A stable key for what was flagged: the same comment, reply, reactor row or post gives the same
 * key, so a second flag can be recognised. null when the page gave no id to key on.
 */
export function targetKeyOf(r: Pick<EvidenceRecord, 'platform' | 'kind' | 'post' | 'comment' | 'reaction'>): string | null {
  const post = r.post?.id ?? null;
  switch (r.kind) {
    case 'comment':
    case 'reply':
      return r.comment?.id ? `${r.platform}|${r.kind}|${post ?? ''}|${r.comment.id}` : null;
    case 'reaction':
      return post && r.reaction?.actorUrl ? `${r.platform}|reaction|${post}|${r.reaction.actorUrl}` : null;
    case 'post':
      return post ? `${r.platform}|post|${post}` : null;
    default:
      return null;
  }
}

export async function findByTargetKey(key: string): Promise<StoredEvidence[]> {
  return (await openEvidenceDb()).getAllFromIndex('evidence', 'byTargetKey', key);
}

interface EvidenceDB extends DBSchema {
  evidence: {
    key: string;
    value: StoredEvidence;
    indexes: { byStatus: EvidenceStatus; byCapturedAt: string; byTargetKey: string };
  };
  blobs: { key: string; value: Blob };
}

export const DB_NAME = 'asn-evidence';
export const DB_VERSION = 2;

export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

export function blobKey(id: string, which: 'screenshot' | 'full'): string {
  return `${id}/${which}.png`;
}

let dbPromise: Promise<IDBPDatabase<EvidenceDB>> | null = null;

export function openEvidenceDb(): Promise<IDBPDatabase<EvidenceDB>> {
  dbPromise ??= openDB<EvidenceDB>(DB_NAME, DB_VERSION, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      // Numbered migrations: each step runs once, in order (tests/unit/pipeline/migrations.test.ts).
      if (oldVersion < 1) {
        const ev = db.createObjectStore('evidence', { keyPath: 'id' });
        ev.createIndex('byStatus', 'status');
        ev.createIndex('byCapturedAt', 'record.capturedAt');
        db.createObjectStore('blobs');
      }
      if (oldVersion < 2) {
        // v2: what was flagged (platform/kind/post/comment/reactor), to tell the monitor about
        // a duplicate flag. Existing records get their key computed here.
        const ev = tx.objectStore('evidence');
        ev.createIndex('byTargetKey', 'targetKey');
        let cursor = await ev.openCursor();
        while (cursor) {
          const key = targetKeyOf(cursor.value.record);
          if (key && cursor.value.targetKey !== key) await cursor.update({ ...cursor.value, targetKey: key });
          cursor = await cursor.continue();
        }
      }
    },
    blocking() {
      // A newer version wants to upgrade (extension update): let it.
      void dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
    terminated() {
      dbPromise = null;
    },
  }).catch((e) => {
    dbPromise = null;
    throw e;
  });
  return dbPromise;
}

/** For tests: forget the cached connection. */
export async function closeEvidenceDb(): Promise<void> {
  const p = dbPromise;
  dbPromise = null;
  if (p) (await p).close();
}

function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  const msg = String((e as { message?: string } | null)?.message ?? '');
  return name === 'QuotaExceededError' || /quota/i.test(msg);
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isQuotaError(e)) throw new StorageFullError('storage full');
    throw e;
  }
}

/** A record with its screenshots, as written by insertEvidence / insertManyEvidence. */
export interface EvidenceWrite {
  evidence: StoredEvidence;
  blobs: Partial<Record<'screenshot' | 'full', Blob>>;
}

/** Store a new record together with its screenshots, atomically. */
export async function insertEvidence(
  ev: StoredEvidence,
  blobs: Partial<Record<'screenshot' | 'full', Blob>>,
): Promise<void> {
  await insertManyEvidence([{ evidence: ev, blobs }]);
}

/**
 * Store new records and their screenshots in ONE strict-durability transaction: all of them or,
 * on any failure (an id already present, storage full), none. Never overwrites a record.
 */
export async function insertManyEvidence(items: readonly EvidenceWrite[]): Promise<void> {
  if (items.length === 0) return;
  const db = await openEvidenceDb();
  await guarded(async () => {
    const tx = db.transaction(['evidence', 'blobs'], 'readwrite', { durability: 'strict' });
    tx.done.catch(() => undefined); // observed below; avoid an unhandled rejection on abort
    try {
      // Every request is observed at once: after an abort the pending ones reject too.
      const writes: Promise<unknown>[] = [];
      const track = (p: Promise<unknown>) => {
        p.catch(() => undefined);
        writes.push(p);
      };
      for (const { evidence, blobs } of items) {
        track(tx.objectStore('evidence').add(evidence));
        for (const [which, blob] of Object.entries(blobs)) {
          if (blob) track(tx.objectStore('blobs').put(blob, blobKey(evidence.id, which as 'screenshot' | 'full')));
        }
      }
      await Promise.all(writes);
      await tx.done;
    } catch (e) {
      // A failed write must not let the others commit: abort the whole transaction.
      try {
        tx.abort();
      } catch {
        /* already finished */
      }
      throw e;
    }
  });
}

export async function getEvidence(id: string): Promise<StoredEvidence | undefined> {
  return (await openEvidenceDb()).get('evidence', id);
}

export async function getBlob(id: string, which: 'screenshot' | 'full'): Promise<Blob | undefined> {
  return (await openEvidenceDb()).get('blobs', blobKey(id, which));
}

/**
 * Read-modify-write one record in a single transaction. `fn` returns the new value, or null to
 * leave it unchanged. Returns the stored value.
 */
export async function updateEvidence(
  id: string,
  fn: (ev: StoredEvidence) => StoredEvidence | null,
  opts: { durability?: 'strict' | 'relaxed' } = {},
): Promise<StoredEvidence | undefined> {
  const db = await openEvidenceDb();
  return guarded(async () => {
    const tx = db.transaction('evidence', 'readwrite', { durability: opts.durability ?? 'strict' });
    const cur = await tx.store.get(id);
    if (!cur) {
      await tx.done;
      return undefined;
    }
    const next = fn(cur);
    if (next) await tx.store.put(next);
    await tx.done;
    return next ?? cur;
  });
}

export async function listEvidence(opts: { status?: EvidenceStatus; limit?: number } = {}): Promise<StoredEvidence[]> {
  const db = await openEvidenceDb();
  const limit = opts.limit ?? Infinity;
  const out: StoredEvidence[] = [];
  const tx = db.transaction('evidence', 'readonly');
  const source = opts.status ? tx.store.index('byStatus') : tx.store.index('byCapturedAt');
  let cursor = await source.openCursor(opts.status ? IDBKeyRange.only(opts.status) : null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  await tx.done;
  return out;
}

export async function countByStatus(): Promise<Record<EvidenceStatus, number>> {
  const db = await openEvidenceDb();
  const tx = db.transaction('evidence', 'readonly');
  const idx = tx.store.index('byStatus');
  const entries = await Promise.all(
    EVIDENCE_STATUSES.map(async (s) => [s, await idx.count(s)] as const),
  );
  await tx.done;
  return Object.fromEntries(entries) as Record<EvidenceStatus, number>;
}

export async function deleteEvidence(id: string): Promise<void> {
  const db = await openEvidenceDb();
  const tx = db.transaction(['evidence', 'blobs'], 'readwrite', { durability: 'strict' });
  await Promise.all([
    tx.objectStore('evidence').delete(id),
    tx.objectStore('blobs').delete(blobKey(id, 'screenshot')),
    tx.objectStore('blobs').delete(blobKey(id, 'full')),
    tx.done,
  ]);
}

/** Rough usage report for the popup ("penyimpanan hampir penuh"). */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const est = await navigator.storage?.estimate?.();
    if (!est) return null;
    return { usage: est.usage ?? 0, quota: est.quota ?? 0 };
  } catch {
    return null;
  }
}
