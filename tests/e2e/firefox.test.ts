/**
 * Firefox smoke test over WebDriver BiDi (puppeteer-core): the Firefox build loads, the content
 * script runs on a page served as www.facebook.com, a flag through the in-page button (clicked by
 * coordinates: its shadow root is closed) reaches
 * the background, captureVisibleTab works, and the record is in IndexedDB with a matching hash.
 * Firefox cannot map a host to another port, so the fixture server listens on 443 (CI runs as root).
 * The first-run page opened on install saves the monitor's identity (driven by script in the page:
 * BiDi cannot navigate to moz-extension:// pages, but it runs scripts in the one the extension opened).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_EXT, HOSTS, OVERLAY_PREFIX, startFixtureServer, which, type FixtureServer } from './support';
import { flagButtonBox } from '../../lib/content/overlay';

const POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';

describe('Firefox build (BiDi smoke test)', () => {
  let server: FixtureServer;
  let browser: Browser;
  /** The record of the first test's flag. */
  let flaggedId = '';

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
    // The content script shows its button on hover, in a closed shadow root: it is clicked with the
    // real mouse where lib/content/overlay.ts puts it for the hovered comment (flagButtonBox), once
    // the page finds the overlay's host there (elementFromPoint: only the button takes pointer events).
    await page.waitForSelector('#comment-budi');
    let point: { x: number; y: number } | null = null;
    for (let i = 0; i < 50 && !point; i++) {
      await page.hover('#comment-budi');
      await new Promise((r) => setTimeout(r, 100));
      const { rect, viewport } = await page.$eval('#comment-budi', (el) => {
        const r = el.getBoundingClientRect();
        return { rect: { top: r.top, right: r.right }, viewport: { width: document.documentElement.clientWidth, height: innerHeight } };
      });
      const b = flagButtonBox(rect, viewport);
      const p = { x: b.left + b.width / 2, y: b.top + b.height / 2 };
      const shown = await page.evaluate((x, y, prefix) => document.elementFromPoint(x, y)?.localName.startsWith(prefix) === true,
        p.x, p.y, OVERLAY_PREFIX);
      if (shown) point = p;
    }
    assert.ok(point, 'the in-page flag button appears over the comment');
    assert.equal(await page.evaluate((prefix) => Array.from(document.documentElement.children)
      .find((e) => e.localName.startsWith(prefix))?.shadowRoot === null, OVERLAY_PREFIX), true, 'its shadow root is closed');
    await page.mouse.click(point.x, point.y);

    // The toast names no record: the e2e build hands the record of the last flag to a real Shift+F8.
    let stored: any = null;
    for (let i = 0; i < 100 && !stored; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.keyboard.down('Shift');
      await page.keyboard.press('F8');
      await page.keyboard.up('Shift');
      await new Promise((r) => setTimeout(r, 100));
      const raw = await page.evaluate(() => document.documentElement.getAttribute('data-asn-e2e'));
      stored = raw ? JSON.parse(raw) : null;
    }
    assert.ok(stored, 'the background found the record');
    flaggedId = stored.record.id;
    const sha = stored.record.screenshot.sha256;
    assert.match(stored.record.id, /^[0-9a-f-]{36}$/);
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.equal(stored.status, 'draft');
    assert.equal(stored.record.page.url, POST_URL);
    assert.match(stored.record.client.browser, /^firefox \d+$/);
    assert.equal(stored.blobSha256, sha, 'hash is of the exact stored bytes');
    assert.ok(stored.record.screenshot.width > 100 && stored.record.screenshot.height > 50);
    assert.ok(stored.blobSize > 1000);
  });

  // Runs after the flag above: flagging worked while the first-run page was still open and unfinished.
  it('opened the first-run page on install; it saves the identity (the NIP checked first)', async () => {
    // BiDi lists moz-extension:// tabs as about:blank, but scripts run in them: find it by its location.
    let welcome: Page | null = null;
    for (let i = 0; i < 50 && !welcome; i++) {
      for (const p of await browser.pages()) {
        const href = await Promise.race([p.evaluate(() => location.href).catch(() => ''), new Promise<string>((r) => setTimeout(() => r(''), 2000))]);
        if (/^moz-extension:\/\/[^/]+\/welcome\.html$/.test(href)) welcome = p;
      }
      if (!welcome) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(welcome, 'the first-run page opened on install');
    const page = welcome;
    const until = async (fn: () => boolean | string | null, what: string) => {
      for (let i = 0; i < 50; i++) {
        const v = await page.evaluate(fn).catch(() => null);
        if (v) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out: ${what}`);
    };
    await until(() => !!document.querySelector('#m-name'), 'the identity fields');
    assert.match(await page.evaluate(() => document.querySelector('h1')?.textContent ?? ''), /Selamat datang/);
    // Typing as the monitor does: the input event Preact listens to, then the button's click.
    const type = (sel: string, value: string) => page.evaluate((s, v) => {
      const el = document.querySelector<HTMLInputElement>(s)!;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, sel, value);
    const click = (sel: string) => page.evaluate((s) => document.querySelector<HTMLButtonElement>(s)!.click(), sel);
    const settings = () => page.evaluate(async () => (await (globalThis as any).browser.storage.local.get('settings')).settings ?? null);

    await type('#m-name', 'Rahmat Hidayat');
    await type('#m-nip', '12345');
    await type('#m-unit', 'Timwas Medsos Kab. Contoh');
    await click('#w-save-identity');
    assert.match(String(await until(() => document.querySelector('#m-nip-error')?.textContent ?? null, 'the NIP message')), /NIP harus 18 angka/);
    assert.equal((await settings())?.monitor?.name ?? '', '', 'nothing saved with a wrong NIP');

    await type('#m-nip', '199001012015031001');
    await click('#w-save-identity');
    assert.match(String(await until(() => document.querySelector('#w-state1')?.textContent ?? null, 'the step marked done')), /Selesai/);
    assert.match(await page.evaluate(() => document.querySelector('#w-msg1')?.textContent ?? ''), /Identitas tersimpan/);
    assert.deepEqual((await settings()).monitor, { name: 'Rahmat Hidayat', nip: '199001012015031001', unit: 'Timwas Medsos Kab. Contoh' });
  });
  it('the review form opened by the flag saves the record into the queue, and the popup counts it', async () => {
    assert.ok(flaggedId, 'the flag test ran first');
    // BiDi lists moz-extension:// pages as about:blank: find them by their location.
    const findPage = async (re: RegExp, what: string): Promise<Page> => {
      for (let i = 0; i < 75; i++) {
        for (const p of await browser.pages()) {
          const href = await Promise.race([p.evaluate(() => location.href).catch(() => ''), new Promise<string>((r) => setTimeout(() => r(''), 2000))]);
          if (re.test(href)) return p;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`not found: ${what}`);
    };
    const review = await findPage(new RegExp(`^moz-extension://[^/]+/review\\.html\\?id=${flaggedId}`), 'the review form the flag opened');
    // The identity was saved on the first-run page after the form opened: reload so it reads it.
    await review.evaluate(() => location.reload());
    await new Promise((r) => setTimeout(r, 500));
    const until = async <T,>(fn: () => T | null | false | '', what: string): Promise<T> => {
      for (let i = 0; i < 75; i++) {
        const v = await review.evaluate(fn).catch(() => null);
        if (v) return v as T;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out: ${what}`);
    };
    await until(() => !!document.querySelector('#save') && !!document.querySelector('#f-subject-name'), 'the form');
    // the identity from the first-run page is used: after the reload the form does not ask for it
    await until(() => document.readyState === 'complete' && !!document.querySelector('#f-subject-position') && !document.querySelector('#monitor-ask'), 'the form without the identity question');
    await review.evaluate(() => {
      const el = document.querySelector<HTMLInputElement>('#f-subject-position')!;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, 'Guru SD Negeri 1');
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    // The form renders the typed value before the monitor can press the button.
    await until(() => document.querySelector<HTMLInputElement>('#f-subject-position')?.value === 'Guru SD Negeri 1', 'the typed position');
    await new Promise((r) => setTimeout(r, 200));
    await review.evaluate(() => document.querySelector<HTMLButtonElement>('#save')!.click());
    const ok = await until(() => document.querySelector('#save-ok')?.textContent ?? null, 'the save message at the button');
    assert.match(ok, /Tersimpan/);
    const ev = await until(async () => {
      const r = await (globalThis as any).browser.runtime.sendMessage({ type: 'get-evidence', id: location.search.slice(4) });
      return r?.evidence?.status === 'queued' ? r.evidence : null;
    }, 'the record in the queue');
    assert.equal(ev.record.subject.position, 'Guru SD Negeri 1');
    assert.equal(ev.record.monitor?.name ?? null, null, 'the monitor of a record flagged before setup stays as captured (signed)');
    assert.deepEqual(ev.custody.map((c: { action: string }) => c.action).slice(-2), ['edit', 'save']);
    assert.equal(ev.custody.at(-1).actor, 'Rahmat Hidayat', 'the save names the monitor from the first-run page');

    // The popup page, loaded in this extension tab (BiDi cannot navigate to moz-extension:// itself).
    await review.evaluate(() => { location.href = (globalThis as any).browser.runtime.getURL('popup.html'); });
    const popup = await findPage(/^moz-extension:\/\/[^/]+\/popup\.html$/, 'the popup page');
    let queued = '';
    for (let i = 0; i < 75 && queued !== '1'; i++) {
      queued = await popup.evaluate(() => document.querySelector('[data-count="queued"]')?.textContent ?? '').catch(() => '');
      if (queued !== '1') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(queued, '1', 'the popup counts the saved record as waiting');
    assert.equal(await popup.evaluate(() => document.querySelector('#sync-status')?.getAttribute('data-state')), 'unconfigured');
  });
});
