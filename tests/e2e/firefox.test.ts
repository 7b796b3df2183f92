/**
 * Firefox smoke test over WebDriver BiDi (puppeteer-core): the Firefox build loads, the content
 * script runs on a page served as www.facebook.com, a flag through the in-page button reaches
 * the background, captureVisibleTab works, and the record is in IndexedDB with a matching hash.
 * Firefox cannot map a host to another port, so the fixture server listens on 443 (CI runs as root).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { FIREFOX_EXT, HOSTS, startFixtureServer, which, type FixtureServer } from './support';

const POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';

describe('Firefox build (BiDi smoke test)', () => {
  let server: FixtureServer;
  let browser: Browser;

  before(async () => {
    if (!existsSync(`${FIREFOX_EXT}/manifest.json`)) throw new Error('build the e2e extension first: npm run build:e2e');
    server = await startFixtureServer(443);
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.FIREFOX_PATH ?? which('firefox-esr', 'firefox'),
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: { 'network.dns.localDomains': HOSTS.join(',') },
    });
    await browser.installExtension(FIREFOX_EXT);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('flags a comment and stores the record with its screenshot hash', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(POST_URL);
    await page.bringToFront();
    // The content script shows its button on hover.
    await page.waitForSelector('#comment-budi');
    let button = null;
    for (let i = 0; i < 50 && !button; i++) {
      await page.hover('#comment-budi');
      button = await page.$('asn-evidence-overlay >>> button.btn');
      if (button && !(await button.isVisible())) button = null;
      if (!button) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(button, 'the in-page flag button appears over the comment');
    await button.click();
    const toast = await page.waitForSelector('asn-evidence-overlay >>> .toast[data-record-id]', { timeout: 20_000 });
    const id = await toast!.evaluate((el) => (el as HTMLElement).dataset.recordId!);
    const sha = await toast!.evaluate((el) => (el as HTMLElement).dataset.sha256!);
    assert.match(id, /^[0-9a-f-]{36}$/);

    await page.evaluate((rid) => document.dispatchEvent(new CustomEvent('asn-evidence-e2e', { detail: rid })), id);
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-asn-e2e'), { timeout: 10_000 });
    const stored = JSON.parse((await page.evaluate(() => document.documentElement.getAttribute('data-asn-e2e')))!);
    assert.ok(stored, 'the background found the record');
    assert.equal(stored.status, 'draft');
    assert.equal(stored.record.id, id);
    assert.equal(stored.record.page.url, POST_URL);
    assert.match(stored.record.client.browser, /^firefox \d+$/);
    assert.equal(stored.record.screenshot.sha256, sha);
    assert.equal(stored.blobSha256, sha, 'hash is of the exact stored bytes');
    assert.ok(stored.record.screenshot.width > 100 && stored.record.screenshot.height > 50);
    assert.ok(stored.blobSize > 1000);
  });
});
