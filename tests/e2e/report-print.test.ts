/**
 * The printed report, in a real Chromium with the built extension: records of an ASN with a long
 * name and an 18-digit NIP come into the evidence manager (imported from a bundle, as a colleague's
 * bundle would), are exported from the manager, and the bundle's report.html is printed to an A4
 * PDF (page.pdf). `pdftotext -layout` reads the PDF back: the name, the NIP and every capture date
 * stand unbroken on one line and no word is split anywhere; page 1 is the cover summary without any
 * command; the verification steps are in the appendix at the end; no page is nearly empty.
 * Then the exported bundle, unzipped and zipped again by Python's zipfile (which adds folder
 * entries), verifies as valid in the manager's verify screen and in the CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { EvidenceRecord } from '../../lib/record/schema';
import { BULAN, HARI } from '../../lib/export/time';
import { makeBundle } from '../unit/export/helpers';
import { makePng, makeRecord } from '../unit/export/make-record';
import {
  extensionId, launchChromium, ROOT, serviceWorker, sleep, startFixtureServer, tempProfile, type FixtureServer,
} from './support';

const LONG_NAME = 'Raden Mas Bambang Sutrisno Wicaksono Adiningrat Santoso';
const NIP = '198507172010011003';
const AGENCY = 'Dinas Komunikasi, Informatika, Statistik dan Persandian Kabupaten Contoh Selatan';

/** Three records of one ASN on three platforms, with real-size screenshots (one tall), one with a gesture box. */
function items() {
  const subject = { ...makeRecord().subject, name: LONG_NAME, nip: NIP, agency: AGENCY, position: 'Kepala Seksi Pengelolaan Informasi Publik' };
  const specs: { platform: EvidenceRecord['platform']; at: string; tz: string; w: number; h: number; gesture?: boolean }[] = [
    { platform: 'facebook', at: '2026-11-27T11:56:01.784Z', tz: 'Asia/Jakarta', w: 1280, h: 720 },
    { platform: 'instagram', at: '2026-11-28T03:00:00.000Z', tz: 'Asia/Makassar', w: 720, h: 1500, gesture: true },
    { platform: 'tiktok', at: '2026-11-29T01:30:00.000Z', tz: 'Asia/Jayapura', w: 1280, h: 900 },
  ];
  return specs.map((s, i) => {
    const png = makePng(s.w, s.h, i + 1);
    const record = makeRecord({
      platform: s.platform, capturedAt: s.at, timezone: s.tz, subject,
      violation: s.gesture
        ? { types: ['gesture'], gestures: [{ type: 'two_fingers', box: { x: 200, y: 300, width: 240, height: 260 } }], candidate: 'Paslon 2', election: 'Pilkada 2026', notes: null }
        : { types: ['comment'], gestures: [], candidate: 'Paslon 2', election: 'Pilkada 2026', notes: null },
    }, png);
    record.screenshot = { ...record.screenshot, width: s.w, height: s.h, region: { x: 0, y: 0, width: s.w, height: s.h } };
    return { record, screenshot: png, custody: [{ at: record.capturedAt, action: 'capture' as const, actor: record.monitor.name, details: { sha256: record.screenshot.sha256 } }] };
  });
}

function extract(zip: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, dir]);
}

/** Unzip and zip again, untouched, with Python's zipfile walking the folder (it adds folder entries). */
function pythonRezip(zip: string, dir: string, out: string): string[] {
  extract(zip, dir);
  return JSON.parse(execFileSync('python3', ['-c', [
    'import sys, zipfile, os, json',
    'with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:',
    '    for root, dirs, files in os.walk(sys.argv[1]):',
    '        for n in sorted(dirs) + sorted(files):',
    '            p = os.path.join(root, n)',
    '            z.write(p, os.path.relpath(p, sys.argv[1]))',
    'print(json.dumps(zipfile.ZipFile(sys.argv[2]).namelist()))',
  ].join('\n'), dir, out], { encoding: 'utf8' }));
}

/** Words a print must never split; a token that is only a piece of one (e.g. "Santo", "Novem", "Facebo") is a mid-word break. */
const WHOLE_WORDS = [
  ...LONG_NAME.split(' '), ...AGENCY.replace(/,/g, '').split(' '), ...BULAN, ...HARI, 'Facebook', 'Instagram', 'TikTok', 'pelanggaran', 'Netralitas',
].filter((w) => w.length >= 5);

function brokenWords(text: string): string[] {
  const tokens = text.split(/\s+/).map((t) => t.replace(/^[("'[]+|[)"'\].,;:]+$/g, '')).filter(Boolean);
  const words = new Set(WHOLE_WORDS);
  const out: string[] = [];
  for (const t of tokens) {
    if (words.has(t) || t.length < 3) continue;
    for (const w of WHOLE_WORDS) {
      if (t !== w && (w.startsWith(t) || w.endsWith(t)) && t.length < w.length) out.push(`${t} (of ${w})`);
    }
    // a piece of the NIP (7+ digits of it, not all 18)
    if (/^\d{7,17}$/.test(t) && NIP.includes(t)) out.push(`${t} (of NIP ${NIP})`);
  }
  return out;
}

describe('printed report (A4 PDF) and a re-zipped bundle (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let extId: string;
  const work = mkdtempSync(join(tmpdir(), 'asn-e2e-report-print-'));
  const input = join(work, 'input.zip');
  const exported = join(work, 'exported.zip');
  let pages: string[] = [];

  before(async () => {
    server = await startFixtureServer();
    context = await launchChromium(tempProfile('report-print'), server.port);
    extId = extensionId(await serviceWorker(context));
    const { bytes } = await makeBundle(items());
    writeFileSync(input, bytes);
  });
  after(async () => {
    await context?.close();
    await server?.close();
    if (!process.env.KEEP_E2E_FILES) rmSync(work, { recursive: true, force: true });
  });

  async function openManager(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extId}/manager.html`);
    await page.waitForSelector('#list-count');
    return page;
  }

  it('imports the records and exports them from the manager; the bundle holds report.html', async () => {
    const sw = await serviceWorker(context);
    await sw.evaluate(() => chrome.storage.local.set({ settings: { monitor: { name: 'Siti Aminah', nip: '199001012015022002', unit: 'Timwas Medsos Kota Contoh' } } }));
    const manager = await openManager();
    await manager.setInputFiles('#verify-file', input);
    await manager.waitForSelector('#verify-result[data-ok="true"]', { timeout: 30_000 });
    await manager.click('#import');
    await manager.waitForSelector('#import-result', { timeout: 30_000 });
    assert.equal(await manager.getAttribute('#import-result', 'data-ok'), 'true', await manager.textContent('#import-result') ?? '');
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 3);

    await manager.check('#select-all');
    await manager.click('#export-selected');
    await manager.waitForSelector('#export-result', { timeout: 30_000 });
    assert.equal(await manager.getAttribute('#export-result', 'data-ok'), 'true', await manager.textContent('#export-result') ?? '');
    let item: { state: string; filename: string } | undefined;
    for (let i = 0; i < 100; i++) {
      item = (await sw.evaluate('chrome.downloads.search({})') as (typeof item)[])[0];
      if (item?.state === 'complete') break;
      await sleep(100);
    }
    assert.equal(item?.state, 'complete', 'the download completed');
    copyFileSync(item!.filename, exported);
    extract(exported, join(work, 'x'));
    const manifest = JSON.parse(readFileSync(join(work, 'x', 'manifest.json'), 'utf8'));
    assert.equal(manifest.records.length, 3);
    assert.equal(manifest.createdBy.name, 'Siti Aminah');
    await manager.close();
  });

  it('prints report.html to an A4 PDF whose text never splits a name, a NIP, a date or a platform name', async () => {
    const page = await context.newPage();
    await page.goto(`file://${join(work, 'x', 'report.html')}`);
    await page.waitForLoadState('load');
    const images = await page.$$eval('img', (els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
    assert.deepEqual(images.length, 3);
    assert.ok(images.every((w) => w > 0), `the screenshots load (${images.join(',')})`);
    const pdf = join(work, 'report.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    await page.close();
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pageCount = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    assert.match(info, /Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/, info);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    pages = text.split('\f');
    if (pages.at(-1)!.trim() === '') pages.pop();
    assert.equal(pages.length, pageCount, 'one text page per PDF page');
    assert.ok(pageCount >= 3, `${pageCount} pages`);

    const lines = text.split(/\n|\f/);
    assert.ok(lines.some((l) => l.includes(LONG_NAME)), `the full name on one line:\n${text}`);
    assert.ok(lines.some((l) => l.includes(`NIP ${NIP}`) || l.includes(NIP)), 'the NIP on one line');
    for (const d of ['Jumat, 27 November 2026', 'Sabtu, 28 November 2026', 'Minggu, 29 November 2026']) {
      assert.ok(lines.some((l) => l.includes(d)), `the capture date "${d}" on one line`);
    }
    assert.ok(lines.some((l) => /pukul 18\.56\.01 WIB/.test(l)), 'capture time in WIB');
    assert.ok(lines.some((l) => /pukul 11\.00\.00 WITA/.test(l)), 'capture time in WITA');
    assert.ok(lines.some((l) => /pukul 10\.30\.00 WIT\b/.test(l)), 'capture time in WIT');
    assert.deepEqual(brokenWords(text), [], 'no word split across lines');
  });

  it('page 1 is the cover summary, without commands; the verification steps are in the appendix at the end', () => {
    const cover = pages[0]!;
    assert.match(cover, /Laporan ini disusun oleh Siti Aminah/);
    assert.match(cover.replace(/\s+/g, ' '), /3 bukti tentang 1 ASN, diambil dari Facebook, Instagram dan TikTok antara 27 November 2026 dan 29 November 2026/);
    assert.ok(cover.includes(LONG_NAME) && cover.includes(NIP), 'the ASN is named on the cover');
    assert.match(cover, /Mengomentari unggahan/);
    for (const tech of ['sha256sum', 'SHA256SUMS', 'npx', 'asn-evidence', 'certutil', 'SHA-256', 'UTC', '.json']) {
      assert.ok(!cover.includes(tech), `no "${tech}" on the cover`);
    }
    const appendixStart = pages.findIndex((p) => p.includes('Lampiran: cara memeriksa keaslian'));
    assert.ok(appendixStart > 0, 'the appendix exists');
    const lastRecord = Math.max(...pages.map((p, i) => (/Bukti \d dari 3/.test(p) ? i : -1)));
    assert.ok(appendixStart >= lastRecord, 'the appendix comes after the last record');
    const appendix = pages.slice(appendixStart).join('\n');
    assert.match(appendix, /sha256sum -c SHA256SUMS/);
    assert.match(appendix, /asn-evidence verify/);
    assert.match(appendix, /signature\.json/);
    for (const p of pages.slice(0, appendixStart)) assert.ok(!/sha256sum|npx asn-evidence/.test(p), 'no command before the appendix');
    for (const p of pages.slice(0, appendixStart)) assert.ok(!/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(p), 'no ISO time before the appendix');
  });

  it('has no nearly empty page', () => {
    const counts = pages.map((p) => p.replace(/\s+/g, '').length);
    const lineCounts = pages.map((p) => p.split('\n').filter((l) => l.trim()).length);
    const sorted = [...counts].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    counts.forEach((c, i) => {
      assert.ok(c >= 300 && c >= median * 0.25 && lineCounts[i]! >= 8,
        `page ${i + 1} is nearly empty (${c} characters, ${lineCounts[i]} lines; median ${median}):\n${pages[i]}`);
    });
  });

  it('a bundle unzipped and zipped again by python3 zipfile verifies as valid in the manager and the CLI', async () => {
    const rezipped = join(work, 'rezipped.zip');
    const names = pythonRezip(exported, join(work, 'r'), rezipped);
    assert.ok(names.includes('evidence/') && names.filter((n) => n.endsWith('/')).length === 4, `folder entries were added: ${names.join(', ')}`);
    const manager = await openManager();
    await manager.setInputFiles('#verify-file', rezipped);
    await manager.waitForSelector('#verify-result', { timeout: 30_000 });
    assert.equal(await manager.getAttribute('#verify-result', 'data-ok'), 'true', await manager.textContent('#verify-result') ?? '');
    assert.match(await manager.textContent('#verify-result') ?? '', /3 bukti/);
    await manager.close();
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', rezipped], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  });

  it('the verify screen names the ASN and the record first, then what is wrong; file and hashes only as detail', async () => {
    const dir = join(work, 't');
    extract(exported, dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const rec = manifest.records.find((r: EvidenceRecord) => r.platform === 'instagram') as EvidenceRecord;
    const index = manifest.records.indexOf(rec) + 1;
    const shot = join(dir, `evidence/${rec.id}/screenshot.png`);
    const b = readFileSync(shot);
    b[Math.floor(b.length / 2)]! ^= 1;
    writeFileSync(shot, b);
    const tampered = join(work, 'tampered.zip');
    execFileSync('python3', ['-c', [
      'import sys, zipfile, os',
      'with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:',
      '    for root, dirs, files in os.walk(sys.argv[1]):',
      '        for n in sorted(dirs) + sorted(files):',
      '            p = os.path.join(root, n)',
      '            z.write(p, os.path.relpath(p, sys.argv[1]))',
    ].join('\n'), dir, tampered]);

    const manager = await openManager();
    await manager.setInputFiles('#verify-file', tampered);
    await manager.waitForSelector('#verify-result[data-ok="false"]', { timeout: 30_000 });
    const group = manager.locator('#verify-problems .verify-group').first();
    const heading = (await group.locator('.verify-record').textContent()) ?? '';
    assert.equal(heading, `Bukti ${index}: ${LONG_NAME}, NIP ${NIP}, Instagram, ditangkap 28 Nov 2026 11.00.00 WITA`);
    const summaries = await group.locator('.problem-summary').allTextContents();
    assert.ok(summaries.includes('Tangkapan layar telah diubah setelah penangkapan.'), summaries.join(' | '));
    for (const t of summaries) assert.ok(!/[0-9a-f]{64}|evidence\/|[0-9a-f]{8}-[0-9a-f]{4}-/.test(t), `no path, UUID or hash in the summary: ${t}`);
    // the file and hashes are there, but as detail (folded)
    const files = await manager.$$eval('#verify-problems li', (lis) => lis.map((li) => li.getAttribute('data-file')));
    assert.ok(files.includes(`evidence/${rec.id}/screenshot.png`));
    assert.equal(await group.locator('details.problem-detail').first().isVisible(), true);
    assert.equal(await group.locator('details.problem-detail .mono').first().isVisible(), false, 'the path is folded away');
    // no ISO time anywhere on the verdict
    assert.ok(!/\d{4}-\d{2}-\d{2}T\d{2}:/.test(await manager.textContent('#verify-result') ?? ''));
    await manager.close();
  });
});
