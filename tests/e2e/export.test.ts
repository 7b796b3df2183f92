/**
 * Evidence bundle export, verification and import in a real Chromium with the built extension:
 * flag two comments on a page served as www.facebook.com, export them from the evidence manager
 * page (downloaded through the downloads API), check the ZIP with the real `sha256sum -c`,
 * compare manifest.json with IndexedDB, render report.html, then tamper one byte and check that
 * both the CLI and the manager's verify screen name the file; finally import the bundle into a
 * fresh profile twice (2 records added, then none).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  clickInPageFlag, extensionId, inspectPng, launchChromium, readStore, ROOT, serviceWorker, shimNames, sleep, startFixtureServer,
  tempProfile, waitForPage, type FixtureServer,
} from './support';
import { verifyCustody } from '../../lib/integrity/custody';

const POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Extract a ZIP with python3's zipfile (no unzip needed). */
function extract(zip: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, dir]);
}

/** Zip `dir` again with the entry order of `like` (what someone editing a bundle would do). */
function rezip(like: string, dir: string, out: string): void {
  execFileSync('python3', ['-c', [
    'import sys, zipfile, os',
    'src = zipfile.ZipFile(sys.argv[1])',
    'with zipfile.ZipFile(sys.argv[3], "w", zipfile.ZIP_DEFLATED) as z:',
    '    for n in src.namelist(): z.write(os.path.join(sys.argv[2], n), n)',
  ].join('\n'), like, dir, out]);
}

describe('evidence bundle export, verify and import (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let extId: string;
  const work = mkdtempSync(join(tmpdir(), 'asn-e2e-export-files-'));
  const bundlePath = join(work, 'bundle.zip');
  let bundleSha = '';
  let fileName = '';
  let ids: string[] = [];

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    context = await launchChromium(tempProfile('export'), server.port);
    extId = extensionId(await serviceWorker(context));
  });
  after(async () => {
    await context?.close();
    await server?.close();
    if (!process.env.KEEP_E2E_FILES) rmSync(work, { recursive: true, force: true });
  });

  async function flag(page: Page, selector: string): Promise<string> {
    const before = new Set(context.pages());
    await clickInPageFlag(page, selector);
    const review = await waitForPage(context, /\/review\.html\?id=/);
    assert.ok(!before.has(review));
    const id = new URL(review.url()).searchParams.get('id')!;
    await review.close();
    return id;
  }

  async function openManager(ctx: BrowserContext, id: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`chrome-extension://${id}/manager.html`);
    await page.waitForSelector('#list-count');
    return page;
  }

  it('flags two comments through the in-page button', async () => {
    const opts = await context.newPage();
    await opts.goto(`chrome-extension://${extId}/options.html`);
    await opts.fill('#m-name', 'Rahmat Hidayat');
    await opts.fill('#m-nip', '199001012015031001');
    await opts.fill('#m-unit', 'Timwas Medsos Kab. Contoh');
    await opts.click('#save');
    await opts.waitForSelector('#options-msg');
    await opts.close();

    const page = await context.newPage();
    await page.goto(POST_URL);
    const a = await flag(page, '#comment-budi');
    await sleep(700); // the capture scheduler allows one capture per 550 ms
    const b = await flag(page, '#comment-sinta');
    assert.notEqual(a, b);
    ids = [a, b];
    const sw = await serviceWorker(context);
    for (let i = 0; i < 50; i++) {
      if ((await readStore(sw)).records.length === 2) break;
      await sleep(100);
    }
    const { records } = await readStore(sw);
    assert.deepEqual(records.map((r) => r.id).sort(), [...ids].sort());
    await page.close();
  });

  it('exports both through the manager page and downloads a bundle that sha256sum -c accepts', async () => {
    const manager = await openManager(context, extId);
    await manager.waitForSelector('#evidence-list tbody tr');
    assert.equal(await manager.locator('#evidence-list tbody tr').count(), 2);
    // the subject filter narrows the list; clearing it brings both back
    await manager.fill('#f-subject', 'sinta');
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 1);
    await manager.click('#reset-filters');
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 2);

    await manager.check('#select-all');
    assert.match(await manager.textContent('#export-selected') ?? '', /\(2 dipilih\)/);
    await manager.click('#export-selected');
    await manager.waitForSelector('#export-result', { timeout: 30_000 });
    assert.equal(await manager.getAttribute('#export-result', 'data-ok'), 'true', await manager.textContent('#export-result') ?? '');
    const text = await manager.textContent('#export-result') ?? '';
    fileName = /bukti-asn-\d{8}-\d{6}\.zip/.exec(text)?.[0] ?? '';
    assert.ok(fileName, `the result names the file: ${text}`);
    assert.match(text, /^2 bukti diekspor/);
    bundleSha = (await manager.textContent('#export-sha256'))!.trim();
    assert.match(bundleSha, /^[0-9a-f]{64}$/);

    // The downloads API saved it: find it through the extension's own download list.
    const sw = await serviceWorker(context);
    let item: { state: string; filename: string; fileSize: number } | undefined;
    for (let i = 0; i < 100; i++) {
      item = (await sw.evaluate('chrome.downloads.search({})') as typeof item[])[0];
      if (item?.state === 'complete') break;
      await sleep(100);
    }
    assert.equal(item?.state, 'complete', 'the download completed');
    copyFileSync(item!.filename, bundlePath);
    const zip = readFileSync(bundlePath);
    assert.equal(sha256(zip), bundleSha, 'the SHA-256 shown (and logged) is that of the downloaded file');

    const dir = join(work, 'x');
    extract(bundlePath, dir);
    const run = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.ok(lines.every((l) => l.endsWith(': OK')), run.stdout);
    for (const id of ids) {
      assert.ok(lines.includes(`evidence/${id}/screenshot.png: OK`));
      assert.ok(lines.includes(`evidence/${id}/record.json: OK`));
    }
    for (const f of ['manifest.json', 'evidence.csv', 'report.html']) assert.ok(lines.includes(`${f}: OK`));
    await manager.close();
  });

  it('has a manifest equal to the stored records and an export entry in every custody log', async () => {
    const dir = join(work, 'x');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const { records, blobs } = await readStore(await serviceWorker(context));
    assert.equal(manifest.format, 'asn-evidence-bundle');
    assert.equal(manifest.formatVersion, 1);
    assert.deepEqual(manifest.createdBy, { name: 'Rahmat Hidayat', nip: '199001012015031001', unit: 'Timwas Medsos Kab. Contoh' });
    const byId = new Map(records.map((r) => [r.id, r]));
    assert.equal(manifest.records.length, 2);
    for (const rec of manifest.records) {
      const stored = byId.get(rec.id);
      assert.ok(stored, `record ${rec.id} is stored`);
      assert.deepEqual(rec, stored.record);
      const shot = readFileSync(join(dir, `evidence/${rec.id}/screenshot.png`));
      assert.equal(shot.toString('base64'), blobs[`${rec.id}/screenshot.png`]!.base64, 'the exact stored screenshot');
      assert.deepEqual(JSON.parse(readFileSync(join(dir, `evidence/${rec.id}/record.json`), 'utf8')), stored.record);
      // the bundle carries the record's custody log (capture ...) and the writer's export entry
      const chain = manifest.custody.filter((c: { recordId: string }) => c.recordId === rec.id).map((c: { action: string }) => c.action);
      assert.equal(chain[0], 'capture');
      assert.equal(chain.at(-1), 'export');
      // the store logged the export with the bundle's hash
      const last = stored.custody.at(-1);
      assert.equal(last.action, 'export');
      assert.equal(last.actor, 'Rahmat Hidayat');
      assert.equal(last.details.bundleSha256, bundleSha);
      assert.equal(last.details.fileName, fileName);
      assert.equal(last.details.recordCount, 2);
      assert.deepEqual(verifyCustody(rec.id, stored.custody), { ok: true, length: stored.custody.length }, 'the custody chain holds');
    }
    const csv = readFileSync(join(dir, 'evidence.csv'));
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with a UTF-8 BOM');
  });

  it('renders report.html in Chromium to a non-blank PNG', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1000, height: 1400 });
    await page.goto(`file://${join(work, 'x', 'report.html')}`);
    await page.waitForLoadState('load');
    const images = await page.$$eval('img', (els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
    assert.ok(images.length >= 2 && images.every((w) => w > 0), `the embedded screenshots load (${images.join(',')})`);
    assert.equal(await page.$$eval('script', (s) => s.length), 0);
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(join(work, 'report.png'), png);
    const info = await inspectPng(page, png.toString('base64'));
    assert.ok(info.width >= 1000 && info.height >= 1400);
    assert.ok(info.colours >= 30, `the report is not blank (${info.colours} colours)`);
    await page.close();
  });

  it('names the tampered file, in the CLI and in the manager verify screen', async () => {
    const id = ids[1]!;
    const tdir = join(work, 't');
    extract(bundlePath, tdir);
    const shotPath = join(tdir, `evidence/${id}/screenshot.png`);
    const shot = readFileSync(shotPath);
    shot[Math.floor(shot.length / 2)]! ^= 0x01;
    writeFileSync(shotPath, shot);
    const tampered = join(work, 'tampered.zip');
    rezip(bundlePath, tdir, tampered);

    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', tampered], { encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.ok(cli.stdout.includes(`evidence/${id}/screenshot.png`), cli.stdout);
    const good = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', bundlePath], { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stdout + good.stderr);

    const manager = await openManager(context, extId);
    await manager.setInputFiles('#verify-file', tampered);
    await manager.waitForSelector('#verify-result', { timeout: 30_000 });
    assert.equal(await manager.getAttribute('#verify-result', 'data-ok'), 'false');
    const files = await manager.$$eval('#verify-problems li', (lis) => lis.map((li) => li.getAttribute('data-file')));
    assert.ok(files.includes(`evidence/${id}/screenshot.png`), `problems: ${files.join(', ')}`);
    assert.match(await manager.textContent('#verify-problems') ?? '', new RegExp(`evidence/${id}/screenshot\\.png`));
    assert.equal(await manager.locator('#import').count(), 0, 'no import for an invalid bundle');

    // a cut-off download: a clear message about the archive itself
    const truncated = join(work, 'truncated.zip');
    writeFileSync(truncated, readFileSync(bundlePath).subarray(0, 5000));
    await manager.setInputFiles('#verify-file', truncated);
    await manager.waitForFunction(() => document.querySelector('#verify-problems li')?.getAttribute('data-file') === '(zip)');
    assert.match(await manager.textContent('#verify-problems') ?? '', /terpotong|truncated|terputus/i);

    // the good bundle verifies
    await manager.setInputFiles('#verify-file', bundlePath);
    await manager.waitForSelector('#verify-result[data-ok="true"]', { timeout: 30_000 });
    assert.match(await manager.textContent('#verify-result') ?? '', /2 bukti/);
    assert.match(await manager.textContent('#verify-plan') ?? '', /0 baru, 2 sudah ada/);
    await manager.close();
  });

  it('imports the bundle into a fresh profile once: 2 added, then 0', async () => {
    const other = await launchChromium(tempProfile('export-import'), server.port);
    try {
      const otherId = extensionId(await serviceWorker(other));
      const manager = await openManager(other, otherId);
      await manager.setInputFiles('#verify-file', bundlePath);
      await manager.waitForSelector('#verify-result[data-ok="true"]', { timeout: 30_000 });
      assert.match(await manager.textContent('#verify-plan') ?? '', /2 baru, 0 sudah ada/);
      await manager.click('#import');
      await manager.waitForSelector('#import-result', { timeout: 30_000 });
      assert.equal(await manager.getAttribute('#import-result', 'data-ok'), 'true', await manager.textContent('#import-result') ?? '');
      assert.equal(await manager.getAttribute('#import-result [data-added]', 'data-added'), '2');
      await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 2);

      const sw = await serviceWorker(other);
      await shimNames(sw);
      const { records, blobs } = await readStore(sw);
      assert.equal(records.length, 2);
      const original = await readStore(await serviceWorker(context));
      for (const r of records) {
        const o = original.records.find((x) => x.id === r.id);
        assert.deepEqual(r.record, o.record);
        assert.equal(r.status, 'queued');
        assert.equal(blobs[`${r.id}/screenshot.png`]!.base64, original.blobs[`${r.id}/screenshot.png`]!.base64);
        const last = r.custody.at(-1);
        assert.equal(last.action, 'import');
        assert.equal(last.details.bundleSha256, bundleSha);
        assert.equal(verifyCustody(r.id, r.custody).ok, true, 'the imported custody chain holds');
        // the original entries are kept verbatim (same hashes as on the monitor's machine)
        assert.deepEqual(r.custody.slice(0, o.custody.length - 1), o.custody.slice(0, -1));
      }

      // the same bundle again: nothing added, nothing duplicated
      await manager.setInputFiles('#verify-file', []);
      await manager.setInputFiles('#verify-file', bundlePath);
      await manager.waitForSelector('#verify-result[data-ok="true"]', { timeout: 30_000 });
      assert.match(await manager.textContent('#verify-plan') ?? '', /0 baru, 2 sudah ada/);
      await manager.click('#import');
      await manager.waitForSelector('#import-result', { timeout: 30_000 });
      assert.equal(await manager.getAttribute('#import-result [data-added]', 'data-added'), '0');
      assert.equal(await manager.getAttribute('#import-result [data-present]', 'data-present'), '2');
      assert.equal((await readStore(sw)).records.length, 2);
    } finally {
      await other.close();
    }
  });
});
