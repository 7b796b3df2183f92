import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  closeEvidenceDb, countByStatus, getBlob, getEvidence, insertEvidence, listEvidence,
  StorageFullError, updateEvidence, type StoredEvidence,
} from '../../../lib/db/evidence-db';
import { handleMessage, isContentScript, isOwnPage } from '../../../lib/background/handlers';
import { record } from './make';

function stored(id: string, capturedAt: string, status: StoredEvidence['status'] = 'draft'): StoredEvidence {
  const r = record({ id, capturedAt: new Date(capturedAt) });
  return {
    id, status, record: r, createdAt: capturedAt, updatedAt: capturedAt, missing: ['subject.nip'],
    warnings: [], extras: {}, sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
    custody: [{ at: capturedAt, action: 'capture', actor: 'Rahmat' }],
  };
}
const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const png = (n: number) => new Blob([new Uint8Array(n).fill(7)], { type: 'image/png' });

beforeEach(async () => {
  fakeBrowser.reset();
  await closeEvidenceDb();
  indexedDB.deleteDatabase('asn-evidence');
});

describe('evidence store', () => {
  it('stores a record with its screenshots and lists newest first with counts', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10), full: png(20) });
    await insertEvidence(stored(ID2, '2024-09-14T02:15:04.123Z', 'queued'), { screenshot: png(11) });
    expect((await listEvidence()).map((e) => e.id)).toEqual([ID2, ID1]);
    expect(await countByStatus()).toEqual({ draft: 1, queued: 1, sending: 0, synced: 0, failed: 0 });
    expect((await getBlob(ID1, 'full'))?.size).toBe(20);
    expect(await getBlob(ID2, 'full')).toBeUndefined();
    expect((await listEvidence({ status: 'queued' })).map((e) => e.id)).toEqual([ID2]);
  });

  it('refuses a second record with the same id instead of overwriting evidence', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    await expect(insertEvidence(stored(ID1, '2024-09-15T00:00:00.000Z'), { screenshot: png(99) })).rejects.toThrow();
    expect((await getEvidence(ID1))?.record.capturedAt).toBe('2024-09-13T02:15:04.123Z');
    expect((await getBlob(ID1, 'screenshot'))?.size).toBe(10);
  });

  it('says "storage full" on QuotaExceededError, writes nothing half-way, keeps what was stored', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    const put = IDBObjectStore.prototype.put;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'blobs') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args as Parameters<typeof put>);
    });
    try {
      await expect(insertEvidence(stored(ID2, '2024-09-14T00:00:00.000Z'), { screenshot: png(10) }))
        .rejects.toBeInstanceOf(StorageFullError);
    } finally {
      spy.mockRestore();
    }
    expect(await getEvidence(ID2)).toBeUndefined();
    expect(await getBlob(ID2, 'screenshot')).toBeUndefined();
    expect((await getEvidence(ID1))?.id).toBe(ID1);
  });

  it('updates in one transaction and leaves the record alone when the updater declines', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    await updateEvidence(ID1, () => null);
    expect((await getEvidence(ID1))?.status).toBe('draft');
    await updateEvidence(ID1, (e) => ({ ...e, status: 'queued' }));
    expect((await getEvidence(ID1))?.status).toBe('queued');
    expect(await updateEvidence('33333333-3333-4333-8333-333333333333', (e) => e)).toBeUndefined();
  });
});

describe('background messages', () => {
  const page = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/review.html?id=${ID1}` };
  const contentScript = { id: fakeBrowser.runtime.id, url: 'https://www.facebook.com/x', tab: { id: 5, url: 'https://www.facebook.com/x' } };

  it('knows its own pages from content scripts and from strangers', () => {
    expect(isOwnPage(page as never)).toBe(true);
    expect(isContentScript(page as never)).toBe(false);
    expect(isContentScript(contentScript as never)).toBe(true);
    expect(isOwnPage(contentScript as never)).toBe(false);
    const other = { id: 'another-extension', url: 'chrome-extension://another-extension/x.html' };
    expect(isOwnPage(other as never)).toBe(false);
    expect(isContentScript({ ...contentScript, id: 'another-extension' } as never)).toBe(false);
  });

  it('never answers strangers, and rejects malformed messages', async () => {
    expect(await handleMessage({ type: 'get-status' }, { id: 'evil', url: 'https://evil.example/' } as never)).toBeUndefined();
    // A content script may not read records.
    expect(await handleMessage({ type: 'get-evidence', id: ID1 }, contentScript as never)).toEqual({ ok: false, code: 'error', message: 'invalid message' });
    for (const bad of [null, 42, 'x', {}, { type: 'save-evidence', id: 'not-a-uuid', patch: {}, finalize: true },
      { type: 'save-evidence', id: ID1, patch: { subject: { nip: 5 } }, finalize: true },
      { type: 'save-evidence', id: ID1, patch: { screenshot: { sha256: 'x' } }, finalize: true }]) {
      expect(await handleMessage(bad, page as never)).toEqual({ ok: false, code: 'error', message: 'invalid message' });
    }
  });

  it('saves the monitor’s form: queued, logged, badge updated; invalid NIP explained, nothing changed', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    const bad = await handleMessage({ type: 'save-evidence', id: ID1, patch: { subject: { nip: '12345' } }, finalize: true }, page as never);
    // in the monitor's words, on the field's label, with the field to mark (never "subject.nip" or English)
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/NIP harus 18 angka/), problems: [{ path: 'subject.nip', message: expect.stringMatching(/^NIP harus 18 angka/) }] });
    expect((bad as { message: string }).message).not.toMatch(/subject\.nip|must/);
    expect((await getEvidence(ID1))?.status).toBe('draft');

    const ok = await handleMessage({
      type: 'save-evidence', id: ID1, finalize: true,
      patch: { subject: { nip: '198503122010011002', employmentType: 'PNS' }, violation: { types: ['comment', 'gesture'] } },
    }, page as never);
    expect(ok).toEqual({ ok: true, status: 'queued', changed: true });
    const ev = (await getEvidence(ID1))!;
    expect(ev.record.subject).toMatchObject({ nip: '198503122010011002', employmentType: 'PNS' });
    expect(ev.custody.map((c) => c.action)).toEqual(['capture', 'edit', 'save']);
    expect(ev.missing).toEqual([]);
    const status = await handleMessage({ type: 'get-status' }, page as never) as { counts: Record<string, number>; waiting: number };
    expect(status.counts.queued).toBe(1);
    expect(status.waiting).toBe(1);
    await vi.waitFor(async () => expect(await fakeBrowser.action.getBadgeText({})).toBe('1'));
  });

  it('does not let a record being sent be edited', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z', 'sending'), { screenshot: png(10) });
    const res = await handleMessage({ type: 'save-evidence', id: ID1, patch: { subject: { name: 'X' } }, finalize: true }, page as never);
    expect(res).toMatchObject({ ok: false, message: expect.stringMatching(/sedang dikirim/) });
    expect((await getEvidence(ID1))?.record.subject.name).toBe('Budi Santoso');
  });

  it('a correction of a synced record (amend: true, the form\'s "Koreksi") is a logged edit that queues it again; no change leaves it synced; without the flag it is refused', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z', 'synced'), { screenshot: png(10) });
    const plain = await handleMessage({ type: 'save-evidence', id: ID1, patch: { subject: { name: 'Budi Santosa' } }, finalize: true }, page as never);
    expect(plain).toMatchObject({ ok: false, message: expect.stringContaining('Koreksi') });
    const same = await handleMessage({ type: 'save-evidence', id: ID1, patch: { subject: { name: 'Budi Santoso' } }, finalize: true, amend: true }, page as never);
    expect(same).toEqual({ ok: true, status: 'synced', changed: false });
    expect((await getEvidence(ID1))?.custody.map((c) => c.action)).toEqual(['capture']);
    const res = await handleMessage({ type: 'save-evidence', id: ID1, patch: { subject: { name: 'Budi Santosa' } }, finalize: true, amend: true }, page as never);
    expect(res).toEqual({ ok: true, status: 'queued', changed: true, amended: true });
    const ev = (await getEvidence(ID1))!;
    expect(ev.status).toBe('queued');
    expect(ev.record.subject.name).toBe('Budi Santosa');
    expect(ev.custody.map((c) => c.action)).toEqual(['capture', 'edit']);
    expect(ev.custody[1]!.details).toEqual({ changes: [{ path: 'subject.name', from: 'Budi Santoso', to: 'Budi Santosa' }] });
  });

  it('keeps what the form typed as a draft in the record row, and clears it on save', async () => {
    await insertEvidence(stored(ID1, '2024-09-13T02:15:04.123Z'), { screenshot: png(10) });
    const form = { subject: { nip: '1985' }, post: {}, comment: {}, types: ['comment'], candidate: '', election: '', notes: 'ketik' };
    const r = await handleMessage({ type: 'save-form-draft', id: ID1, draft: { form, gestures: [] } }, page as never) as { ok: boolean; at: string };
    expect(r.ok).toBe(true);
    let ev = (await getEvidence(ID1))!;
    expect(ev.extras.formDraft).toEqual({ form, gestures: [], at: r.at });
    expect(ev.record.subject.nip).toBeNull(); // the record itself is untouched
    expect(ev.custody.map((c) => c.action)).toEqual(['capture']);
    expect(await handleMessage({ type: 'save-form-draft', id: ID1, draft: { form: { ...form, bad: 1 }, gestures: [] } }, page as never))
      .toEqual({ ok: false, code: 'error', message: 'invalid message' });
    await handleMessage({ type: 'save-evidence', id: ID1, patch: { violation: { notes: 'ketik' } }, finalize: true }, page as never);
    ev = (await getEvidence(ID1))!;
    expect(ev.extras.formDraft).toBeUndefined();
  });
});
