/**
 * The evidence store. IndexedDB belongs to the background (a content script would open the
 * site's database). Every write uses `durability: 'strict'` so a record reported as saved is on
 * disk, and the record and its screenshots are written in one transaction: all or nothing.
 *
 * With the optional passphrase encryption on (lib/db/vault.ts) each record is stored as a
 * SealedEvidence: only what the sync queue, the counts and the indexes need stays readable (id,
 * status, times, sync state, capture time, an HMAC of the flagged target); the record, the
 * monitor's notes and the custody log are one AES-GCM ciphertext bound to the record id, and each
 * screenshot is an AES-GCM ciphertext bound to its key. Every read and write goes through
 * encodeRow/decodeRow and encodeBlob/decodeBlob below, so callers always see plain
 * StoredEvidence and Blobs, and get a VaultLockedError while the vault is locked.
 */
import type { Receipt } from '../integrity/receipt';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EvidenceRecord } from '../record/schema';
import {
  macKey, resetVaultCache, seal, sealsWrites, unseal, vaultState, VaultLockedError,
  type Sealed, type VaultState,
} from './vault';

export const EVIDENCE_STATUSES = ['draft', 'queued', 'sending', 'synced', 'failed'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

export interface SyncInfo {
  attempts: number;
  lastError: { status: number | null; message: string; at: string } | null;
  nextAttemptAt: string | null;
  /** what the server answered; `signed` is its countersigned receipt (lib/integrity/receipt.ts) */
  receipt: { id: string; receivedAt: string; sha256: string; signed?: Receipt } | null;
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
  /** the signing installation key's id and its ES256 signature (lib/integrity/custody.ts) */
  keyId?: string;
  sig?: string;
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
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  const keys = [key];
  if (st.meta) {
    if (!st.keys) throw new VaultLockedError();
    keys.push(await macKey(st.keys, key));
  }
  const rows = (await Promise.all(keys.map((k) => db.getAllFromIndex('evidence', 'byTargetKey', k)))).flat();
  return Promise.all(rows.map((r) => decodeRow(r, st)));
}

/** A record as stored while encryption is on (see the top of this file). */
export interface SealedEvidence {
  id: string;
  status: EvidenceStatus;
  createdAt: string;
  updatedAt: string;
  sync: SyncInfo;
  /** HMAC of the plain target key (vault.macKey) */
  targetKey?: string;
  /** only the capture time, for the byCapturedAt index */
  record: { capturedAt: string };
  /** {record, missing, warnings, extras, custody, targetKey} as JSON, AES-GCM, AAD `evidence/<id>` */
  sealed: Sealed;
}
/** A screenshot as stored while encryption is on: AES-GCM of its bytes, AAD `blob/<key>`. */
export interface SealedBlob {
  type: string;
  sealed: Sealed;
}
export type EvidenceRow = StoredEvidence | SealedEvidence;
export type BlobRow = Blob | SealedBlob;

interface EvidenceDB extends DBSchema {
  evidence: {
    key: string;
    value: EvidenceRow;
    indexes: { byStatus: EvidenceStatus; byCapturedAt: string; byTargetKey: string };
  };
  blobs: { key: string; value: BlobRow };
}

export const isSealedRow = (r: EvidenceRow): r is SealedEvidence => !!(r as Partial<SealedEvidence>).sealed;
export const isSealedBlob = (b: BlobRow): b is SealedBlob => !(b instanceof Blob) && !!(b as Partial<SealedBlob>)?.sealed;

const te = new TextEncoder();
const td = new TextDecoder();

interface SealedBody {
  record: EvidenceRecord;
  missing: string[];
  warnings: ExtractionNote[];
  extras: Record<string, unknown>;
  custody: CustodyEvent[];
  targetKey: string | null;
}

/** The stored form of `ev`: itself, or sealed when encryption is on (or being turned on). */
export async function encodeRow(ev: StoredEvidence, st: VaultState): Promise<EvidenceRow> {
  if (!sealsWrites(st)) return ev;
  if (!st.keys) throw new VaultLockedError();
  const { record, missing, warnings, extras, custody, targetKey, ...open } = ev;
  const body: SealedBody = { record, missing, warnings, extras, custody, targetKey: targetKey ?? null };
  const sealed = await seal(st.keys, te.encode(JSON.stringify(body)), `evidence/${ev.id}`);
  const row: SealedEvidence = { ...open, record: { capturedAt: record.capturedAt }, sealed };
  if (targetKey) row.targetKey = await macKey(st.keys, targetKey);
  return row;
}

export async function decodeRow(row: EvidenceRow, st: VaultState): Promise<StoredEvidence> {
  if (!isSealedRow(row)) return row;
  if (!st.keys) throw new VaultLockedError();
  const body = JSON.parse(td.decode(await unseal(st.keys, row.sealed, `evidence/${row.id}`))) as SealedBody;
  const { sealed: _sealed, record: _record, targetKey: _key, ...open } = row;
  const ev: StoredEvidence = {
    ...open, record: body.record, missing: body.missing, warnings: body.warnings, extras: body.extras, custody: body.custody,
  };
  if (body.targetKey) ev.targetKey = body.targetKey;
  return ev;
}

async function encodeBlob(key: string, blob: Blob, st: VaultState): Promise<BlobRow> {
  if (!sealsWrites(st)) return blob;
  if (!st.keys) throw new VaultLockedError();
  return { type: blob.type || 'image/png', sealed: await seal(st.keys, await blob.arrayBuffer(), `blob/${key}`) };
}

async function decodeBlob(key: string, row: BlobRow, st: VaultState): Promise<Blob> {
  if (!isSealedBlob(row)) return row;
  if (!st.keys) throw new VaultLockedError();
  return new Blob([await unseal(st.keys, row.sealed, `blob/${key}`)], { type: row.type });
}

/** The same stored version of a row (to write back a conversion only if nothing changed meanwhile). */
function sameRow(a: EvidenceRow, b: EvidenceRow): boolean {
  if (isSealedRow(a) !== isSealedRow(b)) return false;
  if (isSealedRow(a) && isSealedRow(b)) {
    // A fresh IV on every write: the same IV is the same write.
    const x = a.sealed.iv;
    const y = b.sealed.iv;
    return x.length === y.length && x.every((v, i) => v === y[i]) && a.status === b.status && a.updatedAt === b.updatedAt;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export const DB_NAME = 'asn-evidence';
export const DB_VERSION = 2;

export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** The files kept with a record: the crop, the full visible tab, the flagged item's source HTML. */
export type BlobKind = 'screenshot' | 'full' | 'source';

export function blobKey(id: string, which: BlobKind): string {
  return which === 'source' ? `${id}/source.html` : `${id}/${which}.png`;
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
          // (Sealed rows did not exist before v2. Later migrations must decode sealed rows.)
          const row = cursor.value;
          const key = isSealedRow(row) ? null : targetKeyOf(row.record);
          if (key && row.targetKey !== key) await cursor.update({ ...row, targetKey: key });
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

/** For tests: forget the cached connection (and the cached vault state). */
export async function closeEvidenceDb(): Promise<void> {
  const p = dbPromise;
  dbPromise = null;
  resetVaultCache();
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
  blobs: Partial<Record<BlobKind, Blob>>;
}

/** Store a new record together with its screenshots, atomically. */
export async function insertEvidence(
  ev: StoredEvidence,
  blobs: Partial<Record<BlobKind, Blob>>,
): Promise<void> {
  await insertManyEvidence([{ evidence: ev, blobs }]);
}

/**
 * Store new records and their screenshots in ONE strict-durability transaction: all of them or,
 * on any failure (an id already present, storage full), none. Never overwrites a record.
 */
export async function insertManyEvidence(items: readonly EvidenceWrite[]): Promise<void> {
  if (items.length === 0) return;
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  // Sealed (when encryption is on) before the transaction: it must not wait on anything but IndexedDB.
  const rows = await Promise.all(items.map(async ({ evidence, blobs }) => ({
    row: await encodeRow(evidence, st),
    blobs: await Promise.all(
      Object.entries(blobs)
        .filter((e): e is [string, Blob] => !!e[1])
        .map(async ([which, blob]) => {
          const key = blobKey(evidence.id, which as BlobKind);
          return [key, await encodeBlob(key, blob, st)] as const;
        }),
    ),
  })));
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
      for (const { row, blobs } of rows) {
        track(tx.objectStore('evidence').add(row));
        for (const [key, blob] of blobs) track(tx.objectStore('blobs').put(blob, key));
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
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  const row = await db.get('evidence', id);
  return row && decodeRow(row, st);
}

export async function getBlob(id: string, which: BlobKind): Promise<Blob | undefined> {
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  const key = blobKey(id, which);
  const row = await db.get('blobs', key);
  return row && decodeBlob(key, row, st);
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
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  const durability = opts.durability ?? 'strict';
  if (!st.meta) {
    return guarded(async () => {
      const tx = db.transaction('evidence', 'readwrite', { durability });
      const row = await tx.store.get(id);
      if (!row) {
        await tx.done;
        return undefined;
      }
      if (isSealedRow(row)) throw new VaultLockedError(); // sealed rows without a vault: cannot happen
      const next = fn(row);
      if (next) await tx.store.put(next);
      await tx.done;
      return next ?? row;
    });
  }
  // Encrypted: decrypting cannot happen inside a transaction (it would auto-commit), so read,
  // decrypt, apply, encrypt, and write back only if the row is still the version that was read.
  return guarded(async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const raw = await db.get('evidence', id);
      if (!raw) return undefined;
      const cur = await decodeRow(raw, st);
      const next = fn(cur);
      if (!next) return cur;
      const row = await encodeRow(next, st);
      const tx = db.transaction('evidence', 'readwrite', { durability });
      const now = await tx.store.get(id);
      const same = !!now && sameRow(now, raw);
      if (same) await tx.store.put(row);
      await tx.done;
      if (same) return next;
      if (!now) return undefined;
    }
    throw new Error(`record ${id} kept changing while being updated; try again`);
  });
}

/**
 * Like updateEvidence, for changes that need an asynchronous step (signing a custody entry):
 * read, compute outside any transaction, and write back only if the row is still the version
 * that was read (else compute again). `fn` returning null leaves the record unchanged.
 */
export async function updateEvidenceAsync(
  id: string,
  fn: (ev: StoredEvidence) => Promise<StoredEvidence | null>,
  opts: { durability?: 'strict' | 'relaxed' } = {},
): Promise<StoredEvidence | undefined> {
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  const durability = opts.durability ?? 'strict';
  return guarded(async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const raw = await db.get('evidence', id);
      if (!raw) return undefined;
      const cur = st.meta ? await decodeRow(raw, st) : (raw as StoredEvidence);
      const next = await fn(cur);
      if (!next) return cur;
      const row = st.meta ? await encodeRow(next, st) : next;
      const tx = db.transaction('evidence', 'readwrite', { durability });
      const now = await tx.store.get(id);
      const same = !!now && sameRow(now, raw);
      if (same) await tx.store.put(row);
      await tx.done;
      if (same) return next;
      if (!now) return undefined;
    }
    throw new Error(`record ${id} kept changing while being updated; try again`);
  });
}

export async function listEvidence(opts: { status?: EvidenceStatus; limit?: number } = {}): Promise<StoredEvidence[]> {
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  const limit = opts.limit ?? Infinity;
  const out: EvidenceRow[] = [];
  const tx = db.transaction('evidence', 'readonly');
  const source = opts.status ? tx.store.index('byStatus') : tx.store.index('byCapturedAt');
  let cursor = await source.openCursor(opts.status ? IDBKeyRange.only(opts.status) : null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  await tx.done;
  return Promise.all(out.map((r) => decodeRow(r, st)));
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
    tx.objectStore('blobs').delete(blobKey(id, 'source')),
    tx.done,
  ]);
}

/**
 * Bring every stored record and screenshot to the form the vault asks for now: sealed while
 * encryption is on or being turned on, plain while it is being turned off. Resumable (a killed
 * run leaves each row either converted or not, never half); a row changed meanwhile is read again.
 */
export async function convertAllRows(onProgress?: (done: number, total: number) => void): Promise<{ records: number; screenshots: number }> {
  const [db, st] = await Promise.all([openEvidenceDb(), vaultState()]);
  if (st.meta && !st.keys) throw new VaultLockedError();
  const sealing = sealsWrites(st);
  const BATCH = 16;
  const recordKeys = await db.getAllKeys('evidence');
  const blobKeys = await db.getAllKeys('blobs');
  const total = recordKeys.length + blobKeys.length;
  let done = 0;
  let records = 0;
  let screenshots = 0;

  for (let i = 0; i < recordKeys.length; i += BATCH) {
    const slice = recordKeys.slice(i, i + BATCH);
    for (let attempt = 0; ; attempt++) {
      const raws = await Promise.all(slice.map((k) => db.get('evidence', k)));
      const todo = raws.filter((r): r is EvidenceRow => !!r && isSealedRow(r) !== sealing);
      if (todo.length === 0) break;
      if (attempt >= 10) throw new Error('records kept changing during encryption; try again');
      const converted = await Promise.all(todo.map(async (r) => encodeRow(await decodeRow(r, st), st)));
      const changed = await guarded(async () => {
        const tx = db.transaction('evidence', 'readwrite', { durability: 'strict' });
        const nows = await Promise.all(todo.map((r) => tx.store.get(r.id)));
        let conflict = false;
        const puts: Promise<unknown>[] = [];
        nows.forEach((now, j) => {
          if (now && sameRow(now, todo[j]!)) {
            puts.push(tx.store.put(converted[j]!));
            records++;
          } else if (now) conflict = true;
        });
        await Promise.all([...puts, tx.done]);
        return conflict;
      });
      if (!changed) break;
    }
    done += slice.length;
    onProgress?.(done, total);
  }

  for (let i = 0; i < blobKeys.length; i += BATCH) {
    const slice = blobKeys.slice(i, i + BATCH);
    const raws = await Promise.all(slice.map((k) => db.get('blobs', k)));
    const todo = slice.flatMap((k, j) => {
      const r = raws[j];
      return r && isSealedBlob(r) !== sealing ? [[k, r] as const] : [];
    });
    if (todo.length) {
      const converted = await Promise.all(todo.map(async ([k, r]) => encodeBlob(k, await decodeBlob(k, r, st), st)));
      await guarded(async () => {
        // Screenshots are never rewritten, only deleted: write back those still there.
        const tx = db.transaction('blobs', 'readwrite', { durability: 'strict' });
        const nows = await Promise.all(todo.map(([k]) => tx.store.getKey(k)));
        const puts: Promise<unknown>[] = [];
        nows.forEach((now, j) => {
          if (now !== undefined) {
            puts.push(tx.store.put(converted[j]!, todo[j]![0]));
            // the count the monitor is told is of screenshots; a record's source HTML is sealed too
            if (String(todo[j]![0]).endsWith('.png')) screenshots++;
          }
        });
        await Promise.all([...puts, tx.done]);
      });
    }
    done += slice.length;
    onProgress?.(done, total);
  }
  return { records, screenshots };
}

/** Id and status of every stored record (readable while the encrypted store is locked). */
export async function listIdsAndStatus(): Promise<Array<{ id: string; status: EvidenceStatus }>> {
  const db = await openEvidenceDb();
  const tx = db.transaction('evidence', 'readonly');
  const out: Array<{ id: string; status: EvidenceStatus }> = [];
  let cursor = await tx.store.openCursor();
  while (cursor) {
    out.push({ id: cursor.value.id, status: cursor.value.status });
    cursor = await cursor.continue();
  }
  await tx.done;
  return out;
}

/** Delete every record and screenshot in one strict transaction (the passphrase-lost reset). */
export async function clearAllEvidence(): Promise<void> {
  const db = await openEvidenceDb();
  const tx = db.transaction(['evidence', 'blobs'], 'readwrite', { durability: 'strict' });
  await Promise.all([tx.objectStore('evidence').clear(), tx.objectStore('blobs').clear(), tx.done]);
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
