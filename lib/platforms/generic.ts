/**
 * The generic adapter (any other site) and the small helpers every platform adapter builds on:
 * the Extraction draft with first-source-wins fields, text extraction that never uses innerHTML,
 * JSON script scanning, login-wall detection.
 */
import type { CommentInfo, FieldSource, Kind, Platform, PostInfo } from '../record/schema';
import type { ExtractContext, Extraction, ExtractionWarning, PlatformAdapter } from './types';
import { SEE_MORE, parseTimeLabel, type Lang, type TimeParse } from './locale';
import { canonicalUrl, identify, parseUrl, platformOf, type UrlInfo } from './url';

export const DEFAULT_TZ = 'Asia/Jakarta';

/** a precedes b in document order (Node.DOCUMENT_POSITION_FOLLOWING = 4; no global Node needed). */
export const before = (a: Node, b: Node): boolean => !!(a.compareDocumentPosition(b) & 4);

const emptyPost = (): PostInfo => ({
  id: null, url: null, authorName: null, authorUrl: null, text: null, postedAt: null, postedAtLabel: null,
  mediaType: null,
});
const emptyComment = (): CommentInfo => ({
  id: null, url: null, parentId: null, authorName: null, authorUrl: null, text: null, postedAt: null,
  postedAtLabel: null,
});

export function draft(platform: Platform): Extraction {
  return {
    platform, kind: 'page', post: null, comment: null, reaction: null, subject: {},
    fieldSources: { platform: 'url' }, element: null, missing: [], warnings: [], extras: {},
  };
}

/**
 * Set a dot-path field ('post.text', 'subject.name', 'reaction.type') once: the first non-empty value
 * wins, so callers write sources in priority order (url, json, dom, heuristic). Returns true if set.
 */
export function put(x: Extraction, path: string, value: unknown, src: FieldSource): boolean {
  if (value === null || value === undefined || value === '' || (typeof value === 'number' && !Number.isFinite(value))) {
    return false;
  }
  const [head, key] = path.split('.') as [string, string];
  let o: Record<string, unknown>;
  if (head === 'post') o = (x.post ??= emptyPost());
  else if (head === 'comment') o = (x.comment ??= emptyComment());
  else if (head === 'reaction') o = (x.reaction ??= { type: 'unknown', actorName: null, actorUrl: null });
  else if (head === 'subject') o = x.subject;
  else return false;
  const cur = o[key];
  if (cur !== null && cur !== undefined && !(path === 'reaction.type' && cur === 'unknown')) return false;
  o[key] = value;
  x.fieldSources[path] = src;
  return true;
}

export function setKind(x: Extraction, kind: Kind, src: FieldSource): void {
  x.kind = kind;
  x.fieldSources.kind = src;
}

/** Copy what the address says about the post/comment (source 'url' for the page address). */
export function putUrlInfo(x: Extraction, i: UrlInfo, src: FieldSource, withComment: boolean): void {
  put(x, 'post.id', i.postId, src);
  put(x, 'post.url', i.postUrl, src);
  put(x, 'post.mediaType', i.mediaType, src);
  if (withComment) {
    put(x, 'comment.id', i.commentId, src);
    put(x, 'comment.parentId', i.parentId, src);
    put(x, 'comment.url', i.commentUrl, src);
  }
}

const REQUIRED: Partial<Record<Kind, string[]>> = {
  post: ['post.id', 'post.url', 'post.authorName', 'post.authorUrl', 'post.text', 'post.postedAt'],
  comment: ['comment.id', 'comment.url', 'comment.authorName', 'comment.authorUrl', 'comment.text',
    'comment.postedAt', 'post.id', 'post.url'],
  reaction: ['reaction.type', 'reaction.actorName', 'reaction.actorUrl', 'post.id', 'post.url'],
};

/** Shape the result for its kind and list the fields the monitor must fill. */
export function finish(x: Extraction): Extraction {
  const k = x.kind;
  if (k === 'post' || k === 'comment' || k === 'reply' || k === 'reaction') x.post ??= emptyPost();
  if (k === 'comment' || k === 'reply') x.comment ??= emptyComment();
  else x.comment = null;
  if (k === 'reaction') x.reaction ??= { type: 'unknown', actorName: null, actorUrl: null };
  else x.reaction = null;
  if (k === 'profile' || k === 'page') x.post = k === 'page' ? x.post : null;
  for (const f of ['name', 'accountUrl', 'handle'] as const) x.subject[f] ??= null;
  const need = [...(REQUIRED[k === 'reply' ? 'comment' : k] ?? []), 'subject.name', 'subject.accountUrl'];
  if (k === 'reply') need.push('comment.parentId');
  x.missing = need.filter((p) => {
    const [h, f] = p.split('.') as [string, string];
    const o = ((x as unknown as Record<string, Record<string, unknown> | null>)[h]) ?? {};
    const v = o[f];
    return v === null || v === undefined || (p === 'reaction.type' && v === 'unknown');
  });
  offerCandidates(x);
  return x;
}

/** The person field of each kind whose value, when the adapter was not sure, the monitor picks. */
const PERSON_NAME: Partial<Record<Kind, string>> = {
  post: 'post.authorName', comment: 'comment.authorName', reply: 'comment.authorName', reaction: 'reaction.actorName',
};
const ORIGIN: Partial<Record<Platform, string>> = {
  facebook: 'https://www.facebook.com/', instagram: 'https://www.instagram.com/', tiktok: 'https://www.tiktok.com/',
};
const LIKE_LINE = /^(?:liked by|disukai oleh|followed by|diikuti oleh|dan|and|others|lainnya)\b/i;

/**
 * When the adapter left the flagged item's person empty (not sure), list the people the item
 * shows, profile links with a name inside the item and not on a "Liked by" line, for the form to
 * offer (extras.candidates). Never filled in: the monitor chooses.
 */
function offerCandidates(x: Extraction): void {
  const field = PERSON_NAME[x.kind];
  if (!field || !x.element || !x.missing.includes(field)) return;
  const seen = new Map<string, { name: string; url: string }>();
  for (const a of Array.from(x.element.querySelectorAll('a[href]'))) {
    if (seen.size >= 5) break;
    const info = identify(a.getAttribute('href') ?? '', ORIGIN[x.platform] ?? 'https://invalid/');
    const name = (a.getAttribute('aria-label')?.trim() || text(a))?.replace(/^@/, '');
    if (info.kind !== 'profile' || !info.profileUrl || !name || name.length > 80) continue;
    if (LIKE_LINE.test(text(a.parentElement?.parentElement) ?? '')) continue;
    if (!seen.has(info.profileUrl)) seen.set(info.profileUrl, { name, url: info.profileUrl });
  }
  if (seen.size) x.extras.candidates = { [field]: [...seen.values()] };
}

export function warn(x: Extraction, w: ExtractionWarning): void {
  if (!x.warnings.some((o) => o.code === w.code)) x.warnings.push(w);
}

// ------------------------------------------------------------------------------------------------
// Text

/**
 * Invisible characters people use as spacers (word joiner, braille blank, zero-width space, BOM):
 * not part of what the page shows. Zero-width joiners stay (emoji sequences, scripts need them).
 */
const INVISIBLE = /[\u200b\u2060\u2800\ufeff]/g;

/** Text of the nodes a person sees: <svg> titles (icon labels such as "Verified") and scripts left out. */
function visibleText(el: Element): string {
  if (!el.querySelector('svg,script,style,template')) return el.textContent ?? '';
  let out = '';
  const visit = (n: Node): void => {
    if (n.nodeType === 3) out += n.nodeValue ?? '';
    else if (n.nodeType === 1 && !/^(?:svg|script|style|template)$/i.test((n as Element).tagName)) n.childNodes.forEach(visit);
  };
  visit(el);
  return out;
}

/** Visible text with whitespace collapsed; null when empty. Never innerHTML. */
export function text(el: Element | null | undefined): string | null {
  const t = el ? visibleText(el).replace(INVISIBLE, '').replace(/[\s\u00a0]+/g, ' ').trim() : '';
  return t ? t.slice(0, 100_000) : null;
}

const BLOCK = /^(?:DIV|P|LI|UL|OL|H[1-6]|BLOCKQUOTE|SECTION|ARTICLE|HEADER|FOOTER|TABLE|TR)$/;
const SKIP = /^(?:SCRIPT|STYLE|SVG|TEXTAREA|NOSCRIPT|TEMPLATE|VIDEO|AUDIO|CANVAS|INPUT|SELECT)$/;
const NON_LETTER = /^[^\p{L}\p{N}]{1,8}$/u;
const TRAILING_MORE = /\s*(?:…|\.\.\.)\s*(?:lihat selengkapnya|selengkapnya|see more|more)?\s*$/i;
const INLINE_MORE = /\s*(?:…|\.\.\.)\s*(?:lihat selengkapnya|selengkapnya|see more|more)\s*$/i;

export interface RichText {
  text: string | null;
  truncated: boolean;
}

/**
 * Visible text of a message block: emoji <img alt> kept, blocks become lines, "See more" /
 * "Lihat selengkapnya" controls removed. truncated = the control was there and the text was cut
 * (trailing ellipsis), or `controlTruncates` (FB: its control always means the text is cut).
 */
export function richText(el: Element | null | undefined, controlTruncates = true): RichText {
  if (!el) return { text: null, truncated: false };
  let out = '';
  let control = false;
  let controlAt = -1;
  const visit = (n: Node, depth: number): void => {
    if (depth > 60 || out.length > 100_000) return;
    if (n.nodeType === 3) {
      out += n.nodeValue ?? '';
      return;
    }
    if (n.nodeType !== 1) return;
    const e = n as Element;
    const tag = e.tagName.toUpperCase();
    // aria-hidden parts are decoration or controls ("… more", " · "), not the message
    if (SKIP.test(tag) || e.getAttribute('contenteditable') === 'true' || e.getAttribute('aria-hidden') === 'true') return;
    if (tag === 'BUTTON' || e.getAttribute('role') === 'button') {
      // A button is a control, never message text: "See more" in any wording ("Xem thêm", "Ver
      // mais") is recognised as the truncation control by its words or by ending the message.
      const label = text(e) ?? '';
      if (SEE_MORE.test(label)) control = true;
      else if (label.length <= 25) controlAt = out.length;
      else out += label;
      return;
    }
    if (tag === 'IMG') {
      const alt = e.getAttribute('alt') ?? '';
      if (NON_LETTER.test(alt)) out += alt;
      return;
    }
    if (tag === 'BR') {
      out += '\n';
      return;
    }
    // A block inside a link is laid out inline (TikTok's hashtags: <a><p>#tag</p></a>).
    const block = BLOCK.test(tag) && (e.parentElement?.tagName.toUpperCase() ?? '') !== 'A';
    if (block) out += '\n';
    for (const c of Array.from(e.childNodes)) visit(c, depth + 1);
    if (block) out += '\n';
  };
  visit(el, 0);
  if (controlAt >= 0 && !out.slice(controlAt).trim()) control = true;
  let t = out
    .split('\n')
    .map((l) => l.replace(INVISIBLE, '').replace(/[ \t\u00a0\r]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  let truncated = false;
  if (control && (controlTruncates || TRAILING_MORE.test(t))) truncated = true;
  if (!control && INLINE_MORE.test(t)) truncated = true;
  // The control's words go; the ellipsis the page showed stays, so the text says it was cut.
  if (truncated) t = t.replace(TRAILING_MORE, (m) => { const e = /^(\s*)(…|\.\.\.)/.exec(m); return e ? (e[1] ? ' ' : '') + e[2] : ''; });
  return { text: t || null, truncated };
}

/** Record a truncation flag for a field in extras.truncated. */
export function markTruncated(x: Extraction, path: string, truncated: boolean): void {
  const t = ((x.extras.truncated as Record<string, boolean> | undefined) ??= {});
  t[path] = truncated;
}

/** Elements under root matching sel that do not sit inside a nested `boundary` element. */
export function own(root: Element, sel: string, boundary: string): Element[] {
  return Array.from(root.querySelectorAll(sel)).filter((e) => {
    const b = e.parentElement?.closest(boundary);
    return !b || b === root || b.contains(root);
  });
}

export function langOf(doc: Document): Lang | null {
  const l = (doc.documentElement.getAttribute('lang') ?? '').toLowerCase();
  return l.startsWith('id') ? 'id' : l.startsWith('en') ? 'en' : null;
}

/** Put postedAt (heuristic) + postedAtLabel (dom) from a visible label; extras keep precision/date. */
export function putTimeLabel(x: Extraction, obj: 'post' | 'comment', label: string | null, ctx: ExtractContext): TimeParse | null {
  if (!label) return null;
  put(x, `${obj}.postedAtLabel`, label, 'dom');
  const p = parseTimeLabel(label, {
    now: ctx.now ?? new Date(), timeZone: ctx.timeZone ?? DEFAULT_TZ, lang: langOf(ctx.doc),
  });
  if (put(x, `${obj}.postedAt`, p.iso, 'heuristic')) {
    (x.extras as Record<string, unknown>)[`${obj}.postedAtPrecision`] = p.precision;
  }
  if (p.date) (x.extras as Record<string, unknown>)[`${obj}.postedDate`] = p.date;
  return p;
}

/** ISO from a Unix-seconds value (number or numeric string); null when not plausible. */
export function isoFromUnix(v: unknown): string | null {
  const n = typeof v === 'string' && /^\d{9,11}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && n > 1e9 && n < 4.2e9 ? new Date(n * 1000).toISOString() : null;
}

export function isoFromAttr(v: string | null | undefined): string | null {
  if (!v || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

// ------------------------------------------------------------------------------------------------
// Page JSON

/** Parsed JSON of matching <script> tags (bad or huge blobs skipped). */
export function jsonScripts(doc: Document, sel: string): unknown[] {
  const out: unknown[] = [];
  for (const s of Array.from(doc.querySelectorAll(sel))) {
    const t = s.textContent ?? '';
    if (!t || t.length > 8_000_000) continue;
    try {
      out.push(JSON.parse(t));
    } catch { /* not JSON */ }
  }
  return out;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Depth-first walk over plain JSON values; visit returns true to stop descending into that node. */
export function walk(v: unknown, visit: (o: Obj) => boolean | void, budget = { n: 300_000 }, depth = 0): void {
  if (budget.n-- <= 0 || depth > 120 || typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const c of v) walk(c, visit, budget, depth + 1);
    return;
  }
  if (visit(v as Obj)) return;
  for (const k in v as Obj) walk((v as Obj)[k], visit, budget, depth + 1);
}

/** Safe dotted read into parsed JSON. */
export function at(v: unknown, ...path: string[]): unknown {
  for (const k of path) {
    if (!isObj(v) && !Array.isArray(v)) return undefined;
    v = (v as Obj)[k];
  }
  return v;
}

export const str = (v: unknown): string | null =>
  typeof v === 'string' && v ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;

export function meta(doc: Document, name: string): string | null {
  const m = doc.querySelector(`meta[property="${name}"],meta[name="${name}"]`);
  return m?.getAttribute('content')?.trim() || null;
}

export function staleJson(x: Extraction, what: string): void {
  warn(x, {
    code: 'stale_json',
    message: `Data JSON halaman milik ${what} lain (sisa navigasi sebelumnya); diabaikan.`,
  });
}

// ------------------------------------------------------------------------------------------------
// Login walls / checkpoints

export interface WallRules {
  name: string;
  loginPath: RegExp;
  checkpointPath: RegExp;
  loginSel?: string;
  checkpointSel?: string;
  /**
   * Whether the page shows something to flag (posts, comments, rows): a login prompt beside it is
   * no wall. Asked only when a login prompt is shown (it scans the page).
   */
  content?: () => boolean;
}

/**
 * Shown to the person: not hidden by an attribute or an inline style on itself or an ancestor,
 * and not an empty placeholder (TikTok keeps an empty, hidden #tiktok-verify-ele on normal pages).
 */
export function isShown(el: Element): boolean {
  for (let c: Element | null = el; c; c = c.parentElement) {
    if (c.hasAttribute('hidden') || c.getAttribute('aria-hidden') === 'true') return false;
    if (/(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(c.getAttribute('style') ?? '')) return false;
  }
  return !!(el.textContent?.trim() || el.querySelector('img,iframe,input,canvas,button') || el.matches('input,iframe'));
}

const shownMatch = (doc: Document, sel: string | undefined): boolean =>
  !!sel && Array.from(doc.querySelectorAll(sel)).some(isShown);

/**
 * A login wall or checkpoint, by what the person sees: the address says so, or a visible
 * challenge; a visible login form only when the page shows nothing to flag (logged-out post pages
 * show the post under a login prompt, and that post is evidence).
 */
export function detectWall(doc: Document, u: URL, r: WallRules): ExtractionWarning | null {
  if (r.checkpointPath.test(u.pathname) || shownMatch(doc, r.checkpointSel)) {
    return {
      code: 'checkpoint',
      message: `${r.name} menampilkan pemeriksaan keamanan (checkpoint/captcha); data tidak dibaca.`,
    };
  }
  if (r.loginPath.test(u.pathname) || ((shownMatch(doc, 'input[type=password]') || shownMatch(doc, r.loginSel)) && !r.content?.())) {
    return {
      code: 'login_wall',
      message: `${r.name} meminta login; data tidak dibaca. Masuk dulu, lalu tandai lagi.`,
    };
  }
  return null;
}

/** A walled page: keep only what the address itself proves; no DOM or JSON data. */
export function walled(x: Extraction, w: ExtractionWarning, i: UrlInfo): Extraction {
  x.warnings.push(w);
  setKind(x, i.postId ? 'post' : 'page', 'url');
  if (i.postId) putUrlInfo(x, i, 'url', false);
  return finish(x);
}

/** Nothing recognisable was flagged: a page-level record with a warning. */
export function noTarget(x: Extraction, t: Element | null): Extraction {
  x.warnings.push({ code: 'no_target', message: 'Tidak ada postingan yang dikenali di sini.' });
  setKind(x, 'page', t ? 'dom' : 'url');
  return finish(x);
}

/** A profile page flagged as a whole: subject from the address, name from the page heading. */
export function profilePage(x: Extraction, doc: Document, i: UrlInfo, nameSel: readonly string[]): Extraction {
  setKind(x, 'profile', 'url');
  put(x, 'subject.accountUrl', i.profileUrl, 'url');
  put(x, 'subject.handle', i.handle, 'url');
  for (const s of nameSel) put(x, 'subject.name', text(doc.querySelector(s)), 'dom');
  return finish(x);
}

// ------------------------------------------------------------------------------------------------
// The generic adapter

export const generic: PlatformAdapter = {
  platform: 'other',
  matches: () => true,
  extract(ctx: ExtractContext): Extraction {
    const u = parseUrl(ctx.url);
    const x = draft(u ? platformOf(u) : 'other');
    const doc = ctx.doc;
    const t = ctx.target;
    if (!t) {
      setKind(x, 'page', 'url');
      return finish(x);
    }
    setKind(x, 'post', 'dom');
    const el = t.closest('article') ?? t;
    x.element = el;
    const link = doc.querySelector('link[rel=canonical]')?.getAttribute('href') ?? meta(doc, 'og:url');
    put(x, 'post.url', canonicalUrl(link ?? '', ctx.url), 'dom');
    put(x, 'post.url', canonicalUrl(ctx.url), 'url');
    put(x, 'post.authorName', meta(doc, 'author'), 'dom');
    put(x, 'post.postedAt', isoFromAttr(el.querySelector('time[datetime]')?.getAttribute('datetime')), 'dom');
    put(x, 'post.postedAt', isoFromAttr(meta(doc, 'article:published_time')), 'dom');
    const rt = richText(el, false);
    put(x, 'post.text', rt.text?.slice(0, 20_000), 'dom');
    return finish(x);
  },
  flaggableElements: () => [],
};

/** Resolve an href against the page, returning the identity the address carries. */
export function linkInfo(a: Element, base: string): UrlInfo {
  return identify(a.getAttribute('href') ?? '', base);
}
