import type { CustodyEvent, StoredEvidence } from '../../../lib/db/evidence-db';
import { appendCustody } from '../../../lib/integrity/custody';
import type { EvidenceRecord } from '../../../lib/record/schema';
import { makePng, makeRecord } from '../export/make-record';

/** A stored row with a real PNG whose hash is in the record. */
export function storedItem(
  over: Partial<EvidenceRecord> = {},
  status: StoredEvidence['status'] = 'queued',
  seed = 1,
): { ev: StoredEvidence; png: Uint8Array } {
  const png = makePng(4, 3, seed);
  const record = makeRecord(over, png);
  return {
    png,
    ev: {
      id: record.id, status, record, createdAt: record.capturedAt, updatedAt: record.capturedAt, missing: [],
      warnings: [], extras: {}, sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
      custody: appendCustody(record.id, appendCustody<CustodyEvent>(record.id, [], {
        at: record.capturedAt, action: 'capture' as const, actor: 'Siti Aminah', details: { sha256: record.screenshot.sha256 },
      }), { at: record.capturedAt, action: 'save' as const, actor: 'Siti Aminah' }),
    },
  };
}

export const pngBlob = (b: Uint8Array) => new Blob([b as BlobPart], { type: 'image/png' });
