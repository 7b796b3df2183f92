/**
 * Writes for importing an evidence bundle: every new record with its screenshots in ONE
 * readwrite transaction (durability strict), so an import is all or nothing - a failure on any
 * record (an id that appeared meanwhile, full storage) aborts the whole transaction.
 */
import { insertManyEvidence, openEvidenceDb, type EvidenceWrite } from './evidence-db';

/** One record of an import with its screenshots (see insertManyEvidence in evidence-db.ts). */
export type ImportWrite = EvidenceWrite;
export { insertManyEvidence };

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
