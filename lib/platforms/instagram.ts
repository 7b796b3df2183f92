/**
 * Instagram adapter. The markup is class-free: a comment row is the nearest ancestor of the flagged
 * element that holds exactly one <time> whose link is a /c/ comment permalink; the post is the
 * surrounding article / dialog / main. Every <time> has an exact UTC datetime. data-sjs media JSON is
 * used only when its shortcode equals the resolved one (it is stale after in-app navigation).
 */
import type { ExtractContext, Extraction, PlatformAdapter } from './types';
import {
  at, before, detectWall, draft, noTarget, finish, isObj, isoFromAttr, isoFromUnix, jsonScripts, langOf, markTruncated,
  profilePage, put, putUrlInfo, richText, setKind, staleJson, str, text, walk, walled,
} from './generic';
import { parseCount } from './locale';
import { identify, igProfile, igProfileUrl, igShortcodeToPk, parseUrl, platformOf, type UrlInfo } from './url';

/**
 * All Instagram selectors, ordered fallbacks in one string. Each "checked:" line names the fixtures
 * (tests/fixtures/platforms/instagram/NAME.html) the selector was verified on; tests/unit/platforms/
 * selectors.test.ts re-checks that it matches there. Plain tag selectors (a[href], img) are not listed.
 */
export const SEL = {
  /** checked: ig-modal-over-feed-en, ig-likers-dialog-id */
  dialog: '[role=dialog]',
  /** checked: ig-feed-post-truncated-en, ig-modal-over-feed-en */
  article: 'article',
  /** checked: ig-post-carousel-id, ig-feed-post-truncated-en */
  main: 'main,[role=main]',
  /** checked: ig-comment-truncated-id, ig-reply-structural-id */
  commentLink: 'a[href*="/c/"]',
  /** checked: ig-post-carousel-id, ig-modal-over-feed-en */
  caption: 'h1',
  /** checked: ig-post-carousel-id, ig-feed-post-truncated-en */
  header: 'header a[href]',
  /** checked: ig-post-carousel-id, ig-feed-post-truncated-en */
  likedBy: 'a[href$="/liked_by/"]',
  /** checked: ig-post-carousel-id, ig-stale-json-id */
  json: 'script[type="application/json"][data-sjs]',
  /** checked: ig-post-carousel-id (carousel "next" button, en + id) */
  next: 'button[aria-label="Berikutnya"],button[aria-label="Next"]',
  /** checked: ig-likers-dialog-id */
  heading: 'h1,h2,[role=heading]',
  /** checked: ig-comment-truncated-id, ig-feed-post-truncated-en (row text, not inside a link) */
  textSpan: 'span[dir=auto],h1',
  /** checked: ig-post-carousel-id, ig-feed-post-truncated-en (every time has an ISO datetime) */
  time: 'time',
  /** checked: ig-login-wall-id */
  login: 'form#loginForm,input[name=password]',
  /** checked: ig-profile-page-en */
  profileName: ['header section span[dir=auto]', 'header h2'],
} as const;

const REPLIES_TOGGLE = /^(?:lihat balasan|view replies|view all \d+ replies|sembunyikan balasan|hide replies|lihat semua \d+ balasan)/i;
const LIKERS_TITLE = /^(?:suka|likes|menyukai)$/i;

const times = (el: Element): Element[] => Array.from(el.querySelectorAll(SEL.time));

/** A grid tile (profile, saved, explore): a link to a post that shows its picture and no time. */
function isTile(a: Element): boolean {
  return a.matches('a[href]') && !a.matches(SEL.likedBy) && !!a.querySelector('img') && !a.querySelector(SEL.time) &&
    identify(a.getAttribute('href') ?? '', 'https://www.instagram.com/').kind === 'post';
}
const tilesIn = (el: ParentNode): Element[] => Array.from(el.querySelectorAll('a[href]')).filter(isTile);
/** The reels viewer (/reels/{code}/): each reel names its author by a link to their reels tab. */
const REELS_TAB = /^\/([A-Za-z0-9._]{1,30})\/reels\/?$/;
const reelAuthorLinks = (root: ParentNode): Element[] =>
  Array.from(root.querySelectorAll('a[href$="/reels/"],a[href$="/reels"]')).filter((a) => REELS_TAB.test(a.getAttribute('href') ?? ''));
/** A reel of the viewer: the largest ancestor of its author link that holds one video and no other reel. */
function reelItemOf(a: Element): Element | null {
  let item: Element | null = null;
  for (let c = a.parentElement; c && !c.matches(SEL.main); c = c.parentElement) {
    if (reelAuthorLinks(c).length > 1 || c.querySelectorAll('video').length > 1) break;
    if (c.querySelector('video')) item = c;
  }
  return item;
}

/**
 * A reel in the viewer carries no link to itself; its poster's ig_cache_key is base64 of its media
 * pk (followed by the owner's id). It is the addressed reel only when that pk is the address's.
 */
function reelIsAddressed(item: Element, code: string | null): boolean {
  const pk = code ? igShortcodeToPk(code) : null;
  if (!pk) return false;
  return Array.from(item.querySelectorAll('img[src*="ig_cache_key="]')).some((img) => {
    try {
      const key = new URL(img.getAttribute('src') ?? '', 'https://www.instagram.com/').searchParams.get('ig_cache_key') ?? '';
      return atob(key.split('.')[0] ?? '').startsWith(pk);
    } catch {
      return false;
    }
  });
}

function extractReel(x: Extraction, ctx: ExtractContext, item: Element, authorA: Element): void {
  setKind(x, 'post', 'dom');
  x.element = item;
  const page = identify(ctx.url);
  if (reelIsAddressed(item, page.postId)) putUrlInfo(x, page, 'url', false);
  const handle = REELS_TAB.exec(authorA.getAttribute('href') ?? '')![1]!;
  put(x, 'post.authorName', text(authorA) ?? handle, 'dom');
  put(x, 'post.authorUrl', igProfileUrl(handle), 'dom');
  // The caption is the first text block after the author line; the viewer makes it a button (a
  // click expands it), so buttons are not skipped here, only the author's own line.
  const cap = Array.from(item.querySelectorAll('[dir=auto]')).find((e) => {
    if (!before(authorA, e) || e.contains(authorA) || e.closest('a')) return false;
    const t = richText(e, false).text ?? '';
    return !SEPARATOR.test(t) && !ROW_LABEL.test(t);
  });
  const rt = richText(cap ?? null, false);
  if (put(x, 'post.text', rt.text, 'dom')) markTruncated(x, 'post.text', rt.truncated || !!cap?.querySelector('[aria-hidden=true]'));
  put(x, 'post.mediaType', 'reel', 'dom');
}

/** An <article> holding several tiles is a grid, not a post. */
const isGrid = (el: Element): boolean => tilesIn(el).length > 1;

/** Nearest ancestor of el (inclusive) containing a <time>. */
function firstTimed(el: Element, stop: Element | null): Element | null {
  for (let c: Element | null = el; c && c !== stop?.parentElement; c = c.parentElement) if (times(c).length) return c;
  return null;
}

/** The post container around el: article, dialog, or main. */
const postOf = (el: Element): Element | null => {
  const art = el.closest(SEL.article);
  return (art && !isGrid(art) ? art : null) ?? el.closest(SEL.dialog) ?? el.closest(SEL.main) ?? el.ownerDocument.body;
};

/**
 * A grid tile names its post; its author only when the address shape says so: /{user}/p/{code}/
 * links, or the tiles of a profile's own grid (/{user}/). Never from the alt text (machine text).
 */
function extractTile(x: Extraction, ctx: ExtractContext, tile: Element): void {
  setKind(x, 'post', 'dom');
  x.element = tile;
  const info = identify(tile.getAttribute('href') ?? '', ctx.url);
  putUrlInfo(x, info, 'dom', false);
  const page = identify(ctx.url);
  const owner = info.handle ? { handle: info.handle, url: info.profileUrl } : page.kind === 'profile' && page.handle
    ? { handle: page.handle, url: page.profileUrl } : null;
  if (owner?.url) {
    put(x, 'post.authorName', owner.handle, info.handle ? 'dom' : 'url');
    put(x, 'post.authorUrl', owner.url, info.handle ? 'dom' : 'url');
  }
}

/** Own post link of a container: a /p|reel|tv/ link holding a <time>, not a comment link. */
function postLink(p: Element, base: string): { a: Element; info: UrlInfo } | null {
  for (const t of times(p)) {
    const a = t.closest('a[href]');
    if (!a) continue;
    const info = identify(a.getAttribute('href') ?? '', base);
    if (info.kind === 'post') return { a, info };
  }
  return null;
}

function mediaItems(doc: Document): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const j of jsonScripts(doc, SEL.json)) {
    walk(j, (o) => {
      if (typeof o.code === 'string' && ('taken_at' in o || 'pk' in o) && isObj(o.user)) {
        out.push(o);
        return true;
      }
    });
  }
  return out;
}

const LIKED_BY = /^(?:liked by|disukai oleh|followed by|diikuti oleh)\b/i;
/** A link in a "Liked by X and others" / "Followed by" line: never the author of anything. */
function inLikedBy(a: Element): boolean {
  if (a.matches(SEL.likedBy)) return true;
  for (let c = a.parentElement, d = 0; c && d < 4; c = c.parentElement, d++) if (LIKED_BY.test(text(c) ?? '')) return true;
  return false;
}

/** Author link of a block: first single-segment profile link with text (not a @mention, not "Liked by"). */
function authorLink(el: Element): { a: Element; handle: string; url: string } | null {
  for (const a of Array.from(el.querySelectorAll('a[href]'))) {
    const t = text(a);
    const p = igProfile(a.getAttribute('href') ?? '');
    if (p && t && !t.startsWith('@') && !inLikedBy(a)) return { a, ...p };
  }
  return null;
}

const SEPARATOR = /^[\s•·|]*$/;
const ROW_LABEL = /^(?:edited|diedit|verified|terverifikasi|follow|following|ikuti|mengikuti|reply|balas|see translation|lihat terjemahan|author|pembuat|creator|kreator)$/i;

/**
 * The message of a caption or comment row: the first block after the author link that holds neither
 * the author link nor a <time>, is not inside a link or button, and is not a separator or a row label
 * ("Edited", "Reply", "See translation"). Found by structure, not by position in a list of spans
 * (2025 rows wrap the username link itself in a span[dir=auto]; captions may carry @mention links).
 */
function rowText(row: Element, author: Element | null): Element | null {
  for (const e of Array.from(row.querySelectorAll('h1,div,span'))) {
    if (author && (!before(author, e) || e.contains(author))) continue;
    if (e.querySelector('time') || e.closest('a,button,[role=button],time') || e.querySelector(SEL.likedBy)) continue;
    // a block holding a username link (not an @mention) is a name line, not a message
    if (Array.from(e.querySelectorAll('a[href]')).some((a) => igProfile(a.getAttribute('href') ?? '') && !(text(a) ?? '').startsWith('@'))) continue;
    const t = richText(e, false).text;
    if (!t || SEPARATOR.test(t) || ROW_LABEL.test(t) || LIKED_BY.test(t)) continue;
    return e;
  }
  return null;
}

/** The caption row of a post page: the row of the first <time> that is neither a comment's nor the post's own permalink. */
function captionRow(p: Element, base: string): { row: Element; time: Element } | null {
  for (const t of times(p)) {
    const a = t.closest('a[href]');
    if (a && identify(a.getAttribute('href') ?? '', base).kind !== 'profile') continue;
    const row = rowOfTime(t, p);
    if (authorLink(row)) return { row, time: t };
  }
  return null;
}

function fillPost(x: Extraction, ctx: ExtractContext, p: Element | null, pagePost: boolean): void {
  const page = identify(ctx.url);
  if (pagePost && page.postId) putUrlInfo(x, page, 'url', false);
  const own = p ? postLink(p, ctx.url) : null;
  if (own) putUrlInfo(x, own.info, 'dom', false);
  const code = x.post?.id ?? null;
  const items = code ? mediaItems(ctx.doc) : [];
  const it = items.find((i) => i.code === code);
  if (it) {
    const user = str(at(it, 'user', 'username'));
    put(x, 'post.authorName', str(at(it, 'user', 'full_name')), 'json');
    put(x, 'post.authorUrl', user ? igProfileUrl(user) : null, 'json');
    if (put(x, 'post.text', str(at(it, 'caption', 'text')), 'json')) markTruncated(x, 'post.text', false);
    put(x, 'post.postedAt', isoFromUnix(it.taken_at), 'json');
    const mt = it.media_type;
    const pt = it.product_type;
    put(x, 'post.mediaType', pt === 'clips' ? 'reel' : mt === 8 || pt === 'carousel_container' ? 'carousel'
      : mt === 2 ? 'video' : mt === 1 ? 'photo' : null, 'json');
    x.extras.mediaPk = str(it.pk);
    x.extras.jsonCounts = { likes: it.like_count ?? null, comments: it.comment_count ?? null, plays: it.play_count ?? null };
    x.extras.authorHandle = user;
  } else if (items.length && pagePost) staleJson(x, 'postingan / post');
  if (!p) return;
  const hdr = Array.from(p.querySelectorAll(SEL.header)).map((a) => ({ a, pr: igProfile(a.getAttribute('href') ?? '') }))
    .find((h) => h.pr && text(h.a) && !inLikedBy(h.a));
  const capRow = captionRow(p, ctx.url);
  const capAuthor = capRow ? authorLink(capRow.row) : null;
  // The post's own permalink names its author when it has the /{username}/p/{code}/ shape.
  const byLink = own?.info.handle && own.info.profileUrl ? { handle: own.info.handle, url: own.info.profileUrl } : null;
  const au = hdr ? { a: hdr.a, ...hdr.pr! } : capAuthor ?? (own && !byLink ? authorLink(rowOfTime(own.a, p)) : null);
  if (byLink && (!au || au.url === byLink.url)) {
    put(x, 'post.authorName', au ? text(au.a) : byLink.handle, 'dom');
    put(x, 'post.authorUrl', byLink.url, 'dom');
    x.extras.authorHandle ??= byLink.handle;
  } else if (au && !byLink) {
    put(x, 'post.authorName', text(au.a), 'dom');
    put(x, 'post.authorUrl', au.url, 'dom');
    x.extras.authorHandle ??= au.handle;
  }
  const cap = p.querySelector(SEL.caption) ?? (capRow ? rowText(capRow.row, capAuthor?.a ?? null) : null) ??
    (own && !capRow ? rowText(rowOfTime(own.a, p), null) : null);
  const rt = richText(cap, false);
  if (put(x, 'post.text', rt.text, 'dom')) markTruncated(x, 'post.text', rt.truncated);
  if (own) {
    const t = own.a.querySelector('time');
    put(x, 'post.postedAt', isoFromAttr(t?.getAttribute('datetime')), 'dom');
    put(x, 'post.postedAtLabel', text(t), 'dom');
  }
  put(x, 'post.mediaType', p.querySelector(SEL.next) ? 'carousel' : p.querySelector('video') ? 'video'
    : p.querySelector('img') ? 'photo' : null, 'heuristic');
  const liked = p.querySelector(SEL.likedBy);
  if (liked) x.extras.counts = { likes: parseCount(text(liked), langOf(ctx.doc)) };
}

/** Row around a time link: climb while the parent holds no other <time>, then drop one-child wrappers. */
function rowOfTime(a: Element, stop: Element): Element {
  let r: Element = a;
  while (r.parentElement && r.parentElement !== stop && times(r.parentElement).length <= 1) r = r.parentElement;
  while (r.children.length === 1 && r.firstElementChild!.querySelector('time')) r = r.firstElementChild!;
  return r;
}

function subjectFromPost(x: Extraction): void {
  const p = x.post;
  if (!p) return;
  put(x, 'subject.name', p.authorName, x.fieldSources['post.authorName']!);
  put(x, 'subject.accountUrl', p.authorUrl, x.fieldSources['post.authorUrl']!);
  put(x, 'subject.handle', p.authorUrl ? igProfile(p.authorUrl)?.handle : null, x.fieldSources['post.authorUrl']!);
}

function extractComment(x: Extraction, ctx: ExtractContext, row: Element, link: Element, p: Element | null): void {
  x.element = row;
  const info = identify(link.getAttribute('href') ?? '', ctx.url);
  let parent: string | null = info.parentId;
  if (!parent) {
    // Replies sit after a "Lihat balasan (n)" / "View replies" toggle that follows their parent comment.
    outer: for (let c: Element | null = row, d = 0; c && c !== p && d < 6; c = c.parentElement, d++) {
      let toggle = false;
      for (let s = c.previousElementSibling; s; s = s.previousElementSibling) {
        if (!toggle && REPLIES_TOGGLE.test(text(s) ?? '')) toggle = true;
        else if (toggle) {
          const l = s.querySelector(SEL.commentLink);
          parent = l ? identify(l.getAttribute('href') ?? '', ctx.url).commentId : null;
          if (parent) break outer;
        }
      }
    }
    if (parent) put(x, 'comment.parentId', parent, 'heuristic');
  }
  setKind(x, parent ? 'reply' : 'comment', 'dom');
  const page = identify(ctx.url);
  const samePost = !!page.postId && page.postId === info.postId;
  if (samePost) putUrlInfo(x, page, 'url', page.commentId === info.commentId);
  putUrlInfo(x, info, 'dom', true);
  fillPost(x, ctx, p, samePost);
  const au = authorLink(row);
  put(x, 'comment.authorName', au ? text(au.a) : null, 'dom');
  put(x, 'comment.authorUrl', au?.url, 'dom');
  const t = link.querySelector('time');
  put(x, 'comment.postedAt', isoFromAttr(t?.getAttribute('datetime')), 'dom');
  put(x, 'comment.postedAtLabel', text(t), 'dom');
  const rt = richText(rowText(row, au?.a ?? null), false);
  if (put(x, 'comment.text', rt.text, 'dom')) markTruncated(x, 'comment.text', rt.truncated);
  put(x, 'subject.name', au ? text(au.a) : null, 'dom');
  put(x, 'subject.accountUrl', au?.url, 'dom');
  put(x, 'subject.handle', au?.handle, 'dom');
}

/** A row of the "Suka"/"Likes" dialog: the largest ancestor naming a single account. */
function likerRow(t: Element, dlg: Element): Element | null {
  const users = (el: Element): Set<string> => new Set(Array.from(el.querySelectorAll('a[href]'))
    .map((a) => igProfile(a.getAttribute('href') ?? '')?.handle).filter((h): h is string => !!h));
  let r: Element | null = null;
  for (let c: Element | null = t; c && c !== dlg; c = c.parentElement) {
    const n = users(c).size;
    if (n > 1) break;
    if (n === 1) r = c;
  }
  return r;
}

export const instagram: PlatformAdapter = {
  platform: 'instagram',
  matches: (u) => platformOf(u) === 'instagram',
  extract(ctx) {
    const x = draft('instagram');
    const u = parseUrl(ctx.url);
    if (!u) return finish(x);
    const page = identify(ctx.url);
    const w = detectWall(ctx.doc, u, {
      name: 'Instagram', loginPath: /^\/accounts\/login/, checkpointPath: /^\/(?:challenge|accounts\/suspended)\//,
      loginSel: SEL.login,
      content: () => instagram.flaggableElements!(ctx.doc).length > 0,
    });
    if (w) return walled(x, w, page);
    const t = ctx.target;

    if (t) {
      const dlg = t.closest(SEL.dialog);
      const title = dlg ? text(dlg.querySelector(SEL.heading)) : null;
      if (dlg && !times(dlg).length && LIKERS_TITLE.test(title ?? '')) {
        const row = likerRow(t, dlg);
        if (row) {
          setKind(x, 'reaction', 'dom');
          x.element = row;
          put(x, 'reaction.type', 'like', 'dom');
          const au = authorLink(row)!;
          const full = Array.from(row.querySelectorAll('span')).find((s) => !s.closest('a,button,[role=button]') && text(s));
          put(x, 'reaction.actorName', text(full) ?? text(au.a), 'dom');
          put(x, 'reaction.actorUrl', au.url, 'dom');
          put(x, 'subject.name', x.reaction!.actorName, 'dom');
          put(x, 'subject.accountUrl', au.url, 'dom');
          put(x, 'subject.handle', au.handle, 'dom');
          putUrlInfo(x, page, 'url', false);
          return finish(x);
        }
      }
      const reelA = reelAuthorLinks(ctx.doc).find((a) => reelItemOf(a)?.contains(t));
      if (reelA) {
        extractReel(x, ctx, reelItemOf(reelA)!, reelA);
        subjectFromPost(x);
        return finish(x);
      }
      const tile = t.closest('a[href]');
      if (tile && isTile(tile) && (!tile.closest(SEL.article) || isGrid(tile.closest(SEL.article)!))) {
        extractTile(x, ctx, tile);
        subjectFromPost(x);
        return finish(x);
      }
      const p = postOf(t);
      const timed = firstTimed(t, p);
      const ts = timed ? times(timed) : [];
      const link = ts.length === 1 ? ts[0]!.closest(SEL.commentLink) : null;
      if (link && p) {
        extractComment(x, ctx, rowOfTime(link, p), link, p);
        return finish(x);
      }
    }

    let p: Element | null = t ? postOf(t) : null;
    if (!t && page.postId) {
      p = Array.from(ctx.doc.querySelectorAll(SEL.dialog)).find((d) => postLink(d, ctx.url)) ??
        ctx.doc.querySelector(SEL.main);
    }
    if (!t && !page.postId) {
      if (page.kind === 'profile') return profilePage(x, ctx.doc, page, SEL.profileName);
      return noTarget(x, t);
    }
    const own = p ? postLink(p, ctx.url) : null;
    const pagePost = !t || !!p?.closest(SEL.dialog) || (!!page.postId && own?.info.postId === page.postId) ||
      (!own && !!page.postId && !p?.closest(SEL.article));
    setKind(x, 'post', t ? 'dom' : 'url');
    x.element = p;
    fillPost(x, ctx, p, pagePost);
    subjectFromPost(x);
    return finish(x);
  },
  flaggableElements(root) {
    const arts = Array.from(root.querySelectorAll(SEL.article));
    const out: Element[] = arts.filter((a) => !isGrid(a));
    // Reels of the /reels/ viewer
    for (const a of reelAuthorLinks(root)) {
      const item = reelItemOf(a);
      if (item && !out.includes(item)) out.push(item);
    }
    // Grid tiles (profile, saved, explore) outside a single post
    for (const tile of tilesIn(root)) if (!out.some((o) => o.contains(tile))) out.push(tile);
    // A post page or post modal without <article> (2025): its caption row stands for the post.
    for (const c of Array.from(root.querySelectorAll(`${SEL.dialog},${SEL.main}`))) {
      if (c.querySelector(SEL.article) || out.some((o) => o.contains(c))) continue;
      const cap = captionRow(c, 'https://www.instagram.com/');
      if (cap && !out.includes(cap.row)) out.push(cap.row);
    }
    for (const l of Array.from(root.querySelectorAll(SEL.commentLink))) {
      const p = postOf(l) ?? l.ownerDocument.body;
      if (l.querySelector('time')) out.push(rowOfTime(l, p));
    }
    return out;
  },
};
