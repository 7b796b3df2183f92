/**
 * The watchlist (daftar pantau) and election data, and the one identity both sides agree on: the
 * canonical account key, "facebook.com/profile.php?id=100012345678901", "facebook.com/budi.santoso",
 * "instagram.com/budi_s", "tiktok.com/@budi" (lower-case). The watchlist page stores these keys;
 * the content script computes the same key from each link's href with `hrefKey` (a regex, no URL
 * object) and looks it up in a prepared Set. No zod here: the content script imports this module.
 */
import type { EMPLOYMENT_TYPES, Platform } from '../record/schema';
import { fbProfile, igProfile, parseUrl, platformOf, ttProfile } from '../platforms/url';

/** Type-only use of the schema's list, so this module never pulls zod in. */
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];

export interface WatchEntry {
  id: string;
  name: string;
  /** 18 digits, separators removed; null when unknown (PPPK/PTT without a number yet). */
  nip: string | null;
  agency: string | null;
  position: string | null;
  rank: string | null;
  employmentType: EmploymentType;
  /** Canonical profile URLs (https://www.facebook.com/profile.php?id=…, https://www.instagram.com/x/, …). */
  accounts: string[];
  addedAt: string;
  updatedAt: string;
}

export interface Candidate {
  id: string;
  name: string;
  /** Nomor urut (ballot number), 1-99. */
  ballotNumber: number;
  /** Official campaign accounts, canonical profile URLs. */
  accounts: string[];
}

export interface Election {
  id: string;
  name: string;
  /** Voting day, YYYY-MM-DD. */
  date: string;
  candidates: Candidate[];
}

const KEY_RE = /^https?:\/\/(?:[a-z0-9-]+\.)*(facebook|instagram|tiktok)\.com(\/[^?#]*)?(\?[^#]*)?/i;
const FB_ID_Q = /[?&]id=(\d{3,25})(?:&|$)/;

/**
 * The account key a link points at, or null. Cheap (one anchored regex, a split, no URL object):
 * it runs for every new link on a feed. Reserved paths ("/watch", "/explore") do produce a key, but
 * such a key is never in the watchlist (accountKey rejects them), so the Set lookup filters them.
 * `origin` resolves root-relative hrefs ("/budi_s/" on Instagram).
 */
export function hrefKey(href: string, origin?: string): string | null {
  if (href.charCodeAt(0) === 47 /* / */ && href.charCodeAt(1) !== 47 && origin) href = origin + href;
  const m = KEY_RE.exec(href);
  if (!m) return null;
  const site = m[1]!.toLowerCase();
  const path = m[2] ?? '/';
  const seg = path.split('/');
  // seg[0] is '' (leading slash); a profile link has one segment, optionally a trailing slash.
  const a = seg[1] ?? '';
  if (site === 'facebook') {
    if (a === 'profile.php') {
      const id = FB_ID_Q.exec(m[3] ?? '');
      return id ? `facebook.com/profile.php?id=${id[1]}` : null;
    }
    if (a === 'people' && /^\d{3,25}$/.test(seg[3] ?? '')) return `facebook.com/profile.php?id=${seg[3]}`;
    if (a === 'groups' && seg[3] === 'user' && /^\d{3,25}$/.test(seg[4] ?? '')) return `facebook.com/profile.php?id=${seg[4]}`;
    if (!a || (seg.length > 2 && seg[2] !== '') || seg.length > 3) return null;
    if (/^\d{3,25}$/.test(a)) return `facebook.com/profile.php?id=${a}`;
    return `facebook.com/${a.toLowerCase()}`;
  }
  if (!a || (seg.length > 2 && seg[2] !== '') || seg.length > 3) return null;
  if (site === 'instagram') return `instagram.com/${a.toLowerCase()}`;
  return a.charCodeAt(0) === 64 /* @ */ ? `tiktok.com/${a.toLowerCase()}` : null;
}

export interface AccountRef { platform: Platform; url: string; key: string }

/**
 * What a monitor typed or a CSV holds -> the canonical account, or null when it is not a profile
 * of a supported platform. Accepted: full or scheme-less profile URLs (facebook.com/budi,
 * m.facebook.com/profile.php?id=…, instagram.com/budi_s, tiktok.com/@budi) and prefixed handles
 * ("fb:budi.santoso", "ig:budi_s", "ig:@budi_s", "tiktok:@budi", "tt:budi"). A bare "@budi" is
 * refused: Instagram and TikTok handles are different people.
 */
export function accountRef(input: string): AccountRef | null {
  let s = input.trim();
  if (!s) return null;
  const pre = /^(fb|facebook|ig|instagram|tt|tiktok)\s*:\s*@?([A-Za-z0-9._]{1,80})$/i.exec(s);
  if (pre) {
    const p = pre[1]!.toLowerCase();
    const h = pre[2]!;
    s = p.startsWith('f') ? `https://www.facebook.com/${h}`
      : p.startsWith('i') ? `https://www.instagram.com/${h}/`
        : `https://www.tiktok.com/@${h}`;
  } else if (!/^https?:\/\//i.test(s)) {
    if (!/^(?:[a-z0-9-]+\.)*(facebook|instagram|tiktok)\.com\//i.test(s)) return null;
    s = `https://${s}`;
  }
  const u = parseUrl(s);
  if (!u) return null;
  const platform = platformOf(u);
  const prof = platform === 'facebook' ? fbProfile(u.href)
    : platform === 'instagram' ? igProfile(u.href)
      : platform === 'tiktok' ? ttProfile(u.href) : null;
  if (!prof) return null;
  const key = hrefKey(prof.url);
  return key ? { platform, url: prof.url, key } : null;
}

/** Key of an already-canonical profile URL (extraction authorUrl, stored account). */
export function accountKey(url: string | null | undefined): string | null {
  return url ? hrefKey(url) : null;
}

/** The compact list the content script reads: every watched account key. */
export function watchKeys(entries: readonly WatchEntry[]): string[] {
  const out = new Set<string>();
  for (const e of entries) for (const a of e.accounts) {
    const k = accountKey(a);
    if (k) out.add(k);
  }
  return [...out].sort();
}

/** The prepared lookup used by enrichment: account key -> watch entry. */
export function indexWatchlist(entries: readonly WatchEntry[]): Map<string, WatchEntry> {
  const m = new Map<string, WatchEntry>();
  for (const e of entries) for (const a of e.accounts) {
    const k = accountKey(a);
    if (k && !m.has(k)) m.set(k, e);
  }
  return m;
}

/** "Nomor urut 2 - Name" (the record's violation.candidate, always in Indonesian like the report). */
export function candidateLabel(c: Pick<Candidate, 'ballotNumber' | 'name'>): string {
  return `Nomor urut ${c.ballotNumber} - ${c.name}`;
}

export function newId(): string {
  return crypto.randomUUID();
}

/** storage.local key of the compact list the content script reads (no messaging needed). */
export const WATCH_KEYS_STORAGE = 'local:watchlistKeys' as const;

export interface WatchKeys {
  /** The monitor can switch the in-page marks off on the watchlist page. */
  enabled: boolean;
  /** watchKeys(entries), sorted. */
  keys: string[];
}
