/**
 * The optional passphrase encryption of the local evidence store (lib/db/vault.ts and the codec in
 * lib/db/evidence-db.ts): nothing readable at rest, nothing readable while locked, nothing lost
 * or changed by turning it on, off, or by a passphrase change, and tampering shows.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  closeEvidenceDb, convertAllRows, countByStatus, findByTargetKey, getBlob, getEvidence, insertEvidence,
  listEvidence, openEvidenceDb, targetKeyOf, updateEvidence, type StoredEvidence,
} from '../../../lib/db/evidence-db';
import {
  changePassphrase, createVault, lockVault, PBKDF2_ITERATIONS, removeVault, setPhase, unlockVault,
  vaultMetaItem, VaultLockedError, WeakPassphraseError, WrongPassphraseError,
} from '../../../lib/db/vault';
import { handleVaultMessage } from '../../../lib/background/vault-handlers';
import { handleMessage, statusSummary } from '../../../lib/background/handlers';
import { requestSync } from '../../../lib/background/sync';
import { backendItem } from '../../../lib/settings';
import { readDeletions, verifyDeletions } from '../../../lib/workbench/deletions';
import { appendCustody } from '../../../lib/integrity/custody';
import { sha256Hex } from '../../../lib/hash';
import { record } from '../pipeline/make';

const PASS = 'kopi tubruk di pagi hari';
const FAST = 1_000; // iterations for most tests; the default (600k) is checked once below

const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const ID3 = '33333333-3333-4333-8333-333333333333';

function stored(id: string, status: StoredEvidence['status'] = 'queued', commentId = id.slice(0, 4)): StoredEvidence {
  const r = record({ id });
  r.comment = { ...r.comment!, id: commentId };
  const at = r.capturedAt;
  return {
    id, status, record: r, createdAt: at, updatedAt: at, missing: ['subject.nip'], warnings: [], extras: { note: 'x' },
    sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
    custody: appendCustody(id, [], { at, action: 'capture', actor: 'Rahmat' }),
    targetKey: targetKeyOf(r) ?? undefined,
  };
}
const png = (seed: number, n = 4096) => new Blob([new Uint8Array(n).map((_, i) => (i * seed) & 0xff)], { type: 'image/png' });

/** Everything IndexedDB holds, as one string (what someone with the profile folder could read). */
async function rawDump(): Promise<string> {
  const db = await openEvidenceDb();
  const rows = await db.getAll('evidence');
  const blobs = await Promise.all((await db.getAllKeys('blobs')).map(async (k) => {
    const b = await db.get('blobs', k);
    return b instanceof Blob ? `BLOB:${Buffer.from(await b.arrayBuffer()).toString('latin1')}` : `SEALED:${Buffer.from((b as { sealed: { ct: ArrayBuffer } }).sealed.ct).toString('latin1')}`;
  }));
  return JSON.stringify(rows) + blobs.join('|');
}

/** A sender that is one of our own pages. */
const ownPage = () => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') });

beforeEach(async () => {
  fakeBrowser.reset();
  await closeEvidenceDb();
  indexedDB.deleteDatabase('asn-evidence');
});

async function seed(): Promise<void> {
  await insertEvidence(stored(ID1), { screenshot: png(3), full: png(5, 8192) });
  await insertEvidence(stored(ID2, 'draft'), { screenshot: png(7) });
}

describe('encryption of the local store', () => {
  it('uses PBKDF2-SHA-256 with at least 600,000 iterations by default and never stores the data key readable', async () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const meta = await createVault(PASS);
    expect(meta.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS });
    // The data key lives only in storage.session (memory); local storage holds it wrapped.
    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const session = (await fakeBrowser.storage.session.get('vaultKey')).vaultKey as string;
    expect(session).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(local).not.toContain(session);
    expect(local).not.toContain(PASS);
    await lockVault();
    await expect(unlockVault('salah kata sandinya')).rejects.toBeInstanceOf(WrongPassphraseError);
    await unlockVault(PASS); // the real 600k derivation, both ways
  });

  it('turning it on seals every existing record and screenshot: nothing readable at rest, everything the same when read', async () => {
    await seed();
    const before = await Promise.all([getEvidence(ID1), getEvidence(ID2)]);
    const shaBefore = await sha256Hex((await getBlob(ID1, 'full'))!);
    expect(await rawDump()).toContain('Siap menangkan nomor 2!');

    await createVault(PASS, FAST);
    expect(await convertAllRows()).toEqual({ records: 2, screenshots: 3 });
    await setPhase('on');

    const dump = await rawDump();
    for (const secret of ['Siap menangkan nomor 2!', 'Budi Santoso', 'facebook.com', 'Rahmat', 'pfbid0abc', '199001012015031001']) {
      expect(dump).not.toContain(secret);
    }
    expect(dump).not.toContain('BLOB:');
    expect(await Promise.all([getEvidence(ID1), getEvidence(ID2)])).toEqual(before);
    expect(await sha256Hex((await getBlob(ID1, 'full'))!)).toBe(shaBefore);
    expect((await getBlob(ID1, 'screenshot'))!.type).toBe('image/png');
    // Lists, counts and the queue order still work.
    expect((await listEvidence({ status: 'queued' })).map((e) => e.id)).toEqual([ID1]);
    expect(await countByStatus()).toMatchObject({ queued: 1, draft: 1 });
  });

  it('new records are sealed; a duplicate flag is still recognised through the keyed hash', async () => {
    await createVault(PASS, FAST);
    await setPhase('on');
    await insertEvidence(stored(ID3), { screenshot: png(9) });
    expect(await rawDump()).not.toContain('Budi Santoso');
    const key = targetKeyOf(stored(ID3).record)!;
    expect(await rawDump()).not.toContain(key);
    expect((await findByTargetKey(key)).map((e) => e.id)).toEqual([ID3]);
  });

  it('while locked nothing can be read or written, the counts stay visible, and sync says why it waits', async () => {
    await seed();
    await createVault(PASS, FAST);
    await convertAllRows();
    await setPhase('on');
    await lockVault();

    await expect(getEvidence(ID1)).rejects.toBeInstanceOf(VaultLockedError);
    await expect(getBlob(ID1, 'screenshot')).rejects.toBeInstanceOf(VaultLockedError);
    await expect(listEvidence()).rejects.toBeInstanceOf(VaultLockedError);
    await expect(findByTargetKey('x')).rejects.toBeInstanceOf(VaultLockedError);
    await expect(insertEvidence(stored(ID3), { screenshot: png(1) })).rejects.toBeInstanceOf(VaultLockedError);
    await expect(updateEvidence(ID1, (e) => ({ ...e, status: 'failed' }))).rejects.toBeInstanceOf(VaultLockedError);
    expect(await countByStatus()).toMatchObject({ queued: 1, draft: 1 });

    const summary = await statusSummary();
    expect(summary.vault).toEqual({ enabled: true, unlocked: false, phase: 'on', iterations: FAST });
    expect(summary.recent).toEqual([]);
    expect(summary.waiting).toBe(1);

    // A page asking for a record gets the "locked" answer, not an exception.
    const reply = await handleMessage({ type: 'get-evidence', id: ID1 }, ownPage());
    expect(reply).toMatchObject({ ok: false, code: 'locked' });

    await backendItem.setValue({ baseUrl: 'https://bukti.example.go.id', token: 'tok', retentionDays: 0 });
    const fetchImpl = vi.fn();
    const res = await requestSync({ fetchImpl });
    expect(res.status.state).toBe('locked');
    expect(res.remaining).toBe(1);
    expect(fetchImpl).not.toHaveBeenCalled();

    await unlockVault(PASS);
    expect((await getEvidence(ID1))?.record.comment?.text).toBe('Siap menangkan nomor 2!');
  });

  it('edits on sealed records are applied once each, also when two run at the same time', async () => {
    await createVault(PASS, FAST);
    await setPhase('on');
    await insertEvidence(stored(ID1), { screenshot: png(3) });
    const add = (n: number) => updateEvidence(ID1, (e) => ({
      ...e, updatedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
      custody: appendCustody(ID1, e.custody, { at: new Date().toISOString(), action: 'edit', actor: `m${n}` }),
    }));
    await Promise.all([add(1), add(2), add(3), add(4)]);
    const ev = await getEvidence(ID1);
    expect(ev!.custody.map((c) => c.actor).slice(1).sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('an altered ciphertext, or one moved to another record, is refused, not misread', async () => {
    await createVault(PASS, FAST);
    await setPhase('on');
    await insertEvidence(stored(ID1), { screenshot: png(3) });
    await insertEvidence(stored(ID2), { screenshot: png(4) });
    const db = await openEvidenceDb();
    const a = (await db.get('evidence', ID1)) as { sealed: { iv: Uint8Array; ct: ArrayBuffer } };
    const b = (await db.get('evidence', ID2)) as { sealed: unknown };
    await db.put('evidence', { ...(b as object), sealed: a.sealed } as never); // ID1's content under ID2
    await expect(getEvidence(ID2)).rejects.toThrow(/could not be decrypted/);
    const ct = new Uint8Array(a.sealed.ct.slice(0));
    ct[10]! ^= 1;
    await db.put('evidence', { ...(a as object), sealed: { iv: a.sealed.iv, ct: ct.buffer } } as never);
    await expect(getEvidence(ID1)).rejects.toThrow(/could not be decrypted/);
  });

  it('a passphrase change re-wraps the key only: the old one stops working, the records stay readable', async () => {
    await createVault(PASS, FAST);
    await setPhase('on');
    await insertEvidence(stored(ID1), { screenshot: png(3) });
    const sealedBefore = JSON.stringify(await (await openEvidenceDb()).get('evidence', ID1));
    await expect(changePassphrase('bukan kata sandinya', 'kata sandi baru yang panjang')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(changePassphrase(PASS, 'pendek')).rejects.toBeInstanceOf(WeakPassphraseError);
    await changePassphrase(PASS, 'kata sandi baru yang panjang', FAST);
    expect(JSON.stringify(await (await openEvidenceDb()).get('evidence', ID1))).toBe(sealedBefore);
    await lockVault();
    await expect(unlockVault(PASS)).rejects.toBeInstanceOf(WrongPassphraseError);
    await unlockVault('kata sandi baru yang panjang');
    expect((await getEvidence(ID1))?.id).toBe(ID1);
  });

  it('an interrupted sealing is finished later; records written meanwhile, sealed or not, all stay readable', async () => {
    await seed();
    await createVault(PASS, FAST); // phase 'sealing', nothing converted yet (as if the worker died here)
    await insertEvidence(stored(ID3), { screenshot: png(11) }); // sealed already
    expect((await listEvidence()).map((e) => e.id).sort()).toEqual([ID1, ID2, ID3]);
    await convertAllRows();
    expect(await convertAllRows()).toEqual({ records: 0, screenshots: 0 }); // idempotent
    expect(await rawDump()).not.toContain('Budi Santoso');
  });

  it('through the background: weak and wrong passphrases get clear answers, off again restores plain storage', async () => {
    await seed();
    const msg = (m: unknown) => handleMessage(m, ownPage()) as Promise<Record<string, unknown>>;
    expect(await msg({ type: 'vault-enable', passphrase: 'pendek' })).toMatchObject({ ok: false, code: 'weak', message: expect.stringContaining('10') });
    expect(await msg({ type: 'vault-enable', passphrase: 42 })).toMatchObject({ ok: false, code: 'invalid' });
    // (the real iteration count: this is the slow path the monitor sees, about a second)
    const on = await msg({ type: 'vault-enable', passphrase: PASS });
    expect(on).toMatchObject({ ok: true, records: 2, screenshots: 3, status: { enabled: true, unlocked: true, phase: 'on' } });
    expect(JSON.stringify(on)).not.toContain(PASS);
    expect(await msg({ type: 'vault-lock' })).toMatchObject({ ok: true, status: { unlocked: false } });
    expect(await msg({ type: 'vault-unlock', passphrase: 'salah sekali kata sandi' })).toMatchObject({ ok: false, code: 'wrong', message: 'Kata sandi salah.' });
    expect(await msg({ type: 'vault-unlock', passphrase: PASS })).toMatchObject({ ok: true, status: { unlocked: true } });
    const off = await msg({ type: 'vault-disable', passphrase: PASS });
    expect(off).toMatchObject({ ok: true, records: 2, status: { enabled: false, unlocked: true, phase: null } });
    expect(await vaultMetaItem.getValue()).toBeNull();
    expect(await rawDump()).toContain('Siap menangkan nomor 2!');
    expect((await getEvidence(ID2))?.status).toBe('draft');
  });

  it('only our own pages may use it: a content script gets no answer', async () => {
    const tab = { id: fakeBrowser.runtime.id, url: 'https://www.facebook.com/x', tab: { id: 7, url: 'https://www.facebook.com/x' } };
    expect(await handleMessage({ type: 'vault-lock' }, tab as never)).toMatchObject({ ok: false, message: 'invalid message' });
    expect(handleVaultMessage({ type: 'vault-nope' }, 'id')).toBeUndefined();
  });

  it('an unlocked store that is turned off mid-way finishes decrypting at the next unlock', async () => {
    await seed();
    await createVault(PASS, FAST);
    await convertAllRows();
    await setPhase('unsealing'); // as if the worker died while turning encryption off
    await lockVault();
    await expect(getEvidence(ID1)).rejects.toBeInstanceOf(VaultLockedError);
    const r = await handleMessage({ type: 'vault-unlock', passphrase: PASS }, ownPage());
    expect(r).toMatchObject({ ok: true, records: 2, status: { enabled: false } });
    expect(await rawDump()).toContain('Budi Santoso');
    await removeVault();
  });

  it('passphrase lost: only a typed HAPUS deletes everything local, each deletion logged, and flagging works again unencrypted', async () => {
    await seed();
    await createVault(PASS, FAST);
    await convertAllRows();
    await setPhase('on');
    const msg = (m: unknown) => handleMessage(m, ownPage()) as Promise<Record<string, unknown>>;
    // unlocked: turning it off is the way, not deleting
    expect(await msg({ type: 'vault-reset', confirm: 'HAPUS' })).toMatchObject({ ok: false });
    await lockVault();
    expect(await msg({ type: 'vault-reset', confirm: 'hapus' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await countByStatus()).toMatchObject({ queued: 1, draft: 1 });

    const r = await msg({ type: 'vault-reset', confirm: 'HAPUS' });
    expect(r).toMatchObject({ ok: true, deleted: 2, status: { enabled: false, unlocked: true } });
    expect(await countByStatus()).toMatchObject({ queued: 0, draft: 0 });
    const db = await openEvidenceDb();
    expect(await db.count('blobs')).toBe(0);
    const log = await readDeletions();
    expect(log.map((e) => e.id).sort()).toEqual([ID1, ID2]);
    expect(log.every((e) => /Kata sandi enkripsi hilang/.test(e.reason))).toBe(true);
    expect(verifyDeletions(log).ok).toBe(true);
    await insertEvidence(stored(ID3), { screenshot: png(2) });
    expect((await getEvidence(ID3))?.id).toBe(ID3);
  });
});
