/**
 * What the team register files a record under (docs/workspace.md, "Register, findings and audit
 * log"): the ASN (NIP, else normalised account URL, else the record alone) and the target (the
 * comment, the post, the account or the page). Pure functions, no database.
 */
import { accountKey } from '../../lib/watchlist/model';

/** Postgres text cannot hold NUL; lone surrogates cannot be canonicalised (RFC 8785). */
export function cleanText(s: string): string {
  return s.replace(/\u0000/g, '').toWellFormed();
}

export function cleanOpt(s: unknown, max = 10_000): string | null {
  if (typeof s !== 'string') return null;
  const t = cleanText(s).trim().slice(0, max);
  return t === '' ? null : t;
}

/** Lower case, no accents, punctuation and runs of spaces collapsed (as lib/cases/group.ts). */
export function normText(s: string | null | undefined): string {
  if (!s) return '';
  return cleanText(s)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('id')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The NIP as 18 digits (spaces, dots and dashes dropped), or null. */
export function nipOf(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const d = raw.replace(/[\s.\-]/g, '');
  return /^\d{18}$/.test(d) ? d : null;
}

const HOST_PREFIX = /^(www|m|web|mobile|mbasic)\./;

/**
 * The account an account URL identifies. Facebook, Instagram and TikTok profile URLs give the same
 * key the extension's watchlist uses ("facebook.com/budi", "facebook.com/profile.php?id=1000…",
 * "instagram.com/budi_s", "tiktok.com/@budi"); any other URL: lower-case host without
 * www./m./web./mobile., lower-case path without trailing slash, no fragment, and of the query only
 * `id` (profile.php?id=…). A key without scheme ("facebook.com/budi") is accepted too.
 */
export function accountKeyOf(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let s = cleanText(raw).trim();
  if (!s) return null;
  if (!/^https?:\/\//i.test(s)) s = `https://${s}`;
  const k = accountKey(s);
  if (k) return k;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  const host = u.hostname.toLowerCase().replace(HOST_PREFIX, '');
  if (!host) return null;
  const path = u.pathname.replace(/\/+$/, '').toLowerCase();
  const id = u.searchParams.get('id');
  return `${host}${path}${id ? `?id=${id}` : ''}`;
}

/** Query members that identify a post or comment (everything else is tracking or view state). */
const KEEP_QUERY = new Set(['id', 'story_fbid', 'fbid', 'comment_id', 'reply_comment_id', 'v', 'multi_permalinks', 'set', 'p']);

/**
 * A post, comment or page URL reduced to what identifies the item: lower-case host without
 * www./m./web./mobile., the path as is (post ids are case-sensitive) without trailing slash, the
 * identifying query members sorted, no fragment.
 */
export function targetUrlKey(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw.trim()) return null;
  let u: URL;
  try {
    u = new URL(cleanText(raw).trim());
  } catch {
    return null;
  }
  const host = u.hostname.toLowerCase().replace(HOST_PREFIX, '');
  const path = u.pathname.replace(/\/+$/, '');
  const q = [...u.searchParams].filter(([k]) => KEEP_QUERY.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${host}${path}${q.length ? `?${q.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`;
}

/** The parts of a record the register reads (every field may be missing in an old row). */
export interface RecordLike {
  platform?: unknown;
  kind?: unknown;
  page?: { url?: unknown } | null;
  post?: { id?: unknown; url?: unknown } | null;
  comment?: { id?: unknown; url?: unknown } | null;
  subject?: { accountUrl?: unknown } | null;
}

export interface Target { key: string; url: string | null }

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? cleanText(v).trim() : null);

/**
 * The target a record is about, as `platform|kind|what`: the comment (its id; else the
 * reply_comment_id/comment_id in its URL; else its URL) for comments and replies; the post URL (else
 * the post id) for posts and reactions; the account (else the page URL) for profiles; the page URL
 * for pages. A record without any of these is a target of its own (`e:<record id>`).
 */
export function targetOf(rec: RecordLike, platform: string, kind: string, evidenceId: string, pageUrl: string | null): Target {
  const pageKey = targetUrlKey(pageUrl ?? rec.page?.url);
  const pageRaw = str(pageUrl) ?? str(rec.page?.url);
  let what: string | null = null;
  let url: string | null = null;
  if (kind === 'comment' || kind === 'reply') {
    const id = str(rec.comment?.id);
    const curl = str(rec.comment?.url);
    url = curl ?? str(rec.post?.url) ?? pageRaw;
    if (id) what = `c:${id}`;
    else if (curl) {
      let fromUrl: string | null = null;
      try {
        const q = new URL(curl).searchParams;
        fromUrl = (kind === 'reply' ? q.get('reply_comment_id') : null) ?? q.get('comment_id');
      } catch { /* not a URL */ }
      const k = targetUrlKey(curl);
      what = fromUrl ? `c:${fromUrl}` : k ? `u:${k}` : null;
    }
  } else if (kind === 'post' || kind === 'reaction') {
    const purl = str(rec.post?.url);
    const k = targetUrlKey(purl);
    url = purl ?? pageRaw;
    if (k) what = `u:${k}`;
    else if (str(rec.post?.id)) what = `p:${str(rec.post?.id)}`;
  } else if (kind === 'profile') {
    const a = accountKeyOf(rec.subject?.accountUrl);
    url = str(rec.subject?.accountUrl) ?? pageRaw;
    if (a) what = `a:${a}`;
  }
  // A comment, post or reaction without its own id or URL is NOT matched by the page it was on
  // (a feed or a post page holds many): it stays a finding of its own.
  if (!what && pageKey && (kind === 'page' || kind === 'profile' || !['comment', 'reply', 'post', 'reaction'].includes(kind))) {
    what = `u:${pageKey}`;
    url = url ?? pageRaw;
  }
  if (!what) what = `e:${evidenceId}`;
  return { key: `${platform}|${kind}|${what}`, url };
}
