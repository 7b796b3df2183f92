/**
 * Real saved pages (tests/fixtures/real: markup made by other projects, not by us), one per
 * platform, served as the real host in a real Chromium. A person hovers a comment, clicks the
 * in-page ⚑ button, and the stored record names the comment's real author, its text and the post;
 * the flagged item's source HTML is stored beside the screenshot with the hash the signed record
 * carries. Then the monitor corrects a field in the form and saves a "Salah baca?" case, which the
 * fixture runner reads as it is: everything the monitor left alone extracts as expected from the
 * stored source, and the corrected field is the one difference it reports.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { Window } from 'happy-dom';
import {
  flagInPage, launchChromium, readStore, ROOT, serviceWorker, sleep, startFixtureServer, tempProfile,
  type FixtureServer, fillMonitorIfAsked,
} from './support';
import { runCase, scoreCase } from '../support/corpus';

const CASES = [
  'facebook/fb-permalink-dialog-over-feed-2026-en.comment1',
  'instagram/ig-post-comments-2025-08-en.comment1',
  'tiktok/tt-video-onecolumn-comments-2025-en.comment1',
];
const CHECKED = ['platform', 'kind', 'comment.authorName', 'comment.authorUrl', 'comment.text', 'comment.id', 'post.id', 'subject.name'];

const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);
const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('real saved pages: flag a comment with the in-page button (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  const flagged = new Map<string, { id: string; review: Page; page: Page; target: string }>();

  before(async () => {
    server = await startFixtureServer();
    context = await launchChromium(tempProfile('real-pages'), server.port);
    await serviceWorker(context);
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  for (const name of CASES) {
    it(name, async () => {
      const [platform, stem] = name.split('/') as [string, string];
      const c = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/real', `${name}.case.json`), 'utf8'));
      const pageFile = `${platform}/${stem.slice(0, stem.lastIndexOf('.'))}.html`;
      const url = new URL(c.url);
      server.route(url.host, url.pathname, pageFile);
      const page = await context.newPage();
      await page.goto(c.url);
      // The saved pages lost their stylesheets (trimmed as whole subtrees); the inline positioning
      // left on the TikTok page then lays the player over the comment column, where the site's CSS
      // never puts it. Unpositioned, everything flows one block after another, as an unstyled page.
      if (platform === 'tiktok') await page.addStyleTag({ content: '* { position: static !important; }' });
      const { id, review } = await flagInPage(context, page, c.target);
      flagged.set(name, { id, review, page, target: c.target });

      const { records, blobs } = await readStore(await serviceWorker(context), { blobs: true });
      const rec = records.find((r) => r.id === id)!.record;
      for (const key of CHECKED) {
        if (key in c.expect) assert.deepEqual(get(rec, key), c.expect[key], `${key} of the stored record`);
      }
      // the flagged item's HTML, stored beside the screenshot, is what the signed record hashes
      assert.ok(rec.source, 'the record lists its source HTML');
      const src = blobs[`${id}/source.html`];
      assert.ok(src, 'the source HTML is stored');
      const bytes = Buffer.from(src.base64, 'base64');
      assert.equal(sha256(bytes), rec.source.sha256, 'source.html hash = record.source.sha256');
      assert.equal(bytes.length, rec.source.bytes);
      assert.ok(JSON.parse(rec.attestation.payload).source.sha256 === rec.source.sha256, 'the capture signature covers the source hash');
      const html = bytes.toString('utf8');
      assert.ok(html.includes(c.expect['comment.text'] ?? ''), 'the source holds the comment text');
      assert.doesNotMatch(html, /<script|<style|\son[a-z]+=/i, 'scripts, styles and handlers removed');
    });
  }

  it('"Pilih di halaman": a field is filled by clicking the text in the page; a page script cannot pick', async () => {
    const { id, review, page, target } = flagged.get(CASES[1]!)!;
    await review.bringToFront();
    await review.waitForSelector('[data-pick="comment.text"]');
    const shown = await review.inputValue('#f-comment-text');
    await review.fill('#f-comment-text', '');
    await review.click('[data-pick="comment.text"]');
    await page.bringToFront();
    // a click the page's own script makes is not the monitor's: nothing is picked
    await page.evaluate((sel) => (document.querySelector(sel) as HTMLElement).click(), target);
    await sleep(400);
    assert.equal(await review.inputValue('#f-comment-text'), '', 'an untrusted click picks nothing');
    await page.click(target);
    await review.waitForFunction((v) => (document.getElementById('f-comment-text') as HTMLTextAreaElement).value === v, shown);
    assert.match(await review.textContent('#pick-result') ?? '', /dipilih di halaman/);
    await review.bringToFront();
    await fillMonitorIfAsked(review);
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 15_000 });
    const { records } = await readStore(await serviceWorker(context));
    const stored = records.find((r) => r.id === id)!;
    assert.equal(stored.record.comment.text, shown);
    assert.match(stored.extras.picked['comment.text'].path, /^body > /, 'the picked element is remembered');
  });

  it('"Salah baca?": a corrected record saves a fixture case the runner reads as it is', async () => {
    const name = CASES[0]!;
    const { id, review } = flagged.get(name)!;
    await review.bringToFront();
    await review.waitForSelector('#f-comment-authorName');
    await review.waitForSelector('#misread-none');
    const read = await review.inputValue('#f-comment-authorName');
    await review.fill('#f-comment-authorName', `${read} Wijaya`);
    await fillMonitorIfAsked(review);
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 15_000 });
    await review.waitForSelector('#misread-save');
    await review.click('#misread-save');
    await review.waitForSelector('#misread-result');

    // the two files went through the downloads API
    const sw = await serviceWorker(context);
    let items: Array<{ state: string; filename: string }> = [];
    for (let i = 0; i < 100; i++) {
      items = (await sw.evaluate('chrome.downloads.search({})')) as typeof items;
      if (items.length >= 2 && items.every((d) => d.state === 'complete')) break;
      await sleep(100);
    }
    assert.equal(items.length, 2, 'two files: the page source and the case');
    // (Playwright keeps downloads under generated names: the files are told apart by content and
    // laid out as the runner wants them, NAME.html beside NAME.case.json)
    const dir = mkdtempSync(join(tmpdir(), 'salah-baca-'));
    const caseFile = `salah-baca-facebook-comment-${id.slice(0, 8)}.case.json`;
    for (const d of items) {
      const isCase = readFileSync(d.filename, 'utf8').trimStart().startsWith('{');
      copyFileSync(d.filename, join(dir, isCase ? caseFile : caseFile.replace(/\.case\.json$/, '.html')));
    }
    assert.match(await review.textContent('#misread-result') ?? '', /tandai-salah-baca/, 'the monitor is told where the files went');

    // the runner's own code reads it: the target is found in the stored source, every field the
    // monitor left alone extracts as expected, and the correction is the difference it reports
    const w = new Window();
    (globalThis as { DOMParser?: unknown }).DOMParser = w.DOMParser;
    const run = runCase(join(dir, caseFile!));
    assert.ok(run.target, 'the flagged element is found in the saved source');
    const c = JSON.parse(readFileSync(join(dir, caseFile!), 'utf8'));
    assert.equal(c.expect['comment.authorName'], `${read} Wijaya`);
    assert.deepEqual(c.corrected.map((f: { field: string }) => f.field), ['comment.authorName']);
    const wrong = scoreCase(caseFile!, run).filter((r) => r.verdict !== 'right').map((r) => r.field);
    assert.deepEqual(wrong, ['comment.authorName'], 'only the corrected field differs');
    await w.happyDOM.close();
  });
});
