/**
 * Shared plumbing for the real-browser suites: an HTTPS fixture server that answers as
 * www.facebook.com / www.instagram.com / www.tiktok.com, a Chromium with the built extension
 * loaded, and helpers that read the extension's IndexedDB from its service worker.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/app';
import type { TokenEntry } from '../../server/tokens';
import { flagButtonBox } from '../../lib/content/overlay';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROME_EXT = join(ROOT, '.output/e2e/chrome-mv3');
export const CHROME_PROD_EXT = join(ROOT, '.output/chrome-mv3');
export const FIREFOX_EXT = join(ROOT, '.output/e2e/firefox-mv2');
export const HOSTS = ['www.facebook.com', 'www.instagram.com', 'www.tiktok.com'];

export function which(...names: string[]): string {
  for (const n of names) {
    try {
      const p = execFileSync('which', [n], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      /* next */
    }
  }
  throw new Error(`none of ${names.join(', ')} is installed (apt-get install -y chromium firefox-esr)`);
}

/** A self-signed certificate for the spoofed hosts, made once per checkout. */
export function fixtureCert(): { key: Buffer; cert: Buffer } {
  const dir = join(ROOT, '.tmp/cert');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  if (!existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=fixture',
      '-addext', `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')},DNS:localhost,IP:127.0.0.1`,
      '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

export interface FixtureServer {
  port: number;
  /** Serve `file` (under tests/e2e/pages or tests/fixtures/platforms) for host + pathname. */
  route(host: string, pathname: string, file: string): void;
  close(): Promise<void>;
}

export async function startFixtureServer(port = 0): Promise<FixtureServer> {
  const routes = new Map<string, string>();
  const server: Server = createServer(fixtureCert(), (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const file = routes.get(`${host}${path}`) ?? routes.get(`*${path}`);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const candidates = [join(ROOT, 'tests/e2e/pages', file), join(ROOT, 'tests/fixtures/platforms', file), join(ROOT, 'tests/fixtures/real', file)];
    const found = candidates.find((c) => existsSync(c));
    if (!found) {
      res.writeHead(404).end(`missing fixture ${file}`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(readFileSync(found));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    route: (host, pathname, file) => routes.set(`${host}${pathname}`, file),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export function tempProfile(name: string): string {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  return mkdtempSync(join(tmpdir(), `asn-e2e-${name}-`));
}

export async function launchChromium(
  profile: string,
  fixturePort: number,
  extra: string[] = [],
  ext: string | null = CHROME_EXT,
): Promise<BrowserContext> {
  if (ext && !existsSync(join(ext, 'manifest.json'))) throw new Error(`build the extension first (${ext})`);
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? which('chromium', 'chromium-browser', 'google-chrome'),
    headless: true,
    viewport: { width: 1280, height: 800 },
    ignoreHTTPSErrors: true,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...(ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`] : ['--disable-extensions']),
      // The spoofed sites go to the fixture server; every other name fails to resolve, so the real
      // saved pages' images and CDN links never leave this machine.
      `--host-resolver-rules=${[...HOSTS.map((h) => `MAP ${h} 127.0.0.1:${fixturePort}`), 'MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1'].join(', ')}`,
      '--ignore-certificate-errors',
      ...extra,
    ],
  });
}

/**
 * The extension's running service worker. Playwright may still list a worker that was stopped
 * (its evaluate() would never return): each candidate must answer within 2 s, and when none
 * does, opening one of the extension's pages wakes a new one.
 */
export async function serviceWorker(context: BrowserContext): Promise<Worker> {
  let extId: string | null = null;
  for (let round = 0; round < 15; round++) {
    const workers = context.serviceWorkers().filter((w) => w.url().startsWith('chrome-extension://')).reverse();
    if (workers.length === 0 && round === 0) {
      const w = await context.waitForEvent('serviceworker', { timeout: 15_000 }).catch(() => null);
      if (w) workers.push(w);
    }
    for (const w of workers) {
      extId ??= new URL(w.url()).host;
      const alive = await Promise.race([w.evaluate('1').then(() => true, () => false), sleep(2000).then(() => false)]);
      if (alive) return w;
    }
    if (extId) {
      const waker = await context.newPage();
      await waker.goto(`chrome-extension://${extId}/popup.html`).catch(() => undefined);
      await sleep(500);
      await waker.close();
    } else {
      await sleep(500);
    }
  }
  throw new Error('the extension service worker did not come back');
}

export function extensionId(sw: Worker): string {
  return new URL(sw.url()).host;
}

/** Read every stored evidence row (and blob sizes) straight from the extension's IndexedDB. */
export async function readStore(sw: Worker, opts: { blobs?: boolean } = {}): Promise<{
  records: any[];
  blobs: Record<string, { size: number; type: string; base64: string }>;
}> {
  await shimNames(sw);
  return sw.evaluate(async (withBlobs) => {
    const db: IDBDatabase = await new Promise((res, rej) => {
      const r = indexedDB.open('asn-evidence');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = <T,>(store: string): Promise<[IDBValidKey[], T[]]> =>
      new Promise((res, rej) => {
        const tx = db.transaction(store, 'readonly');
        const keys = tx.objectStore(store).getAllKeys();
        const vals = tx.objectStore(store).getAll();
        tx.oncomplete = () => res([keys.result, vals.result as T[]]);
        tx.onerror = () => rej(tx.error);
      });
    const [, records] = await all<unknown>('evidence');
    if (!withBlobs) {
      db.close();
      return { records, blobs: {} };
    }
    const [bkeys, bvals] = await all<Blob>('blobs');
    const blobs: Record<string, { size: number; type: string; base64: string }> = {};
    for (let i = 0; i < bkeys.length; i++) {
      const b = bvals[i]!;
      const bytes = new Uint8Array(await b.arrayBuffer());
      let bin = '';
      for (let j = 0; j < bytes.length; j += 0x8000) bin += String.fromCharCode(...bytes.subarray(j, j + 0x8000));
      blobs[String(bkeys[i])] = { size: b.size, type: b.type, base64: btoa(bin) };
    }
    db.close();
    return { records, blobs };
  }, opts.blobs !== false);
}

/** Stop the extension's service worker through CDP, as Chrome does when it idles. */
export async function stopServiceWorker(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  const versions: string[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: Array<{ versionId: string; scriptURL: string; runningStatus: string }> }) => {
    for (const v of e.versions) if (v.scriptURL.startsWith('chrome-extension://') && v.runningStatus === 'running') versions.push(v.versionId);
  });
  await cdp.send('ServiceWorker.enable');
  for (let i = 0; i < 50 && versions.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  if (versions.length === 0) throw new Error('no running extension service worker seen over CDP');
  for (const versionId of new Set(versions)) await cdp.send('ServiceWorker.stopWorker', { versionId });
  await cdp.detach();
}

/** Decode a PNG in the browser and report its size and how many distinct colours it has. */
export async function inspectPng(
  page: Page,
  base64: string,
  samples: Array<[number, number]> = [],
): Promise<{ width: number; height: number; colours: number; pixels: Array<[number, number, number]> }> {
  await shimNames(page);
  return page.evaluate(async ([b64, points]) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length && seen.size < 1000; i += 16) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    const pixels = points.map(([x, y]) => {
      const i = (Math.floor(y) * bmp.width + Math.floor(x)) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!] as [number, number, number];
    });
    return { width: bmp.width, height: bmp.height, colours: seen.size, pixels };
  }, [base64, samples] as const);
}

/** Wait until a page whose URL matches appears (new windows start as about:blank). */
export async function waitForPage(context: BrowserContext, re: RegExp, timeout = 15_000): Promise<Page> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const found = context.pages().find((p) => re.test(p.url()));
    if (found) {
      await found.waitForLoadState('domcontentloaded');
      return found;
    }
    await sleep(100);
  }
  throw new Error(`no page matching ${re} opened`);
}

/** tsx (esbuild keepNames) wraps functions in __name(); define it where evaluated code runs. */
export async function shimNames(target: Page | Worker): Promise<void> {
  await target.evaluate('globalThis.__name ??= (f) => f');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The in-page overlay's host, as a page sees it: its tag name is random per page load (so a page
 * cannot define it as a custom element beforehand) and starts with this.
 */
export const OVERLAY_PREFIX = 'asn-evidence-overlay';

/**
 * Where the in-page ⚑ button is for the element `selector` points into, once it shows. The overlay
 * is a CLOSED shadow root, out of reach of locators and page scripts, so the button is found by
 * its documented place: flagButtonBox() of lib/content/overlay.ts applied to the bounding box of
 * the flaggable element the content script picked for the hover. That element is `selector`'s
 * element or one of its ancestors (the platform adapters decide): each is tried, innermost first,
 * and the first whose button centre hits the overlay's host is it (document.elementFromPoint gives
 * the host only where the button is: nothing else of the overlay takes pointer events).
 */
export async function inPageFlagPoint(page: Page, selector: string, timeout = 5000): Promise<{ x: number; y: number }> {
  const end = Date.now() + timeout;
  for (;;) {
    // Let the content script's hover frame run first.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { rects, viewport } = await page.$eval(selector, (el) => {
      const out: Array<{ top: number; right: number }> = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const r = e.getBoundingClientRect();
        out.push({ top: r.top, right: r.right });
      }
      return { rects: out, viewport: { width: document.documentElement.clientWidth, height: innerHeight } };
    });
    const points = rects.map((r) => {
      const b = flagButtonBox(r, viewport);
      return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
    });
    const hit = await page.evaluate(([pts, prefix]) =>
      pts.findIndex((p) => document.elementFromPoint(p.x, p.y)?.localName.startsWith(prefix) === true), [points, OVERLAY_PREFIX] as const);
    if (hit >= 0) return points[hit]!;
    if (Date.now() > end) throw new Error(`the in-page flag button did not show for ${selector}`);
    await sleep(50);
  }
}

/**
 * Hover `selector` as a person would (at `position` inside it; its centre when omitted) and click
 * the extension's in-page ⚑ button with the real mouse, at the place computed by inPageFlagPoint
 * (no waiting for the result).
 */
export async function clickInPageFlag(page: Page, selector: string, position: { x: number; y: number } | null = { x: 40, y: 30 }): Promise<void> {
  await page.bringToFront();
  await page.mouse.move(0, 0);
  await page.hover(selector, position ? { position } : {});
  const { x, y } = await inPageFlagPoint(page, selector);
  await page.mouse.click(x, y);
}

/** The review form that opened since `seen` was taken (the flag stored its record first). */
export async function newReview(context: BrowserContext, seen: Set<Page>, timeout = 20_000): Promise<Page> {
  const end = Date.now() + timeout;
  for (;;) {
    const review = context.pages().find((p) => !seen.has(p) && /\/review\.html\?id=/.test(p.url()));
    if (review) {
      await review.waitForLoadState('domcontentloaded');
      return review;
    }
    if (Date.now() > end) throw new Error('the review form did not open');
    await sleep(100);
  }
}

/**
 * Hover the element as a person would, click the in-page ⚑ button, and wait for the stored record:
 * its id (from the review form that opens for it, as the toast in the page names none) and that form.
 */
export async function flagInPage(context: BrowserContext, page: Page, selector: string): Promise<{ id: string; review: Page }> {
  const seen = new Set(context.pages());
  await clickInPageFlag(page, selector, null);
  const review = await newReview(context, seen);
  return { id: new URL(review.url()).searchParams.get('id')!, review };
}

/** What the in-page overlay shows (the e2e build's test hook; lib/content/agent.ts). */
export interface InPageState {
  button: { left: number; top: number; width: number; height: number } | null;
  toast: { kind: string; text: string; code: string | null } | null;
  marks: Array<{ left: number; top: number; width: number; height: number }>;
  capturing: boolean;
  /** Name links the content script found to be watched accounts. */
  watched: number;
  lastResult: { ok: boolean; id?: string; sha256?: string; code?: string; message?: string } | null;
}

/**
 * Read what the overlay in `page` shows, in the e2e build only: asked through the extension's
 * worker (tabs.sendMessage), never through the page, which cannot read the closed shadow root.
 * The page must be the only tab at its address.
 */
export async function inPageState(context: BrowserContext, page: Page): Promise<InPageState> {
  const sw = await serviceWorker(context);
  const states = await sw.evaluate(async (url) => {
    const tabs = (await chrome.tabs.query({})).filter((t) => t.url === url);
    return Promise.all(tabs.map((t) => chrome.tabs.sendMessage(t.id!, { type: 'e2e-inpage-state' }).catch(() => null)));
  }, page.url());
  const found = states.filter(Boolean);
  if (found.length !== 1) throw new Error(`expected one tab at ${page.url()} to answer, got ${found.length}`);
  return found[0] as InPageState;
}

/** The toast's final word on the last flag (ok or error), as the monitor sees it in the page. */
export async function flagToast(context: BrowserContext, page: Page, timeout = 20_000): Promise<{ kind: string; code: string | null; text: string }> {
  return until(async () => {
    const t = (await inPageState(context, page)).toast;
    return t && (t.kind === 'ok' || t.kind === 'error') ? t : null;
  }, 'the result of the flag in the page', timeout);
}

/** The monitor name every suite's monitor types when the form asks for it (no settings yet). */
export const E2E_MONITOR_NAME = 'Pengawas Uji';

/**
 * On a fresh profile the review form asks for the monitor identity before it saves (no record is
 * saved without its monitor): type a name there, as a monitor does once. No-op once it is set.
 */
export async function fillMonitorIfAsked(review: Page): Promise<void> {
  await review.waitForSelector('#record-fields');
  if (await review.locator('#f-monitor-name').count()) await review.fill('#f-monitor-name', E2E_MONITOR_NAME);
}

/**
 * Flag the element under `selector` with the in-page button, then save the form as it is
 * (record becomes "queued"). Returns the new record id.
 */
export async function flagAndSave(context: BrowserContext, page: Page, selector: string, fill?: (review: Page) => Promise<void>): Promise<string> {
  const seen = new Set(context.pages());
  await clickInPageFlag(page, selector);
  const review = await newReview(context, seen);
  await review.waitForSelector('#save');
  await fillMonitorIfAsked(review);
  if (fill) await fill(review);
  await review.click('#save');
  await review.waitForSelector('#save-ok', { timeout: 10_000 });
  const id = new URL(review.url()).searchParams.get('id')!;
  await review.close();
  return id;
}

/** Set the evidence server in the options page, as a monitor does, and check "test connection". */
/**
 * Set the server address and token in the options page (one "Simpan pengaturan" saves all), then run
 * "Tes koneksi". The address must reach our server (address, reach and protocol checks pass); the
 * token may be refused (the suites that test a refused token pass a wrong one). Returns the overall
 * result: 'connected', 'partial' or 'failed'.
 */
export async function configureBackend(context: BrowserContext, extId: string, url: string, token: string): Promise<string> {
  const opts = await context.newPage();
  await opts.goto(`chrome-extension://${extId}/options.html`);
  // the form loads the stored values asynchronously: let them land before typing over them
  await opts.waitForSelector('#options-form[data-ready]');
  await opts.fill('#b-url', url);
  await opts.fill('#b-token', token);
  await opts.click('#save');
  await opts.waitForSelector('#options-msg');
  if (!/tersimpan/i.test(await opts.textContent('#options-msg') ?? '')) throw new Error(`backend settings not saved: ${await opts.textContent('#options-msg')}`);
  await opts.click('#b-test');
  await opts.waitForSelector('#conn-result[data-overall]', { timeout: 20_000 });
  const states = await opts.$$eval('#conn-result li', (lis) => Object.fromEntries(lis.map((li) => [li.getAttribute('data-step'), li.getAttribute('data-state')])));
  if (states.address !== 'ok' || states.reach !== 'ok' || states.protocol !== 'ok') {
    throw new Error(`the connection test did not reach the server: ${JSON.stringify(states)} ${await opts.textContent('#conn-result')}`);
  }
  const overall = (await opts.getAttribute('#conn-result', 'data-overall')) ?? '';
  await opts.close();
  return overall;
}

export const E2E_POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';

/** The sync and fault suites' set-up: fixture site, reference backend (test hooks on), the extension configured for it, the post open. */
export interface SyncRig {
  fixtures: FixtureServer;
  backend: RunningServer;
  context: BrowserContext;
  extId: string;
  page: Page;
}
export async function startSyncRig(name: string, token: string, moreTokens: TokenEntry[] = []): Promise<SyncRig> {
  const fixtures = await startFixtureServer();
  fixtures.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
  const backend = await startServer({
    port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), `asn-e2e-${name}-server-`)),
    tokens: [{ monitor: 'rahmat', token }, ...moreTokens], testHooks: true, log: process.env.E2E_SERVER_LOG ? (l: string) => console.error(`[server] ${l}`) : false,
  });
  const context = await launchChromium(tempProfile(name), fixtures.port);
  const extId = extensionId(await serviceWorker(context));
  await configureBackend(context, extId, backend.url, token);
  const page = await context.newPage();
  await page.goto(E2E_POST_URL);
  return { fixtures, backend, context, extId, page };
}

export async function stopSyncRig(rig: Partial<SyncRig>): Promise<void> {
  await rig.context?.close();
  await rig.backend?.close();
  await rig.fixtures?.close();
}

/** Poll until `fn` returns a truthy value. */
export async function until<T>(fn: () => Promise<T>, what: string, timeout = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * axe-core (an independent accessibility engine) run inside a page, WCAG 2.x A/AA rules plus best
 * practices. Injected through page.evaluate, so the extension pages' CSP does not block it.
 * Returns the violations as "rule-id: target (summary)" lines: an empty array is the pass.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} [${v.impact}]: ${n.target.join(' ')} (${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)})`));
  });
  return violations;
}

/**
 * "Ekspor" of every record from the evidence manager, as a monitor does it; waits for the browser's
 * download and copies the bundle to `dest`. Returns the service worker (the callers read the store).
 */
export async function exportAllFromManager(context: BrowserContext, extId: string, dest: string): Promise<Worker> {
  const manager = await context.newPage();
  await manager.goto(`chrome-extension://${extId}/manager.html`);
  await manager.waitForSelector('#evidence-list tbody tr');
  await manager.check('#select-all');
  await manager.click('#export-selected');
  await manager.waitForSelector('#export-result', { timeout: 30_000 });
  if (await manager.getAttribute('#export-result', 'data-ok') !== 'true') throw new Error(`export failed: ${await manager.textContent('#export-result')}`);
  const sw = await serviceWorker(context);
  let item: { state: string; filename: string } | undefined;
  for (let i = 0; i < 100 && item?.state !== 'complete'; i++) {
    item = (await sw.evaluate('chrome.downloads.search({})') as (typeof item)[])[0];
    if (item?.state !== 'complete') await new Promise((r) => setTimeout(r, 100));
  }
  if (item?.state !== 'complete') throw new Error('the bundle download did not complete');
  copyFileSync(item.filename, dest);
  await manager.close();
  return sw;
}
