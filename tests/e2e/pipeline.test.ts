/**
 * The evidence pipeline in a real Chromium with the built extension: flag a comment on a page
 * served as www.facebook.com through the extension's own in-page button, complete the form,
 * and check what IndexedDB holds - then kill the service worker and restart the browser.
 */
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  clickInPageFlag, extensionId, flagToast, inspectPng, launchChromium, readStore, serviceWorker, startFixtureServer,
  stopServiceWorker, tempProfile, waitForPage, type FixtureServer,
} from './support';

const POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';

describe('evidence pipeline (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let profile: string;
  let extId: string;

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    profile = tempProfile('pipeline');
    context = await launchChromium(profile, server.port);
    extId = extensionId(await serviceWorker(context));
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  async function flagViaInPageButton(page: Page, selector: string): Promise<Page> {
    const before = new Set(context.pages());
    await clickInPageFlag(page, selector);
    const review = await waitForPage(context, /\/review\.html\?id=/);
    assert.ok(!before.has(review), 'the form opens in a new window');
    return review;
  }

  it('stores monitor settings from the options page', async () => {
    const opts = await context.newPage();
    await opts.goto(`chrome-extension://${extId}/options.html`);
    await opts.fill('#m-name', 'Rahmat Hidayat');
    await opts.fill('#m-nip', '199001012015031001');
    await opts.fill('#m-unit', 'Timwas Medsos Kab. Contoh');
    await opts.click('#save');
    await opts.waitForSelector('#options-msg');
    assert.match(await opts.textContent('#options-msg') ?? '', /tersimpan/i);
    await opts.close();
  });

  it('flags a comment through the in-page button and keeps an exact, hashed screenshot', async () => {
    const page = await context.newPage();
    await page.goto(POST_URL);
    const started = Date.now();
    const review = await flagViaInPageButton(page, '#comment-budi');
    assert.match(review.url(), new RegExp(`^chrome-extension://${extId}/review\\.html\\?id=`));

    // The monitor sees the screenshot and completes the subject, then saves.
    await review.waitForSelector('#screenshot');
    await review.fill('#f-subject-nip', '198503122010011002');
    await review.fill('#f-subject-agency', 'Dinas Pendidikan Kab. Contoh');
    await review.selectOption('#f-subject-employmentType', 'PNS');
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 10_000 });

    // The toast in the page confirms the durable write, in words only (it names no record).
    const toast = await flagToast(context, page);
    assert.equal(toast.kind, 'ok');
    assert.match(toast.text, /tersimpan/);
    const recordId = new URL(review.url()).searchParams.get('id');

    const rect = await page.$eval('#comment-budi', (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, dpr: devicePixelRatio };
    });
    const sw = await serviceWorker(context);
    const { records, blobs } = await readStore(sw);
    assert.equal(records.length, 1);
    const ev = records[0];
    const rec = ev.record;
    assert.equal(ev.id, recordId);
    assert.equal(ev.status, 'queued');
    assert.equal(rec.schemaVersion, 1);
    assert.match(rec.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const at = Date.parse(rec.capturedAt);
    assert.ok(at >= started - 1000 && at <= Date.now(), 'capturedAt is the capture time');
    assert.match(rec.capturedAt, /Z$/);
    assert.ok(rec.timezone.length > 0);
    assert.equal(rec.page.url, POST_URL);
    assert.equal(rec.page.title, 'Dinas Contoh - Kampanye paslon 2 | Facebook');
    assert.equal(rec.subject.nip, '198503122010011002');
    assert.equal(rec.subject.agency, 'Dinas Pendidikan Kab. Contoh');
    assert.equal(rec.subject.employmentType, 'PNS');
    assert.equal(rec.fieldSources['subject.nip'], 'user');
    assert.deepEqual(rec.monitor, { name: 'Rahmat Hidayat', nip: '199001012015031001', unit: 'Timwas Medsos Kab. Contoh' });
    assert.match(rec.client.extensionVersion, /^\d+\.\d+\.\d+$/);
    assert.match(rec.client.browser, /^chrome \d+$/);
    assert.deepEqual(ev.custody.map((c: { action: string }) => c.action), ['capture', 'edit', 'save']);

    // The screenshot: the comment's rectangle plus 12 px padding, in device pixels, not blank,
    // and its SHA-256 is that of the exact stored bytes.
    const shot = blobs[`${rec.id}/screenshot.png`];
    assert.ok(shot, 'cropped screenshot stored');
    assert.equal(shot.type, 'image/png');
    const bytes = Buffer.from(shot.base64, 'base64');
    assert.equal(createHash('sha256').update(bytes).digest('hex'), rec.screenshot.sha256);
    const decoded = await inspectPng(page, shot.base64);
    assert.equal(decoded.width, Math.round((rect.width + 24) * rect.dpr));
    assert.equal(decoded.height, Math.round((rect.height + 24) * rect.dpr));
    assert.equal(rec.screenshot.width, decoded.width);
    assert.equal(rec.screenshot.height, decoded.height);
    assert.ok(decoded.colours >= 4, `screenshot is not blank (${decoded.colours} colours)`);
    assert.equal(rec.screenshot.devicePixelRatio, rect.dpr);
    assert.deepEqual(rec.screenshot.region, { x: rect.x - 12, y: rect.y - 12, width: rect.width + 24, height: rect.height + 24 });
    const full = blobs[`${rec.id}/full.png`];
    assert.ok(full, 'the full visible tab is kept alongside');
    const fullPng = await inspectPng(page, full.base64);
    assert.deepEqual([fullPng.width, fullPng.height], [1280 * rect.dpr, 800 * rect.dpr]);
    assert.equal(createHash('sha256').update(Buffer.from(full.base64, 'base64')).digest('hex'), rec.screenshot.full.sha256);
    await review.close();
    await page.close();
  });

  it('shows counts in the popup and keeps the record when the service worker is stopped', async () => {
    const page = await context.newPage();
    await page.goto('about:blank');
    await stopServiceWorker(context, page);
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.waitForSelector('[data-count="queued"]');
    assert.equal(await popup.textContent('[data-count="queued"]'), '1');
    assert.equal(await popup.textContent('[data-count="draft"]'), '0');
    assert.match(await popup.textContent('#waiting') ?? '', /^1 /);
    const sw = await serviceWorker(context);
    const { records } = await readStore(sw);
    assert.equal(records.length, 1);
    assert.equal(await sw.evaluate('chrome.action.getBadgeText({})'), '1', 'the badge shows one record waiting');
    await popup.close();
    await page.close();
  });

  it('tells the monitor when a page cannot be captured', async () => {
    const page = await context.newPage();
    await page.goto('chrome://version');
    await page.bringToFront();
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.click('#flag');
    await popup.waitForSelector('#flag-result');
    assert.equal(await popup.getAttribute('#flag-result', 'data-code'), 'restricted');
    assert.match(await popup.textContent('#flag-result') ?? '', /tidak dapat ditangkap/);
    const { records } = await readStore(await serviceWorker(context));
    assert.equal(records.length, 1, 'nothing half-stored');
    await popup.close();
    await page.close();
  });

  it('finds the record intact after a browser restart on the same profile', async () => {
    const before = await readStore(await serviceWorker(context));
    await context.close();
    context = await launchChromium(profile, server.port);
    const after = await readStore(await serviceWorker(context));
    assert.equal(after.records.length, 1);
    assert.deepEqual(after.records[0].record, before.records[0].record);
    const key = `${before.records[0].id}/screenshot.png`;
    assert.equal(after.blobs[key]!.base64, before.blobs[key]!.base64);
  });
});
