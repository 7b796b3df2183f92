/**
 * Marks watched accounts (daftar pantau) where they appear on Facebook, Instagram and TikTok: a
 * dashed box and a small "ASN" badge around the name link. The watchlist is the team's most
 * sensitive data, so the page must not learn who is watched: the marks are drawn only in the
 * extension's closed shadow root (a MarkLayer of lib/content/overlay.ts), as fixed boxes placed
 * from the links' getBoundingClientRect, with no pointer events. Nothing of the page's own DOM is
 * touched (no attribute, class or injected style), so nothing a page script can read or measure
 * differs between a watched and an unwatched link. When the team's server has findings about a
 * watched ASN, the background leaves words for its account key in local:teamMarks (lib/team/marks.ts:
 * text only, no token) and the mark's badge says them ("ASN sudah 3 temuan tim"), as generated
 * CSS content inside the closed root. The layer is hidden while a capture is prepared
 * (the overlay's setCapturing), so evidence screenshots show the page as it was.
 *
 * Cost on long feeds: the watched keys are read once from storage.local into a Set; new nodes from
 * the MutationObserver are only queued, and an idle callback scans their links in time slices:
 * per link one regex (hrefKey) and one Set lookup; the watched links found are kept in a Set.
 * Drawing is throttled to one animation frame after a scroll, resize, mutation or scan, and
 * measures only the watched links (boxes only for those on or near the screen). Everything is
 * removed on invalidation.
 */
import { storage } from 'wxt/utils/storage';
import { hrefKey, WATCH_KEYS_STORAGE, type WatchKeys } from '../watchlist/model';
import { TEAM_MARKS_STORAGE, type TeamMarks } from '../team/marks';
import type { MarkBox, MarkLayer } from './overlay';

export interface WatchMarkerOptions {
  doc: Document;
  win: Window;
  /** Where the marks are drawn (the overlay's closed shadow root). */
  layer: MarkLayer;
  /** The page address (for root-relative links); read again from win.location when omitted. */
  url?: string;
  signal: AbortSignal;
  onInvalidated(cb: () => void): void;
  /** Tests: keys instead of storage. */
  keys?: WatchKeys;
}

export interface WatchMarker {
  /** Scan the queued nodes now (tests). */
  flush(): void;
  /** The name links found to be watched accounts (tests, the e2e build's hook). */
  watched(): Element[];
  stop(): void;
}

/** Work per callback when the page leaves no idle time (the callback's timeout fired). */
const MIN_SLICE_MS = 6;
/** Links this far outside the viewport still get their box (ready when scrolled in). */
const NEAR_PX = 200;

type Idle = (cb: (d: { timeRemaining(): number }) => void, o?: { timeout: number }) => number;

export function startWatchMarker(opts: WatchMarkerOptions): WatchMarker {
  const { doc, win, signal, layer } = opts;
  let keys = new Set<string>();
  let observer: MutationObserver | null = null;
  let resize: ResizeObserver | null = null;
  let queue: Node[] = [];
  let scheduled = false;
  let stopped = false;
  /** Watched name links seen in the page (pruned when they leave it), with their account key. */
  const marked = new Map<Element, string>();
  /** The team's words per account key ("sudah 3 temuan tim"), drawn beside the mark. */
  let labels = new Map<string, string>();
  let frame = 0;
  let drawn = 0;
  let drawnKey = '';
  const origin = () => {
    try {
      return new URL(opts.url ?? win.location.href).origin;
    } catch {
      return undefined;
    }
  };
  let pageOrigin = origin();
  const ric: Idle = (win as unknown as { requestIdleCallback?: Idle }).requestIdleCallback?.bind(win) ??
    ((cb) => win.setTimeout(() => cb({ timeRemaining: () => 8 }), 16) as unknown as number);

  // Draw the boxes of the watched links on or near the screen, once per frame at most.
  const draw = (): void => {
    frame = 0;
    if (stopped) return;
    const vw = win.innerWidth;
    const vh = win.innerHeight;
    const boxes: MarkBox[] = [];
    for (const [a, k] of marked) {
      if (!a.isConnected) {
        marked.delete(a);
        continue;
      }
      const r = a.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.bottom < -NEAR_PX || r.top > vh + NEAR_PX || r.right < -NEAR_PX || r.left > vw + NEAR_PX) continue;
      const b: MarkBox = { left: r.left, top: r.top, width: r.width, height: r.height };
      if (labels.has(k)) b.label = labels.get(k);
      boxes.push(b);
    }
    // Unchanged (a mutation that moved nothing): leave the layer alone.
    const key = boxes.map((b) => `${b.left},${b.top},${b.width},${b.height},${b.label}`).join(';');
    if (key !== drawnKey) layer.draw(boxes);
    drawnKey = key;
    drawn = boxes.length;
  };
  const redraw = (): void => {
    if (frame || stopped || (marked.size === 0 && drawn === 0)) return;
    frame = win.requestAnimationFrame(draw);
  };
  const onScroll = (ev: Event): void => {
    if (ev.isTrusted) redraw();
  };

  const check = (a: Element): boolean => {
    const k = hrefKey(a.getAttribute('href') ?? '', pageOrigin);
    // Only name links: an avatar link to the same profile has no text.
    if (k !== null && keys.has(k) && a.textContent?.trim()) {
      if (marked.get(a) === k) return false;
      marked.set(a, k);
      return true;
    }
    return marked.delete(a);
  };

  // The links of the node being scanned, and how far the scan got (a big subtree spans slices).
  let links: NodeListOf<Element> | null = null;
  let at = 0;
  let changed = false;
  const drain = (d: { timeRemaining(): number }): void => {
    scheduled = false;
    if (stopped) return;
    // The idle time left, but at least a few ms: on a page that is never idle the callback runs
    // from its timeout with no idle time, and the marks must still keep up.
    const until = performance.now() + Math.max(d.timeRemaining() - 1, MIN_SLICE_MS);
    const late = () => performance.now() > until;
    const pause = (): void => {
      if (changed) redraw();
      changed = false;
      schedule();
    };
    for (;;) {
      if (links) {
        const end = links.length;
        while (at < end) {
          if (check(links[at++]!)) changed = true;
          if ((at & 127) === 0 && late()) return pause();
        }
        links = null;
      }
      const n = queue.pop();
      if (!n) break;
      if (n.nodeType !== 1 || !n.isConnected) continue;
      const el = n as Element;
      if (el.tagName === 'A') {
        if (check(el)) changed = true;
      } else if (el.firstElementChild) {
        links = el.querySelectorAll('a[href]');
        at = 0;
      }
      if (late() && (queue.length || links)) return pause();
    }
    if (changed) redraw();
    changed = false;
  };
  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    ric(drain, { timeout: 150 });
  };

  const listen = (on: boolean): void => {
    // Scrolls of the page and of inner scrollers (captured: scroll does not bubble).
    if (on) {
      doc.addEventListener('scroll', onScroll, { capture: true, passive: true });
      win.addEventListener('resize', onScroll, { passive: true });
    } else {
      doc.removeEventListener('scroll', onScroll, { capture: true });
      win.removeEventListener('resize', onScroll);
    }
  };

  const clearMarks = (): void => {
    marked.clear();
    if (frame) win.cancelAnimationFrame(frame);
    frame = 0;
    if (drawn) layer.draw([]);
    drawn = 0;
    drawnKey = '';
  };

  const apply = (v: WatchKeys | null | undefined): void => {
    if (stopped) return;
    const on = !!v && v.enabled !== false && Array.isArray(v.keys) && v.keys.length > 0;
    keys = new Set(on ? v!.keys : []);
    pageOrigin = origin();
    clearMarks();
    if (!on) {
      observer?.disconnect();
      observer = null;
      resize?.disconnect();
      resize = null;
      queue = [];
      links = null;
      listen(false);
      return;
    }
    if (!observer) {
      observer = new MutationObserver((records) => {
        // Per mutation: queue what was added (or whose href changed); nothing else.
        for (const r of records) {
          if (r.type === 'attributes') queue.push(r.target);
          else for (let i = 0; i < r.addedNodes.length; i++) queue.push(r.addedNodes[i]!);
        }
        schedule();
        // Whatever changed may have moved the marked links.
        redraw();
      });
      observer.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });
      listen(true);
      if (typeof ResizeObserver === 'function') {
        resize = new ResizeObserver(() => redraw());
        resize.observe(doc.documentElement);
      }
    }
    queue = [doc.documentElement];
    links = null;
    schedule();
  };

  const stop = (): void => {
    if (stopped) return;
    observer?.disconnect();
    observer = null;
    resize?.disconnect();
    resize = null;
    queue = [];
    links = null;
    listen(false);
    clearMarks();
    stopped = true;
    unwatch?.();
    unwatchTeam?.();
  };

  // The team's words per key, written by the background (lib/team/service.ts): text only.
  const applyTeam = (v: TeamMarks | null | undefined): void => {
    labels = new Map(Object.entries(v?.labels ?? {}));
    drawnKey = '-'; // redraw with the new words
    redraw();
  };

  let unwatch: (() => void) | undefined;
  let unwatchTeam: (() => void) | undefined;
  if (opts.keys) {
    apply(opts.keys);
  } else {
    unwatch = storage.watch<WatchKeys>(WATCH_KEYS_STORAGE, (v) => apply(v));
    unwatchTeam = storage.watch<TeamMarks>(TEAM_MARKS_STORAGE, (v) => applyTeam(v));
    void storage.getItem<WatchKeys>(WATCH_KEYS_STORAGE).then((v) => apply(v)).catch(() => undefined);
    void storage.getItem<TeamMarks>(TEAM_MARKS_STORAGE).then((v) => applyTeam(v)).catch(() => undefined);
  }
  opts.onInvalidated(stop);
  signal.addEventListener('abort', stop, { once: true });

  return {
    flush: () => drain({ timeRemaining: () => Infinity }),
    watched: () => [...marked.keys()].filter((a) => a.isConnected),
    stop,
  };
}
