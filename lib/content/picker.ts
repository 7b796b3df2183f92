/**
 * "Pilih di halaman": the monitor fills a form field by clicking the name, link or text in the page
 * instead of typing it. Only trusted clicks and keys count (a page script cannot pick for the
 * monitor); the outline lives in the extension's closed shadow root; the page is not changed.
 * The value is read the way the adapters read (visible text, canonical profile address).
 */
import { fbProfile, igProfile, ttProfile, canonicalUrl } from '../platforms/url';
import { richText, text } from '../platforms/generic';

export type PickKind = 'url' | 'name' | 'text';

export function pickKind(field: string): PickKind {
  return /Url$/.test(field) ? 'url' : /(?:Name|\.name)$/.test(field) ? 'name' : 'text';
}

/** The value a click on `el` gives for a field of this kind; null when there is none there. */
export function pickedValue(el: Element, kind: PickKind, base: string): string | null {
  if (kind === 'url') {
    const href = el.closest('a[href]')?.getAttribute('href');
    if (!href) return null;
    return fbProfile(href, base)?.url ?? igProfile(href, base)?.url ?? ttProfile(href, base)?.url ?? canonicalUrl(href, base);
  }
  if (kind === 'name') {
    const a = el.closest('a[href]');
    return text(a ?? el)?.replace(/^@\s*/, '') ?? a?.getAttribute('aria-label') ?? null;
  }
  return richText(el, false).text;
}

/** A readable path to the picked element (tag:nth-child steps from body), kept with the record. */
export function elementPath(el: Element): string {
  const steps: string[] = [];
  for (let c: Element | null = el; c && c.parentElement && steps.length < 40; c = c.parentElement) {
    steps.unshift(`${c.tagName.toLowerCase()}:nth-child(${Array.prototype.indexOf.call(c.parentElement.children, c) + 1})`);
    if (c.parentElement === c.ownerDocument.body) break;
  }
  return `body > ${steps.join(' > ')}`;
}

export interface PickSession {
  cancel(): void;
}

/**
 * Enter pick mode: outline what the pointer is over (`outline`, drawn in the overlay's closed
 * shadow root), take the first trusted click as the pick (the click does nothing else in the page),
 * Esc cancels. `done` gets the value or null. Events a page script dispatches are ignored.
 */
export function startPick(
  win: Window,
  kind: PickKind,
  hint: (text: string) => void,
  messages: { hint: string; nothing: string; cancelled: string },
  done: (r: { value: string; path: string } | null) => void,
  outline: (box: { left: number; top: number; width: number; height: number } | null) => void = () => undefined,
): PickSession {
  const doc = win.document;
  hint(messages.hint);
  const ac = new AbortController();
  const finish = (r: { value: string; path: string } | null) => {
    ac.abort();
    outline(null);
    done(r);
  };
  doc.addEventListener('mouseover', (ev) => {
    if (!ev.isTrusted || !(ev.target instanceof Element)) return;
    const r = ev.target.getBoundingClientRect();
    outline({ left: r.left, top: r.top, width: r.width, height: r.height });
  }, { capture: true, signal: ac.signal });
  const swallow = (ev: Event) => {
    if (!ev.isTrusted) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
  };
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup']) doc.addEventListener(type, swallow, { capture: true, signal: ac.signal });
  doc.addEventListener('click', (ev) => {
    if (!ev.isTrusted || !(ev.target instanceof Element)) return;
    swallow(ev);
    const value = pickedValue(ev.target, kind, win.location.href);
    if (!value) {
      hint(messages.nothing);
      return;
    }
    finish({ value: value.slice(0, 20_000), path: elementPath(ev.target) });
  }, { capture: true, signal: ac.signal });
  doc.addEventListener('keydown', (ev) => {
    if (!ev.isTrusted || ev.key !== 'Escape') return;
    swallow(ev);
    hint(messages.cancelled);
    finish(null);
  }, { capture: true, signal: ac.signal });
  return { cancel: () => finish(null) };
}
