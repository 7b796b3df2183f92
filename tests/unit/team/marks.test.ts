// @vitest-environment happy-dom
/**
 * The team's words on the in-page marks: the watch marker gives the layer, per watched name link,
 * the words the background left for that account (lib/team/marks.ts), and follows changes; the
 * overlay keeps them in its closed shadow root, as an attribute of the mark drawn through CSS
 * generated content: nothing of them is in the page's DOM.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startWatchMarker } from '../../../lib/content/watch-marker';
import { createOverlay, type MarkBox } from '../../../lib/content/overlay';
import { teamMarksItem } from '../../../lib/team/store';
import { saveWatchlist } from '../../../lib/watchlist/store';

const BUDI = 'https://www.facebook.com/profile.php?id=100012345678901';
const PAGE = `<div role="main">
  <a href="${BUDI}&amp;comment_id=Y29t">Budi Santoso</a>
  <a href="https://www.facebook.com/sinta.dewi.77?comment_id=Y29u">Sinta Dewi</a>
</div>`;
const idle = () => new Promise((r) => setTimeout(r, 120));

describe('team words on the marks', () => {
  let ctrl: AbortController;
  beforeEach(async () => {
    fakeBrowser.reset();
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
      const i = Array.from(document.querySelectorAll('a')).indexOf(this as HTMLAnchorElement);
      return { left: 10, top: 20 * i, right: 130, bottom: 20 * i + 16, width: 120, height: 16, x: 10, y: 20 * i } as DOMRect;
    });
    document.body.innerHTML = PAGE;
    ctrl = new AbortController();
    await saveWatchlist([
      { id: 'b', name: 'Budi', nip: null, agency: null, position: null, rank: null, employmentType: 'PNS', accounts: [BUDI], addedAt: '', updatedAt: '' },
      { id: 's', name: 'Sinta', nip: null, agency: null, position: null, rank: null, employmentType: 'PNS', accounts: ['https://www.facebook.com/sinta.dewi.77'], addedAt: '', updatedAt: '' },
    ]);
  });
  afterEach(() => {
    ctrl.abort();
    vi.restoreAllMocks();
  });

  it('gives each watched link the words for its account, and follows local:teamMarks', async () => {
    const drawn: MarkBox[][] = [];
    startWatchMarker({ doc: document, win: window, layer: { draw: (b) => drawn.push(b) }, signal: ctrl.signal, onInvalidated: () => undefined });
    await idle();
    expect(drawn.at(-1)!.map((b) => b.label)).toEqual([undefined, undefined]);
    await teamMarksItem.setValue({ labels: { 'facebook.com/profile.php?id=100012345678901': 'sudah 3 temuan tim' } });
    await idle();
    expect(drawn.at(-1)!.map((b) => b.label)).toEqual(['sudah 3 temuan tim', undefined]);
    await teamMarksItem.setValue({ labels: {} });
    await idle();
    expect(drawn.at(-1)!.map((b) => b.label)).toEqual([undefined, undefined]);
  });

  it('the overlay keeps the words out of the page DOM (closed root, attribute shown as generated content)', () => {
    const overlay = createOverlay(document, 'Tandai', 'Tandai sebagai bukti');
    const words = 'sudah 3 temuan tim';
    overlay.marks.draw([{ left: 10, top: 20, width: 100, height: 16, label: words }]);
    expect(overlay.state().marks[0]!.label).toBe(words);
    expect(overlay.host.shadowRoot).toBeNull();
    expect(document.documentElement.outerHTML).not.toContain('temuan');
    expect(document.body.textContent).not.toContain('temuan');
    // redrawn without words: the attribute goes
    overlay.marks.draw([{ left: 10, top: 20, width: 100, height: 16 }]);
    expect(overlay.state().marks[0]!.label).toBeUndefined();
    overlay.destroy();
  });
});
