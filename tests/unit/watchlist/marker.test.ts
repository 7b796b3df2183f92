// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startWatchMarker, type WatchMarker } from '../../../lib/content/watch-marker';
import type { Box } from '../../../lib/content/overlay';
import { saveWatchlist, setMarking } from '../../../lib/watchlist/store';
import type { WatchEntry } from '../../../lib/watchlist/model';

const comment = (id: string, href: string, name: string) => `
  <div role="article" aria-label="Komentar oleh ${name}" id="${id}">
    <a role="link" href="${href}"><svg></svg></a>
    <a role="link" href="${href}"><span dir="auto">${name}</span></a>
    <div><span dir="auto">Dukung paslon 2</span></div>
    <ul><li><a href="https://www.facebook.com/permalink.php?story_fbid=1&amp;id=2&amp;comment_id=7">2 j</a></li></ul>
  </div>`;
const PAGE = `<div role="main"><div role="article" id="post">
  <h2><a href="https://www.facebook.com/dinascontoh?__cft__[0]=x">Dinas Contoh</a></h2>
  ${comment('c-budi', 'https://www.facebook.com/profile.php?id=100012345678901&amp;comment_id=Y29t', 'Budi Santoso')}
  ${comment('c-sinta', 'https://www.facebook.com/sinta.dewi.77?comment_id=Y29u', 'Sinta Dewi')}
  <div id="more"></div>
</div></div>`;
const BUDI = 'https://www.facebook.com/profile.php?id=100012345678901';
const entry = (id: string, accounts: string[]): WatchEntry => ({
  id, name: id, nip: null, agency: null, position: null, rank: null, employmentType: 'PNS', accounts,
  addedAt: '', updatedAt: '',
});
const idle = () => new Promise((r) => setTimeout(r, 80));

/**
 * happy-dom lays nothing out: every link gets a box in document order, 20 px apart (minus the
 * page's scroll offset), so what the marker draws can be traced back to the link it marks.
 */
let scrollOffset = 0;
const LINK_H = 20;
const boxOf = (a: Element) => {
  const i = Array.from(document.querySelectorAll('a')).indexOf(a as HTMLAnchorElement);
  return { left: 10, top: i * LINK_H - scrollOffset, width: 120, height: 16 };
};

describe('watch marker', () => {
  let ctrl: AbortController;
  let invalidate: () => void;
  let marker: WatchMarker;
  /** What the layer was given to draw: per call, the comment of the link under each box. */
  let drawn: string[][];
  const trace = (boxes: Box[]) => boxes.map((b) => {
    const a = Array.from(document.querySelectorAll('a')).find((l) => boxOf(l).top === b.top)!;
    expect(b).toEqual(boxOf(a)); // the mark sits exactly on the link
    return a.closest('[id]')!.id;
  });
  /** The comments whose links have a mark on screen now. */
  const marked = () => drawn.at(-1) ?? [];
  let lastBoxes: Box[] = [];
  const start = () => {
    ctrl = new AbortController();
    const cbs: Array<() => void> = [];
    invalidate = () => { ctrl.abort(); cbs.forEach((c) => c()); };
    marker = startWatchMarker({
      doc: document, win: window, url: 'https://www.facebook.com/permalink.php?story_fbid=1&id=2',
      layer: { draw: (boxes) => { lastBoxes = boxes; drawn.push(trace(boxes)); } }, signal: ctrl.signal, onInvalidated: (cb) => cbs.push(cb),
    });
  };
  beforeEach(async () => {
    fakeBrowser.reset();
    drawn = [];
    scrollOffset = 0;
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
      if (this.tagName !== 'A') return { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0, x: 0, y: 0 } as DOMRect;
      const b = boxOf(this);
      return { ...b, right: b.left + b.width, bottom: b.top + b.height, x: b.left, y: b.top } as DOMRect;
    });
    document.head.innerHTML = '';
    document.body.innerHTML = PAGE;
    await saveWatchlist([entry('budi', [BUDI])]);
  });
  afterEach(() => {
    invalidate?.();
    vi.restoreAllMocks();
  });

  it('draws a mark over the name link of a watched commenter only, and leaves the page DOM as it was', async () => {
    const before = document.documentElement.outerHTML;
    start();
    await idle();
    expect(marked()).toEqual(['c-budi']);
    // the name link, not the avatar link to the same profile
    const [box] = lastBoxes;
    const names = document.querySelectorAll('#c-budi a');
    expect(box).toEqual(boxOf(names[1]!));
    // no attribute, class, style or node added to the page: it cannot tell who is watched
    expect(document.documentElement.outerHTML).toBe(before);
    expect(marker.watched()).toEqual([names[1]]);
  });

  it('marks comments added later in batches, not per mutation', async () => {
    start();
    await idle();
    const more = document.getElementById('more')!;
    for (let i = 0; i < 40; i++) {
      const div = document.createElement('div');
      div.innerHTML = comment(`n${i}`, i % 10 === 0 ? `${BUDI}&comment_id=x${i}` : `https://www.facebook.com/someone.${i}`, `P ${i}`);
      more.append(div.firstElementChild!);
    }
    const draws = drawn.length;
    await Promise.resolve();
    expect(drawn.length).toBe(draws); // nothing done synchronously with the mutations
    expect(marker.watched()).toHaveLength(1);
    await idle();
    const ids = (els: Element[]) => els.map((a) => a.closest('[id]')!.id).sort();
    expect(ids(marker.watched())).toEqual(['c-budi', 'n0', 'n10', 'n20', 'n30']);
    // boxes for those on the first screen or within 200 px of it (768 px high in happy-dom)
    expect([...marked()].sort()).toEqual(ids(marker.watched().filter((a) => boxOf(a).top < 968)));
    expect(marked()).toEqual(expect.arrayContaining(['c-budi', 'n0', 'n10']));
    expect(marked()).not.toContain('n30');
  });

  it('draws only the links on or near the screen, and follows a real scroll', async () => {
    const more = document.getElementById('more')!;
    // far below the first screen (happy-dom's viewport is 768 px high)
    for (let i = 0; i < 100; i++) {
      const div = document.createElement('div');
      div.innerHTML = comment(`f${i}`, i === 99 ? BUDI : `https://www.facebook.com/far.${i}`, `F ${i}`);
      more.append(div.firstElementChild!);
    }
    start();
    await idle();
    expect(marker.watched()).toHaveLength(2);
    expect(marked()).toEqual(['c-budi']);
    const far = boxOf(document.querySelectorAll('#f99 a')[1]!).top;
    scrollOffset = far - 300;
    // a scroll a page script dispatches moves nothing
    document.dispatchEvent(new Event('scroll'));
    await idle();
    expect(marked()).toEqual(['c-budi']);
    const real = new Event('scroll');
    Object.defineProperty(real, 'isTrusted', { value: true });
    document.dispatchEvent(real);
    await idle();
    expect(marked()).toEqual(['f99']);
    expect(lastBoxes[0]!.top).toBe(300);
  });

  it('drops the mark of a link the page removes', async () => {
    start();
    await idle();
    expect(marked()).toEqual(['c-budi']);
    document.getElementById('c-budi')!.remove();
    await idle();
    expect(marked()).toEqual([]);
    expect(marker.watched()).toEqual([]);
  });

  it('re-marks when the watchlist or the switch changes in storage', async () => {
    start();
    await idle();
    await saveWatchlist([entry('sinta', ['https://www.facebook.com/sinta.dewi.77'])]);
    await idle();
    expect(marked()).toEqual(['c-sinta']);
    await setMarking(false);
    await idle();
    expect(marked()).toEqual([]);
    expect(marker.watched()).toEqual([]);
    await setMarking(true);
    await idle();
    expect(marked()).toEqual(['c-sinta']);
  });

  it('removes every mark on invalidation, and stops watching', async () => {
    start();
    await idle();
    expect(marked()).toEqual(['c-budi']);
    invalidate();
    expect(marked()).toEqual([]);
    document.getElementById('more')!.innerHTML = comment('late', BUDI, 'Budi');
    await saveWatchlist([entry('budi', [BUDI])]);
    await idle();
    marker.flush();
    await idle();
    expect(marked()).toEqual([]);
    expect(marker.watched()).toEqual([]);
  });
});
