import type { CustodyEvent, StoredEvidence } from '../../../lib/db/evidence-db';
import { attest } from '../../../lib/integrity/attestation';
import { appendCustody, appendSignedCustody } from '../../../lib/integrity/custody';
import { installationKey } from '../../../lib/integrity/keystore';
import type { EvidenceRecord } from '../../../lib/record/schema';
import { makePng, makeRecord } from '../export/make-record';

/** A stored row with a real PNG whose hash is in the record (not signed: for tests that never verify it). */
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

/**
 * A stored row as this installation writes it: the record signed at capture and every custody entry
 * signed by the installation key (lib/integrity/keystore.ts), the key that also signs exports.
 */
export async function signedStoredItem(
  over: Partial<EvidenceRecord> = {},
  status: StoredEvidence['status'] = 'queued',
  seed = 1,
): Promise<{ ev: StoredEvidence; png: Uint8Array }> {
  const { ev, png } = storedItem(over, status, seed);
  const key = await installationKey();
  const record = { ...ev.record, attestation: await attest(ev.record, key, new Date(ev.record.capturedAt)) };
  const entries = ev.custody.map(({ prevHash: _p, hash: _h, keyId: _k, sig: _s, ...e }) => e as CustodyEvent);
  const custody = await appendSignedCustody<CustodyEvent>(record.id, [], entries, key);
  return { png, ev: { ...ev, record, custody } };
}

export const pngBlob = (b: Uint8Array) => new Blob([b as BlobPart], { type: 'image/png' });
