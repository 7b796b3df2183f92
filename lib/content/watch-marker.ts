/**
 * Marks watched accounts (daftar pantau) where they appear on Facebook, Instagram and TikTok: a
 * dashed outline and a small "ASN" badge on the name link, drawn by ONE injected <style> keyed on a
 * data attribute. Page text is never changed (the badge is CSS generated content), and the style
 * is switched off while a capture is prepared so evidence screenshots show the page as it was.
 *
 * Cost on long feeds: the watched keys are read once from storage.local into a Set; new nodes from
 * the MutationObserver are only queued, and an idle callback scans their links in time slices:
 * per link one regex (hrefKey) and one Set lookup. Everything is removed on invalidation.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { hrefKey, WATCH_KEYS_STORAGE, type WatchKeys } from '../watchlist/model';

export const WATCH_ATTR = 'data-asn-watch';
const STYLE_ATTR = 'data-asn-watch-style';
const CSS =
  `a[${WATCH_ATTR}]{outline:2px dashed #be123c!important;outline-offset:1px!important;border-radius:3px}` +
  `a[${WATCH_ATTR}]::after{content:"ASN";display:inline-block;margin-left:4px;padding:0 4px;` +
  'font:700 9px/14px system-ui,sans-serif;color:#fff;background:#be123c;border-radius:3px;vertical-align:middle}';

export interface WatchMarkerOptions {
  doc: Document;
  win: Window;
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
  stop(): void;
}

/** Work per callback when the page leaves no idle time (the callback's timeout fired). */
const MIN_SLICE_MS = 6;

type Idle = (cb: (d: { timeRemaining(): number }) => void, o?: { timeout: number }) => number;

export function startWatchMarker(opts: WatchMarkerOptions): WatchMarker {
  const { doc, win, signal } = opts;
  let keys = new Set<string>();
  let style: HTMLStyleElement | null = null;
  let observer: MutationObserver | null = null;
  let queue: Node[] = [];
  let scheduled = false;
  let stopped = false;
  let capturing: ReturnType<typeof setTimeout> | undefined;
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

  const check = (a: Element): void => {
    const k = hrefKey(a.getAttribute('href') ?? '', pageOrigin);
    if (k !== null && keys.has(k)) {
      // Only name links: an avatar link to the same profile has no text.
      if (!a.hasAttribute(WATCH_ATTR) && a.textContent?.trim()) a.setAttribute(WATCH_ATTR, '');
    } else if (a.hasAttribute(WATCH_ATTR)) a.removeAttribute(WATCH_ATTR);
  };

  // The links of the node being scanned, and how far the scan got (a big subtree spans slices).
  let links: NodeListOf<Element> | null = null;
  let at = 0;
  const drain = (d: { timeRemaining(): number }): void => {
    scheduled = false;
    if (stopped) return;
    // The idle time left, but at least a few ms: on a page that is never idle the callback runs
    // from its timeout with no idle time, and the marks must still keep up.
    const until = performance.now() + Math.max(d.timeRemaining() - 1, MIN_SLICE_MS);
    const late = () => performance.now() > until;
    for (;;) {
      if (links) {
        const end = links.length;
        while (at < end) {
          check(links[at++]!);
          if ((at & 127) === 0 && late()) {
            schedule();
            return;
          }
        }
        links = null;
      }
      const n = queue.pop();
      if (!n) return;
      if (n.nodeType !== 1 || !n.isConnected) continue;
      const el = n as Element;
      if (el.tagName === 'A') check(el);
      else if (el.firstElementChild) {
        links = el.querySelectorAll('a[href]');
        at = 0;
      }
      if (late() && (queue.length || links)) {
        schedule();
        return;
      }
    }
  };
  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    ric(drain, { timeout: 150 });
  };

  const clearMarks = (): void => {
    for (const a of Array.from(doc.querySelectorAll(`[${WATCH_ATTR}]`))) a.removeAttribute(WATCH_ATTR);
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
      queue = [];
      links = null;
      style?.remove();
      style = null;
      return;
    }
    if (!style) {
      style = doc.createElement('style');
      style.setAttribute(STYLE_ATTR, '');
      style.textContent = CSS;
      (doc.head ?? doc.documentElement).append(style);
    }
    if (!observer) {
      observer = new MutationObserver((records) => {
        // Per mutation: queue what was added (or whose href changed); nothing else.
        for (const r of records) {
          if (r.type === 'attributes') queue.push(r.target);
          else for (let i = 0; i < r.addedNodes.length; i++) queue.push(r.addedNodes[i]!);
        }
        schedule();
      });
      observer.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });
    }
    queue = [doc.documentElement];
    links = null;
    schedule();
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    observer?.disconnect();
    observer = null;
    queue = [];
    links = null;
    clearTimeout(capturing);
    style?.remove();
    style = null;
    clearMarks();
    unwatch?.();
    browser.runtime.onMessage.removeListener(onMessage);
  };

  // Evidence must show the page, not our marks: hide them from "prepare-capture" until the
  // background reports the capture finished (20 s at most, like the in-page button).
  const onMessage = (raw: unknown): undefined => {
    const type = (raw as { type?: string } | null)?.type;
    if (type === 'prepare-capture') {
      style?.setAttribute('media', 'not all');
      clearTimeout(capturing);
      capturing = setTimeout(() => style?.removeAttribute('media'), 20_000);
    } else if (type === 'capture-finished') {
      clearTimeout(capturing);
      style?.removeAttribute('media');
    }
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);

  let unwatch: (() => void) | undefined;
  if (opts.keys) apply(opts.keys);
  else {
    unwatch = storage.watch<WatchKeys>(WATCH_KEYS_STORAGE, (v) => apply(v));
    void storage.getItem<WatchKeys>(WATCH_KEYS_STORAGE).then((v) => apply(v)).catch(() => undefined);
  }
  opts.onInvalidated(stop);
  signal.addEventListener('abort', stop, { once: true });

  return {
    flush: () => drain({ timeRemaining: () => Infinity }),
    stop,
  };
}
