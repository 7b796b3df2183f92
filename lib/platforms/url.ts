/**
 * URL identity for Facebook, Instagram and TikTok (../../shared/docs/platforms.md section 1).
 * Pure functions on strings: no DOM, no window/location. Every parser returns null fields for what the
 * address does not say; nothing is guessed. Regexes are anchored and linear (no nested quantifiers).
 */
import type { MediaType, Platform } from '../record/schema';

export interface UrlInfo {
  platform: Platform;
  /** What the address points at. 'share' = opaque redirect link (no id inside). */
  kind: 'post' | 'comment' | 'reply' | 'profile' | 'share' | 'other';
  postId: string | null;
  /** Canonical post permalink (tracking dropped). */
  postUrl: string | null;
  /** The comment itself (the reply's id for replies). */
  commentId: string | null;
  /** Parent comment of a reply. */
  parentId: string | null;
  commentUrl: string | null;
  mediaType: MediaType | null;
  /** Post author / profile owner as the URL names it. */
  profileUrl: string | null;
  /** IG/TikTok username, FB vanity (null for numeric-only profiles). */
  handle: string | null;
  /** FB numeric actor/profile id, TikTok numeric ids are not in URLs. */
  actorId: string | null;
  /** FB group id or slug. */
  groupId: string | null;
}

const FB = 'https://www.facebook.com';
const IG = 'https://www.instagram.com';
const TT = 'https://www.tiktok.com';

/** Query parameters that only track the visitor. Dropped on every host (with utm_*, __cft__…). */
const TRACKING = new Set(['fbclid', 'gclid', 'igsh', 'igshid', 'mibextid', '__tn__', 'utm_id']);
/** On the three platforms every other parameter is noise (ref, notif_id, is_from_webapp, _r, …). */
const PLATFORM_KEEP = new Set([
  'story_fbid', 'id', 'fbid', 'v', 'set', 'comment_id', 'reply_comment_id', 'share_comment_id', 'sk', 'q',
]);

export function parseUrl(s: string | null | undefined, base?: string): URL | null {
  if (!s) return null;
  try {
    const u = new URL(s, base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : null;
  } catch {
    return null;
  }
}

const hostIs = (u: URL, d: string): boolean => u.hostname === d || u.hostname.endsWith('.' + d);

export function platformOf(u: URL): Platform {
  if (hostIs(u, 'facebook.com') || hostIs(u, 'fb.watch') || hostIs(u, 'fb.com')) return 'facebook';
  if (hostIs(u, 'instagram.com') || u.hostname === 'instagr.am') return 'instagram';
  if (hostIs(u, 'tiktok.com') || hostIs(u, 'tiktokv.com')) return 'tiktok';
  return 'other';
}

/** l.facebook.com/l.php?u=, lm.facebook.com, l.instagram.com/?u= -> the target address. */
export function unwrapRedirect(u: URL): URL {
  for (let i = 0; i < 3; i++) {
    const h = u.hostname;
    if (!/^(l|lm)\.(facebook|instagram)\.com$/.test(h)) break;
    const next = parseUrl(u.searchParams.get('u'));
    if (!next) break;
    u = next;
  }
  return u;
}

/** Drop tracking parameters and the fragment; on the platforms keep only identity parameters. */
export function stripTracking(u: URL): URL {
  const out = new URL(u.href);
  const onPlatform = platformOf(out) !== 'other';
  out.hash = '';
  for (const k of [...out.searchParams.keys()]) {
    if (
      TRACKING.has(k) || k.startsWith('utm_') || k.startsWith('__cft__') || k.startsWith('__xts__') ||
      (onPlatform && !PLATFORM_KEEP.has(k))
    ) out.searchParams.delete(k);
  }
  return out;
}

/** Any address made comparable: redirect unwrapped, tracking dropped, http -> https. */
export function canonicalUrl(s: string, base?: string): string | null {
  let u = parseUrl(s, base);
  if (!u) return null;
  u = stripTracking(unwrapRedirect(u));
  u.protocol = 'https:';
  return u.href;
}

function empty(platform: Platform): UrlInfo {
  return {
    platform, kind: 'other', postId: null, postUrl: null, commentId: null, parentId: null, commentUrl: null,
    mediaType: null, profileUrl: null, handle: null, actorId: null, groupId: null,
  };
}

/** Parse any address of the three platforms (other hosts: kind 'other', all null). */
export function identify(s: string, base?: string): UrlInfo {
  let u = parseUrl(s, base);
  if (!u) return empty('other');
  u = unwrapRedirect(u);
  const p = platformOf(u);
  if (p === 'facebook') return fbIdentify(u);
  if (p === 'instagram') return igIdentify(u);
  if (p === 'tiktok') return ttIdentify(u);
  return empty('other');
}

// ------------------------------------------------------------------------------------------------
// Facebook

const DIGITS = /^\d{3,25}$/;
const FB_ID = /^(?:pfbid[0-9A-Za-z]{10,100}|\d{3,25})$/;
/** First path segments that are never a profile vanity. */
const FB_RESERVED = new Set([
  'permalink.php', 'story.php', 'photo.php', 'photo', 'photos', 'watch', 'reel', 'reels', 'groups', 'events',
  'pages', 'login', 'login.php', 'help', 'settings', 'notifications', 'marketplace', 'gaming', 'hashtag',
  'share', 'stories', 'search', 'bookmarks', 'friends', 'messages', 'profile.php', 'people', 'checkpoint',
  'videos', 'home.php', 'l.php', 'media', 'live', 'saved', 'privacy', 'policies', 'recover', 'ads', 'business',
  'fundraisers', 'sharer', 'sharer.php', 'dialog', 'plugins', 'video.php', 'feeds', 'memories', 'composer',
]);
const FB_VANITY = /^[A-Za-z0-9.]{2,80}$/;

/** `comment_id` in either encoding: digits, or base64("comment:{postId}_{commentId}"). */
export function fbDecodeCommentId(v: string | null): { id: string; postId: string | null } | null {
  if (!v) return null;
  if (DIGITS.test(v)) return { id: v, postId: null };
  try {
    const m = /^comment:(\d+)_(\d+)$/.exec(atob(v.replace(/-/g, '+').replace(/_/g, '/')));
    if (m) return { id: m[2]!, postId: m[1]! };
  } catch { /* not base64 */ }
  return null;
}

/** comment vs reply from a query string: reply_comment_id wins; comment_id is then the parent. */
export function fbCommentIds(q: URLSearchParams): { commentId: string; parentId: string | null; postId: string | null } | null {
  const c = fbDecodeCommentId(q.get('comment_id'));
  const r = fbDecodeCommentId(q.get('reply_comment_id'));
  if (r) return { commentId: r.id, parentId: c?.id ?? null, postId: r.postId ?? c?.postId ?? null };
  if (c) return { commentId: c.id, parentId: null, postId: c.postId };
  return null;
}

export function fbProfileUrl(idOrVanity: string): string {
  return DIGITS.test(idOrVanity) ? `${FB}/profile.php?id=${idOrVanity}` : `${FB}/${idOrVanity}`;
}

/** Canonical post permalink from a post id and (optionally) its actor. */
export function fbPostUrl(postId: string, actor: string | null, groupId?: string | null): string {
  if (groupId) return `${FB}/groups/${groupId}/posts/${postId}/`;
  if (actor && DIGITS.test(actor)) return `${FB}/permalink.php?story_fbid=${postId}&id=${actor}`;
  if (actor) return `${FB}/${actor}/posts/${postId}`;
  return `${FB}/${postId}`;
}

export function fbCommentUrl(postUrl: string, commentId: string, parentId: string | null): string {
  const sep = postUrl.includes('?') ? '&' : '?';
  return parentId
    ? `${postUrl}${sep}comment_id=${parentId}&reply_comment_id=${commentId}`
    : `${postUrl}${sep}comment_id=${commentId}`;
}

function fbIdentify(u: URL): UrlInfo {
  const r = empty('facebook');
  const q = u.searchParams;
  const seg = u.pathname.split('/').filter(Boolean).map((x) => decodeURIComponent(x));
  const [a = '', b = '', c = '', d = ''] = seg;
  let post: string | null = null;
  let actor: string | null = null;
  let url: string | null = null;
  const setPost = (id: string | null, mt: MediaType | null): void => {
    if (id && FB_ID.test(id)) {
      post = id;
      r.mediaType = mt;
    }
  };
  if (u.hostname === 'fb.watch') {
    r.kind = 'share';
    return r;
  }
  if (a === 'share') {
    r.kind = 'share';
    return r;
  }
  if (a === 'permalink.php' || a === 'story.php') {
    setPost(q.get('story_fbid'), null);
    actor = q.get('id');
  } else if (a === 'groups' && b) {
    r.groupId = b;
    if ((c === 'posts' || c === 'permalink') && d) {
      // 2024 shape /groups/{g}/posts/{hex}/{id}/: the id is the last numeric segment.
      setPost(seg[4] && DIGITS.test(seg[4]) ? seg[4] : d, null);
      if (post) url = `${FB}/groups/${b}/posts/${post}/`;
    } else if (c === 'user' && d && DIGITS.test(d)) {
      r.kind = 'profile';
      r.actorId = d;
      r.profileUrl = fbProfileUrl(d);
      return r;
    }
  } else if (a === 'photo' || a === 'photo.php') {
    const set = q.get('set') ?? '';
    // set=pcb.{postId}: a photo of a multi-photo post; the post is the collection.
    setPost(set.startsWith('pcb.') ? set.slice(4) : q.get('fbid'), 'photo');
    if (post) url = set.startsWith('pcb.') ? `${FB}/${post}` : `${FB}/photo/?fbid=${post}`;
  } else if (a === 'watch') {
    setPost(q.get('v'), 'video');
    if (post) url = `${FB}/watch/?v=${post}`;
  } else if (a === 'reel' || a === 'reels') {
    setPost(b, 'reel');
    if (post) url = `${FB}/reel/${post}`;
  } else if (a === 'video.php') {
    setPost(q.get('v'), 'video');
    if (post) url = `${FB}/watch/?v=${post}`;
  } else if (a === 'profile.php' || a === 'people') {
    const id = a === 'people' ? c : q.get('id');
    if (id && DIGITS.test(id)) {
      r.kind = 'profile';
      r.actorId = id;
      r.profileUrl = fbProfileUrl(id);
      // profile.php?id=…&sk=… is still the profile; posts are under permalink.php.
    }
    return r;
  } else if (a && !FB_RESERVED.has(a)) {
    if (b === 'posts' && c) {
      // /{actor}/posts/{id} and the canonical/og:url form /{actor}/posts/{text-slug}/{numeric id}/
      setPost(!FB_ID.test(c) && d && DIGITS.test(d) ? d : c, null);
      actor = a;
    } else if (b === 'videos' && c) {
      // /{actor}/videos/{id}/ or /{actor}/videos/{title-slug}/{id}/
      setPost(DIGITS.test(c) ? c : d, 'video');
      actor = a;
      if (post) url = `${FB}/watch/?v=${post}`;
    } else if (b === 'photos' && c) {
      // /{actor}/photos/a.{album}/{photoId}/ or /{actor}/photos/{photoId}
      setPost(DIGITS.test(c) ? c : d, 'photo');
      actor = a;
      if (post) url = `${FB}/photo/?fbid=${post}`;
    } else if (!b && FB_ID.test(a) && a.startsWith('pfbid')) {
      setPost(a, null);
    } else if (!b && FB_VANITY.test(a) && !DIGITS.test(a)) {
      r.kind = 'profile';
      r.handle = a;
      r.profileUrl = fbProfileUrl(a);
      return r;
    } else if (!b && DIGITS.test(a)) {
      // facebook.com/{digits}: a profile or a post id; ambiguous, keep as profile-less address.
      r.kind = 'other';
      return r;
    }
  }
  if (!post) return r;
  if (actor) {
    if (DIGITS.test(actor)) r.actorId = actor;
    else if (FB_VANITY.test(actor)) r.handle = actor;
    r.profileUrl = fbProfileUrl(actor);
  }
  r.kind = 'post';
  r.postId = post;
  r.postUrl = url ?? fbPostUrl(post, actor && (DIGITS.test(actor) || FB_VANITY.test(actor)) ? actor : null, r.groupId);
  const cm = fbCommentIds(q);
  if (cm) {
    r.kind = cm.parentId ? 'reply' : 'comment';
    r.commentId = cm.commentId;
    r.parentId = cm.parentId;
    r.commentUrl = fbCommentUrl(r.postUrl, cm.commentId, cm.parentId);
  }
  return r;
}

/** Facebook profile link (author/actor anchors) -> canonical profile URL + vanity + numeric id. */
export function fbProfile(s: string, base = FB): { url: string; handle: string | null; id: string | null } | null {
  const u = parseUrl(s, base);
  if (!u || platformOf(u) !== 'facebook') return null;
  const seg = u.pathname.split('/').filter(Boolean);
  const [a = '', b = '', c = '', d = ''] = seg;
  let id: string | null = null;
  if (a === 'profile.php') id = u.searchParams.get('id');
  else if (a === 'people' && DIGITS.test(c)) id = c;
  else if (a === 'groups' && b && c === 'user' && DIGITS.test(d)) id = d;
  if (id) return DIGITS.test(id) ? { url: fbProfileUrl(id), handle: null, id } : null;
  if (!a || FB_RESERVED.has(a) || !FB_VANITY.test(a)) return null;
  if (DIGITS.test(a)) return { url: fbProfileUrl(a), handle: null, id: a };
  return { url: fbProfileUrl(a), handle: a, id: null };
}

// ------------------------------------------------------------------------------------------------
// Instagram

const IG_CODE = /^[A-Za-z0-9_-]{5,60}$/;
const IG_USER = /^[A-Za-z0-9._]{1,30}$/;
const IG_RESERVED = new Set([
  'p', 'reel', 'reels', 'tv', 'stories', 'explore', 'direct', 'accounts', 'about', 'legal', 'developer',
  'challenge', 'share', 'web', 'api', 'graphql', 'emails', 'session', 'privacy', 'terms', 'oauth', 'static',
  'create', 'your_activity', 'ar', 'topics', 'locations', 'directory', 'igtv', 'invites', 'lite', 'press',
]);

export function igProfileUrl(username: string): string {
  return `${IG}/${username}/`;
}

export function igPostUrl(code: string, type: 'p' | 'reel' | 'tv' = 'p'): string {
  return `${IG}/${type === 'tv' ? 'p' : type}/${code}/`;
}

/** Shortcode -> numeric media pk (base64 alphabet A-Z a-z 0-9 - _). Private codes (>28 chars) trimmed. */
export function igShortcodeToPk(code: string): string | null {
  if (!IG_CODE.test(code)) return null;
  const c = code.length > 28 ? code.slice(0, -28) : code;
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let n = 0n;
  for (const ch of c) n = n * 64n + BigInt(abc.indexOf(ch));
  return n.toString();
}

function igIdentify(u: URL): UrlInfo {
  const r = empty('instagram');
  let seg = u.pathname.split('/').filter(Boolean);
  if (seg[0] === 'share') {
    r.kind = 'share';
    return r;
  }
  // /{username}/p/{code}/ and /{username}/reel/{code}/
  if (seg.length >= 3 && !IG_RESERVED.has(seg[0]!) && /^(p|reel|reels|tv)$/.test(seg[1]!)) {
    r.handle = IG_USER.test(seg[0]!) ? seg[0]! : null;
    if (r.handle) r.profileUrl = igProfileUrl(r.handle);
    seg = seg.slice(1);
  }
  const [a = '', b = '', c = '', d = '', e = '', f = ''] = seg;
  if (/^(p|reel|reels|tv)$/.test(a) && IG_CODE.test(b)) {
    const type = a === 'reels' ? 'reel' : (a as 'p' | 'reel' | 'tv');
    r.kind = 'post';
    r.postId = b;
    r.mediaType = type === 'reel' ? 'reel' : type === 'tv' ? 'video' : null;
    r.postUrl = igPostUrl(b, type);
    if (c === 'c' && DIGITS.test(d)) {
      // /p/{code}/c/{comment}/ and (shape unconfirmed) /p/{code}/c/{parent}/r/{reply}/
      const reply = e === 'r' && DIGITS.test(f) ? f : null;
      r.kind = reply ? 'reply' : 'comment';
      r.commentId = reply ?? d;
      r.parentId = reply ? d : null;
      r.commentUrl = `${IG}/p/${b}/c/${d}/` + (reply ? `r/${reply}/` : '');
    }
    return r;
  }
  if (a && !b && !IG_RESERVED.has(a) && IG_USER.test(a)) {
    r.kind = 'profile';
    r.handle = a;
    r.profileUrl = igProfileUrl(a);
  }
  return r;
}

/** Instagram profile link -> username + canonical URL (null for reserved paths and post links). */
export function igProfile(s: string, base = IG): { url: string; handle: string } | null {
  const u = parseUrl(s, base);
  if (!u || platformOf(u) !== 'instagram') return null;
  const seg = u.pathname.split('/').filter(Boolean);
  const a = seg[0];
  if (seg.length !== 1 || !a || IG_RESERVED.has(a) || !IG_USER.test(a)) return null;
  return { url: igProfileUrl(a), handle: a };
}

// ------------------------------------------------------------------------------------------------
// TikTok

const TT_ID = /^\d{15,22}$/;
const TT_USER = /^[A-Za-z0-9._]{1,40}$/;

export function ttProfileUrl(handle: string): string {
  return `${TT}/@${handle}`;
}

export function ttPostUrl(id: string, handle: string | null, type: 'video' | 'photo' = 'video'): string {
  return `${TT}/@${handle ?? ''}/${type}/${id}`;
}

/** TikTok video/photo/comment ids carry their creation time: id >> 32 = Unix seconds. */
export function ttIdTime(id: string | null): string | null {
  if (!id || !TT_ID.test(id)) return null;
  const s = Number(BigInt(id) >> 32n);
  // Sanity window: TikTok launched 2016; reject ids that decode outside 2016..2100.
  if (s < 1451606400 || s > 4102444800) return null;
  return new Date(s * 1000).toISOString();
}

function ttIdentify(u: URL): UrlInfo {
  const r = empty('tiktok');
  const seg = u.pathname.split('/').filter(Boolean);
  const [a = '', b = '', c = ''] = seg;
  if (/^(vm|vt)\.tiktok\.com$/.test(u.hostname) || a === 't') {
    r.kind = 'share';
    return r;
  }
  let id: string | null = null;
  let type: 'video' | 'photo' = 'video';
  if (a.startsWith('@')) {
    const h = a.slice(1);
    if (TT_USER.test(h)) {
      r.handle = h;
      r.profileUrl = ttProfileUrl(h);
    }
    if ((b === 'video' || b === 'photo') && TT_ID.test(c)) {
      id = c;
      type = b;
    } else if (!b && r.handle) {
      r.kind = 'profile';
      return r;
    }
  } else if ((a === 'embed' || a === 'share') && TT_ID.test(seg[seg.length - 1] ?? '')) {
    id = seg[seg.length - 1]!;
  } else if (a === 'player' && TT_ID.test(seg[seg.length - 1] ?? '')) {
    id = seg[seg.length - 1]!;
  }
  if (!id) return r;
  r.kind = 'post';
  r.postId = id;
  r.mediaType = type === 'photo' ? 'photo' : 'video';
  r.postUrl = ttPostUrl(id, r.handle, type);
  const cid = u.searchParams.get('share_comment_id') ?? u.searchParams.get('comment_id');
  if (cid && TT_ID.test(cid)) {
    r.kind = 'comment';
    r.commentId = cid;
    r.commentUrl = `${r.postUrl}?share_comment_id=${cid}`;
  }
  return r;
}

/** TikTok profile link -> handle + canonical URL. */
export function ttProfile(s: string, base = TT): { url: string; handle: string } | null {
  const u = parseUrl(s, base);
  if (!u || platformOf(u) !== 'tiktok') return null;
  const m = /^\/@([A-Za-z0-9._]{1,40})\/?$/.exec(u.pathname);
  return m ? { url: ttProfileUrl(m[1]!), handle: m[1]! } : null;
}
