import { beforeEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import {
  closeEvidenceDb, DB_NAME, DB_VERSION, findByTargetKey, getEvidence, targetKeyOf,
} from '../../../lib/db/evidence-db';
import { record } from './make';

const ID = '3f1c9a52-8a4e-4c1b-9d7e-2b5f0c7a1e11';

beforeEach(async () => {
  await closeEvidenceDb();
  await new Promise((r) => { const q = indexedDB.deleteDatabase(DB_NAME); q.onsuccess = q.onerror = q.onblocked = r; });
});

describe('storage migrations', () => {
  it('v1 -> v2 keeps every record and blob and adds the flagged-target key', async () => {
    // A v1 database as the first release wrote it.
    const v1 = await openDB(DB_NAME, 1, {
      upgrade(db) {
        const ev = db.createObjectStore('evidence', { keyPath: 'id' });
        ev.createIndex('byStatus', 'status');
        ev.createIndex('byCapturedAt', 'record.capturedAt');
        db.createObjectStore('blobs');
      },
    });
    const rec = record();
    await v1.put('evidence', { id: ID, status: 'queued', record: rec, createdAt: rec.capturedAt, updatedAt: rec.capturedAt, missing: [], warnings: [], extras: {}, sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null }, custody: [] });
    await v1.put('blobs', new Blob([new Uint8Array([1, 2, 3])]), `${ID}/screenshot.png`);
    v1.close();

    expect(DB_VERSION).toBe(2);
    const migrated = await getEvidence(ID);
    expect(migrated?.record).toEqual(rec);
    expect(migrated?.targetKey).toBe('facebook|comment|pfbid0abc|7000');
    expect((await findByTargetKey('facebook|comment|pfbid0abc|7000')).map((e) => e.id)).toEqual([ID]);
  });

  it('keys what was flagged only when the page identified it', () => {
    const r = record();
    expect(targetKeyOf(r)).toBe('facebook|comment|pfbid0abc|7000');
    expect(targetKeyOf({ ...r, comment: { ...r.comment!, id: null } })).toBeNull();
    expect(targetKeyOf({ ...r, kind: 'post' })).toBe('facebook|post|pfbid0abc');
    expect(targetKeyOf({ ...r, kind: 'reaction', reaction: { type: 'like', actorName: 'B', actorUrl: 'https://www.facebook.com/b' } }))
      .toBe('facebook|reaction|pfbid0abc|https://www.facebook.com/b');
    expect(targetKeyOf({ ...r, kind: 'page' })).toBeNull();
  });
});
