/**
 * Corrections after sync in the background (lib/background/amend.ts): a synced record is changed
 * only when the message asks for it (`amend: true`); the change is a signed `edit` custody entry and
 * the record goes back to the queue to be sent again as an amendment. A record being sent is never changed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { editMode } from '../../../lib/background/amend';
import { handleMessage } from '../../../lib/background/handlers';
import { handleWorkbenchMessage } from '../../../lib/background/workbench-handlers';
import { closeEvidenceDb, getEvidence, insertEvidence, type StoredEvidence } from '../../../lib/db/evidence-db';
import { t } from '../../../lib/i18n/messages';
import { appendCustody, verifyCustody } from '../../../lib/integrity/custody';
import { installationPublicKey } from '../../../lib/integrity/keystore';
import { DEFAULT_SETTINGS, settingsItem } from '../../../lib/settings';
import type { SetGesturesResult } from '../../../lib/workbench-protocol';
import { record } from './make';

const ID1 = '11111111-1111-4111-8111-111111111111';
const AT = '2024-09-13T02:15:04.123Z';
const RECEIPT = { id: ID1, receivedAt: '2024-09-13T03:00:00.000Z', sha256: 'a'.repeat(64) };
const png = () => new Blob([new Uint8Array(10).fill(7)], { type: 'image/png' });
const page = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/review.html?id=${ID1}` };
const TWO = { type: 'two_fingers', box: { x: 10, y: 20, width: 100, height: 50 } } as const;

function stored(status: StoredEvidence['status']): StoredEvidence {
  let custody: StoredEvidence['custody'] = appendCustody(ID1, [], { at: AT, action: 'capture', actor: 'Rahmat' });
  custody = appendCustody(ID1, custody, { at: AT, action: 'save', actor: 'Rahmat' });
  if (status === 'synced') custody = appendCustody(ID1, custody, { at: RECEIPT.receivedAt, action: 'sync', actor: 'Rahmat', details: { ...RECEIPT, httpStatus: 201 } });
  return {
    id: ID1, status, record: record({ id: ID1, capturedAt: new Date(AT) }), createdAt: AT, updatedAt: AT, missing: [],
    warnings: [], extras: {}, custody,
    sync: { attempts: 3, lastError: null, nextAttemptAt: null, receipt: status === 'synced' ? RECEIPT : null },
  };
}

const save = (amend?: boolean, patch: object = { subject: { agency: 'Dinas Sosial' } }) =>
  handleMessage({ type: 'save-evidence', id: ID1, patch, finalize: true, ...(amend === undefined ? {} : { amend }) }, page as never);

beforeEach(async () => {
  fakeBrowser.reset();
  await closeEvidenceDb();
  indexedDB.deleteDatabase('asn-evidence');
  await settingsItem.setValue({ ...DEFAULT_SETTINGS, monitor: { name: 'Rahmat Hidayat', nip: '', unit: '' } });
});

describe('editMode', () => {
  it('sending: never; synced: only as an amendment asked for; other states: a plain edit', () => {
    expect(editMode('sending', true)).toBe('locked');
    expect(editMode('sending', false)).toBe('locked');
    expect(editMode('synced', undefined)).toBe('locked');
    expect(editMode('synced', false)).toBe('locked');
    expect(editMode('synced', true)).toBe('amend');
    for (const s of ['draft', 'queued', 'failed'] as const) {
      expect(editMode(s, true)).toBe('edit');
      expect(editMode(s, undefined)).toBe('edit');
    }
  });
});

describe('save-evidence on a synced record', () => {
  it('without amend: refused with a plain message saying how to correct it; nothing changes', async () => {
    await insertEvidence(stored('synced'), { screenshot: png() });
    const before = await getEvidence(ID1);
    const res = await save();
    expect(res).toEqual({ ok: false, message: t('id', 'err_lockedSynced') });
    expect((res as { message: string }).message).not.toMatch(/synced/);
    expect(await getEvidence(ID1)).toEqual(before);
  });

  it('with amend: true: the change is a signed edit entry, the record is queued again, due now', async () => {
    await insertEvidence(stored('synced'), { screenshot: png() });
    const res = await save(true);
    expect(res).toEqual({ ok: true, status: 'queued', changed: true, amended: true });
    const ev = (await getEvidence(ID1))!;
    expect(ev.status).toBe('queued');
    expect(ev.record.subject.agency).toBe('Dinas Sosial');
    expect(ev.record.fieldSources['subject.agency']).toBe('user');
    expect(ev.custody.map((c) => c.action)).toEqual(['capture', 'save', 'sync', 'edit']);
    const edit = ev.custody.at(-1)!;
    expect(edit).toMatchObject({ action: 'edit', actor: 'Rahmat Hidayat', details: { changes: [{ path: 'subject.agency', from: null, to: 'Dinas Sosial' }] } });
    // signed by this installation, chained to the sync entry
    expect(edit.keyId).toBe((await installationPublicKey()).keyId);
    expect(typeof edit.sig).toBe('string');
    expect(edit.prevHash).toBe(ev.custody[2]!.hash);
    expect(verifyCustody(ID1, ev.custody)).toEqual({ ok: true, length: 4 });
    // due now, fresh attempts, no 'save' entry (the record was saved before)
    expect(ev.sync).toMatchObject({ attempts: 0, lastError: null, nextAttemptAt: null, paused: false, receipt: RECEIPT });
  });

  it('with amend: true but nothing changed: stays synced, nothing logged', async () => {
    await insertEvidence(stored('synced'), { screenshot: png() });
    const res = await save(true, { subject: { name: 'Budi Santoso' } });
    expect(res).toEqual({ ok: true, status: 'synced', changed: false });
    const ev = (await getEvidence(ID1))!;
    expect(ev.status).toBe('synced');
    expect(ev.custody).toHaveLength(3);
  });

  it('an invalid correction is refused like any edit; the record stays synced', async () => {
    await insertEvidence(stored('synced'), { screenshot: png() });
    const res = await save(true, { subject: { nip: '12345' } });
    expect(res).toMatchObject({ ok: false });
    expect((await getEvidence(ID1))!.status).toBe('synced');
  });

  it('a record being sent is refused even with amend: true', async () => {
    await insertEvidence(stored('sending'), { screenshot: png() });
    const res = await save(true);
    expect(res).toEqual({ ok: false, message: t('id', 'err_lockedSending') });
    expect((await getEvidence(ID1))!.record.subject.agency ?? null).toBeNull();
  });

  it('amend on a record not synced yet is an ordinary edit (draft stays a draft until finalized)', async () => {
    await insertEvidence(stored('draft'), { screenshot: png() });
    expect(await handleMessage({ type: 'save-evidence', id: ID1, patch: { subject: { agency: 'X' } }, finalize: false, amend: true }, page as never))
      .toEqual({ ok: true, status: 'draft', changed: true });
  });

  it('refuses a malformed amend flag', async () => {
    await insertEvidence(stored('synced'), { screenshot: png() });
    expect(await handleMessage({ type: 'save-evidence', id: ID1, patch: {}, finalize: true, amend: 'yes' }, page as never))
      .toEqual({ ok: false, code: 'error', message: 'invalid message' });
  });
});

describe('set-gestures on a synced record', () => {
  const send = (msg: unknown) => handleWorkbenchMessage(msg, 'id') as Promise<SetGesturesResult>;

  it('without amend: locked; with amend: true: logged edit, queued again', async () => {
    await insertEvidence(stored('synced'), { screenshot: png() });
    expect(await send({ type: 'set-gestures', id: ID1, gestures: [TWO] })).toMatchObject({ ok: false, code: 'locked' });
    expect((await getEvidence(ID1))!.custody).toHaveLength(3);
    const res = await send({ type: 'set-gestures', id: ID1, gestures: [TWO], amend: true });
    expect(res).toMatchObject({ ok: true, changed: true, status: 'queued', gestures: [TWO] });
    const ev = (await getEvidence(ID1))!;
    expect(ev.status).toBe('queued');
    expect(ev.custody.at(-1)).toMatchObject({ action: 'edit', details: { changes: [{ path: 'violation.gestures', from: [], to: [TWO] }, { path: 'violation.types' }] } });
    expect(ev.sync.attempts).toBe(0);
  });

  it('a record being sent stays locked with amend: true', async () => {
    await insertEvidence(stored('sending'), { screenshot: png() });
    expect(await send({ type: 'set-gestures', id: ID1, gestures: [TWO], amend: true })).toMatchObject({ ok: false, code: 'locked' });
  });
});
