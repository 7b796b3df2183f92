import { resolveObjectURL } from 'node:buffer';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  bundleFileName, custodyFromBundle, exportBundle, filterBounds, listForManager, matchesFilter, selectEvidence,
  toCustodyEntry,
} from '../../../lib/background/export';
import { appendCustody, verifyCustody } from '../../../lib/integrity/custody';
import { installationKey } from '../../../lib/integrity/keystore';
import { closeEvidenceDb, getEvidence, insertEvidence, type CustodyEvent } from '../../../lib/db/evidence-db';
import { verifyBundle } from '../../../lib/export/verify';
import { settingsItem, DEFAULT_SETTINGS } from '../../../lib/settings';
import { pngBlob, signedStoredItem, storedItem } from './store-helpers';

const subject = (name: string, nip: string | null) => ({
  name, nip, accountUrl: null, handle: null, agency: null, position: null, rank: null, employmentType: 'PNS' as const,
});

beforeEach(async () => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  await closeEvidenceDb();
  indexedDB.deleteDatabase('asn-evidence');
});

describe('selection by filter', () => {
  const budi = storedItem({ capturedAt: '2024-09-13T02:15:04.123Z', subject: subject('Budi Santoso', '198501012010011001') }, 'queued', 1).ev;
  const sinta = storedItem({ capturedAt: '2024-09-14T10:00:00.000Z', platform: 'instagram', subject: subject('Sinta Dewi', '199202022019032002') }, 'draft', 2).ev;
  const anon = storedItem({ capturedAt: '2024-09-20T23:30:00.000Z', platform: 'tiktok', subject: subject('Anonim', null) }, 'synced', 3).ev;
  const all = [budi, sinta, anon];
  const pick = (f: Parameters<typeof matchesFilter>[1]) => all.filter((e) => matchesFilter(e, f)).map((e) => e.record.subject.name);

  it('an empty filter selects everything', () => {
    expect(pick({})).toEqual(['Budi Santoso', 'Sinta Dewi', 'Anonim']);
  });
  it('by status and platform', () => {
    expect(pick({ statuses: ['queued', 'synced'] })).toEqual(['Budi Santoso', 'Anonim']);
    expect(pick({ platforms: ['instagram'] })).toEqual(['Sinta Dewi']);
    expect(pick({ statuses: ['draft'], platforms: ['facebook'] })).toEqual([]);
  });
  it('by subject name (case-insensitive substring) or NIP', () => {
    expect(pick({ subject: 'santoso' })).toEqual(['Budi Santoso']);
    expect(pick({ subject: '  SINTA ' })).toEqual(['Sinta Dewi']);
    expect(pick({ subject: '19920202' })).toEqual(['Sinta Dewi']);
    expect(pick({ subject: '1985 0101' })).toEqual(['Budi Santoso']);
    expect(pick({ subject: 'nobody' })).toEqual([]);
  });
  it('by ids', () => {
    expect(pick({ ids: [anon.id, budi.id] })).toEqual(['Budi Santoso', 'Anonim']);
  });
  it('by date range: days are local days, "to" inclusive; ISO instants are exact', () => {
    const b = filterBounds({ from: '2024-09-14', to: '2024-09-14' });
    expect(b.from).toBe(new Date(2024, 8, 14).getTime());
    expect(b.toExclusive).toBe(new Date(2024, 8, 15).getTime());
    expect(pick({ from: '2024-09-13T02:15:04.123Z', to: '2024-09-14T10:00:00.000Z' })).toEqual(['Budi Santoso', 'Sinta Dewi']);
    expect(pick({ from: '2024-09-14T00:00:00Z' })).toEqual(['Sinta Dewi', 'Anonim']);
    expect(pick({ to: '2024-09-13T23:59:59Z' })).toEqual(['Budi Santoso']);
    // a day wide enough for any zone: 2024-09-01 .. 2024-09-30 covers all three
    expect(pick({ from: '2024-09-01', to: '2024-09-30' })).toHaveLength(3);
    expect(pick({ from: '2024-10-01' })).toEqual([]);
  });

  it('reads the store, oldest capture first, and lists rows for the manager page', async () => {
    for (const ev of [anon, budi, sinta]) await insertEvidence(ev, { screenshot: pngBlob(new Uint8Array([1])) });
    expect((await selectEvidence({})).map((e) => e.id)).toEqual([budi.id, sinta.id, anon.id]);
    const list = await listForManager({ statuses: ['draft', 'queued'] });
    expect(list.total).toBe(3);
    expect(list.rows.map((r) => r.subjectName).sort()).toEqual(['Budi Santoso', 'Sinta Dewi']);
    const row = list.rows.find((r) => r.id === budi.id)!;
    expect(row).toMatchObject({ status: 'queued', platform: 'facebook', kind: 'comment', subjectNip: '198501012010011001', exports: 0 });
    expect(row.snippet).toBe('Mantap, lanjutkan! 👍');
  });
});

describe('custody mapping', () => {
  const id = '11111111-1111-4111-8111-111111111111';
  const sha = 'a'.repeat(64);

  it('carries the bundle hash and the hash-chain fields into the bundle entry', () => {
    const log = appendCustody<CustodyEvent>(id, [], { at: '2024-09-13T02:15:04.123Z', action: 'export' as const, actor: 'X', details: { bundleSha256: sha, fileName: 'f.zip' } });
    const entry = toCustodyEntry(id, log[0]!);
    expect(entry).toEqual({
      recordId: id, at: '2024-09-13T02:15:04.123Z', action: 'export', actor: 'X', details: { bundleSha256: sha, fileName: 'f.zip' },
      bundleSha256: sha, prevHash: null, hash: log[0]!.hash,
    });
  });

  it('keeps chained entries verbatim and chains the bundle-only entries after them', () => {
    let log = appendCustody<CustodyEvent>(id, [], { at: '2024-09-13T02:15:04.123Z', action: 'capture' as const, actor: 'A', details: { sha256: sha } });
    log = appendCustody(id, log, { at: '2024-09-13T02:16:00.000Z', action: 'save' as const, actor: 'A' });
    const entries = [
      ...log.map((e) => toCustodyEntry(id, e)),
      { recordId: id, at: '2024-09-14T00:00:00.000Z', action: 'export' as const, actor: 'A', details: 'asn-evidence-bundle v1' },
      { recordId: id, at: '2024-09-15T00:00:00.000Z', action: 'import' as const, actor: 'B', details: { bundleSha256: sha } },
    ];
    const out = custodyFromBundle(id, entries);
    expect(out.slice(0, 2)).toEqual(log);
    expect(out.map((e) => e.action)).toEqual(['capture', 'save', 'export', 'import']);
    expect(out[2]!.details).toEqual({ note: 'asn-evidence-bundle v1' });
    expect(verifyCustody(id, out)).toEqual({ ok: true, length: 4 });
  });
});

describe('exportBundle', () => {
  it('names the file bukti-asn-YYYYMMDD-HHmmss.zip in local time', () => {
    expect(bundleFileName(new Date(2024, 8, 3, 7, 5, 9))).toBe('bukti-asn-20240903-070509.zip');
  });

  it('exports the selection, downloads it, and logs the export with the bundle hash', async () => {
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, monitor: { name: 'Rahmat Hidayat', nip: '199001012015031001', unit: 'Timwas' } });
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'x', version: '0.1.0' });
    const download = vi.spyOn(fakeBrowser.downloads, 'download').mockResolvedValue(42 as never);
    const a = await signedStoredItem({ capturedAt: '2024-09-13T02:15:04.123Z' }, 'queued', 1);
    const b = await signedStoredItem({ capturedAt: '2024-09-14T02:15:04.123Z' }, 'draft', 2);
    const c = await signedStoredItem({ capturedAt: '2024-09-15T02:15:04.123Z' }, 'queued', 3);
    for (const { ev, png } of [a, b, c]) await insertEvidence(ev, { screenshot: pngBlob(png) });

    const res = await exportBundle({ statuses: ['queued'] }, 'id');
    if (!res.ok) throw new Error(res.message);
    expect(res.recordCount).toBe(2);
    expect(res.fileName).toMatch(/^bukti-asn-\d{8}-\d{6}\.zip$/);
    expect(download).toHaveBeenCalledTimes(1);
    const opts = download.mock.calls[0]![0];
    expect(opts).toMatchObject({ filename: res.fileName, saveAs: false });
    const blob = resolveObjectURL(opts.url);
    expect(blob, 'a blob: URL where createObjectURL exists').toBeTruthy();
    const bytes = new Uint8Array(await blob!.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(res.sha256);

    const v = await verifyBundle(bytes);
    expect(v.problems).toEqual([]);
    const key = await installationKey();
    expect(v.trust.signerKeyId, 'the bundle is signed by this installation').toBe(key.keyId);
    expect(v.manifest!.records.map((r) => r.id)).toEqual([a.ev.id, c.ev.id]);
    expect(v.manifest!.createdBy).toEqual({ name: 'Rahmat Hidayat', nip: '199001012015031001', unit: 'Timwas' });
    // the bundle carries each record's own custody log, then the writer's export entry
    expect(v.manifest!.custody.filter((e) => e.recordId === a.ev.id).map((e) => e.action)).toEqual(['capture', 'save', 'export']);

    for (const id of [a.ev.id, c.ev.id]) {
      const log = (await getEvidence(id))!.custody;
      expect(verifyCustody(id, log), 'the export event is chained to the log').toEqual({ ok: true, length: 3 });
      const last = log.at(-1)!;
      expect(last).toMatchObject({ action: 'export', actor: 'Rahmat Hidayat', details: { bundleSha256: res.sha256, fileName: res.fileName, recordCount: 2 } });
      expect(last.keyId, 'the export event is signed by this installation').toBe(key.keyId);
      expect(last.sig).toEqual(expect.any(String));
    }
    expect((await getEvidence(b.ev.id))!.custody.map((e) => e.action)).toEqual(['capture', 'save']);
  });

  it('says so when nothing matches, and downloads nothing', async () => {
    const download = vi.spyOn(fakeBrowser.downloads, 'download').mockResolvedValue(1 as never);
    const res = await exportBundle({ platforms: ['tiktok'] }, 'en');
    expect(res).toEqual({ ok: false, code: 'empty', message: 'There is no evidence to export.' });
    expect(download).not.toHaveBeenCalled();
  });

  it('reports a failed download and logs no export', async () => {
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'x', version: '0.1.0' });
    vi.spyOn(fakeBrowser.downloads, 'download').mockRejectedValue(new Error('Invalid filename'));
    const a = await signedStoredItem({}, 'queued', 1);
    await insertEvidence(a.ev, { screenshot: pngBlob(a.png) });
    const res = await exportBundle({}, 'id');
    expect(res).toMatchObject({ ok: false, code: 'download' });
    expect((await getEvidence(a.ev.id))!.custody.some((e) => e.action === 'export')).toBe(false);
  });

  it('refuses a stored screenshot that no longer matches its hash', async () => {
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'x', version: '0.1.0' });
    const download = vi.spyOn(fakeBrowser.downloads, 'download').mockResolvedValue(1 as never);
    const a = await signedStoredItem({}, 'queued', 1);
    const bad = a.png.slice();
    bad[bad.length - 20]! ^= 1;
    await insertEvidence(a.ev, { screenshot: pngBlob(bad) });
    const res = await exportBundle({}, 'en');
    expect(res.ok).toBe(false);
    // said in the monitor's words: which ASN's record, what happened, what to do; no id or hash
    if (!res.ok) {
      expect(res.message).toMatch(/^Export stopped: the screenshot of the record about .+ is no longer the one captured/);
      expect(res.message).not.toContain(a.ev.id);
      expect(res.message).not.toMatch(/SHA|[0-9a-f]{16}/);
    }
    const id = await exportBundle({}, 'id');
    if (!id.ok) expect(id.message).toMatch(/^Ekspor dihentikan: tangkapan layar bukti tentang .+ tidak sama lagi/);
    expect(id.ok).toBe(false);
    expect(download).not.toHaveBeenCalled();
  });
});
