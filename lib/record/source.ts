/**
 * The flagged item's source HTML, kept with the evidence (record.source, `evidence/<id>/source.html`).
 * Runs in the content script (no zod here): a detached copy of the element with everything that
 * could run or restyle removed (scripts, styles, event-handler attributes, javascript: links,
 * frames), and our own marks removed. Bounded: when the item is larger than SOURCE_MAX_BYTES the
 * flagged element alone is kept; when even that is larger, its text is cut and `truncated` set.
 * It is only ever shown as text, never rendered.
 */
export const SOURCE_MAX_BYTES = 256 * 1024;

const DROP = 'script,style,noscript,iframe,frame,frameset,object,embed,link,meta,template,base';

export interface SourceCapture {
  html: string;
  truncated: boolean;
  /** child-index path from the stored root to the flagged element ('' = the root), null if outside */
  targetPath: string | null;
}

/** 1-based element-child indexes from `root` down to `el`, joined by '/'; null when el is not inside. */
export function pathWithin(root: Element, el: Element | null): string | null {
  if (!el || !root.contains(el)) return null;
  const steps: number[] = [];
  for (let cur: Element = el; cur !== root; cur = cur.parentElement!) {
    steps.unshift(Array.prototype.indexOf.call(cur.parentElement!.children, cur) + 1);
  }
  return steps.join('/');
}

/** The element that `pathWithin` named, in a (re-parsed) copy of the root. */
export function followPath(root: Element, path: string | null): Element | null {
  if (path === null) return null;
  let cur: Element | null = root;
  for (const step of path ? path.split('/') : []) cur = cur?.children[Number(step) - 1] ?? null;
  return cur;
}

/**
 * A sanitised copy's HTML. A dropped element is replaced by an empty <x-removed> so that the child
 * indexes of targetPath stay valid.
 */
function cleanHtml(el: Element): string {
  const copy = el.cloneNode(true) as Element;
  const doc = copy.ownerDocument;
  const all = [copy, ...Array.from(copy.querySelectorAll('*'))];
  for (const e of all) {
    if (e !== copy && e.matches(DROP)) {
      // keep the child position (targetPath counts element children): an empty inert element
      e.replaceWith(doc.createElement('x-removed'));
      continue;
    }
    for (const a of Array.from(e.attributes)) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || n === 'style' || n === 'srcdoc' || n.startsWith('data-asn')
        || (/^(?:href|src|action|formaction|xlink:href)$/.test(n) && /^\s*(?:javascript|vbscript|data):/i.test(a.value) && !/^\s*data:image\//i.test(a.value))) {
        e.removeAttribute(a.name);
      }
    }
  }
  return copy.outerHTML;
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;

export function captureSource(item: Element | null, target: Element | null): SourceCapture | null {
  const root = item ?? target;
  if (!root) return null;
  let html = cleanHtml(root);
  let targetPath = pathWithin(root, target);
  let truncated = false;
  if (byteLength(html) > SOURCE_MAX_BYTES && target && target !== root && root.contains(target)) {
    html = cleanHtml(target);
    targetPath = '';
    truncated = true;
  }
  if (byteLength(html) > SOURCE_MAX_BYTES) {
    let cut = html.slice(0, SOURCE_MAX_BYTES);
    while (byteLength(cut) > SOURCE_MAX_BYTES) cut = cut.slice(0, Math.floor(cut.length * 0.9));
    html = cut;
    truncated = true;
  }
  return { html, truncated, targetPath };
}
