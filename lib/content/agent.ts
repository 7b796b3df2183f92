/**
 * The content script's work: keep track of what the monitor points at, show the in-page flag
 * button, answer the background's capture requests. Kept free of zod and rasterisers (bundle
 * budget); extraction runs through the platform adapters.
 *
 * The page is not trusted: every DOM event handler here (and in picker.ts, watch-marker.ts) acts
 * on trusted events only (`isTrusted`: made by the browser for the monitor's own mouse and keys),
 * so a page script cannot move the flag target by dispatching events; and everything shown in the
 * page lives in the overlay's closed shadow root (overlay.ts), which the page can neither read nor
 * restyle. The page's own DOM is never changed.
 */
import { browser } from 'wxt/browser';
import { extractEvidence, flaggableElements } from '../platforms';
import type { FlagResult, PrepareResult, SerializableExtraction, ToContent } from '../messages';
import type { Lang } from '../i18n/messages';
import { ct as t } from '../i18n/content-messages';
import { createOverlay, type Overlay } from './overlay';
import { captureSource } from '../record/source';
import { pickKind, startPick, type PickSession } from './picker';
import { startWatchMarker } from './watch-marker';
import {
  contextTarget, hoveredTarget, registerTarget, setContextTarget, setHovered, targetById,
} from './targets';

export interface AgentOptions {
  win: Window;
  lang: Lang;
  inpageButtons: boolean;
  /** Called to register clean-up (WXT's ContentScriptContext). */
  onInvalidated(cb: () => void): void;
  signal: AbortSignal;
}

const nextFrame = (win: Window) => new Promise<void>((r) => win.requestAnimationFrame(() => r()));
/**
 * After a scroll, wait until what the page shows has been painted: two frames, plus a moment for
 * lazy content and sticky headers to settle.
 */
async function settle(win: Window): Promise<void> {
  await nextFrame(win);
  await nextFrame(win);
  await new Promise((r) => setTimeout(r, 60));
}

export function startAgent(opts: AgentOptions): void {
  const { win, signal } = opts;
  const doc = win.document;
  let lang = opts.lang;
  // The overlay (button, toast, watchlist marks, pick outline: one closed shadow root) is there
  // from the start, whatever it shows: its appearing must not tell the page that a mark was drawn.
  const overlay: Overlay = createOverlay(doc, t(lang, 'flag'), t(lang, 'flagHint'));
  const marker = startWatchMarker({ doc, win, layer: overlay.marks, signal, onInvalidated: (cb) => opts.onInvalidated(cb) });
  let captureGuard: ReturnType<typeof setTimeout> | undefined;
  let buttonFor: Element | null = null;
  let picking: PickSession | null = null;
  let lastResult: FlagResult | null = null;
  opts.onInvalidated(() => {
    picking?.cancel();
    clearTimeout(captureGuard);
    overlay.destroy();
  });

  overlay.button.addEventListener('click', (ev) => {
    // A page script could click our button; only a real user gesture counts as a flag.
    if (!ev.isTrusted || !buttonFor) return;
    ev.preventDefault();
    ev.stopPropagation();
    const targetId = registerTarget(buttonFor);
    overlay.toast('info', t(lang, 'flagging'));
    // Hide our UI for the capture now: its frames pass while the background is asked.
    overlay.setCapturing(true);
    clearTimeout(captureGuard);
    captureGuard = setTimeout(() => overlay.setCapturing(false), 20_000);
    void browser.runtime
      .sendMessage({ type: 'flag-from-page', targetId })
      .then((res: unknown) => {
        // The result also comes as 'capture-finished'; this covers a flag that ended early.
        if (res && typeof res === 'object' && 'ok' in res) showResult(res as FlagResult);
      })
      .catch((e: unknown) => showResult({ ok: false, code: 'error', message: String((e as Error)?.message ?? e) }));
  }, { signal });

  // The toast says what happened in words only: the record id and hash stay out of the page.
  const showResult = (result: FlagResult) => {
    if (signal.aborted) return;
    lastResult = result;
    overlay.setCapturing(false);
    if (result.ok) overlay.toast('ok', t(lang, 'flagged'));
    else overlay.toast('error', result.message, result.code);
  };

  // Every listener below acts on trusted events only: a page script can dispatch mouseover or
  // contextmenu on any element, and must not move what the monitor's flag targets.
  // Remember the element under the context menu (the menu click itself reaches the background).
  doc.addEventListener('contextmenu', (ev) => {
    if (!ev.isTrusted) return;
    setContextTarget(ev.target instanceof Element ? ev.target : null);
  }, { capture: true, signal });

  // Hover tracking for the in-page button: a prepared set of flaggable elements, rebuilt at most
  // once per second, and one lookup per animation frame.
  let flaggable = new WeakSet<Element>();
  let builtAt = 0;
  let pending: EventTarget | null = null;
  const refresh = () => {
    flaggable = new WeakSet(flaggableElements(doc, win.location.href));
    builtAt = Date.now();
  };
  const onFrame = () => {
    const target = pending;
    pending = null;
    if (!(target instanceof Element) || signal.aborted) return;
    if (overlay.host.contains(target)) return;
    if (Date.now() - builtAt > 1000) refresh();
    let el: Element | null = target;
    while (el && !flaggable.has(el)) el = el.parentElement;
    if (el) {
      setHovered(el);
      if (opts.inpageButtons && !picking) {
        buttonFor = el;
        overlay.showButtonFor(el);
      }
    }
  };
  doc.addEventListener('mouseover', (ev) => {
    if (!ev.isTrusted || ev.target === overlay.host) return;
    if (pending === null) win.requestAnimationFrame(onFrame);
    pending = ev.target;
  }, { passive: true, signal });
  // The button follows its target when the page or an inner scroller scrolls.
  doc.addEventListener('scroll', (ev) => {
    if (ev.isTrusted && buttonFor?.isConnected && overlay.state().button) overlay.showButtonFor(buttonFor);
  }, { capture: true, passive: true, signal });

  if (import.meta.env.MODE === 'e2e') {
    // Test build only (compiled out of production). The Firefox suite cannot reach the background:
    // a real (trusted) Shift+F8 in the page asks it for the record of the last flag and leaves it
    // in an attribute for the test to read.
    doc.addEventListener('keydown', (ev) => {
      if (!ev.isTrusted || ev.key !== 'F8' || !ev.shiftKey) return;
      const id = lastResult?.ok ? lastResult.id : null;
      void (id ? browser.runtime.sendMessage({ type: 'e2e-get-record', id }) : Promise.resolve(null)).then((res) => {
        doc.documentElement.setAttribute('data-asn-e2e', JSON.stringify(res ?? null));
      });
    }, { signal });
  }

  browser.storage.onChanged.addListener((changes) => {
    const s = changes['settings']?.newValue as { language?: Lang; inpageButtons?: boolean } | undefined;
    if (!s || signal.aborted) return;
    if (s.language && s.language !== lang) {
      lang = s.language;
      overlay.button.textContent = `⚑ ${t(lang, 'flag')}`;
      overlay.button.title = t(lang, 'flagHint');
      overlay.button.setAttribute('aria-label', t(lang, 'flagHint'));
    }
    if (s.inpageButtons === false) overlay.hideButton();
    opts.inpageButtons = s.inpageButtons !== false;
  });

  browser.runtime.onMessage.addListener((raw: unknown) => {
    if (signal.aborted) return undefined;
    if (import.meta.env.MODE === 'e2e' && (raw as { type?: string } | null)?.type === 'e2e-inpage-state') {
      // Test build only: what the overlay shows, read by the Chromium suites through the worker.
      return Promise.resolve({ ...overlay.state(), watched: marker.watched().length, lastResult });
    }
    const msg = raw as ToContent;
    switch (msg?.type) {
      case 'ping':
        return Promise.resolve('pong');
      case 'prepare-capture':
        return prepare(msg.targetId, msg.mode);
      case 'scroll-to':
        return (async () => {
          win.scrollTo({ top: msg.y, left: win.scrollX, behavior: 'instant' });
          await settle(win);
          return win.scrollY;
        })();
      case 'capture-finished':
        clearTimeout(captureGuard);
        showResult(msg.result);
        return Promise.resolve(true);
      case 'pick-start': {
        picking?.cancel();
        overlay.hideButton();
        const { recordId, field } = msg;
        const say = (text: string) => overlay.toast('info', text);
        picking = startPick(win, pickKind(field), say, {
          hint: t(lang, 'pickHint'), nothing: t(lang, 'pickNothing'), cancelled: t(lang, 'pickCancelled'),
        }, (r) => {
          picking = null;
          if (r) say(t(lang, 'pickDone'));
          void browser.runtime.sendMessage({ type: 'pick-result', recordId, field, value: r?.value ?? null, path: r?.path ?? null })
            .catch(() => undefined);
        }, (box) => overlay.highlight(box));
        return Promise.resolve(true);
      }
      default:
        return undefined;
    }
  });

  async function prepare(targetId: string | null, mode: string): Promise<PrepareResult> {
    // Hide our UI for the capture first, so the frames it takes to paint that pass while the
    // page is read; restore even if the background never answers.
    // The watchlist marks are in the overlay: they are hidden with it.
    overlay.setCapturing(true);
    const hidden = overlay.painted();
    clearTimeout(captureGuard);
    captureGuard = setTimeout(() => overlay.setCapturing(false), 20_000);

    const target =
      mode === 'inpage' ? targetById(targetId)
        : mode === 'contextmenu' ? contextTarget()
          : mode === 'hovered' ? hoveredTarget(win)
            : null;
    const extraction = extractEvidence({
      doc, url: win.location.href, target,
      now: new Date(),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    const wall = extraction.warnings.find((w) => w.code === 'login_wall' || w.code === 'checkpoint');
    if (wall) return { ok: false, code: wall.code as 'login_wall' | 'checkpoint', message: wall.message };

    const el = extraction.element;
    let scrolled = false;
    if (el) {
      const r0 = el.getBoundingClientRect();
      const vh = win.innerHeight;
      if (r0.height <= vh && (r0.top < 0 || r0.bottom > vh)) {
        el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
        scrolled = true;
      } else if (r0.height > vh && (r0.top < 0 || r0.top > vh * 0.5)) {
        el.scrollIntoView({ block: 'start', inline: 'nearest', behavior: 'instant' });
        scrolled = true;
      }
    }
    // A scroll must be painted (and lazy content settle); else only our hidden UI must be, and
    // when none of it was on screen the capture can start at once.
    if (scrolled) await settle(win);
    else await hidden;
    const { element, ...rest } = extraction;
    let source = null;
    try {
      source = captureSource(element, target);
    } catch { /* a page that defeats cloning still gets its screenshot */ }
    // Left for the on-demand fallback rasteriser, which runs in this same isolated world.
    (win as unknown as { __asnEvidenceTarget?: Element | null }).__asnEvidenceTarget = element;
    const serial: SerializableExtraction = JSON.parse(JSON.stringify(rest));
    const r = element?.getBoundingClientRect();
    const rect = r && r.width > 0 && r.height > 0 ? { x: r.left, y: r.top, width: r.width, height: r.height } : null;
    const scrollEl = doc.scrollingElement ?? doc.documentElement;
    return {
      ok: true,
      extraction: serial,
      rect,
      docTop: rect ? rect.y + win.scrollY : 0,
      viewport: { width: doc.documentElement.clientWidth || win.innerWidth, height: win.innerHeight },
      devicePixelRatio: win.devicePixelRatio || 1,
      scrollX: win.scrollX,
      scrollY: win.scrollY,
      maxScrollY: Math.max(0, scrollEl.scrollHeight - win.innerHeight),
      page: { url: win.location.href, title: doc.title },
      source,
    };
  }
}
