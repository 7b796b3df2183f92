/**
 * Writes for importing an evidence bundle: every new record with its screenshots in ONE
 * readwrite transaction (durability strict), so an import is all or nothing - a failure on any
 * record (an id that appeared meanwhile, full storage) aborts the whole transaction.
 */
import { insertManyEvidence, listEvidence, type EvidenceWrite } from './evidence-db';

/** One record of an import with its screenshots (see insertManyEvidence in evidence-db.ts). */
export type ImportWrite = EvidenceWrite;
export { insertManyEvidence };

/** id -> screenshot SHA-256 of every stored record (to plan an import without duplicates). */
export async function storedScreenshotHashes(): Promise<Map<string, string>> {
  return new Map((await listEvidence()).map((ev) => [ev.id, ev.record.screenshot.sha256]));
}
