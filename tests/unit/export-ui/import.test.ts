import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { bytesToBase64, importBundle, verifyBundleBytes } from '../../../lib/background/export';
import { handleExportMessage } from '../../../lib/background/export-handlers';
import { closeEvidenceDb, getBlob, getEvidence, insertEvidence, listEvidence } from '../../../lib/db/evidence-db';
import { insertManyEvidence } from '../../../lib/db/import-store';
import { verifyCustody } from '../../../lib/integrity/custody';
import { installationKey } from '../../../lib/integrity/keystore';
import { checkRecord, keyMap } from '../../../lib/integrity/record-check';
import { DEFAULT_SETTINGS, settingsItem } from '../../../lib/settings';
import { makeBundle, rezip } from '../export/helpers';
import { makeItem, sha256, signItems, testSigningKey } from '../export/make-record';
import { pngBlob, storedItem } from './store-helpers';

beforeEach(async () => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  await closeEvidenceDb();
  indexedDB.deleteDatabase('asn-evidence');
  await settingsItem.setValue({ ...DEFAULT_SETTINGS, monitor: { name: 'Supervisor Bawaslu', nip: '', unit: '' } });
});

async function twoRecordBundle() {
  // signed at capture by another installation (the test key), as a bundle from a colleague is
  const items = await signItems([makeItem({ capturedAt: '2024-09-13T02:15:04.123Z' }, 1), makeItem({ capturedAt: '2024-09-14T02:15:04.123Z' }, 2)]);
  const { bytes } = await makeBundle(items);
  return { items, bytes };
}

describe('importBundle', () => {
  it('adds the new records with their screenshots, then adds nothing the second time', async () => {
    const { items, bytes } = await twoRecordBundle();
    const first = await importBundle(bytes, 'id');
    expect(first).toEqual({ ok: true, sha256: sha256(bytes), added: 2, alreadyPresent: 0, conflictIds: [] });
    const stored = await listEvidence();
    expect(stored).toHaveLength(2);
    for (const it of items) {
      const ev = (await getEvidence(it.record.id))!;
      expect(ev.status).toBe('queued');
      expect(ev.record).toEqual(it.record);
      expect(ev.custody.map((c) => c.action)).toEqual(['capture', 'export', 'import']);
      expect(ev.custody.at(-1)).toMatchObject({
        action: 'import', actor: 'Supervisor Bawaslu',
        details: { bundleSha256: sha256(bytes), from: { name: 'Siti Aminah' } },
      });
      expect(verifyCustody(it.record.id, ev.custody)).toMatchObject({ ok: true });
      // the import entry is signed by this installation, which now holds the record; it lists the
      // bundle's keys, so the whole log (signed by the exporter before) stays checkable here
      const imp = ev.custody.at(-1)!;
      expect(imp.keyId).toBe((await installationKey()).keyId);
      expect(imp.keyId).not.toBe((await testSigningKey()).keyId);
      const { keys } = keyMap((imp.details as { keys?: unknown }).keys);
      keys.set(imp.keyId!, (await installationKey()).publicKey);
      const proof = await checkRecord(ev.record, ev.custody, { keys });
      expect(proof.problems).toEqual([]);
      expect(proof).toMatchObject({ ok: true, captureKeyId: (await testSigningKey()).keyId, holderKeyId: imp.keyId });
      const blob = (await getBlob(it.record.id, 'screenshot'))!;
      expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(it.record.screenshot.sha256);
    }
    const again = await importBundle(bytes, 'id');
    expect(again).toMatchObject({ ok: true, added: 0, alreadyPresent: 2 });
    expect(await listEvidence()).toHaveLength(2);
  });

  it('imports only the missing records when some are already present', async () => {
    const { items, bytes } = await twoRecordBundle();
    const it0 = items[0]!;
    await insertEvidence({ ...storedItem({}, 'queued').ev, id: it0.record.id, record: it0.record }, { screenshot: pngBlob(it0.screenshot) });
    const v = await verifyBundleBytes(bytes, 'id');
    expect(v).toMatchObject({ ok: true, recordCount: 2, newCount: 1, presentCount: 1, conflictIds: [] });
    expect(await importBundle(bytes, 'id')).toMatchObject({ ok: true, added: 1, alreadyPresent: 1 });
    expect(await listEvidence()).toHaveLength(2);
  });

  it('is all or nothing: a failure on the last blob leaves nothing imported', async () => {
    const { bytes } = await twoRecordBundle();
    const put = IDBObjectStore.prototype.put;
    let blobs = 0;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'blobs' && ++blobs === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args as Parameters<typeof put>);
    });
    let res;
    try {
      res = await importBundle(bytes, 'en');
    } finally {
      spy.mockRestore();
    }
    expect(res).toMatchObject({ ok: false });
    expect(res!.ok ? '' : res!.message).toMatch(/nothing was imported.*storage/i);
    expect(await listEvidence()).toEqual([]);
  });

  it('insertManyEvidence aborts everything when one id already exists', async () => {
    const a = storedItem({}, 'queued', 1), b = storedItem({}, 'queued', 2);
    await insertEvidence(b.ev, { screenshot: pngBlob(b.png) });
    await expect(insertManyEvidence([
      { evidence: a.ev, blobs: { screenshot: pngBlob(a.png) } },
      { evidence: b.ev, blobs: { screenshot: pngBlob(new Uint8Array([9])) } },
    ])).rejects.toThrow();
    expect(await getEvidence(a.ev.id)).toBeUndefined();
    expect(await getBlob(a.ev.id, 'screenshot')).toBeUndefined();
    expect((await getBlob(b.ev.id, 'screenshot'))!.size).toBe(b.png.length);
  });

  it('imports nothing from a bundle with a tampered screenshot and names the file', async () => {
    const { items, bytes } = await twoRecordBundle();
    const id = items[1]!.record.id;
    const bad = rezip(bytes, (f) => { f[`evidence/${id}/screenshot.png`]![30]! ^= 0xff; });
    const res = await importBundle(bad, 'en');
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.problems.map((p) => p.file)).toContain(`evidence/${id}/screenshot.png`);
    expect(await listEvidence()).toEqual([]);
  });

  it('gives a clear message for a truncated ZIP, a wrong format and a zip-slip name', async () => {
    const { bytes } = await twoRecordBundle();
    const cut = await verifyBundleBytes(bytes.subarray(0, bytes.length - 100), 'id');
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.problems[0]).toMatchObject({ file: '(zip)', code: 'zip_truncated' });

    const wrong = rezip(bytes, (f) => {
      const m = JSON.parse(new TextDecoder().decode(f['manifest.json']!));
      m.formatVersion = 2;
      f['manifest.json'] = new TextEncoder().encode(JSON.stringify(m));
    });
    const w = await verifyBundleBytes(wrong, 'en');
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.problems.find((p) => p.file === 'manifest.json')?.message).toMatch(/formatVersion 2 is not supported/);

    const slip = rezip(bytes, (f) => { f['../../evil.sh'] = new TextEncoder().encode('rm -rf /'); });
    const s = await importBundle(slip, 'id');
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.problems.some((p) => p.code === 'unsafe_name' && /zip slip/.test(p.message))).toBe(true);
    expect(await listEvidence()).toEqual([]);
  });
});

describe('handleExportMessage', () => {
  it('ignores messages that are not its own and refuses malformed ones', async () => {
    expect(handleExportMessage({ type: 'get-status' }, 'id')).toBeUndefined();
    expect(handleExportMessage(null, 'id')).toBeUndefined();
    expect(await handleExportMessage({ type: 'export-bundle', filter: { statuses: ['nope'] } }, 'id')).toMatchObject({ ok: false, message: 'invalid message' });
    expect(await handleExportMessage({ type: 'verify-bundle', bytes: 'AA', uploadId: 'x' }, 'id')).toMatchObject({ ok: false });
    expect(await handleExportMessage({ type: 'list-evidence', filter: { from: 'yesterday' } }, 'id')).toMatchObject({ ok: false });
  });

  it('verifies and imports a bundle sent inline or in chunks', async () => {
    const { bytes } = await twoRecordBundle();
    const b64 = bytesToBase64(bytes);
    expect(await handleExportMessage({ type: 'verify-bundle', bytes: b64 }, 'id')).toMatchObject({ ok: true, recordCount: 2, newCount: 2 });
    const uploadId = crypto.randomUUID();
    const cut = 4 * 1000; // a multiple of 4: each chunk is valid base64 by itself
    for (let i = 0, index = 0; i < b64.length; i += cut, index++) {
      expect(await handleExportMessage({ type: 'bundle-chunk', uploadId, index, data: b64.slice(i, i + cut) }, 'id')).toMatchObject({ ok: true });
    }
    expect(await handleExportMessage({ type: 'import-bundle', uploadId }, 'id')).toMatchObject({ ok: true, added: 2 });
    // the upload is consumed
    expect(await handleExportMessage({ type: 'import-bundle', uploadId }, 'id')).toMatchObject({ ok: false, code: 'upload_lost' });
    expect(await handleExportMessage({ type: 'verify-bundle', bytes: 'not base64!' }, 'id')).toMatchObject({ ok: false });
  });
});
