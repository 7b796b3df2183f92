/**
 * Which element the monitor means. Elements are handed to the background as opaque ids (the
 * background never sees DOM nodes); ids map back through WeakRefs so nothing leaks on long feeds.
 */
let counter = 0;
const byId = new Map<string, WeakRef<Element>>();
let lastContextTarget: WeakRef<Element> | null = null;
let lastHovered: WeakRef<Element> | null = null;

export function registerTarget(el: Element): string {
  const id = `t${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  byId.set(id, new WeakRef(el));
  if (byId.size > 200) {
    for (const [k, ref] of byId) {
      if (!ref.deref()?.isConnected) byId.delete(k);
      if (byId.size <= 100) break;
    }
  }
  return id;
}

export function targetById(id: string | null): Element | null {
  if (!id) return null;
  const el = byId.get(id)?.deref();
  return el?.isConnected ? el : null;
}

export function setContextTarget(el: Element | null): void {
  lastContextTarget = el ? new WeakRef(el) : null;
}
export function contextTarget(): Element | null {
  const el = lastContextTarget?.deref();
  return el?.isConnected ? el : null;
}

export function setHovered(el: Element | null): void {
  lastHovered = el ? new WeakRef(el) : null;
}
/** The last hovered flaggable element, if it is still on screen. */
export function hoveredTarget(win: Window): Element | null {
  const el = lastHovered?.deref();
  if (!el?.isConnected) return null;
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < win.innerHeight ? el : null;
}
