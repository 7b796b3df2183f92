/**
 * TikTok adapter. Ids from the address (/@h/video|photo/{id}); the creation time is id >> 32. The
 * rehydration JSON describes the FIRST video rendered, so it is used only when itemStruct.id equals the
 * resolved id. Comments carry no id in the DOM: comment.id stays null (a share link's
 * share_comment_id is kept in extras.sharedCommentId, since the flagged row may be another comment).
 */
import type { ExtractContext, Extraction, PlatformAdapter } from './types';
import {
  at, detectWall, draft, noTarget, finish, isObj, isoFromUnix, jsonScripts, langOf, markTruncated, profilePage, put,
  putTimeLabel, putUrlInfo, richText, setKind, staleJson, str, text, walled,
} from './generic';
import { isTimeLabel, parseCount } from './locale';
import { identify, parseUrl, platformOf, ttIdTime, ttPostUrl, ttProfile, ttProfileUrl, type UrlInfo } from './url';

/**
 * All TikTok selectors, ordered fallbacks in one string. Each "checked:" line names the fixtures
 * (tests/fixtures/platforms/tiktok/NAME.html) the selector was verified on; tests/unit/platforms/
 * selectors.test.ts re-checks that it matches there. Plain tag selectors (a[href], img) are not listed.
 */
export const SEL = {
  /** checked: tt-video-detail-id, tt-stale-json-id (SIGI_STATE / __NEXT_DATA__: older pages, platforms.md) */
  json: 'script#__UNIVERSAL_DATA_FOR_REHYDRATION__,script#SIGI_STATE,script#__NEXT_DATA__',
  /** checked: tt-comment-id, tt-comment-share-link-en */
  commentItem: '[class*=DivCommentItemWrapper]',
  /** checked: tt-comment-id, tt-reply-id */
  commentObject: '[class*=DivCommentObjectWrapper]',
  /** checked: tt-reply-id */
  replyContainer: '[class*=DivReplyContainer]',
  /** checked: tt-comment-id, tt-reply-id */
  commentText: '[data-e2e^=comment-level-]',
  /** checked: tt-comment-id, tt-reply-id */
  commentUser: '[data-e2e^=comment-username-]',
  /** checked: tt-comment-id, tt-comment-relative-id */
  commentTime: '[data-e2e^=comment-time-]',
  /** checked: tt-comment-id */
  profileLink: 'a[href^="/@"]',
  /** checked: tt-video-detail-id, tt-feed-item-en (browse-* on the detail page, video-* in the feed) */
  desc: '[data-e2e=browse-video-desc],[data-e2e=video-desc]',
  /** checked: tt-video-detail-id, tt-feed-item-en */
  username: '[data-e2e=browse-username],[data-e2e=video-author-uniqueid]',
  /** checked: tt-video-detail-id, tt-feed-item-en */
  nickname: '[data-e2e=browser-nickname],[data-e2e=video-author-nickname]',
  /** checked: tt-video-detail-id, tt-feed-item-en */
  avatar: '[data-e2e=browse-user-avatar],[data-e2e=video-author-avatar]',
  /** checked: tt-feed-item-en */
  feedItem: '[data-e2e=recommend-list-item-container]',
  /** checked: real/tt-profile-grid-2025-en, real/tt-profile-grid-2023-en (a video in a profile's grid) */
  gridItem: '[data-e2e=user-post-item]',
  /** checked: real/tt-profile-grid-2023-en, real/tt-profile-grid-2024-zh-loggedin (caption beside the item) */
  gridDesc: '[data-e2e=user-post-item-desc]',
  /** checked: real/tt-profile-grid-2025-en (only the owner's own "Videos" tab shows the owner's posts) */
  videosTab: '[data-e2e=videos-tab]',
  /** checked: real/tt-profile-grid-2025-en, real/tt-profile-grid-2024-zh-loggedin */
  selectedTab: '[role=tab][aria-selected=true]',
  /** checked: tt-feed-item-en, tt-video-detail-id */
  player: '[id^="xgwrapper-0-"]',
  /** checked: tt-feed-item-en, tt-browse-modal-over-profile-en */
  videoLink: 'a[href*="/video/"],a[href*="/photo/"]',
  /** checked: tt-video-detail-id, tt-browse-modal-over-profile-en */
  detail: '[id^=main-content-video_detail],[class*=DivBrowserModeContainer]',
  /** checked: tt-video-detail-id, tt-browse-modal-over-profile-en */
  likeCount: '[data-e2e=like-count],[data-e2e=browse-like-count]',
  /** checked: tt-video-detail-id, tt-browse-modal-over-profile-en */
  commentCount: '[data-e2e=comment-count],[data-e2e=browse-comment-count]',
  /** checked: tt-video-detail-id */
  shareCount: '[data-e2e=share-count]',
  /** checked: tt-video-detail-id (saves; the test id is literally "undefined") */
  saveCount: '[data-e2e=undefined-count]',
  /** checked: tt-captcha-checkpoint-id */
  checkpoint: '#captcha-verify-container,#captcha_container,[class*=captcha_verify],#tiktok-verify-ele',
  /** checked: tt-login-wall-id */
  login: '#loginContainer,[data-e2e=login-form]',
  /** checked: tt-profile-page-id */
  profileName: ['[data-e2e=user-subtitle]', '[data-e2e=user-title]'],
} as const;

const COUNTS: Array<[string, string]> = [
  ['likes', SEL.likeCount], ['comments', SEL.commentCount], ['shares', SEL.shareCount], ['saves', SEL.saveCount],
];

function itemStructs(doc: Document): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const j of jsonScripts(doc, SEL.json)) {
    const u = at(j, '__DEFAULT_SCOPE__', 'webapp.video-detail', 'itemInfo', 'itemStruct');
    if (isObj(u)) out.push(u);
    const n = at(j, 'props', 'pageProps', 'itemInfo', 'itemStruct');
    if (isObj(n)) out.push(n);
    const m = at(j, 'ItemModule');
    if (isObj(m)) for (const k in m) if (isObj(m[k])) out.push(m[k] as Record<string, unknown>);
  }
  return out;
}

/** Video id of a feed item / container from its player wrapper or its own video link. */
function idOf(c: Element, base: string): UrlInfo | null {
  const pl = c.querySelector(SEL.player)?.id.slice(12).split('-')[0];
  for (const a of Array.from(c.querySelectorAll(SEL.videoLink))) {
    const i = identify(a.getAttribute('href') ?? '', base);
    if (i.postId && (!pl || i.postId === pl)) return i;
  }
  return pl ? identify(ttPostUrl(pl, null), base) : null;
}

/** Nearest ancestor-or-self of el that holds one video: a player, a <video> or a video link. */
function videoItemOf(el: Element): Element | null {
  for (let c: Element | null = el; c; c = c.parentElement) {
    if (c.matches(`${SEL.feedItem},${SEL.gridItem},${SEL.detail}`)) return c;
    if (c.querySelector(`${SEL.player},video,${SEL.videoLink}`)) return c;
  }
  return null;
}

/**
 * A recommended-video card inside the detail page ("You may like" / "Tu pourrais aimer"): the
 * largest ancestor of a video link that holds no other video link, no player and none of the
 * detail's own fields.
 */
function cardOfLink(link: Element, stop: Element): Element {
  let card = link;
  for (let c = link.parentElement; c && c !== stop; c = c.parentElement) {
    if (c.querySelectorAll(SEL.videoLink).length > 1 || c.querySelector(`${SEL.player},video,${SEL.desc},${SEL.username},${SEL.commentItem}`)) break;
    card = c;
    // the card is complete once it holds its meta line (a time label)
    if (Array.from(c.querySelectorAll('span,div,p')).some((e) => !e.children.length && isTimeLabel(text(e)))) break;
  }
  return card;
}
const recommendationCards = (detail: Element): Element[] =>
  Array.from(detail.querySelectorAll(SEL.videoLink)).filter((a) => !a.closest(SEL.commentItem)).map((a) => cardOfLink(a, detail))
    .filter((c, i, all) => all.indexOf(c) === i && c.querySelector('a[href]') && !!text(c));

/**
 * A video in its own box (grid card, recommended-video card): its own link gives the post, the
 * creation time (from the id) and the author's address (/@handle/video/id). Returns the link's info.
 */
function putOwnVideoLink(x: Extraction, ctx: ExtractContext, box: Element): UrlInfo | null {
  const info = idOf(box, ctx.url);
  if (info) putUrlInfo(x, info, 'dom', false);
  put(x, 'post.postedAt', ttIdTime(x.post?.id ?? null), 'dom');
  if (info?.handle) put(x, 'post.authorUrl', ttProfileUrl(info.handle), 'dom');
  return info;
}

/** A card shows its author as plain text (the handle of its own video link), a time and a title. */
function fillCard(x: Extraction, ctx: ExtractContext, card: Element): void {
  const handle = putOwnVideoLink(x, ctx, card)?.handle ?? null;
  const leaves = Array.from(card.querySelectorAll('div,span,p,h3')).filter((e) => !e.querySelector('div,span,p') && text(e));
  const nameEl = leaves.find((e) => handle && (text(e) === handle || text(e) === `@${handle}`));
  put(x, 'post.authorName', nameEl ? text(nameEl)!.replace(/^@/, '') : null, 'dom');
  putTimeLabel(x, 'post', text(leaves.find((e) => isTimeLabel(text(e))) ?? null), ctx);
  const title = leaves.find((e) => e !== nameEl && !isTimeLabel(text(e)) && !/^[\d.,]+\s*[KMBJkmbj]?$|^[·•]$/.test(text(e)!));
  put(x, 'post.text', text(title ?? null), 'dom');
}

/** The page's own video among several (one-column layout, feed behind a modal): the item whose id matches. */
function pageItem(doc: Document, base: string, postId: string): Element | null {
  for (const c of Array.from(doc.querySelectorAll(`${SEL.feedItem},${SEL.detail}`))) {
    if (idOf(c, base)?.postId === postId) return c;
  }
  return doc.querySelector(SEL.detail);
}

/**
 * The creator line of a video item: the first link to a profile (/@handle) with text, outside the
 * caption. Its text is the name as shown ("@" dropped); the text after it in the same line is the
 * time label ("chinese_artist176 · 5-23").
 */
function creatorOf(item: Element): { a: Element; name: string | null; url: string; handle: string; time: string | null } | null {
  for (const a of Array.from(item.querySelectorAll(SEL.profileLink))) {
    if (a.closest(SEL.desc) || a.closest(SEL.commentItem)) continue;
    const pr = ttProfile(a.getAttribute('href') ?? '');
    const own = text(a);
    if (!pr || !own) continue;
    // "name · 5-23" inside the link (2025 logged in) or "name" then " · 5-23" after it (logged out)
    const line = own.includes('·') ? own : a.parentElement ? text(a.parentElement) ?? own : own;
    const [head = '', ...tail] = line.split(/\s*·\s*/);
    const rest = tail.join(' · ');
    const name = (isTimeLabel(rest) || !tail.length ? (own.includes('·') ? head : own) : own).replace(/^@\s*/, '') || null;
    if (!name) continue;
    return { a, name, ...pr, time: isTimeLabel(rest) ? rest : null };
  }
  return null;
}

/** The profile owner's nickname on a profile page: of title/subtitle, the one that is not the handle. */
function profileNickname(doc: Document, handle: string): string | null {
  const names = SEL.profileName.map((s) => text(doc.querySelector(s))).filter((n): n is string => !!n);
  return names.find((n) => n.replace(/^@/, '') !== handle) ?? null;
}

/**
 * A profile grid card: the grid item, or its wrapper when the caption sits beside it (2023-2024),
 * so that the card holds exactly one video.
 */
function gridCard(item: Element): Element {
  const p = item.parentElement;
  return p && p.querySelector(SEL.gridDesc) && p.querySelectorAll(SEL.gridItem).length === 1 ? p : item;
}

/** The grid card around el: climb until an ancestor holds a grid item; it must hold exactly one. */
function gridCardOf(el: Element): Element | null {
  for (let c: Element | null = el; c; c = c.parentElement) {
    if (c.matches(SEL.gridItem)) return gridCard(c);
    const items = c.querySelectorAll(SEL.gridItem);
    if (items.length === 1) return gridCard(items[0]!);
    if (items.length > 1) return null;
  }
  return null;
}

/** A profile grid item: its own video link names the author; the owner's nickname only when it is theirs. */
function fillGridItem(x: Extraction, ctx: ExtractContext, item: Element): void {
  const info = putOwnVideoLink(x, ctx, item);
  const handle = info?.handle ?? null;
  const page = identify(ctx.url);
  const tab = ctx.doc.querySelector(SEL.selectedTab);
  const ownTab = !tab || tab.matches(SEL.videosTab);
  if (handle && ownTab && page.kind === 'profile' && page.handle === handle) {
    put(x, 'post.authorName', profileNickname(ctx.doc, handle), 'dom');
  }
  // the card's caption is one clamped line: its text, whitespace collapsed
  put(x, 'post.text', text(item.querySelector(SEL.gridDesc)), 'dom');
  put(x, 'post.mediaType', info?.mediaType ?? null, 'url');
}

function fillPost(x: Extraction, ctx: ExtractContext, c: Element | null, pagePost: boolean): void {
  const page = identify(ctx.url);
  let src: 'url' | 'dom' = 'url';
  if (pagePost && page.postId) putUrlInfo(x, page, 'url', false);
  else if (c) {
    const i = idOf(c, ctx.url);
    if (i) {
      src = 'dom';
      putUrlInfo(x, i, 'dom', false);
    }
  }
  const id = x.post?.id ?? null;
  put(x, 'post.postedAt', ttIdTime(id), src);
  if (pagePost) put(x, 'post.authorUrl', page.profileUrl, 'url');
  const items = id ? itemStructs(ctx.doc) : [];
  const it = items.find((i) => str(i.id) === id);
  if (it) {
    const h = str(at(it, 'author', 'uniqueId')) ?? str(it.author);
    put(x, 'post.authorName', str(at(it, 'author', 'nickname')), 'json');
    put(x, 'post.authorUrl', h ? ttProfileUrl(h) : null, 'json');
    if (put(x, 'post.text', str(it.desc), 'json')) markTruncated(x, 'post.text', false);
    put(x, 'post.postedAt', isoFromUnix(it.createTime), 'json');
    put(x, 'post.mediaType', it.imagePost ? 'photo' : it.video ? 'video' : null, 'json');
    if (h && x.post?.url?.includes('/@/')) x.post.url = ttPostUrl(id!, h, it.imagePost ? 'photo' : 'video');
    const st = isObj(it.statsV2) ? it.statsV2 : it.stats;
    if (isObj(st)) x.extras.jsonCounts = { likes: st.diggCount ?? null, comments: st.commentCount ?? null,
      shares: st.shareCount ?? null, plays: st.playCount ?? null, saves: st.collectCount ?? null };
  } else if (items.length && pagePost) staleJson(x, 'video');

  const scope: ParentNode | null = c ?? (pagePost
    ? (id ? pageItem(ctx.doc, ctx.url, id) : null) ?? (ctx.target ? videoItemOf(ctx.target) : null) ?? ctx.doc.body ?? ctx.doc
    : null);
  if (!scope) return;
  const user = scope.querySelector(SEL.username);
  const av = scope.querySelector(SEL.avatar) ?? user?.closest('a[href]');
  const prof = ttProfile(av?.getAttribute('href') ?? '') ?? (text(user) ? ttProfile(`/@${text(user)}`) : null);
  put(x, 'post.authorUrl', prof?.url, 'dom');
  const nick = scope.querySelector(SEL.nickname);
  const parts = nick ? Array.from(nick.children) : [];
  put(x, 'post.authorName', text(parts[0] ?? nick), 'dom');
  if (parts.length >= 3) putTimeLabel(x, 'post', text(parts[parts.length - 1]), ctx);
  // (no instanceof Element: adapters also run where there is no global Element, e.g. Node tools)
  const scopeEl = 'tagName' in scope ? (scope as Element) : null;
  if (scopeEl) {
    const cr = creatorOf(scopeEl);
    if (cr && (!x.post?.authorUrl || x.post.authorUrl === cr.url)) {
      put(x, 'post.authorUrl', cr.url, 'dom');
      put(x, 'post.authorName', cr.name, 'dom');
      if (cr.time) putTimeLabel(x, 'post', cr.time, ctx);
    }
  }
  const rt = richText(scope.querySelector(SEL.desc) ?? scopeEl?.querySelector('h1') ?? null, false);
  if (put(x, 'post.text', rt.text, 'dom')) markTruncated(x, 'post.text', rt.truncated);
  put(x, 'post.mediaType', scope.querySelector('video') ? 'video' : null, 'heuristic');
  const counts: Record<string, unknown> = {};
  for (const [k, sel] of COUNTS) {
    const e = scope.querySelector(sel);
    if (e) counts[k] = parseCount(text(e), langOf(ctx.doc));
  }
  if (Object.keys(counts).length) x.extras.counts = counts;
}

function extractComment(x: Extraction, ctx: ExtractContext, row: Element): void {
  x.element = row;
  const level = row.querySelector(SEL.commentText);
  const reply = !!row.closest(SEL.replyContainer) || /-2$/.test(level?.getAttribute('data-e2e') ?? '');
  setKind(x, reply ? 'reply' : 'comment', 'dom');
  const page = identify(ctx.url);
  const feed = row.closest(SEL.feedItem);
  fillPost(x, ctx, feed, !feed);
  // The address names a comment only for share links; the DOM never carries comment ids.
  if (!feed && page.commentId) x.extras.sharedCommentId = page.commentId;
  const ua = row.querySelector(`${SEL.commentUser} a[href]`) ?? row.querySelector(SEL.profileLink);
  const prof = ttProfile(ua?.getAttribute('href') ?? '');
  const name = text(ua);
  put(x, 'comment.authorName', name, 'dom');
  put(x, 'comment.authorUrl', prof?.url, 'dom');
  // The time: its test id where the page has one (until 2024), else the row's first short text that
  // reads as a time ("5-26", "2d ago") outside the name and the message.
  const timeEl = row.querySelector(SEL.commentTime) ?? Array.from(row.querySelectorAll('span,p')).find((e) =>
    !e.closest(`${SEL.commentUser},${SEL.commentText},a`) && e.children.length === 0 && isTimeLabel(text(e)));
  putTimeLabel(x, 'comment', text(timeEl), ctx);
  const rt = richText(level, false);
  if (put(x, 'comment.text', rt.text, 'dom')) markTruncated(x, 'comment.text', rt.truncated);
  if (reply) {
    const parentRow = row.closest(SEL.commentObject)?.querySelector(SEL.commentItem);
    if (parentRow && parentRow !== row) {
      x.extras.parentComment = {
        authorName: text(parentRow.querySelector(`${SEL.commentUser} a`)),
        text: text(parentRow.querySelector(SEL.commentText)),
      };
    }
  }
  put(x, 'subject.name', name, 'dom');
  put(x, 'subject.accountUrl', prof?.url, 'dom');
  put(x, 'subject.handle', prof?.handle, 'dom');
}

function subjectFromPost(x: Extraction): void {
  const p = x.post;
  if (!p) return;
  put(x, 'subject.name', p.authorName, x.fieldSources['post.authorName'] ?? 'dom');
  put(x, 'subject.accountUrl', p.authorUrl, x.fieldSources['post.authorUrl'] ?? 'dom');
  put(x, 'subject.handle', ttProfile(p.authorUrl ?? '')?.handle, x.fieldSources['post.authorUrl'] ?? 'dom');
}

export const tiktok: PlatformAdapter = {
  platform: 'tiktok',
  matches: (u) => platformOf(u) === 'tiktok',
  extract(ctx) {
    const x = draft('tiktok');
    const u = parseUrl(ctx.url);
    if (!u) return finish(x);
    const page = identify(ctx.url);
    const w = detectWall(ctx.doc, u, {
      name: 'TikTok', loginPath: /^\/login/, checkpointPath: /^\/(?:verify|captcha)/,
      loginSel: SEL.login, checkpointSel: SEL.checkpoint,
      content: () => tiktok.flaggableElements!(ctx.doc).length > 0,
    });
    if (w) return walled(x, w, page);
    const t = ctx.target;
    if (t) {
      let row = t.closest(SEL.commentItem);
      if (!row) {
        for (let c: Element | null = t; c && !row; c = c.parentElement) {
          const n = c.querySelectorAll(SEL.commentText).length;
          if (n > 1) break;
          if (n === 1) row = c;
        }
      }
      if (row) {
        extractComment(x, ctx, row);
        return finish(x);
      }
    }
    // A flagged post in its own box (a grid card, a recommended-video card): that box is the post.
    const boxed = (el: Element, fill: (x: Extraction, ctx: ExtractContext, el: Element) => void): Extraction => {
      setKind(x, 'post', 'dom');
      x.element = el;
      fill(x, ctx, el);
      subjectFromPost(x);
      return finish(x);
    };
    const grid = t ? gridCardOf(t) : null;
    if (grid) return boxed(grid, fillGridItem);
    const detail = t?.closest(SEL.detail) ?? null;
    const link = t && detail ? (t.closest(SEL.videoLink) ?? null) : null;
    const card = detail && t ? recommendationCards(detail).find((c) => c.contains(t)) ?? (link ? cardOfLink(link, detail) : null) : null;
    if (card && t && !t.closest(`${SEL.desc},${SEL.username},${SEL.nickname}`)) return boxed(card, fillCard);
    let feed = t?.closest(SEL.feedItem) ?? null;
    // A video item flagged outside the known containers (mobile page, new layouts): the nearest
    // ancestor holding one video, when it is not the page's own.
    if (!feed && t && !detail) {
      const item = videoItemOf(t);
      const own = item ? idOf(item, ctx.url) : null;
      if (item && own?.postId && own.postId !== page.postId && !item.matches(SEL.detail)) feed = item;
    }
    if (!feed && !page.postId) {
      if (!t && page.kind === 'profile') return profilePage(x, ctx.doc, page, SEL.profileName);
      return noTarget(x, t);
    }
    setKind(x, 'post', t ? 'dom' : 'url');
    x.element = feed ?? (page.postId ? pageItem(ctx.doc, ctx.url, page.postId) : null) ?? (t ? videoItemOf(t) : null);
    fillPost(x, ctx, feed, !feed);
    subjectFromPost(x);
    return finish(x);
  },
  flaggableElements(root) {
    const all = (sel: string) => Array.from(root.querySelectorAll(sel));
    // Lazy-load placeholders (an empty item or comment row) get no button; the detail container is a post only
    // when it does not hold the list of items itself (one-column layout).
    const filled = (e: Element) => !!(e.querySelector('a[href]') || text(e));
    const out = [
      ...all(SEL.feedItem).filter(filled),
      ...all(SEL.detail).filter((d) => !d.querySelector(SEL.feedItem)).flatMap((d) => [d, ...recommendationCards(d)]),
      ...all(SEL.commentItem).filter(filled),
      ...all(SEL.gridItem).map(gridCard),
    ];
    if (!out.length) {
      // Another layout (the mobile web player): the smallest box around the one video that also
      // holds its creator's link.
      const v = root.querySelector('video');
      for (let c = v?.parentElement ?? null; c; c = c.parentElement) {
        if (c.querySelector(SEL.profileLink)) {
          out.push(c);
          break;
        }
      }
    }
    return out;
  },
};
