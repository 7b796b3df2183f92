/**
 * The popup, the evidence manager and the watchlist page as a monitor meets them (Chromium):
 * - with 20 records the popup stays within Chrome's 600 px popup limit, its record lists scroll
 *   inside themselves and "Ekspor semua" / "Pengaturan" stay in view;
 * - each sync state has its own words and its own badge colour: no server (and "Sinkronkan
 *   sekarang" disabled with the reason), paused on a refused token, offline (server unreachable);
 * - the export says where the file went; the watchlist page leads back; the evidence list keeps
 *   a NIP on one line; axe-core finds nothing on the popup, the manager's tabs and the watchlist.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import type { RunningServer } from '../../server/app';
import { BADGE_COLORS } from '../../lib/background/sync-display';
import {
  axeViolations, configureBackend, E2E_POST_URL, extensionId, flagAndSave, launchChromium, readStore, serviceWorker, shimNames,
  sleep, startFixtureServer, startSyncRig, stopSyncRig, tempProfile, until, type FixtureServer,
} from './support';

const NIP = '198503122010011002';

async function badgeColor(sw: Worker): Promise<string> {
  const rgba = await sw.evaluate(() => chrome.action.getBadgeBackgroundColor({})) as number[];
  return `#${rgba.slice(0, 3).map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

async function openPopup(context: BrowserContext, extId: string): Promise<Page> {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 400, height: 600 });
  await popup.goto(`chrome-extension://${extId}/popup.html`);
  await popup.waitForSelector('#sync-status');
  return popup;
}

/** The element's box lies fully inside the 400x600 viewport (not scrolled off, not clipped by the document). */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  });
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('popup, manager and watchlist: fit, states, way back (Chromium)', () => {
  describe('20 records, no server', () => {
    let server: FixtureServer;
    let context: BrowserContext;
    let extId: string;

    before(async () => {
      server = await startFixtureServer();
      server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
      context = await launchChromium(tempProfile('popup-ux'), server.port);
      const sw = await serviceWorker(context);
      extId = extensionId(sw);
      const page = await context.newPage();
      await page.goto(E2E_POST_URL);
      await page.bringToFront();
      // One real flag (screenshot, hash, custody), then 19 copies under new ids straight in the
      // store: different people (some with a NIP), queued, refused by a server, drafts.
      await shimNames(sw);
      const first = await sw.evaluate(async (u) => {
        const tab = (await chrome.tabs.query({})).find((t) => t.url === u);
        return (globalThis as unknown as { __asnFlagTab(tab: unknown, o: unknown): Promise<{ ok: boolean; id?: string; message?: string }> })
          .__asnFlagTab(tab, { mode: 'page', openForm: false });
      }, E2E_POST_URL);
      assert.ok(first.ok, `flagged: ${JSON.stringify(first)}`);
      await sw.evaluate(async ({ id, nip }) => {
        const db: IDBDatabase = await new Promise((res, rej) => {
          const r = indexedDB.open('asn-evidence');
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        const get = <T,>(store: string, key: string): Promise<T> => new Promise((res, rej) => {
          const q = db.transaction(store).objectStore(store).get(key);
          q.onsuccess = () => res(q.result as T);
          q.onerror = () => rej(q.error);
        });
        const ev = await get<Record<string, any>>('evidence', id);
        const files = ['screenshot.png', 'full.png', 'source.html'];
        const blobs = await Promise.all(files.map((f) => get<Blob | undefined>('blobs', `${id}/${f}`)));
        const names = ['Budi Santoso, S.Pd.', 'Sinta Maharani', 'Rina Kusuma Wardhani', 'Dodi Prasetyo', 'Andi Wijaya'];
        const tx = db.transaction(['evidence', 'blobs'], 'readwrite');
        for (let i = 1; i < 20; i++) {
          const nid = crypto.randomUUID();
          const status = i < 12 ? 'queued' : i < 16 ? 'failed' : 'draft';
          const copy = structuredClone(ev);
          copy.id = nid;
          copy.record.id = nid;
          copy.targetKey = `${ev.targetKey ?? 'page'}#copy${i}`;
          copy.status = status;
          copy.record.subject.name = names[i % names.length];
          copy.record.subject.nip = i % 3 === 0 ? nip : null;
          copy.record.capturedAt = new Date(Date.parse(ev.record.capturedAt) - i * 60_000).toISOString();
          copy.sync = status === 'failed'
            ? { attempts: 1, lastError: { status: 422, message: 'NIP tidak sesuai dengan nama di data kepegawaian', at: copy.record.capturedAt }, nextAttemptAt: null, receipt: null }
            : { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null };
          tx.objectStore('evidence').put(copy);
          files.forEach((f, k) => { if (blobs[k]) tx.objectStore('blobs').put(blobs[k], `${nid}/${f}`); });
        }
        await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
        db.close();
      }, { id: first.id!, nip: NIP });
      assert.equal((await readStore(sw, { blobs: false })).records.length, 20);
      await page.close();
      // The records were written behind the extension's back: any record message refreshes the badge.
      const waker = await context.newPage();
      await waker.goto(`chrome-extension://${extId}/popup.html`);
      await waker.evaluate(() => chrome.runtime.sendMessage({ type: 'retry-failed', ids: [] }));
      await waker.close();
    });
    after(async () => {
      await context?.close();
      await server?.close();
    });

    it('fits in 600 px with the actions in view; the lists scroll inside', async () => {
      const popup = await openPopup(context, extId);
      // Selectors the popup had before this layout too, so the height check is what fails on it.
      await popup.waitForFunction(() => document.querySelector('[data-count="queued"]')?.textContent === '11');
      await popup.waitForSelector('#failed li');
      await popup.waitForFunction(() => document.querySelectorAll('li button').length >= 8);
      const height = await popup.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
      assert.ok(height <= 600, `the popup is ${height} px high (Chrome cuts popups at 600)`);
      for (const sel of ['#export-all', '#open-settings', '#open-manager', '#open-watchlist', '#flag', '#sync-now']) {
        assert.ok(await inView(popup, sel), `${sel} is within the 400x600 view`);
      }
      assert.match(await popup.textContent('#export-all') ?? '', /Ekspor semua/);
      assert.match(await popup.textContent('#open-settings') ?? '', /Pengaturan/);
      const lists = await popup.$eval('#popup-lists', (el) => ({ scroll: el.scrollHeight, client: el.clientHeight, overflow: getComputedStyle(el).overflowY }));
      assert.ok(lists.scroll > lists.client, `the record lists are longer than their box (${lists.scroll} > ${lists.client})`);
      assert.equal(lists.overflow, 'auto', 'and scroll inside it');
      assert.equal(await popup.textContent('[data-count="queued"]'), '11');
      assert.equal(await popup.textContent('[data-count="failed"]'), '4');
      // Scrolling the list to its end brings the last record into view, the actions stay put.
      await popup.$eval('#popup-lists', (el) => { el.scrollTop = el.scrollHeight; });
      assert.ok(await inView(popup, '#recent .recent-item:last-child'), 'the last record can be scrolled to');
      assert.ok(await inView(popup, '#export-all') && await inView(popup, '#open-settings'));
      await popup.close();
    });

    it('no server: says so, what to do, and disables "Sinkronkan sekarang" with the reason; the badge is grey', async () => {
      const popup = await openPopup(context, extId);
      await popup.waitForSelector('#sync-status[data-state="unconfigured"]');
      const text = await popup.textContent('#sync-status') ?? '';
      assert.match(text, /Server belum diatur/);
      assert.match(text, /Pengaturan/);
      assert.equal(await popup.isDisabled('#sync-now'), true, 'nothing to sync to');
      assert.equal(await popup.textContent('#sync-now-reason'), 'Belum ada server. Atur di Pengaturan.');
      assert.equal(await popup.getAttribute('#sync-now', 'aria-describedby'), 'sync-now-reason');
      const sw = await serviceWorker(context);
      await until(async () => (await badgeColor(sw)) === BADGE_COLORS.unconfigured, 'the "no server" badge colour');
      assert.equal(await sw.evaluate(() => chrome.action.getBadgeText({})), '15');
      assert.match(await sw.evaluate(() => chrome.action.getTitle({})), /Server belum diatur/);
      assert.deepEqual(await axeViolations(popup), [], 'axe on the popup');
      await popup.close();
    });

    it('the manager: NIP on one line, columns apart, platform in words; axe finds nothing on its three tabs', async () => {
      const manager = await context.newPage();
      await manager.goto(`chrome-extension://${extId}/manager.html`);
      await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 20);
      const nip = await manager.$eval('#evidence-list .nip', (el) => ({
        ws: getComputedStyle(el).whiteSpace, h: el.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(el).lineHeight) || 18, text: el.textContent,
      }));
      assert.equal(nip.text, NIP);
      assert.equal(nip.ws, 'nowrap');
      assert.ok(nip.h < nip.lh * 1.6, `the NIP takes one line (${nip.h} px)`);
      const gaps = await manager.$$eval('#evidence-list thead th', (ths) => ths.map((th) => parseFloat(getComputedStyle(th).paddingRight) + parseFloat(getComputedStyle(th).paddingLeft)));
      assert.ok(gaps.every((g) => g >= 8), `headers are kept apart: ${gaps}`);
      assert.match(await manager.textContent('#evidence-list tbody tr td.platform') ?? '', /^Facebook · /);
      assert.deepEqual(await axeViolations(manager), [], 'axe on the evidence list');
      await manager.click('#tab-cases');
      await manager.waitForSelector('#case-files article.case');
      const cases = await manager.textContent('#case-files') ?? '';
      assert.doesNotMatch(cases, /; *$|;\s*(Batas|Pertama)|:\s*;|\s,|,,|·\s*·|,\s*·|,\s*Jumlah/m, `no stray punctuation: ${cases.slice(0, 600)}`);
      assert.match(cases, /Pertama [^·,]*\d{4} · terakhir [^·,]*\d{4}Jumlah/, 'first and last capture as plain dates');
      assert.doesNotMatch(cases, /Belum diketahui/);
      assert.deepEqual(await axeViolations(manager), [], 'axe on the case files');
      await manager.click('#tab-deletions');
      await manager.waitForSelector('#deletions-check');
      assert.deepEqual(await axeViolations(manager), [], 'axe on the deletion log');
      await manager.close();
    });

    it('"Ekspor semua" says the file name and that it is in the Downloads folder', async () => {
      const popup = await openPopup(context, extId);
      const [manager] = await Promise.all([context.waitForEvent('page'), popup.click('#export-all')]);
      await manager.waitForSelector('#export-result', { timeout: 60_000 });
      assert.equal(await manager.getAttribute('#export-result', 'data-ok'), 'true', await manager.textContent('#export-result') ?? '');
      await manager.waitForSelector('#export-where', { timeout: 15_000 });
      const sw = await serviceWorker(context);
      const item = await until(async () => {
        const all = await sw.evaluate(() => chrome.downloads.search({})) as { state: string; filename: string }[];
        return all.find((d) => d.state === 'complete');
      }, 'the download');
      assert.ok(item.filename, 'the download has a file on disk');
      const requested = /bukti-asn-\d{8}-\d{6}\.zip/.exec(await manager.textContent('#export-result') ?? '')?.[0];
      assert.ok(requested, 'the result names the bundle file');
      await manager.waitForSelector('#export-where[data-state="complete"]', { timeout: 15_000 });
      const where = await manager.textContent('#export-where') ?? '';
      assert.match(where, /folder Unduhan \(Downloads\)/);
      assert.ok(where.includes(`"${requested}"`), `the Downloads line names the file: ${where}`);
      assert.ok(!where.includes('/') || where.split('"').length === 3, `no path shown: ${where}`);
      assert.ok(await manager.isVisible('#export-show'), 'a button shows the file in its folder');
      await popup.close();
      await manager.close();
    });

    it('the watchlist page leads back to the manager; axe finds nothing there', async () => {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extId}/watchlist.html`);
      await page.waitForSelector('#back-to-manager');
      assert.match(await page.textContent('#back-to-manager') ?? '', /Kembali ke Kelola bukti/);
      assert.deepEqual(await axeViolations(page), [], 'axe on the watchlist page');
      await page.click('#back-to-manager');
      await page.waitForURL(/\/manager\.html/);
      await page.waitForSelector('#evidence-list');
      await page.close();
    });
  });

  describe('server states', () => {
    const TOKEN = 'e2e-token-rahmat-0123456789';
    let fixtures: FixtureServer;
    let backend: RunningServer;
    let context: BrowserContext;
    let extId: string;
    let page: Page;

    before(async () => {
      ({ fixtures, backend, context, extId, page } = await startSyncRig('popup-ux-sync', TOKEN));
    });
    after(() => stopSyncRig({ fixtures, backend, context }));

    it('a refused token: the popup says sync is paused and what to do; the badge is not the normal queue colour', async () => {
      const sw = await serviceWorker(context);
      const first = await flagAndSave(context, page, '#comment-budi');
      await until(async () => (await readStore(await serviceWorker(context), { blobs: false })).records.find((r) => r.id === first && r.status === 'synced'), 'synced');
      await configureBackend(context, extId, backend.url, 'wrong-token');
      await sleep(700); // one capture per 550 ms
      const id = await flagAndSave(context, page, '#comment-sinta');
      const popup = await openPopup(context, extId);
      await popup.waitForSelector('#sync-status[data-state="paused"]', { timeout: 30_000 });
      const text = await popup.textContent('#sync-status') ?? '';
      assert.match(text, /Sinkronisasi dijeda/);
      assert.match(text, /token/i);
      assert.match(text, /tetap tersimpan/);
      assert.ok(!text.includes('wrong-token'), 'the token is never shown');
      assert.equal(await popup.isDisabled('#sync-now'), false, 'a manual try stays possible');
      assert.ok(await popup.isVisible('#sync-settings'), 'a way to the settings');
      assert.equal((await readStore(await serviceWorker(context), { blobs: false })).records.find((r) => r.id === id)!.status, 'queued');
      await until(async () => (await badgeColor(sw)) === BADGE_COLORS.paused, 'the paused badge colour');
      assert.notEqual(await badgeColor(sw), BADGE_COLORS.waiting, 'paused does not look like a normal queue');
      assert.equal(await sw.evaluate(() => chrome.action.getBadgeText({})), '1');
      assert.deepEqual(await axeViolations(popup), [], 'axe on the popup (paused)');
      await popup.close();
    });

    it('an unreachable server: the popup says so (offline), with its own badge colour', async () => {
      const sw = await serviceWorker(context);
      const port = await closedPort();
      await sw.evaluate(async ({ url, token }) => {
        await chrome.storage.local.set({ backend: { baseUrl: url, token, retentionDays: 0 } });
      }, { url: `http://127.0.0.1:${port}`, token: TOKEN });
      const popup = await openPopup(context, extId);
      await popup.waitForSelector('#sync-status[data-state="offline"]', { timeout: 30_000 });
      const text = await popup.textContent('#sync-status') ?? '';
      assert.match(text, /Tidak terhubung ke server/);
      assert.match(text, /dikirim otomatis/);
      await until(async () => (await badgeColor(sw)) === BADGE_COLORS.offline, 'the offline badge colour');
      assert.notEqual(BADGE_COLORS.offline, BADGE_COLORS.waiting);
      assert.notEqual(BADGE_COLORS.offline, BADGE_COLORS.paused);
      await popup.close();
    });
  });
});
