/**
 * Facebook (Comet UI) adapter. Resolution runs from the flagged element upward: reactor row in a
 * reactions dialog, comment/reply article, post article; a permalink dialog over a live feed wins over
 * the feed when nothing was flagged. Identity from URLs first (page address, the post's own permalink,
 * the comment's time link), then data-sjs Story JSON only when its id matches, then DOM, then locale rules.
 */
import type { ExtractContext, Extraction, PlatformAdapter } from './types';
import {
  before, detectWall, draft, noTarget, finish, isoFromUnix, jsonScripts, langOf, markTruncated, own, profilePage, put,
  putTimeLabel, putUrlInfo, richText, setKind, staleJson, str, text, walk, walled, at,
} from './generic';
import { isTimeLabel, parseCount, reactionFromLabel } from './locale';
import { fbCommentIds, fbCommentUrl, fbProfile, identify, parseUrl, platformOf, type UrlInfo } from './url';

/**
 * All Facebook selectors, ordered fallbacks in one string. Each "checked:" line names the fixtures
 * (tests/fixtures/platforms/facebook/NAME.html) the selector was verified on; tests/unit/platforms/
 * selectors.test.ts re-checks that it matches there. Plain tag selectors (a[href], img) are not listed.
 */
export const SEL = {
  /** checked: fb-permalink-dialog-post-id, fb-reactions-dialog-suka-id */
  dialog: '[role=dialog]',
  /** checked: fb-permalink-dialog-post-id, fb-comment-base64-en, fb-group-post-en */
  article: '[role=article]',
  /** checked: fb-feed-post-truncated-en, fb-photo-post-id */
  postWrap: '[aria-posinset],[data-pagelet^=FeedUnit]',
  /** checked: fb-permalink-dialog-comment-id, fb-permalink-dialog-reply-id */
  commentWrap: '[data-commentid]',
  /** checked: fb-permalink-dialog-post-id, fb-group-post-en, fb-feed-post-truncated-en */
  author: '[data-ad-rendering-role=profile_name] a[href]',
  /** checked: fb-permalink-dialog-post-id, real/fb-group-post-dialog-gif-comments-2026-vi (marks a post's author line) */
  profileMark: '[data-ad-rendering-role=profile_name]',
  /** checked: fb-reel-en, fb-feed-target-behind-dialog-id */
  authorFallback: 'h2 a[href],h3 a[href],h4 a[href],strong a[href]',
  /** checked: fb-permalink-dialog-post-id, fb-feed-post-truncated-en */
  message: '[data-ad-rendering-role=story_message],[data-ad-preview=message],[data-ad-comet-preview=message]',
  /** checked: fb-permalink-dialog-comment-id, fb-comment-base64-en */
  commentText: 'span[dir=auto][lang],div[dir=auto]',
  /** checked: fb-permalink-dialog-reply-id (text block without lang, widened to its span) */
  commentSpan: 'span[dir=auto]',
  /** checked: fb-reactions-dialog-suka-id, fb-reactions-dialog-all-en */
  tablist: '[role=tablist]',
  /** checked: fb-reactions-dialog-suka-id, fb-reactions-dialog-all-en */
  selectedTab: '[role=tab][aria-selected=true]',
  /** checked: fb-reactions-dialog-suka-id, fb-reactions-dialog-all-en */
  reactorRow: '[role=listitem],[data-visualcompletion=ignore-dynamic]',
  /** checked: fb-reactions-dialog-suka-id (row badge; alt usually empty, so only a fallback) */
  badge: 'img[alt]',
  /** checked: fb-feed-target-behind-dialog-id, fb-video-watch-en, fb-group-post-en */
  video: 'video,[role=group][aria-label="Video player"],[role=group][aria-label="Pemutar video"]',
  /** checked: fb-photo-post-id, fb-permalink-dialog-post-id */
  photo: 'a[href*="/photo"] img',
  /** checked: fb-permalink-dialog-post-id, fb-post-page-en */
  toolbar: '[role=toolbar] [role=button][aria-label]',
  /** checked: fb-permalink-dialog-post-id, fb-stale-json-id */
  json: 'script[type="application/json"][data-sjs]',
  /** checked: fb-login-wall-id (also any input[type=password]) */
  login: '#login_form,form[action*="/login"],[data-testid=royal_login_form]',
  /** checked: fb-checkpoint-en (also the /checkpoint/ path) */
  checkpoint: 'form[action*="/checkpoint/"]',
  /** checked: fb-reel-en */
  main: '[role=main]',
  /** checked: fb-profile-page-id */
  profileName: ['[role=main] h1'],
} as const;

/** "Comment by Budi 2 h", "Komentar oleh Budi 2 jam", "Reply by X to Y's comment 1d", "Balasan oleh …". */
const COMMENT_LABEL = /^(comment|komentar|reply|balasan)\s+(?:by|oleh|dari)\s+(.{1,200})$/i;
const COUNT_WORDS: Array<[string, RegExp]> = [
  ['comments', /\b(?:comments?|komentar)\b/i],
  ['shares', /\b(?:shares?|dibagikan|bagikan)\b/i],
  ['views', /\b(?:views?|tayangan|x ditonton|ditonton)\b/i],
];

const isReactionsDialog = (d: Element): boolean => !!d.querySelector(SEL.tablist);
/**
 * A comment or reply: labelled so (en/id), inside a comment wrapper, or, in any language, an
 * article whose own links carry a comment id (its time link and author link do).
 */
const isComment = (a: Element): boolean =>
  COMMENT_LABEL.test(a.getAttribute('aria-label') ?? '') || !!a.closest(SEL.commentWrap) ||
  own(a, 'a[href*="comment_id="]', SEL.article).length > 0;

/**
 * A post without role=article (2026 group dialogs): the largest ancestor of its author marker
 * (data-ad-rendering-role=profile_name) that holds no other post's marker, below the page regions.
 */
function markedPost(el: Element): Element | null {
  const mark = el.closest(SEL.profileMark) ?? null;
  let c: Element | null = mark ?? el;
  let found: Element | null = null;
  for (; c && !c.matches('body,[role=main],[role=feed],[role=dialog]'); c = c.parentElement) {
    const n = c.querySelectorAll(SEL.profileMark).length;
    if (n > 1) break;
    if (n === 1 && !c.closest(SEL.article)) found = c;
  }
  return found;
}

/** Nearest non-comment post container above `el` (article, feed unit, or the dialog itself). */
function postOf(el: Element): Element | null {
  let a = el.closest(SEL.article);
  while (a && isComment(a)) a = a.parentElement?.closest(SEL.article) ?? null;
  if (a) return a;
  const w = el.closest(SEL.postWrap);
  if (w) return w;
  const d = el.closest(SEL.dialog);
  if (d && !isReactionsDialog(d)) return firstPost(d) ?? d;
  return markedPost(el);
}

function firstPost(root: ParentNode): Element | null {
  return Array.from(root.querySelectorAll(SEL.article)).find((a) => !isComment(a)) ?? null;
}

/** The modal permalink dialog's post (not a reactions dialog). */
function dialogPost(doc: Document): Element | null {
  for (const d of Array.from(doc.querySelectorAll(SEL.dialog))) {
    if (!isReactionsDialog(d)) {
      const p = firstPost(d);
      if (p) return p;
    }
  }
  return null;
}

/** Filter: the element belongs to post p itself, not to one of its comments. */
const notInComment = (p: Element) => (e: Element): boolean => {
  const art = e.closest(SEL.article);
  return (!art || art === p || !isComment(art)) && !e.closest(SEL.commentWrap);
};
const postAnchors = (p: Element): Element[] => Array.from(p.querySelectorAll('a[href]')).filter(notInComment(p));

/** The post's own permalink: a post-shaped link without comment ids; a time-labelled one first. */
function permalink(p: Element, base: string): { a: Element; info: UrlInfo } | null {
  let best: { a: Element; info: UrlInfo; rank: number } | null = null;
  for (const a of postAnchors(p)) {
    const info = identify(a.getAttribute('href') ?? '', base);
    if (info.kind !== 'post') continue;
    const label = a.getAttribute('aria-label') || text(a);
    const rank = (isTimeLabel(label) ? 0 : 2) + (info.mediaType === 'photo' ? 1 : 0);
    if (!best || rank < best.rank) best = { a, info, rank };
  }
  return best;
}

/** Story nodes of the page's Relay JSON (platforms.md: post_id, url, actors, message, creation_time). */
function stories(doc: Document): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const j of jsonScripts(doc, SEL.json)) {
    walk(j, (o) => {
      if (o.__typename === 'Story' && ('post_id' in o || 'url' in o)) return !!out.push(o);
    });
  }
  return out;
}

/** Fill the post fields from its container, the page address and matching JSON. */
function fillPost(x: Extraction, ctx: ExtractContext, p: Element | null, pagePost: boolean): void {
  const page = identify(ctx.url);
  if (pagePost && page.postId) putUrlInfo(x, page, 'url', false);
  const own = p ? permalink(p, ctx.url) : null;
  if (own) putUrlInfo(x, own.info, 'dom', false);
  // The post's comments' links: the post id they agree on, and the numeric form inside their ids.
  const commentLinks = p ? Array.from(p.querySelectorAll('a[href*="comment_id="]')).map((a) => a.getAttribute('href') ?? '') : [];
  if (!own && p) {
    // An obfuscated time link carries no address: the post id its own comments' links agree on.
    const infos = commentLinks.map((h) => identify(h, ctx.url)).filter((i) => i.postId);
    if (infos.length && infos.every((i) => i.postId === infos[0]!.postId)) {
      put(x, 'post.id', infos[0]!.postId, 'dom');
      put(x, 'post.url', infos[0]!.postUrl, 'dom');
    }
  }
  const id = x.post?.id ?? null;

  // Page JSON, only for the post whose id we already know, in any of its forms: Facebook names one
  // post by a pfbid in the address, another pfbid in its own links, and a number in its comments'
  // ids (base64 "comment:{post}_{comment}") and the JSON's post_id. Only forms found on the post's
  // own links count: the canonical address and og:url go stale after in-app navigation.
  const forms = new Set<string>(id ? [id] : []);
  if (own?.info.postId) forms.add(own.info.postId);
  for (const h of commentLinks) {
    const u = parseUrl(h, ctx.url);
    const f = u ? fbCommentIds(u.searchParams)?.postId : null;
    if (f) forms.add(f);
  }
  if (forms.size > 1) x.extras.postIdAliases = [...forms].filter((f) => f !== id);
  const all = id ? stories(ctx.doc) : [];
  const n = all.find((s) => forms.has(str(s.post_id) ?? '') || forms.has(identify(str(s.url) ?? str(s.wwwURL) ?? '').postId ?? ''));
  if (n) {
    const actor0 = at(n, 'actors', '0');
    const ap = fbProfile(str(at(actor0, 'url')) ?? '') ??
      (str(at(actor0, 'id')) ? fbProfile(`/profile.php?id=${str(at(actor0, 'id'))}`) : null);
    put(x, 'post.authorName', str(at(actor0, 'name')), 'json');
    put(x, 'post.authorUrl', ap?.url, 'json');
    if (put(x, 'post.text', str(at(n, 'comet_sections', 'content', 'story', 'message', 'text')) ??
      str(at(n, 'message', 'text')), 'json')) markTruncated(x, 'post.text', false);
    let created: unknown;
    walk(n, (o) => {
      if (created === undefined && 'creation_time' in o) created = o.creation_time;
    });
    put(x, 'post.postedAt', isoFromUnix(created), 'json');
    const media = str(at(n, 'attachments', '0', 'media', '__typename'));
    put(x, 'post.mediaType', media === 'Photo' ? 'photo' : media === 'Video' ? 'video' : null, 'json');
    x.extras.postNumericId = str(n.post_id);
  } else if (all.length && pagePost) staleJson(x, 'postingan / post');

  if (!p) return;
  const authorA = ownOf(p, SEL.author) ?? ownOf(p, SEL.authorFallback);
  if (authorA) {
    const ap = fbProfile(authorA.getAttribute('href') ?? '', ctx.url);
    put(x, 'post.authorName', text(authorA), 'dom');
    put(x, 'post.authorUrl', ap?.url, 'dom');
  }
  // The header ends at the permalink/time link, else at the message: a profile link after both
  // (a mention in the text, a "liked by" line) is never the author. With neither, nobody is sure.
  const marked = ownOf(p, SEL.message);
  const head = own?.a || marked ? headerAuthor(p, own?.a ?? marked, ctx.url) : null;
  if (head) {
    put(x, 'post.authorName', head.name, 'dom');
    put(x, 'post.authorUrl', head.url, 'dom');
  }
  const msg = marked ?? bodyText(p, own?.a ?? head?.a ?? authorA);
  if (msg) {
    const rt = richText(msg, true);
    if (put(x, 'post.text', rt.text, 'dom')) markTruncated(x, 'post.text', rt.truncated);
  }
  // Only a time-shaped label is a time: a photo link's label ("No photo description") is not.
  const ownLabel = own ? own.a.getAttribute('aria-label') || text(own.a) : null;
  if (ownLabel && isTimeLabel(ownLabel)) putTimeLabel(x, 'post', ownLabel, ctx);
  const hasVideo = !!ownOf(p, SEL.video);
  const hasPhoto = !!ownOf(p, SEL.photo);
  put(x, 'post.mediaType', hasVideo ? 'video' : hasPhoto ? 'photo' : msg ? 'text' : null, 'heuristic');
  counts(x, p);
}

/**
 * The post's author from its own header: the first profile link of the post (not of a comment)
 * before its permalink/time link, named by its accessible name (aria-label, else its text); only
 * links to that same profile are considered. Lines after the name ("Published by",
 * "is with", "Liked by") come later in the header or in the footer, so they are never taken.
 */
function headerAuthor(p: Element, headerEnd: Element | null, base: string): { a: Element; name: string; url: string } | null {
  let first: { a: Element; url: string } | null = null;
  for (const a of postAnchors(p)) {
    if (headerEnd && !before(a, headerEnd)) break;
    const href = a.getAttribute('href') ?? '';
    if (identify(href, base).kind !== 'profile') continue;
    const pr = fbProfile(href, base);
    if (!pr) continue;
    first ??= { a, url: pr.url };
    if (pr.url !== first.url) break;
    // The accessible name: an aria-label wins over the content (an avatar link's content is its
    // status badge, "Online status indicator Active").
    const name = a.getAttribute('aria-label')?.trim() || text(a);
    if (name && !isTimeLabel(name)) return { a, name, url: pr.url };
  }
  return null;
}

/**
 * The post's message when no marker names it: the first outermost dir=auto block of the post after
 * its header (the permalink/time link, else the author link), outside links, buttons and toolbars,
 * and not in a comment.
 */
function bodyText(p: Element, headerEnd: Element | null): Element | null {
  if (!headerEnd) return null;
  return Array.from(p.querySelectorAll('[dir=auto]')).filter(notInComment(p)).find((e) =>
    before(headerEnd, e) && !headerEnd.contains(e) && !e.parentElement?.closest('[dir=auto]') &&
    !e.closest('a,[role=button],[role=toolbar],[role=status]') && !!text(e)) ?? null;
}

/** First element of the post itself (not of one of its comments) matching sel. */
const ownOf = (p: Element, sel: string): Element | null =>
  Array.from(p.querySelectorAll(sel)).find(notInComment(p)) ?? null;

function counts(x: Extraction, p: Element): void {
  const c: Record<string, { value: number | null; raw: string | null }> = {};
  const lang = langOf(p.ownerDocument);
  for (const b of Array.from(p.querySelectorAll(SEL.toolbar)).filter(notInComment(p))) {
    const l = b.getAttribute('aria-label') ?? '';
    const t = reactionFromLabel(l.split(':')[0]);
    if (t) c[t] = parseCount(l.split(':')[1] ?? null, lang);
  }
  for (const b of own(p, '[role=button]', SEL.article)) {
    const t = text(b) ?? '';
    if (t.length > 40) continue;
    const all = /^(?:all reactions|semua reaksi):?\s*(.*)$/i.exec(t);
    if (all) c.reactions = parseCount(all[1], lang);
    for (const [k, re] of COUNT_WORDS) if (!c[k] && re.test(t) && /\d/.test(t)) c[k] = parseCount(t, lang);
  }
  if (Object.keys(c).length) x.extras.counts = c;
}

function propose(x: Extraction, name: string | null, href: string | null, base: string, src: 'dom' | 'json'): void {
  const ap = href ? fbProfile(href, base) : null;
  put(x, 'subject.name', name, src);
  put(x, 'subject.accountUrl', ap?.url, src);
  put(x, 'subject.handle', ap?.handle, src);
}

function extractComment(x: Extraction, ctx: ExtractContext, row: Element): void {
  x.element = row;
  const links = own(row, 'a[href]', SEL.article);
  let time: { a: Element; info: UrlInfo } | null = null;
  let authorA: Element | null = null;
  let fromAuthor: ReturnType<typeof fbCommentIds> = null;
  for (const a of links) {
    const href = a.getAttribute('href') ?? '';
    const info = identify(href, ctx.url);
    if (info.commentId && !time) time = { a, info };
    else if (!authorA && text(a) && fbProfile(href, ctx.url)) {
      authorA = a;
      const u = parseUrl(href, ctx.url);
      fromAuthor = u ? fbCommentIds(u.searchParams) : null;
    }
  }
  const label = row.getAttribute('aria-label') ?? '';
  const lm = COMMENT_LABEL.exec(label);
  const wrap = row.closest(SEL.commentWrap);
  const parentWrap = wrap?.parentElement?.closest(SEL.commentWrap);
  const isReply = !!time?.info.parentId || /^(reply|balasan)/i.test(label) || !!parentWrap;
  setKind(x, isReply ? 'reply' : 'comment', 'dom');

  // Post of the comment: its time link, else the enclosing post / page.
  const p = postOf(row);
  const page = identify(ctx.url);
  const ownId = p ? permalink(p, ctx.url)?.info.postId : null;
  const pagePost = !!p?.closest(SEL.dialog) || (!!ownId && ownId === page.postId);
  // The post's id as the address gives it first: Facebook shows one post under several pfbid forms
  // (the address and the comment links may differ); fillPost keeps the other forms as aliases.
  if (pagePost && page.postId) putUrlInfo(x, page, 'url', false);
  if (time) putUrlInfo(x, time.info, 'dom', true);
  if (page.commentId && (page.commentId === wrap?.getAttribute('data-commentid'))) putUrlInfo(x, page, 'url', true);
  put(x, 'comment.id', fromAuthor?.commentId, 'dom');
  put(x, 'comment.id', wrap?.getAttribute('data-commentid'), 'dom');
  if (isReply) put(x, 'comment.parentId', parentWrap?.getAttribute('data-commentid'), 'dom');
  fillPost(x, ctx, p, pagePost);
  const c = x.comment!;
  if (!c.url && c.id && x.post?.url) put(x, 'comment.url', fbCommentUrl(x.post.url, c.id, isReply ? c.parentId : null), 'dom');

  const name = authorA ? text(authorA) : null;
  put(x, 'comment.authorName', name, 'dom');
  const ap = authorA ? fbProfile(authorA.getAttribute('href') ?? '', ctx.url) : null;
  put(x, 'comment.authorUrl', ap?.url, 'dom');
  let age: string | null = time ? text(time.a) : null;
  if (lm) {
    // "Budi Santoso 2 jam" / "Rina to Joko's comment 3h" -> name + age; the age is the longest
    // trailing run of words that parses as a time label.
    const words = lm[2]!.split(' ');
    for (let k = Math.min(4, words.length - 1); k >= 1; k--) {
      const tail = words.slice(-k).join(' ');
      if (isTimeLabel(tail)) {
        put(x, 'comment.authorName', words.slice(0, -k).join(' ').replace(/ (?:to|kepada|untuk) .*$/i, ''), 'heuristic');
        age ??= tail;
        break;
      }
    }
  }
  putTimeLabel(x, 'comment', age, ctx);
  // Text: the first dir=auto block outside links/buttons, widened to its span[dir=auto] wrapper.
  const cand = own(row, SEL.commentText, SEL.article).find((e) => !e.closest('a,[role=button]'));
  const span = cand?.closest(SEL.commentSpan);
  const rt = richText(span && row.contains(span) ? span : cand, true);
  if (put(x, 'comment.text', rt.text, 'dom')) markTruncated(x, 'comment.text', rt.truncated);
  propose(x, x.comment?.authorName ?? null, authorA?.getAttribute('href') ?? null, ctx.url, 'dom');
}

function extractReaction(x: Extraction, ctx: ExtractContext, dlg: Element, row: Element): void {
  setKind(x, 'reaction', 'dom');
  x.element = row;
  const tab = dlg.querySelector(SEL.selectedTab);
  const label = tab ? tab.getAttribute('aria-label') || text(tab) : null;
  put(x, 'reaction.type', reactionFromLabel(label), 'dom');
  x.extras.reactionTab = label;
  for (const img of Array.from(row.querySelectorAll(SEL.badge))) {
    put(x, 'reaction.type', reactionFromLabel(img.getAttribute('alt')), 'heuristic');
  }
  const links = Array.from(row.querySelectorAll('a[href]'));
  const named = links.find((a) => text(a)) ?? links.find((a) => a.getAttribute('aria-label'));
  const name = named ? text(named) ?? named.getAttribute('aria-label') : null;
  const ap = named ? fbProfile(named.getAttribute('href') ?? '', ctx.url) : null;
  put(x, 'reaction.actorName', name, 'dom');
  put(x, 'reaction.actorUrl', ap?.url, 'dom');
  propose(x, name, named?.getAttribute('href') ?? null, ctx.url, 'dom');
  // The post whose reactions these are: the permalink dialog under it, else the page address.
  fillPost(x, ctx, dialogPost(ctx.doc), true);
}

export const facebook: PlatformAdapter = {
  platform: 'facebook',
  matches: (u) => platformOf(u) === 'facebook',
  extract(ctx) {
    const x = draft('facebook');
    const u = parseUrl(ctx.url);
    if (!u) return finish(x);
    const page = identify(ctx.url);
    const w = detectWall(ctx.doc, u, {
      name: 'Facebook', loginPath: /^\/login/, checkpointPath: /^\/checkpoint/,
      loginSel: SEL.login, checkpointSel: SEL.checkpoint,
      content: () => facebook.flaggableElements!(ctx.doc).length > 0,
    });
    if (w) return walled(x, w, page);
    const t = ctx.target;

    if (t) {
      const dlg = t.closest(SEL.dialog);
      const row = dlg && isReactionsDialog(dlg) ? t.closest(SEL.reactorRow) : null;
      if (dlg && row && dlg.contains(row) && row.querySelector('a[href]')) {
        extractReaction(x, ctx, dlg, row);
        return finish(x);
      }
      let c = t.closest(SEL.article);
      if (c && !isComment(c)) c = null;
      if (!c) {
        const wrap = t.closest(SEL.commentWrap);
        c = wrap ? own(wrap, SEL.article, SEL.commentWrap)[0] ?? null : null;
      }
      if (c) {
        extractComment(x, ctx, c);
        return finish(x);
      }
    }

    let p: Element | null = t ? postOf(t) : dialogPost(ctx.doc);
    let pagePost = !t || !!p?.closest(SEL.dialog);
    const arts = Array.from(ctx.doc.querySelectorAll(SEL.article)).filter((a) => !isComment(a));
    if (!p && page.postId) {
      // Permalink/photo/reel/watch pages without a dialog: the post whose permalink matches, else main.
      p = arts.find((a) => permalink(a, ctx.url)?.info.postId === page.postId) ??
        (arts.length === 1 ? arts[0]! : null) ?? ctx.doc.querySelector(SEL.main);
      pagePost = true;
    } else if (p && !pagePost && page.postId) {
      // A flagged post is the page's post only if its own permalink says so (or it is the only post).
      const ownId = permalink(p, ctx.url)?.info.postId;
      pagePost = ownId ? ownId === page.postId : arts.length === 1;
    }
    if (!p && !page.postId) {
      if (!t && page.kind === 'profile') return profilePage(x, ctx.doc, page, SEL.profileName);
      return noTarget(x, t);
    }
    setKind(x, 'post', t ? 'dom' : 'url');
    x.element = p;
    fillPost(x, ctx, p, pagePost);
    const post = x.post!;
    if (post.authorName || post.authorUrl) {
      put(x, 'subject.name', post.authorName, x.fieldSources['post.authorName']!);
      put(x, 'subject.accountUrl', post.authorUrl, x.fieldSources['post.authorUrl']!);
      put(x, 'subject.handle', post.authorUrl ? fbProfile(post.authorUrl)?.handle : null, x.fieldSources['post.authorUrl']!);
    }
    return finish(x);
  },
  flaggableElements(root) {
    const out: Element[] = [];
    // Loading skeletons ("Loading...": a status and nothing else) are not posts.
    for (const a of Array.from(root.querySelectorAll(SEL.article))) if (a.querySelector('a[href]') || text(a)) out.push(a);
    // Posts without role=article, found by their author marker
    for (const m of Array.from(root.querySelectorAll(SEL.profileMark))) {
      const p = m.closest(SEL.article) ? null : markedPost(m);
      if (p && !out.includes(p)) out.push(p);
    }
    for (const d of Array.from(root.querySelectorAll(SEL.dialog))) {
      if (isReactionsDialog(d)) {
        for (const r of Array.from(d.querySelectorAll(SEL.reactorRow))) {
          if (r.querySelector('a[href]') && !out.some((o) => o.contains(r))) out.push(r);
        }
      }
    }
    return out;
  },
};
