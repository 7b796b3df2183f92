import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleWorkbenchMessage } from '../../../lib/background/workbench-handlers';
import {
  closeEvidenceDb, getBlob, getEvidence, insertEvidence, updateEvidence, type StoredEvidence,
} from '../../../lib/db/evidence-db';
import { appendCustody, verifyCustody } from '../../../lib/integrity/custody';
import type { EvidenceRecord } from '../../../lib/record/schema';
import { settingsItem, DEFAULT_SETTINGS } from '../../../lib/settings';
import { deletionsItem, readDeletions, verifyDeletions } from '../../../lib/workbench/deletions';
import type {
  CaseFilesResult, DeleteResult, DeletionsResult, SetGesturesResult, TypedListResult,
} from '../../../lib/workbench-protocol';
import { record } from '../pipeline/make';

const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const ID3 = '33333333-3333-4333-8333-333333333333';
const png = (n: number) => new Blob([new Uint8Array(n).fill(7)], { type: 'image/png' });

function stored(id: string, capturedAt: string, status: StoredEvidence['status'] = 'draft', over: (r: EvidenceRecord) => void = () => {}): StoredEvidence {
  const r = record({ id, capturedAt: new Date(capturedAt) });
  over(r);
  return {
    id, status, record: r, createdAt: capturedAt, updatedAt: capturedAt, missing: ['subject.nip'],
    warnings: [], extras: {}, sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
    custody: appendCustody(id, [], { at: capturedAt, action: 'capture', actor: 'Rahmat' }),
  };
}

const send = <T,>(msg: unknown) => handleWorkbenchMessage(msg, 'id') as Promise<T>;
const TWO = { type: 'two_fingers', box: { x: 10, y: 20, width: 100, height: 50 } } as const;

beforeEach(async () => {
  fakeBrowser.reset();
  await closeEvidenceDb();
  indexedDB.deleteDatabase('asn-evidence');
  await settingsItem.setValue({ ...DEFAULT_SETTINGS, monitor: { name: 'Rahmat Hidayat', nip: '', unit: '' } });
});

describe('workbench messages: routing and parsing', () => {
  it('answers only its own message types', () => {
    expect(handleWorkbenchMessage({ type: 'save-evidence' }, 'id')).toBeUndefined();
    expect(handleWorkbenchMessage({ type: 'list-evidence', filter: {} }, 'id')).toBeUndefined();
    expect(handleWorkbenchMessage(null, 'id')).toBeUndefined();
    expect(handleWorkbenchMessage('set-gestures', 'id')).toBeUndefined();
  });

  it('refuses malformed messages before touching anything', async () => {
    expect(await send({ type: 'set-gestures', id: 'not-a-uuid', gestures: [] })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await send({ type: 'set-gestures', id: ID1, gestures: [{ type: 'wave', box: TWO.box }] })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await send({ type: 'delete-evidence', id: ID1, reason: 'x', extra: 1 })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await send({ type: 'get-case-files', timeZone: 'Mars/Olympus' })).toMatchObject({ ok: false, code: 'invalid' });
  });
});

describe('set-gestures', () => {
  it('stores the boxes in one update, ticks "gesture", marks the source and logs old and new values in the chain', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    const before = (await getEvidence(ID1))!;
    const res = await send<SetGesturesResult>({ type: 'set-gestures', id: ID1, gestures: [TWO] });
    expect(res).toMatchObject({ ok: true, changed: true, gestures: [TWO] });
    const ev = (await getEvidence(ID1))!;
    expect(ev.record.violation.gestures).toEqual([TWO]);
    expect(ev.record.violation.types).toEqual(['comment', 'gesture']);
    expect(ev.record.fieldSources['violation.gestures']).toBe('user');
    expect(ev.record.screenshot).toEqual(before.record.screenshot);
    expect(ev.record.capturedAt).toBe(before.record.capturedAt);
    expect(ev.status).toBe('draft');
    const last = ev.custody.at(-1)!;
    expect(last).toMatchObject({ action: 'edit', actor: 'Rahmat Hidayat' });
    expect(last.details).toEqual({
      changes: [
        { path: 'violation.gestures', from: [], to: [TWO] },
        { path: 'violation.types', from: ['comment'], to: ['comment', 'gesture'] },
      ],
    });
    expect(verifyCustody(ID1, ev.custody)).toEqual({ ok: true, length: 2 });

    // changing the type and then removing the mark: logged each time, "gesture" stays ticked
    const v = { ...TWO, type: 'v_sign' as const };
    await send({ type: 'set-gestures', id: ID1, gestures: [v] });
    await send({ type: 'set-gestures', id: ID1, gestures: [] });
    const after = (await getEvidence(ID1))!;
    expect(after.record.violation.gestures).toEqual([]);
    expect(after.record.violation.types).toContain('gesture');
    expect(after.custody.map((c) => c.action)).toEqual(['capture', 'edit', 'edit', 'edit']);
    expect(after.custody[3]!.details).toEqual({ changes: [{ path: 'violation.gestures', from: [v], to: [] }] });
    expect(verifyCustody(ID1, after.custody).ok).toBe(true);

    // the same marks again: nothing logged
    expect(await send({ type: 'set-gestures', id: ID1, gestures: [] })).toMatchObject({ ok: true, changed: false });
    expect((await getEvidence(ID1))!.custody).toHaveLength(4);
  });

  it('refuses a box outside the screenshot (584 x 124 px) and leaves the record alone', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    const res = await send<SetGesturesResult>({
      type: 'set-gestures', id: ID1, gestures: [TWO, { type: 'ok', box: { x: 500, y: 100, width: 85, height: 10 } }],
    });
    expect(res).toMatchObject({ ok: false, code: 'invalid' });
    if (!res.ok) expect(res.message).toMatch(/Tanda gestur tidak sah.*584 x 124/);
    const ev = (await getEvidence(ID1))!;
    expect(ev.record.violation.gestures).toEqual([]);
    expect(ev.custody).toHaveLength(1);
  });

  it('refuses records being sent or already synced, and unknown records', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z', 'synced'), { screenshot: png(10) });
    await insertEvidence(stored(ID2, '2024-09-13T02:15:04.123Z', 'sending'), { screenshot: png(10) });
    for (const id of [ID1, ID2]) {
      expect(await send({ type: 'set-gestures', id, gestures: [TWO] })).toMatchObject({ ok: false, code: 'locked' });
      expect((await getEvidence(id))!.record.violation.gestures).toEqual([]);
    }
    expect(await send({ type: 'set-gestures', id: ID3, gestures: [TWO] })).toMatchObject({ ok: false, code: 'not_found' });
  });
});

describe('delete-evidence and the deletion log', () => {
  it('needs a reason, then keeps a hash-chained tombstone in storage.local and deletes the record and its blobs', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z', 'queued'), { screenshot: png(10), full: png(20) });
    await insertEvidence(stored(ID2, '2024-09-14T02:15:04.123Z', 'synced', (r) => { r.subject.name = 'Sinta <b>Dewi</b>'; }), { screenshot: png(11) });

    expect(await send({ type: 'delete-evidence', id: ID1, reason: '   ' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await getEvidence(ID1)).toBeDefined();

    const head = (await getEvidence(ID1))!.custody.at(-1)!.hash;
    const res = await send<DeleteResult>({ type: 'delete-evidence', id: ID1, reason: 'Salah tandai (bukan ASN)' });
    expect(res.ok).toBe(true);
    expect(await getEvidence(ID1)).toBeUndefined();
    expect(await getBlob(ID1, 'screenshot')).toBeUndefined();
    expect(await getBlob(ID1, 'full')).toBeUndefined();
    expect(await send({ type: 'delete-evidence', id: ID2, reason: 'Duplikat' })).toMatchObject({ ok: true });

    const stored1 = await fakeBrowser.storage.local.get('deletions');
    const log = stored1.deletions as Awaited<ReturnType<typeof readDeletions>>;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      id: ID1, action: 'delete', actor: 'Rahmat Hidayat', sha256: 'a'.repeat(64), subjectName: 'Budi Santoso',
      reason: 'Salah tandai (bukan ASN)', custodyHead: head, status: 'queued', prevHash: null,
    });
    expect(log[1]).toMatchObject({ id: ID2, subjectName: 'Sinta <b>Dewi</b>', prevHash: log[0]!.hash, status: 'synced' });
    expect(verifyDeletions(log)).toEqual({ ok: true, length: 2 });
    expect(await send<DeletionsResult>({ type: 'get-deletions' })).toMatchObject({ ok: true, check: { ok: true, length: 2 } });

    // tampering with the readable fields or the hashed ones is caught
    await deletionsItem.setValue([{ ...log[0]!, reason: 'lain' }, log[1]!]);
    expect(verifyDeletions(await readDeletions())).toMatchObject({ ok: false, index: 0 });
    await deletionsItem.setValue([{ ...log[0]!, details: { ...log[0]!.details, reason: 'lain' }, reason: 'lain' }, log[1]!]);
    expect(verifyDeletions(await readDeletions())).toMatchObject({ ok: false, index: 0 });
    await deletionsItem.setValue([log[1]!]);
    expect(verifyDeletions(await readDeletions())).toMatchObject({ ok: false, index: 0 });
  });

  it('keeps every tombstone when deletions run at the same time', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    await insertEvidence(stored(ID2, '2024-09-14T02:15:04.123Z'), { screenshot: png(10) });
    await insertEvidence(stored(ID3, '2024-09-15T02:15:04.123Z'), { screenshot: png(10) });
    await Promise.all([ID1, ID2, ID3].map((id) => send({ type: 'delete-evidence', id, reason: 'uji' })));
    const log = await readDeletions();
    expect(log.map((e) => e.id).sort()).toEqual([ID1, ID2, ID3]);
    expect(verifyDeletions(log).ok).toBe(true);
  });

  it('refuses a record being sent and an unknown record, writing no tombstone', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z', 'sending'), { screenshot: png(10) });
    expect(await send({ type: 'delete-evidence', id: ID1, reason: 'uji' })).toMatchObject({ ok: false, code: 'locked' });
    expect(await send({ type: 'delete-evidence', id: ID2, reason: 'uji' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await getEvidence(ID1)).toBeDefined();
    expect(await readDeletions()).toEqual([]);
  });
});

describe('case files and the typed list', () => {
  it('groups stored records per ASN with deadlines, and filters the list by violation type', async () => {
    const nip = '198503122010011002';
    await insertEvidence(stored(ID1, '2024-09-13T16:30:00.000Z', 'queued', (r) => { r.subject.nip = nip; }), { screenshot: png(10) });
    await insertEvidence(stored(ID2, '2024-09-20T02:00:00.000Z', 'draft', (r) => { r.violation.types = ['like']; }), { screenshot: png(10) });
    await insertEvidence(stored(ID3, '2024-09-21T02:00:00.000Z', 'draft', (r) => {
      r.subject = { ...r.subject, name: 'Sinta', accountUrl: 'https://www.facebook.com/sinta' };
      r.violation.types = ['share'];
    }), { screenshot: png(10) });
    const res = await send<CaseFilesResult>({ type: 'get-case-files' });
    expect(res.ok).toBe(true);
    expect(res.cases.map((c) => c.records.length)).toEqual([2, 1]);
    const budi = res.cases[0]!;
    expect(budi.key).toBe(`nip:${nip}`); // the record without NIP joins by name + account
    expect(budi.countsByType).toEqual({ comment: 1, like: 1 });
    expect(budi.records[0]!.deadline.deadlineAt).toBe('2024-09-20T16:59:59.999Z');
    const wit = await send<CaseFilesResult>({ type: 'get-case-files', timeZone: 'Asia/Jayapura' });
    expect(wit.cases[0]!.records[0]!.deadline.deadlineAt).toBe('2024-09-21T14:59:59.999Z');

    const typed = await send<TypedListResult>({ type: 'list-evidence-typed', filter: {}, violationTypes: ['like', 'share'] });
    expect(typed.rows.map((r) => r.id)).toEqual([ID3, ID2]);
    expect(typed.total).toBe(3);
    expect(typed.rows[0]).toMatchObject({ types: ['share'], gestureCount: 0 });
    const all = await send<TypedListResult>({ type: 'list-evidence-typed', filter: { statuses: ['queued'] }, violationTypes: [] });
    expect(all.rows.map((r) => r.id)).toEqual([ID1]);
  });

  it('set-gestures runs in a single transaction (one updateEvidence call)', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    // A concurrent edit through updateEvidence and a set-gestures must both land.
    await Promise.all([
      updateEvidence(ID1, (e) => ({ ...e, extras: { touched: true } })),
      send({ type: 'set-gestures', id: ID1, gestures: [TWO] }),
    ]);
    const ev = (await getEvidence(ID1))!;
    expect(ev.extras).toEqual({ touched: true });
    expect(ev.record.violation.gestures).toEqual([TWO]);
  });
});
