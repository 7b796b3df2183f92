/**
 * Writes for importing an evidence bundle: every new record with its screenshots in ONE
 * readwrite transaction (durability strict), so an import is all or nothing - a failure on any
 * record (an id that appeared meanwhile, full storage) aborts the whole transaction.
 */
import { blobKey, openEvidenceDb, StorageFullError, type StoredEvidence } from './evidence-db';

export interface ImportWrite {
  evidence: StoredEvidence;
  blobs: Partial<Record<'screenshot' | 'full', Blob>>;
}

function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  const msg = String((e as { message?: string } | null)?.message ?? '');
  return name === 'QuotaExceededError' || /quota/i.test(msg);
}

/** Insert all records and blobs atomically. `add` (not put): an existing id aborts everything. */
export async function insertManyEvidence(items: readonly ImportWrite[]): Promise<void> {
  if (items.length === 0) return;
  const db = await openEvidenceDb();
  const tx = db.transaction(['evidence', 'blobs'], 'readwrite', { durability: 'strict' });
  tx.done.catch(() => undefined); // observed below; avoid an unhandled rejection on abort
  try {
    const writes: Promise<unknown>[] = [];
    // Every request is observed at once: if a later call throws synchronously, the requests
    // already made reject with AbortError when the transaction is aborted below.
    const track = (p: Promise<unknown>) => { p.catch(() => undefined); writes.push(p); };
    for (const { evidence, blobs } of items) {
      track(tx.objectStore('evidence').add(evidence));
      for (const [which, blob] of Object.entries(blobs)) {
        if (blob) track(tx.objectStore('blobs').put(blob, blobKey(evidence.id, which as 'screenshot' | 'full')));
      }
    }
    await Promise.all(writes);
    await tx.done;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already finished */
    }
    if (isQuotaError(e)) throw new StorageFullError('storage full');
    throw e;
  }
}

/** id -> screenshot SHA-256 of every stored record (to plan an import without duplicates). */
export async function storedScreenshotHashes(): Promise<Map<string, string>> {
  const db = await openEvidenceDb();
  const out = new Map<string, string>();
  const tx = db.transaction('evidence', 'readonly');
  let cursor = await tx.store.openCursor();
  while (cursor) {
    out.set(cursor.value.id, cursor.value.record.screenshot.sha256);
    cursor = await cursor.continue();
  }
  await tx.done;
  return out;
}
