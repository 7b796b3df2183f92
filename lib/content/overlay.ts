/**
 * The extension's only UI inside web pages: one small "Tandai" button that follows the hovered
 * post/comment, and a toast. Both live in one shadow root so page CSS cannot reach them and they
 * never change the page's layout; the host is removed when the extension is updated or disabled.
 * Page-derived text is never put in the overlay; our own text is set with textContent.
 */
const CSS = `
:host { all: initial; }
.btn { position: fixed; z-index: 2147483647; display: none; align-items: center; gap: 4px;
  font: 600 12px/1 system-ui, sans-serif; color: #fff; background: #be123c; border: 0;
  border-radius: 999px; padding: 6px 10px; cursor: pointer; box-shadow: 0 1px 4px rgba(0,0,0,.35); }
.btn:hover { background: #9f1239; }
.btn:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
.toast { position: fixed; z-index: 2147483647; right: 16px; bottom: 16px; max-width: 360px;
  font: 14px/1.4 system-ui, sans-serif; color: #111; background: #fff; border-left: 5px solid #1d4ed8;
  border-radius: 6px; padding: 10px 14px; box-shadow: 0 2px 12px rgba(0,0,0,.3); display: none; }
.toast[data-kind="error"] { border-left-color: #b91c1c; }
.toast[data-kind="ok"] { border-left-color: #15803d; }
`;

export interface Overlay {
  host: HTMLElement;
  button: HTMLButtonElement;
  showButtonFor(el: Element): void;
  hideButton(): void;
  toast(kind: 'ok' | 'error' | 'info', text: string, data?: Record<string, string>): void;
  /** Hide everything while the tab is captured; restore afterwards. */
  setCapturing(on: boolean): void;
  /**
   * Resolves once the overlay's last change of what it shows is on screen: two frames after that
   * change (at once when none is pending, e.g. when nothing of it was ever shown).
   */
  painted(): Promise<void>;
  destroy(): void;
}

export function createOverlay(doc: Document, label: string, title: string): Overlay {
  const host = doc.createElement('asn-evidence-overlay');
  host.setAttribute('data-asn-evidence', '');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = CSS;
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
  shadow.append(style, button, toastEl);
  (doc.body ?? doc.documentElement).append(host);
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  const win = doc.defaultView;

  // What may be on screen: a change to what the overlay shows reaches the screenshot only once it
  // is painted, so every change that could alter pixels starts a wait of two frames.
  let capturing = false;
  let buttonShown = false;
  let toastShown = false;
  let settled: Promise<void> = Promise.resolve();
  const visible = () => !capturing && (buttonShown || toastShown);
  const change = (wasVisible: boolean) => {
    if (!wasVisible && !visible()) return; // nothing of ours was or is on screen: pixels unchanged
    settled = win
      ? new Promise<void>((r) => win.requestAnimationFrame(() => win.requestAnimationFrame(() => r())))
      : Promise.resolve();
  };

  return {
    host,
    button,
    showButtonFor(el) {
      const r = el.getBoundingClientRect();
      const vw = doc.documentElement.clientWidth;
      const top = Math.max(4, Math.min(r.top + 6, (doc.defaultView?.innerHeight ?? 800) - 32));
      const right = Math.max(4, vw - r.right + 6);
      button.style.top = `${top}px`;
      button.style.right = `${right}px`;
      const was = visible();
      button.style.display = 'inline-flex';
      buttonShown = true;
      change(was);
    },
    hideButton() {
      const was = visible();
      button.style.display = 'none';
      buttonShown = false;
      change(was);
    },
    toast(kind, text, data) {
      // Each toast says one thing: drop what the previous one carried.
      for (const k of Object.keys(toastEl.dataset)) delete toastEl.dataset[k];
      toastEl.dataset.kind = kind;
      for (const [k, v] of Object.entries(data ?? {})) toastEl.dataset[k] = v;
      toastEl.textContent = text;
      const was = visible();
      toastEl.style.display = 'block';
      toastShown = true;
      change(was);
      clearTimeout(toastTimer);
      toastTimer = setTimeout(() => {
        const before = visible();
        toastEl.style.display = 'none';
        toastShown = false;
        change(before);
      }, kind === 'error' ? 12000 : 6000);
    },
    setCapturing(on) {
      const was = visible();
      host.style.setProperty('display', on ? 'none' : '', on ? 'important' : '');
      capturing = on;
      change(was);
    },
    painted() {
      return settled;
    },
    destroy() {
      clearTimeout(toastTimer);
      host.remove();
    },
  };
}
