/**
 * The extension's only UI inside web pages, all in ONE closed shadow root: the "⚑ Tandai" button
 * that follows the hovered post/comment, a toast, the marks on watched accounts' names (daftar
 * pantau) and the outline of "Pilih di halaman". The page can neither read nor restyle any of it:
 *
 * - The shadow root is closed: page scripts get null from host.shadowRoot and cannot query inside.
 *   The host's tag name is random per page load, so a page cannot define it as a custom element
 *   beforehand (ElementInternals.shadowRoot would hand such a page the closed root).
 * - The host is a zero-size, fixed, pointer-events:none box. Every property of it is set with
 *   !important from inside the shadow (:host; for important rules the inner context wins over any
 *   page rule, inline or not) and inline; a MutationObserver puts the inline style back, drops any
 *   attribute the page adds, and re-inserts the host if the page removes or moves it.
 * - Only the button takes pointer events; the marks, the outline and the toast never do, so
 *   document.elementFromPoint finds the host only where the button is.
 * - The page's DOM gets nothing but the host (no attribute, class or style on its own nodes); the
 *   host and what the page can measure of it (a 0x0 box, every child fixed) are the same whatever
 *   is shown inside. No record id or hash is ever put in the overlay: the toast is only text.
 *
 * Everything is hidden while a capture is prepared (setCapturing), so screenshots show the page as
 * it was. Page-derived text is never put in the overlay; our own text is set with textContent, and
 * styles are set through CSSOM (allowed under a page's strict style-src CSP).
 */

/** A box in viewport (CSS px) coordinates, as getBoundingClientRect gives. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Size and place of the in-page ⚑ button. The button is FLAG_BUTTON.width x FLAG_BUTTON.height
 * whatever its label, and flagButtonBox() is where it sits for a target: its top-right corner
 * `inset` px inside the target's top-right corner, kept `margin` px inside the viewport. Tests
 * click it by coordinates from the target's getBoundingClientRect() (they cannot reach into the
 * closed shadow root): see clickInPageFlag in tests/e2e/support.ts.
 */
export const FLAG_BUTTON = { width: 84, height: 26, inset: 6, margin: 4 } as const;

/**
 * Where the ⚑ button is drawn for a target whose bounding box is `target`, in a viewport of
 * `viewport.width` (document.documentElement.clientWidth, without the scrollbar) by
 * `viewport.height` (innerHeight) CSS px.
 */
export function flagButtonBox(
  target: { top: number; right: number },
  viewport: { width: number; height: number },
): Box {
  const { width, height, inset, margin } = FLAG_BUTTON;
  return {
    left: Math.max(margin, Math.min(target.right - inset - width, viewport.width - margin - width)),
    top: Math.max(margin, Math.min(target.top + inset, viewport.height - margin - height)),
    width,
    height,
  };
}

/**
 * The host's own style, set inline and, after `all: initial` (which resets every property: opacity,
 * transform, filter, clip-path, mask...), in :host, both !important. Inline `all` would write some
 * 400 longhands into the page's DOM, so inline holds the properties that matter for clicks.
 */
const HOST_CSS =
  'display:block!important;position:fixed!important;top:0!important;left:0!important;width:0!important;' +
  'height:0!important;margin:0!important;z-index:2147483647!important;pointer-events:none!important;' +
  'opacity:1!important;visibility:visible!important;transform:none!important;filter:none!important;' +
  'clip-path:none!important;contain:none!important;overflow:visible!important';

// Written compact: it ships in the content script, whose size is budgeted.
const CSS =
  `:host{all:initial!important;${HOST_CSS}}` +
  '.root{position:fixed;top:0;left:0;width:0;height:0;pointer-events:none}.root.capturing{display:none}' +
  '.marks{position:fixed;inset:0;overflow:hidden;pointer-events:none}' +
  '.mark{position:absolute;box-sizing:border-box;border:2px dashed #be123c;border-radius:3px}' +
  // "ASN", then the team's words about the ASN when there are any ("ASN sudah 3 temuan tim"): generated
  // content from an attribute inside the closed root, so no page script can read it (not in the
  // page's DOM, not found by window.find); nowrap drops the trailing space when there are none.
  '.mark::after{content:"ASN " attr(data-t);position:absolute;left:100%;top:50%;margin:-8px 0 0 3px;padding:0 4px;' +
  'font:700 9px/14px system-ui,sans-serif;color:#fff;background:#be123c;border-radius:3px;white-space:nowrap}' +
  '.pick{position:fixed;border:2px solid #be123c;background:rgba(190,18,60,.08);border-radius:3px;display:none}' +
  `.btn{position:fixed;box-sizing:border-box;width:${FLAG_BUTTON.width}px;height:${FLAG_BUTTON.height}px;` +
  'display:none;align-items:center;justify-content:center;overflow:hidden;white-space:nowrap;margin:0;' +
  'pointer-events:auto;font:600 12px/1 system-ui,sans-serif;color:#fff;background:#be123c;border:0;' +
  'border-radius:999px;padding:0 8px;cursor:pointer;box-shadow:0 1px 4px rgba(0,0,0,.35)}' +
  '.btn:hover{background:#9f1239}.btn:focus-visible{outline:2px solid #1d4ed8;outline-offset:2px}' +
  '.toast{position:fixed;right:16px;bottom:16px;max-width:360px;font:14px/1.4 system-ui,sans-serif;color:#111;' +
  'background:#fff;border-left:5px solid #1d4ed8;border-radius:6px;padding:10px 14px;' +
  'box-shadow:0 2px 12px rgba(0,0,0,.3);display:none}.toast.error{border-left-color:#b91c1c}.toast.ok{border-left-color:#15803d}';

/** One mark: the name link's box and, when the team has findings about the ASN, the words for them. */
export type MarkBox = Box & { label?: string };

/** Where the marks on watched accounts are drawn: one box per name link on or near the screen. */
export interface MarkLayer {
  draw(boxes: MarkBox[]): void;
}

/** What the overlay shows (extension code only: the e2e build's test hook, unit tests). */
export interface OverlayState {
  button: Box | null;
  toast: { kind: string; text: string; code: string | null } | null;
  marks: MarkBox[];
  capturing: boolean;
}

export interface Overlay {
  host: HTMLElement;
  button: HTMLButtonElement;
  showButtonFor(el: Element): void;
  hideButton(): void;
  /** `code`: the error's code, kept in memory for the e2e hook; never written to the DOM. */
  toast(kind: 'ok' | 'error' | 'info', text: string, code?: string): void;
  marks: MarkLayer;
  /** The "Pilih di halaman" outline around a box, or none. */
  highlight(box: Box | null): void;
  /** Hide everything while the tab is captured; restore afterwards. */
  setCapturing(on: boolean): void;
  /**
   * Resolves once the overlay's last change of what it shows is on screen: two frames after that
   * change (at once when none is pending, e.g. when nothing of it was ever shown).
   */
  painted(): Promise<void>;
  state(): OverlayState;
  destroy(): void;
}

const place = (el: HTMLElement, b: Box) => {
  el.style.left = `${b.left}px`;
  el.style.top = `${b.top}px`;
  el.style.width = `${b.width}px`;
  el.style.height = `${b.height}px`;
};

export function createOverlay(doc: Document, label: string, title: string): Overlay {
  const win = doc.defaultView;
  const host = doc.createElement(`asn-evidence-overlay-${Math.random().toString(36).slice(2, 10)}`);
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  style.textContent = CSS;
  const root = doc.createElement('div');
  root.className = 'root';
  const marksEl = doc.createElement('div');
  marksEl.className = 'marks';
  const pick = doc.createElement('div');
  pick.className = 'pick';
  const button = doc.createElement('button');
  button.className = 'btn';
  button.type = 'button';
  button.textContent = `⚑ ${label}`;
  button.title = title;
  button.setAttribute('aria-label', title);
  const toastEl = doc.createElement('div');
  toastEl.className = 'toast';
  toastEl.setAttribute('role', 'status');
  toastEl.setAttribute('aria-live', 'polite');
  root.append(marksEl, pick, button, toastEl);
  shadow.append(style, root);

  // The host's own protections: inline (as well as :host) and put back whenever the page changes
  // them; re-inserted when the page removes or moves it.
  host.style.cssText = HOST_CSS;
  const hostStyle = host.getAttribute('style');
  const parentOf = () => doc.documentElement;
  let destroyed = false;
  const guard = () => {
    if (destroyed) return;
    for (const name of host.getAttributeNames()) if (name !== 'style') host.removeAttribute(name);
    if (host.getAttribute('style') !== hostStyle) host.style.cssText = HOST_CSS;
    const parent = parentOf();
    if (parent && host.parentNode !== parent) parent.append(host);
  };
  const hostObserver = new MutationObserver(guard);
  hostObserver.observe(host, { attributes: true });
  const treeObserver = new MutationObserver(() => {
    // The root element itself may be replaced: watch the new one.
    if (doc.documentElement && observedRoot !== doc.documentElement) {
      observedRoot = doc.documentElement;
      treeObserver.observe(observedRoot, { childList: true });
    }
    guard();
  });
  let observedRoot: Element | null = doc.documentElement;
  treeObserver.observe(doc, { childList: true });
  if (observedRoot) treeObserver.observe(observedRoot, { childList: true });
  parentOf()?.append(host);

  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  // What may be on screen: a change to what the overlay shows reaches the screenshot only once it
  // is painted, so every change that could alter pixels starts a wait of two frames.
  let capturing = false;
  let buttonBox: Box | null = null;
  let toastState: OverlayState['toast'] = null;
  let markBoxes: MarkBox[] = [];
  let picking = false;
  let settled: Promise<void> = Promise.resolve();
  const visible = () => !capturing && (buttonBox !== null || toastState !== null || markBoxes.length > 0 || picking);
  const change = (wasVisible: boolean) => {
    if (!wasVisible && !visible()) return; // nothing of ours was or is on screen: pixels unchanged
    settled = win
      ? new Promise<void>((r) => win.requestAnimationFrame(() => win.requestAnimationFrame(() => r())))
      : Promise.resolve();
  };

  const markEls: HTMLElement[] = [];
  const marks: MarkLayer = {
    draw(boxes) {
      const was = visible();
      markBoxes = boxes;
      for (let i = 0; i < boxes.length; i++) {
        let el = markEls[i];
        if (!el) {
          el = doc.createElement('div');
          el.className = 'mark';
          markEls.push(el);
        }
        const b = boxes[i]!;
        place(el, { left: b.left - 3, top: b.top - 3, width: b.width + 6, height: b.height + 6 });
        if (b.label) el.setAttribute('data-t', b.label);
        else el.removeAttribute('data-t');
        if (el.parentNode !== marksEl) marksEl.append(el);
      }
      for (let i = boxes.length; i < markEls.length; i++) markEls[i]!.remove();
      markEls.length = Math.min(markEls.length, boxes.length + 16); // keep a few for reuse
      change(was);
    },
  };

  return {
    host,
    button,
    marks,
    showButtonFor(el) {
      const r = el.getBoundingClientRect();
      const box = flagButtonBox(r, {
        width: doc.documentElement.clientWidth || win?.innerWidth || 0,
        height: win?.innerHeight ?? 800,
      });
      place(button, box);
      const was = visible();
      button.style.display = 'inline-flex';
      buttonBox = box;
      change(was);
    },
    hideButton() {
      const was = visible();
      button.style.display = 'none';
      buttonBox = null;
      change(was);
    },
    toast(kind, text, code) {
      // Each toast says one thing, as text: nothing else is kept in it.
      toastEl.className = `toast ${kind}`;
      toastEl.textContent = text;
      const was = visible();
      toastEl.style.display = 'block';
      toastState = { kind, text, code: code ?? null };
      change(was);
      clearTimeout(toastTimer);
      toastTimer = setTimeout(() => {
        const before = visible();
        toastEl.style.display = 'none';
        toastState = null;
        change(before);
      }, kind === 'error' ? 12000 : 6000);
    },
    highlight(box) {
      const was = visible();
      if (box) {
        place(pick, { left: box.left - 2, top: box.top - 2, width: box.width, height: box.height });
        pick.style.display = 'block';
      } else pick.style.display = 'none';
      picking = box !== null;
      change(was);
    },
    setCapturing(on) {
      const was = visible();
      root.classList.toggle('capturing', on);
      capturing = on;
      change(was);
    },
    painted() {
      return settled;
    },
    state() {
      return { button: buttonBox, toast: toastState, marks: markBoxes, capturing };
    },
    destroy() {
      destroyed = true;
      clearTimeout(toastTimer);
      hostObserver.disconnect();
      treeObserver.disconnect();
      host.remove();
    },
  };
}
