/**
 * The production build, as a monitor installs it: access only to the three supported sites, so
 * the in-page button gets no real screenshot from Chrome (that needs <all_urls> or activeTab). The flag must still keep evidence - re-rendered by
 * the html2canvas fallback, marked as such, hashed - and never depend on the test build's access.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import {
  CHROME_PROD_EXT, clickInPageFlag, inspectPng, launchChromium, newReview, readStore, serviceWorker, startFixtureServer,
  tempProfile, type FixtureServer,
} from './support';

describe('production build (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    context = await launchChromium(tempProfile('prod'), server.port, [], CHROME_PROD_EXT);
    await serviceWorker(context);
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('asks up front only for the three supported sites (those its content script runs on) and has no test hooks', () => {
    const manifest = JSON.parse(readFileSync(join(CHROME_PROD_EXT, 'manifest.json'), 'utf8'));
    const sites = ['https://*.facebook.com/*', 'https://*.instagram.com/*', 'https://*.tiktok.com/*'];
    assert.deepEqual(manifest.host_permissions, sites);
    assert.deepEqual(manifest.content_scripts.map((c: { matches: string[] }) => c.matches), [sites]);
    assert.deepEqual(manifest.optional_host_permissions, ['<all_urls>']);
    assert.deepEqual([...manifest.permissions].sort(), ['activeTab', 'alarms', 'contextMenus', 'downloads', 'scripting', 'storage', 'unlimitedStorage']);
    const bg = readFileSync(join(CHROME_PROD_EXT, 'background.js'), 'utf8');
    assert.ok(!bg.includes('e2e-get-record'), 'the e2e hook is not in the production build');
    const cs = readFileSync(join(CHROME_PROD_EXT, 'content-scripts/content.js'), 'utf8');
    for (const hook of ['e2e-inpage-state', 'e2e-get-record', 'data-asn-e2e']) {
      assert.ok(!cs.includes(hook), `the content script's e2e hook (${hook}) is not in the production build`);
    }
  });

  it('flags from the in-page button with the html2canvas fallback, clearly marked', async () => {
    const page = await context.newPage();
    await page.goto('https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773');
    const seen = new Set(context.pages());
    await clickInPageFlag(page, '#comment-budi');
    const review = await newReview(context, seen, 30_000);
    await review.waitForSelector('#screenshot');
    assert.match(await review.textContent('main') ?? '', /bukan tangkapan layar asli/);

    const { records, blobs } = await readStore(await serviceWorker(context));
    assert.equal(records.length, 1);
    const rec = records[0].record;
    assert.equal(rec.screenshot.method, 'html2canvas');
    assert.equal(rec.screenshot.full, null);
    assert.deepEqual(records[0].warnings.map((w: { code: string }) => w.code).includes('rasterised'), true);
    const shot = blobs[`${rec.id}/screenshot.png`]!;
    assert.equal(createHash('sha256').update(Buffer.from(shot.base64, 'base64')).digest('hex'), rec.screenshot.sha256);
    const img = await inspectPng(page, shot.base64);
    const rect = await page.$eval('#comment-budi', (el) => el.getBoundingClientRect().toJSON());
    assert.equal(img.width, Math.round(rect.width));
    assert.equal(img.height, Math.round(rect.height));
    assert.ok(img.colours >= 3, 'the rendering is not blank');
  });
});
