/**
 * A hostile page in a real Chromium with the e2e build: its own scripts (MAIN world, as any site's)
 * attack the content script the way the findings of the security review did, and learn nothing:
 *
 * (a) 2,000 hidden candidate links, the watched accounts among them, then every attribute, class,
 *     computed style (with ::before/::after) and size of each read back: watched and unwatched
 *     links are indistinguishable, and so are the overlay's host and the page's style sheets
 *     (also on a page that is not one of the three platforms, after the script was injected);
 * (b) untrusted mouseover/mousemove/keydown/contextmenu events dispatched on another comment: the
 *     keyboard/popup flag, the context-menu flag and the in-page button still flag the comment the
 *     real mouse pointed at;
 * (c) after a flag, the overlay cannot be read: its shadow root is closed (also through
 *     ElementInternals), and no record id or SHA-256 is anywhere the page can read;
 * (d) the host restyled into a full-screen invisible click target (inline, by a style sheet, as a
 *     popover, under an invisible element): a real click elsewhere reaches the page, flags nothing,
 *     and the ⚑ button still works afterwards.
 *
 * The in-page button is in a closed shadow root: it is clicked by coordinates (support.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import {
  clickInPageFlag, E2E_POST_URL, inPageFlagPoint, inPageState, launchChromium, newReview, readStore,
  serviceWorker, shimNames, sleep, startFixtureServer, tempProfile, until, type FixtureServer,
} from './support';

/** The team's watchlist: what the page must not learn. Budi comments on the fixture post. */
const WATCHED_KEYS = [
  'facebook.com/profile.php?id=100012345678901',
  'facebook.com/ahmad.rahasia',
  'facebook.com/profile.php?id=100099999999999',
];
const WATCHED_HREFS = [
  'https://www.facebook.com/profile.php?id=100012345678901',
  'https://www.facebook.com/ahmad.rahasia?comment_id=1',
  'https://www.facebook.com/profile.php?id=100099999999999&__tn__=R',
];
/** Where the watched accounts sit among the candidates: on screen, half-way, far below. */
const WATCHED_AT = [5, 400, 1999];
const CANDIDATES = 2000;

function candidates(): string[] {
  const hrefs = Array.from({ length: CANDIDATES }, (_, i) => `https://www.facebook.com/kandidat.${i}`);
  WATCHED_AT.forEach((at, i) => { hrefs[at] = WATCHED_HREFS[i]!; });
  return hrefs;
}

/**
 * The page's script: insert the candidate links in a box laid out over the viewport but invisible
 * (so the extension measures and marks the watched ones on screen), and remember what the page
 * could read of the overlay's host and its style sheets before.
 */
async function insertCandidates(page: Page, hrefs: string[]): Promise<void> {
  await shimNames(page);
  await page.evaluate((list) => {
    const w = window as unknown as Record<string, unknown>;
    const hostSig = () => {
      const h = Array.from(document.querySelectorAll('*')).find((e) => e.localName.startsWith('asn-evidence-overlay'));
      if (!h) return 'no host';
      const r = h.getBoundingClientRect();
      const cs = getComputedStyle(h);
      return JSON.stringify([
        h.getAttributeNames().map((n) => [n, h.getAttribute(n)]), h.innerHTML, h.shadowRoot?.innerHTML ?? null,
        [r.x, r.y, r.width, r.height], [h.scrollWidth, h.scrollHeight, h.clientWidth, h.clientHeight],
        [(h as HTMLElement).offsetWidth, (h as HTMLElement).offsetHeight], h.getClientRects().length,
        Array.from(cs).map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'),
      ]);
    };
    const globalSig = () => JSON.stringify([
      Array.from(document.styleSheets).map((s) => {
        try {
          return Array.from(s.cssRules).map((r) => r.cssText).join('\n');
        } catch {
          return 'cross-origin';
        }
      }),
      document.adoptedStyleSheets.length,
      (CSS as unknown as { highlights?: { size: number } }).highlights?.size ?? 0,
      document.documentElement.getAttributeNames(), document.body.getAttributeNames(),
      document.head.innerHTML, document.documentElement.children.length,
      [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
    ]);
    w.__probe = { hostSig, globalSig, before: { host: hostSig(), global: globalSig() } };
    const box = document.createElement('div');
    box.id = 'kandidat';
    box.style.cssText = 'position:fixed;left:0;top:0;width:100vw;height:100vh;overflow:hidden;opacity:0;pointer-events:none';
    for (const href of list) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'Profil';
      a.style.cssText = 'display:inline-block;margin:2px;font:14px/18px sans-serif';
      box.append(a, ' ');
    }
    document.body.append(box);
  }, hrefs);
}

/**
 * The page's script, after waiting: everything it can read of each candidate link, grouped. One
 * group means no difference at all between watched and unwatched links.
 */
async function readCandidates(page: Page): Promise<{
  groups: Array<{ size: number; watched: number[] }>; diff: string[]; host: [string, string]; global: [string, string];
}> {
  return page.evaluate((watchedAt) => {
    const w = window as unknown as { __probe: { hostSig(): string; globalSig(): string; before: { host: string; global: string } } };
    const links = Array.from(document.querySelectorAll('#kandidat a'));
    const style = (el: Element, pseudo?: string) => {
      const cs = getComputedStyle(el, pseudo);
      return Array.from(cs).map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    };
    const parts = (a: Element): string[] => {
      const r = a.getBoundingClientRect();
      const el = a as HTMLElement;
      const inHost = document.elementsFromPoint(r.x + r.width / 2, r.y + r.height / 2)
        .some((e) => e.localName.startsWith('asn-evidence-overlay'));
      return [
        `attributes ${JSON.stringify(a.getAttributeNames().map((n) => [n, n === 'href' ? '' : a.getAttribute(n)]))}`,
        `class ${a.className}`, `dataset ${JSON.stringify({ ...el.dataset })}`, `text ${a.textContent}`,
        `html ${a.innerHTML}`, `children ${a.childNodes.length}`,
        `style ${style(a)}`, `::before ${style(a, '::before')}`, `::after ${style(a, '::after')}`,
        `size ${r.width}x${r.height}`, `offset ${el.offsetWidth}x${el.offsetHeight}`,
        `client ${el.clientWidth}x${el.clientHeight}`, `scroll ${el.scrollWidth}x${el.scrollHeight}`,
        `rects ${a.getClientRects().length}`, `hover ${a.matches(':hover')}`, `overlay at centre ${inHost}`,
        `shadow ${a.shadowRoot !== null}`, `animations ${a.getAnimations().length}`,
      ];
    };
    const groups = new Map<string, number[]>();
    const rep = new Map<string, string[]>();
    links.forEach((a, i) => {
      const p = parts(a);
      const key = p.join('\n');
      if (!groups.has(key)) {
        groups.set(key, []);
        rep.set(key, p);
      }
      groups.get(key)!.push(i);
    });
    const reps = [...rep.values()];
    const diff = reps.length > 1 ? reps[0]!.filter((x, i) => x !== reps[1]![i]).map((x, i) => `${x.slice(0, 160)} | ${reps[1]!.filter((y, j) => y !== reps[0]![j])[i]?.slice(0, 160)}`) : [];
    return {
      groups: [...groups.values()].map((idx) => ({ size: idx.length, watched: idx.filter((i) => watchedAt.includes(i)) })),
      diff,
      host: [w.__probe.before.host, w.__probe.hostSig()],
      global: [w.__probe.before.global, w.__probe.globalSig()],
    };
  }, WATCHED_AT);
}

describe('a hostile page (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let sw: Worker;

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    server.route('localhost', '/forum', 'facebook-permalink.html');
    context = await launchChromium(tempProfile('hostile'), server.port);
    sw = await serviceWorker(context);
    await sw.evaluate(async (keys) => { await chrome.storage.local.set({ watchlistKeys: { enabled: true, keys } }); }, WATCHED_KEYS);
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  /** Flag the tab at `url` the way the keyboard shortcut / popup (mode "hovered") or the context menu does. */
  async function flagTab(url: string, mode: 'hovered' | 'contextmenu'): Promise<{ ok: boolean; id?: string; message?: string }> {
    const worker = await serviceWorker(context);
    await shimNames(worker);
    return worker.evaluate(async ([u, m]) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url === u);
      return (globalThis as unknown as { __asnFlagTab(tab: unknown, o: unknown): Promise<{ ok: boolean; id?: string }> })
        .__asnFlagTab(tab, { mode: m, openForm: false });
    }, [url, mode] as const);
  }
  async function authorOf(id: string): Promise<string> {
    const { records } = await readStore(await serviceWorker(context), { blobs: false });
    const rec = records.find((r) => r.id === id)!.record;
    return rec.comment?.authorName ?? `(not a comment: ${rec.kind} ${rec.post?.authorName ?? ''})`;
  }
  /** The page's script dispatches what a pointer and a keyboard would, on `selector`. */
  async function forge(page: Page, selector: string): Promise<void> {
    await page.evaluate((sel) => {
      const el = document.querySelector(`${sel} span[lang]`) ?? document.querySelector(sel)!;
      const r = el.getBoundingClientRect();
      const at = { bubbles: true, composed: true, cancelable: true, clientX: r.x + 5, clientY: r.y + 5, view: window };
      for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'pointermove', 'mousemove']) {
        el.dispatchEvent(type.startsWith('pointer') ? new PointerEvent(type, at) : new MouseEvent(type, at));
      }
      el.dispatchEvent(new MouseEvent('contextmenu', at));
      for (const key of ['T', 'Enter']) {
        document.dispatchEvent(new KeyboardEvent('keydown', { key, altKey: key === 'T', shiftKey: key === 'T', bubbles: true }));
      }
      el.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    }, selector);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await sleep(150);
  }

  for (const where of ['a Facebook page', 'another site, after the script was injected'] as const) {
    it(`(a) ${where}: 2,000 candidate links read back give no difference between watched and unwatched`, async () => {
      const page = await context.newPage();
      const url = where === 'a Facebook page' ? E2E_POST_URL : `https://localhost:${server.port}/forum`;
      await page.goto(url);
      await page.bringToFront();
      if (where !== 'a Facebook page') {
        // What the background does when the monitor flags on a site it has no content script on.
        const worker = await serviceWorker(context);
        await worker.evaluate(async (u) => {
          const tab = (await chrome.tabs.query({})).find((t) => t.url === u)!;
          await chrome.scripting.executeScript({ target: { tabId: tab.id! }, files: ['/content-scripts/content.js'] });
        }, url);
      }
      await sleep(1000); // the content script has started and marked the page's own names
      await insertCandidates(page, candidates());
      await sleep(2500); // idle scanning and drawing: the marks are on screen now
      const seen = await readCandidates(page);
      assert.equal(seen.groups.length, 1,
        `every candidate link reads the same; differences found:\n${seen.diff.join('\n')}\n` +
        `(groups: ${JSON.stringify(seen.groups.map((g) => ({ size: g.size, watched: g.watched })))})`);
      assert.equal(seen.groups[0]!.size, CANDIDATES);
      assert.equal(seen.host[1], seen.host[0], 'the overlay host reads the same with the marks drawn');
      assert.notEqual(seen.host[0], 'no host', 'the overlay host is there whether or not anything is marked');
      assert.equal(seen.global[1], seen.global[0], 'no style sheet, highlight or attribute was added');

      // ... and yet the watched candidates were found and the ones on screen are marked for the monitor.
      const state = await inPageState(context, page);
      assert.equal(state.watched, 1 + WATCHED_AT.length, 'Budi on the post and the three watched candidates');
      assert.ok(state.marks.length >= 3, `marks drawn (${state.marks.length}): Budi and the candidates on screen`);
      await page.close();
    });
  }

  describe('(b) forged pointer, key and context-menu events do not move a flag off what the real mouse pointed at', () => {
    let page: Page;
    before(async () => {
      page = await context.newPage();
      await page.goto(E2E_POST_URL);
      await page.bringToFront();
      await sleep(500);
    });
    after(() => page?.close());

    it('the keyboard shortcut / popup flag ("hovered")', async () => {
      // The real mouse is on Agus's comment; the page forges a pointer on Dewi's.
      await page.bringToFront();
      await page.mouse.move(0, 0);
      await page.hover('#comment-3', { position: { x: 40, y: 30 } });
      await forge(page, '#comment-4');
      const hovered = await flagTab(page.url(), 'hovered');
      assert.ok(hovered.ok, hovered.message);
      assert.equal(await authorOf(hovered.id!), 'Agus Salim', 'the shortcut flags the comment the monitor points at');
    });

    it('the context menu', async () => {
      // The monitor right-clicks Joko's comment; the page forges a right-click on Rina's.
      await page.bringToFront();
      await page.click('#comment-5', { button: 'right', position: { x: 40, y: 30 } });
      await forge(page, '#comment-6');
      const menu = await flagTab(page.url(), 'contextmenu');
      assert.ok(menu.ok, menu.message);
      assert.equal(await authorOf(menu.id!), 'Joko Susilo', 'the context menu flags what was right-clicked');
    });

    it('the in-page button', async () => {
      // It stays on Hendra's comment, the one the real mouse is over, and flags it.
      await page.bringToFront();
      await page.mouse.move(0, 0);
      await page.hover('#comment-7', { position: { x: 40, y: 30 } });
      await inPageFlagPoint(page, '#comment-7');
      await forge(page, '#comment-budi');
      const { x, y } = await inPageFlagPoint(page, '#comment-7', 1000);
      const seen = new Set(context.pages());
      await page.mouse.click(x, y);
      const review = await newReview(context, seen);
      const id = new URL(review.url()).searchParams.get('id')!;
      await review.close();
      assert.equal(await authorOf(id), 'Hendra Wijaya', 'the button flags the comment it was shown for');
    });
  });

  it('(c) after a flag, the page cannot read the overlay, nor find the record id or its hash anywhere', async () => {
    const page = await context.newPage();
    await page.goto(E2E_POST_URL);
    const seen = new Set(context.pages());
    await clickInPageFlag(page, '#comment-9');
    const review = await newReview(context, seen);
    const id = new URL(review.url()).searchParams.get('id')!;
    await review.close();
    assert.equal(await authorOf(id), 'Bayu Pratama');
    // The page reads while the toast says the evidence is stored.
    await page.bringToFront();
    const { records } = await readStore(await serviceWorker(context), { blobs: false });
    const rec = records.find((r) => r.id === id)!.record;
    await shimNames(page);
    const read = await page.evaluate(() => {
      const host = Array.from(document.querySelectorAll('*')).find((e) => e.localName.startsWith('asn-evidence-overlay'))!;
      const texts: string[] = [document.documentElement.outerHTML, document.title, window.name, document.cookie,
        JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of Array.from(root.querySelectorAll('*'))) {
          for (const n of el.getAttributeNames()) texts.push(el.getAttribute(n) ?? '');
          if (el.shadowRoot) {
            texts.push(el.shadowRoot.innerHTML);
            walk(el.shadowRoot);
          }
        }
      };
      walk(document);
      try {
        texts.push(document.documentElement.getHTML({ serializableShadowRoots: true }));
      } catch { /* older engines */ }
      let reopened = 'threw';
      try {
        host.attachShadow({ mode: 'open' });
        reopened = 'attached';
      } catch { /* already a shadow host */ }
      // Define the host's tag as a custom element: its upgrade may take ElementInternals, whose
      // shadowRoot gives a closed root away when the root was made for a custom element.
      let internals = 'not upgraded';
      try {
        customElements.define(host.localName, class extends HTMLElement {
          constructor() {
            super();
            try {
              internals = this.attachInternals().shadowRoot === null ? 'null' : 'GOT THE ROOT';
            } catch {
              internals = 'refused';
            }
          }
        });
      } catch { /* not a valid name */ }
      return { shadowRoot: host.shadowRoot === null ? 'closed' : 'open', reopened, internals, text: texts.join('\n') };
    });
    for (const secret of [id, rec.screenshot.sha256, rec.screenshot.full?.sha256].filter(Boolean)) {
      assert.ok(!read.text.includes(secret), `the page can read ${secret}`);
    }
    assert.equal(read.shadowRoot, 'closed', 'host.shadowRoot is null');
    assert.equal(read.reopened, 'threw');
    assert.notEqual(read.internals, 'GOT THE ROOT');
    const toast = (await inPageState(context, page)).toast;
    assert.equal(toast?.kind, 'ok', 'the toast was showing the stored flag while the page read');
    await page.close();
  });

  it('(c) a page that defines the overlay\'s tag before the content script runs gets no way into it', async () => {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __leak: string[] };
      w.__leak = [];
      customElements.define('asn-evidence-overlay', class extends HTMLElement {
        constructor() {
          super();
          const internals = this.attachInternals();
          setTimeout(() => w.__leak.push(internals.shadowRoot === null ? 'null' : 'GOT THE ROOT'), 1000);
        }
      });
    });
    await page.goto(E2E_POST_URL);
    await page.bringToFront();
    await page.hover('#comment-sinta', { position: { x: 40, y: 30 } });
    await inPageFlagPoint(page, '#comment-sinta'); // the content script runs and shows its button
    await sleep(1200);
    const leak = await page.evaluate(() => (window as unknown as { __leak: string[] }).__leak);
    assert.ok(!leak.includes('GOT THE ROOT'), `the page got the overlay's root: ${leak}`);
    await page.close();
  });

  it('(d) the host restyled into an invisible full-screen click target: a real click elsewhere flags nothing', async () => {
    const page = await context.newPage();
    await page.goto(E2E_POST_URL);
    await page.bringToFront();
    await page.mouse.move(0, 0);
    await page.hover('#comment-sinta', { position: { x: 40, y: 30 } });
    await inPageFlagPoint(page, '#comment-sinta');
    const storedBefore = (await readStore(await serviceWorker(context), { blobs: false })).records.length;
    const pagesBefore = new Set(context.pages());

    await shimNames(page);
    const hostStyle = await page.evaluate(() => {
      const host = Array.from(document.querySelectorAll('*')).find((e) => e.localName.startsWith('asn-evidence-overlay')) as HTMLElement;
      const style = host.getAttribute('style');
      const big = 'position:fixed!important;inset:0!important;width:100vw!important;height:100vh!important;opacity:0!important;' +
        'pointer-events:auto!important;display:block!important;z-index:2147483647!important;visibility:visible!important';
      host.style.cssText = big;
      const sheet = document.createElement('style');
      sheet.textContent = `${host.localName}, ${host.localName} * { ${big} }`;
      document.head.append(sheet);
      host.setAttribute('popover', 'manual');
      try {
        host.showPopover();
      } catch { /* the attribute was taken away */ }
      // Through an open shadow root, the button itself would be made the full-screen target.
      const button = host.shadowRoot?.querySelector('button');
      if (button) button.style.cssText = big;
      const w = window as unknown as { __clicks: string[] };
      w.__clicks = [];
      document.addEventListener('click', (e) => w.__clicks.push((e.target as Element).className || (e.target as Element).localName), true);
      return style;
    });
    await sleep(100);
    const box = await page.$eval('.post-body', (el) => el.getBoundingClientRect().toJSON());
    assert.ok(box.y >= 0 && box.y + box.height <= 800, 'the spot clicked is on screen');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await sleep(2000);
    const clicks = await page.evaluate(() => (window as unknown as { __clicks: string[] }).__clicks);
    assert.deepEqual(clicks, ['post-body'], 'the page got its click');
    assert.ok(!context.pages().some((p) => !pagesBefore.has(p) && /review\.html/.test(p.url())), 'no review form opened');
    assert.equal((await readStore(await serviceWorker(context), { blobs: false })).records.length, storedBefore, 'nothing was flagged');
    const host = await page.evaluate(() => {
      const h = Array.from(document.querySelectorAll('*')).find((e) => e.localName.startsWith('asn-evidence-overlay')) as HTMLElement;
      const cs = getComputedStyle(h);
      const r = h.getBoundingClientRect();
      return { style: h.getAttribute('style'), attrs: h.getAttributeNames(), pe: cs.pointerEvents, opacity: cs.opacity, size: [r.width, r.height] };
    });
    assert.equal(host.style, hostStyle, 'the host\'s own style is put back');
    assert.deepEqual(host.attrs, ['style']);
    assert.deepEqual([host.pe, host.opacity, host.size], ['none', '1', [0, 0]]);

    // Moved under an invisible element, it is put back at the top of the document.
    const parent = await page.evaluate(async () => {
      const h = Array.from(document.querySelectorAll('*')).find((e) => e.localName.startsWith('asn-evidence-overlay'))!;
      const veil = document.createElement('div');
      veil.style.cssText = 'opacity:0;position:fixed;inset:0;pointer-events:none';
      document.body.append(veil);
      veil.append(h);
      await new Promise((r) => setTimeout(r, 50));
      return h.parentElement === document.documentElement;
    });
    assert.equal(parent, true);

    // The monitor's own click on the button still flags the comment.
    const seen = new Set(context.pages());
    await clickInPageFlag(page, '#comment-sinta');
    const review = await newReview(context, seen);
    const id = new URL(review.url()).searchParams.get('id')!;
    await review.close();
    assert.equal(await authorOf(id), 'Sinta Dewi');
    await page.close();
  });
});
