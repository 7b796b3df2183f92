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
import { parseCount } from './locale';
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

  const scope: ParentNode | null = c ?? (pagePost ? ctx.doc : null);
  if (!scope) return;
  const user = scope.querySelector(SEL.username);
  const av = scope.querySelector(SEL.avatar) ?? user?.closest('a[href]');
  const prof = ttProfile(av?.getAttribute('href') ?? '') ?? (text(user) ? ttProfile(`/@${text(user)}`) : null);
  put(x, 'post.authorUrl', prof?.url, 'dom');
  const nick = scope.querySelector(SEL.nickname);
  const parts = nick ? Array.from(nick.children) : [];
  put(x, 'post.authorName', text(parts[0] ?? nick), 'dom');
  if (parts.length >= 3) putTimeLabel(x, 'post', text(parts[parts.length - 1]), ctx);
  const rt = richText(scope.querySelector(SEL.desc), false);
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
  putTimeLabel(x, 'comment', text(row.querySelector(SEL.commentTime)), ctx);
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
    const feed = t?.closest(SEL.feedItem) ?? null;
    if (!feed && !page.postId) {
      if (!t && page.kind === 'profile') return profilePage(x, ctx.doc, page, SEL.profileName);
      return noTarget(x, t);
    }
    setKind(x, 'post', t ? 'dom' : 'url');
    x.element = feed ?? ctx.doc.querySelector(SEL.detail);
    fillPost(x, ctx, feed, !feed);
    const p = x.post!;
    put(x, 'subject.name', p.authorName, x.fieldSources['post.authorName'] ?? 'dom');
    put(x, 'subject.accountUrl', p.authorUrl, x.fieldSources['post.authorUrl'] ?? 'dom');
    put(x, 'subject.handle', ttProfile(p.authorUrl ?? '')?.handle, x.fieldSources['post.authorUrl'] ?? 'dom');
    return finish(x);
  },
  flaggableElements(root) {
    return [
      ...Array.from(root.querySelectorAll(SEL.feedItem)),
      ...Array.from(root.querySelectorAll(SEL.detail)),
      ...Array.from(root.querySelectorAll(SEL.commentItem)),
    ];
  },
};
