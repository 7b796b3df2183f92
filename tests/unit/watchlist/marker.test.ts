// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startWatchMarker, WATCH_ATTR, type WatchMarker } from '../../../lib/content/watch-marker';
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
const entry = (id: string, accounts: string[]): WatchEntry => ({
  id, name: id, nip: null, agency: null, position: null, rank: null, employmentType: 'PNS', accounts,
  addedAt: '', updatedAt: '',
});
const idle = () => new Promise((r) => setTimeout(r, 60));
const marked = () => Array.from(document.querySelectorAll(`[${WATCH_ATTR}]`)).map((a) => a.closest('[id]')!.id);

describe('watch marker', () => {
  let ctrl: AbortController;
  let invalidate: () => void;
  let marker: WatchMarker;
  const start = () => {
    ctrl = new AbortController();
    const cbs: Array<() => void> = [];
    invalidate = () => { ctrl.abort(); cbs.forEach((c) => c()); };
    marker = startWatchMarker({ doc: document, win: window, url: 'https://www.facebook.com/permalink.php?story_fbid=1&id=2', signal: ctrl.signal, onInvalidated: (cb) => cbs.push(cb) });
  };
  beforeEach(async () => {
    fakeBrowser.reset();
    document.head.innerHTML = '';
    document.body.innerHTML = PAGE;
    await saveWatchlist([entry('budi', ['https://www.facebook.com/profile.php?id=100012345678901'])]);
  });
  afterEach(() => invalidate?.());

  it('marks the name link of a watched commenter only, with one style and no text change', async () => {
    const before = document.body.textContent;
    start();
    await idle();
    expect(marked()).toEqual(['c-budi']);
    const a = document.querySelector(`#c-budi [${WATCH_ATTR}]`)!;
    expect(a.textContent).toBe('Budi Santoso'); // the name link, not the avatar
    expect(document.querySelectorAll('style[data-asn-watch-style]')).toHaveLength(1);
    expect(document.body.textContent).toBe(before);
  });

  it('marks comments added later in batches, not per mutation', async () => {
    start();
    await idle();
    const more = document.getElementById('more')!;
    for (let i = 0; i < 40; i++) {
      const div = document.createElement('div');
      div.innerHTML = comment(`n${i}`, i % 10 === 0 ? 'https://www.facebook.com/profile.php?id=100012345678901' : `https://www.facebook.com/someone.${i}`, `P ${i}`);
      more.append(div.firstElementChild!);
    }
    await Promise.resolve();
    expect(marked()).toEqual(['c-budi']); // nothing done synchronously with the mutations
    await idle();
    expect(marked()).toEqual(['c-budi', 'n0', 'n10', 'n20', 'n30']);
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
    expect(document.querySelector('style[data-asn-watch-style]')).toBeNull();
    await setMarking(true);
    await idle();
    expect(marked()).toEqual(['c-sinta']);
  });

  it('hides the marks while a capture is prepared', async () => {
    start();
    await idle();
    const style = document.querySelector('style[data-asn-watch-style]')!;
    await fakeBrowser.runtime.onMessage.trigger({ type: 'prepare-capture', targetId: null, mode: 'hovered' }, {}, () => undefined);
    expect(style.getAttribute('media')).toBe('not all');
    await fakeBrowser.runtime.onMessage.trigger({ type: 'capture-finished', result: { ok: true } }, {}, () => undefined);
    expect(style.hasAttribute('media')).toBe(false);
  });

  it('removes every mark and its style on invalidation, and stops watching', async () => {
    start();
    await idle();
    expect(marked()).toEqual(['c-budi']);
    invalidate();
    expect(marked()).toEqual([]);
    expect(document.querySelector('style[data-asn-watch-style]')).toBeNull();
    document.getElementById('more')!.innerHTML = comment('late', 'https://www.facebook.com/profile.php?id=100012345678901', 'Budi');
    await saveWatchlist([entry('budi', ['https://www.facebook.com/profile.php?id=100012345678901'])]);
    await idle();
    marker.flush();
    expect(marked()).toEqual([]);
  });
});
