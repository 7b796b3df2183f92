/**
 * The team's knowledge about an ASN, as a monitor's extension may learn it (issue 15, "the
 * team's knowledge reaches the monitor"): GET {baseUrl}/v1/team/known?nip=…&account=… answers,
 * per key the team has findings for, how many (and how many are open) and the last date. Keys
 * the server does not name have no findings.
 *
 * Pure (fetch, timers; no browser storage): the request, its batching (at most MAX_KNOWN_KEYS
 * keys and a bounded query per request), the strict reading of the answer, and the cache kept in
 * extension storage by lib/team/service.ts: one entry per key asked, with the time it was
 * fetched, so that a stale answer can still be shown offline ("per 12 Nov 2026").
 *
 * The token goes only into the Authorization header; no outcome carries it or any server text.
 */
import type { FetchLike } from '../sync/protocol';
import { normalizeBaseUrl } from '../sync/protocol';
import { MAX_KNOWN_KEYS } from './account-key';

/** An answer younger than this is used without asking again. */
export const FRESH_MS = 12 * 60 * 60 * 1000;
/** The review form asks again when its subject's answer is older than this (one small request). */
export const FORM_FRESH_MS = 10 * 60 * 1000;
/** Cached answers older than this are dropped (stale data is shown offline only up to then). */
export const KEEP_MS = 60 * 24 * 60 * 60 * 1000;
/** A server without the endpoint (404) is not asked again before this. */
export const UNAVAILABLE_RETRY_MS = 60 * 60 * 1000;
export const KNOWN_TIMEOUT_MS = 8000;
/** Query-string budget per request (servers commonly cap the request line at 8 KB; 100 Facebook ids take ~7.2 KB). */
export const MAX_QUERY_CHARS = 7500;
/** Cache size cap: the oldest answers go first. */
export const MAX_CACHE_ENTRIES = 5000;

/** What the server says about one key (server/team/types.ts TeamKnowledge). */
export interface Known { key: string; findings: number; open: number; lastAt: string | null }

export type KnownOutcome =
  | { kind: 'ok'; known: Known[] }
  /** 404/405/501: the server predates the endpoint. Nothing to show, nothing to report. */
  | { kind: 'unavailable'; status: number }
  /** 401/403: this token may not ask. */
  | { kind: 'refused'; status: 401 | 403 }
  /** no network, no answer in time, 5xx, an answer that is not what the contract says */
  | { kind: 'failed'; reason: 'network' | 'timeout' | 'server' | 'bad_reply' | 'config' };

export interface KeyBatch { nips: string[]; accounts: string[] }

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** The query string of one batch ("nip=…&account=…"). */
export function knownQuery(b: KeyBatch): string {
  const q = new URLSearchParams();
  for (const n of b.nips) q.append('nip', n);
  for (const a of b.accounts) q.append('account', a);
  return q.toString();
}

/** Split keys into requests of at most `max` keys and `maxChars` of query each (order kept). */
export function batchKeys(keys: KeyBatch, max = MAX_KNOWN_KEYS, maxChars = MAX_QUERY_CHARS): KeyBatch[] {
  const out: KeyBatch[] = [];
  let cur: KeyBatch = { nips: [], accounts: [] };
  let n = 0;
  let chars = 0;
  const add = (kind: 'nip' | 'account', v: string) => {
    const len = kind.length + 2 + encodeURIComponent(v).length;
    if (n > 0 && (n + 1 > max || chars + len > maxChars)) {
      out.push(cur);
      cur = { nips: [], accounts: [] };
      n = 0;
      chars = 0;
    }
    (kind === 'nip' ? cur.nips : cur.accounts).push(v);
    n++;
    chars += len;
  };
  for (const v of keys.nips) add('nip', v);
  for (const v of keys.accounts) add('account', v);
  if (n > 0) out.push(cur);
  return out;
}

/**
 * The answer's `known` list, only for keys that were asked, each checked: counts are whole
 * numbers (open <= findings), lastAt a strict UTC instant or null. null when the answer is not
 * the documented shape (nothing of it is then used).
 */
export function parseKnownReply(text: string, asked: ReadonlySet<string>): Known[] | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const list = (body as { known?: unknown } | null)?.known;
  if (!Array.isArray(list)) return null;
  const out: Known[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') return null;
    const { key, findings, open, lastAt } = item as Record<string, unknown>;
    if (typeof key !== 'string') return null;
    const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1_000_000;
    if (!count(findings) || !count(open) || open > findings) return null;
    if (lastAt !== null && (typeof lastAt !== 'string' || !ISO_UTC.test(lastAt) || Number.isNaN(Date.parse(lastAt)))) return null;
    if (!asked.has(key) || findings === 0) continue;
    out.push({ key, findings, open, lastAt: lastAt as string | null });
  }
  return out;
}

export interface FetchKnownParams {
  baseUrl: string;
  token: string;
  keys: KeyBatch;
  fetchImpl?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One request (the caller batches). Never throws. */
export async function fetchKnownBatch(p: FetchKnownParams): Promise<KnownOutcome> {
  let base: string;
  try {
    base = normalizeBaseUrl(p.baseUrl);
  } catch {
    return { kind: 'failed', reason: 'config' };
  }
  if (!/^[\x21-\x7e]+$/.test(p.token ?? '')) return { kind: 'failed', reason: 'config' };
  const asked = new Set([...p.keys.nips, ...p.keys.accounts]);
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, p.timeoutMs ?? KNOWN_TIMEOUT_MS);
  const onAbort = () => ctrl.abort();
  p.signal?.addEventListener('abort', onAbort, { once: true });
  // Whatever the transport does with the signal, the deadline ends the wait.
  const aborted = new Promise<never>((_, reject) => ctrl.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
  aborted.catch(() => undefined);
  try {
    const doFetch: FetchLike = p.fetchImpl ?? ((i, init) => fetch(i, init));
    const res = await Promise.race([aborted, doFetch(`${base}/v1/team/known?${knownQuery(p.keys)}`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${p.token}`, Accept: 'application/json' },
      signal: ctrl.signal,
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
    })]);
    const status = res.type === 'opaqueredirect' ? 302 : res.status;
    if (status === 401 || status === 403) return { kind: 'refused', status };
    if (status === 404 || status === 405 || status === 501) return { kind: 'unavailable', status };
    if (status !== 200) return { kind: 'failed', reason: status >= 500 || status === 429 ? 'server' : 'bad_reply' };
    const known = parseKnownReply(await Promise.race([aborted, res.text()]), asked);
    return known ? { kind: 'ok', known } : { kind: 'failed', reason: 'bad_reply' };
  } catch {
    return { kind: 'failed', reason: timedOut ? 'timeout' : 'network' };
  } finally {
    clearTimeout(timer);
    p.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Every batch of `keys`, one after the other. The answers of the batches that succeeded are
 * returned in `answered` (with the keys they covered), so a failure half-way keeps what came.
 */
export async function fetchKnown(p: FetchKnownParams): Promise<{ outcome: KnownOutcome; answered: { asked: string[]; known: Known[] }[] }> {
  const answered: { asked: string[]; known: Known[] }[] = [];
  let all: Known[] = [];
  for (const b of batchKeys(p.keys)) {
    const o = await fetchKnownBatch({ ...p, keys: b });
    if (o.kind !== 'ok') return { outcome: o, answered };
    answered.push({ asked: [...b.nips, ...b.accounts], known: o.known });
    all = all.concat(o.known);
  }
  return { outcome: { kind: 'ok', known: all }, answered };
}

// --- the cache -------------------------------------------------------------------------------

/** One key's last answer: findings 0 = asked, the team has none. `at`: when it was fetched (ms). */
export interface CachedKnown { findings: number; open: number; lastAt: string | null; at: number }

/** Stored in extension storage (local:teamKnowledge). Holds no token: only the server's address. */
export interface KnowledgeCache {
  v: 1;
  /** normalised server address the answers came from; another address = an empty cache */
  server: string;
  entries: Record<string, CachedKnown>;
  /** when the server last said it has no such endpoint (404), ms */
  unavailableAt: number | null;
}

export function emptyCache(server: string): KnowledgeCache {
  return { v: 1, server, entries: {}, unavailableAt: null };
}

/** The cache for `server` (a cache of another server, or a malformed one, counts as empty). */
export function cacheFor(cache: KnowledgeCache | null | undefined, server: string): KnowledgeCache {
  if (!cache || cache.v !== 1 || cache.server !== server || !cache.entries || typeof cache.entries !== 'object') return emptyCache(server);
  return cache;
}

/** Keys with no answer younger than `maxAge`. */
export function staleKeys(cache: KnowledgeCache, keys: readonly string[], now: number, maxAge = FRESH_MS): string[] {
  return keys.filter((k) => {
    const e = cache.entries[k];
    return !e || !(now - e.at < maxAge) || e.at > now + 60_000;
  });
}

/** The cache with one answer merged in: every asked key gets an entry (0 when not named). */
export function withAnswer(cache: KnowledgeCache, asked: readonly string[], known: readonly Known[], now: number): KnowledgeCache {
  const entries = { ...cache.entries };
  for (const k of asked) entries[k] = { findings: 0, open: 0, lastAt: null, at: now };
  for (const k of known) entries[k.key] = { findings: k.findings, open: k.open, lastAt: k.lastAt, at: now };
  return prune({ ...cache, entries, unavailableAt: null }, now);
}

/** Drop answers older than KEEP_MS, then the oldest beyond MAX_CACHE_ENTRIES. */
export function prune(cache: KnowledgeCache, now: number, max = MAX_CACHE_ENTRIES): KnowledgeCache {
  let list = Object.entries(cache.entries).filter(([, e]) => now - e.at < KEEP_MS);
  if (list.length > max) list = list.sort((a, b) => b[1].at - a[1].at).slice(0, max);
  return { ...cache, entries: Object.fromEntries(list) };
}

/** What the form, the watchlist page and the marks show about one ASN. */
export interface KnownView {
  findings: number;
  open: number;
  lastAt: string | null;
  /** null: a fresh answer; else when the (stale) answer was fetched, ISO, to say "per <date>" */
  asOf: string | null;
}

/**
 * The view of an ASN known by these keys: the NIP's answer when the team has findings under it
 * (the server matches an ASN by NIP first), else the account with the most findings. Stale
 * answers (older than `freshMs`) are used with their date. null: nothing to show.
 */
export function viewOf(cache: KnowledgeCache, keys: { nips: readonly string[]; accounts: readonly string[] }, now: number, freshMs = FRESH_MS): KnownView | null {
  const pick = (list: readonly string[]) => {
    let best: CachedKnown | null = null;
    for (const k of list) {
      const e = cache.entries[k];
      if (e && e.findings > 0 && now - e.at < KEEP_MS && (!best || e.findings > best.findings)) best = e;
    }
    return best;
  };
  const e = pick(keys.nips) ?? pick(keys.accounts);
  if (!e) return null;
  return { findings: e.findings, open: e.open, lastAt: e.lastAt, asOf: now - e.at < freshMs ? null : new Date(e.at).toISOString() };
}
