/**
 * The background's side of the team's knowledge (issue 15): only the background asks the server
 * (GET /v1/team/known, lib/team/knowledge.ts), with the monitor's token, and only when sync is set
 * up and the browser is online. Answers are cached in extension storage with their fetch time
 * (local:teamKnowledge; fresh for FRESH_MS, shown offline with their date up to KEEP_MS).
 *
 * Who gets what:
 * - the review form (an extension page) asks with 'team-knowledge' {nip, accountUrl} and gets a
 *   KnownView or null; it never waits on it to show or save anything;
 * - the watchlist page reads the cache and the watchlist (both extension storage);
 * - the content script gets only local:teamMarks (lib/team/marks.ts): per watched account key, the
 *   words beside its mark. No token, address, NIP or count beyond those words, and it draws them
 *   in its closed shadow root as generated CSS content, out of the page's reach.
 *
 * Failures (offline, 401/403, 404 from an older server, a bad answer) show nothing alarming: the
 * form and marks simply say nothing (or keep the cached words with their date when offline).
 * 401/403 drop the cache: the server no longer shares the team's knowledge with this token.
 */
import '../zod-config';
import { z } from 'zod';
import { browser } from 'wxt/browser';
import { backendItem, getSettings, settingsItem } from '../settings';
import { checkServerAddress, type FetchLike } from '../sync/protocol';
import { watchlistItem } from '../watchlist/store';
import { knownKeys } from './account-key';
import {
  cacheFor, FORM_FRESH_MS, FRESH_MS, fetchKnown, staleKeys, UNAVAILABLE_RETRY_MS, viewOf, withAnswer,
  type KnowledgeCache, type KnownView,
} from './knowledge';
import type { TeamMarks } from './marks';
import { teamCacheItem, teamMarksItem } from './store';
import { entryKeys, marksFor } from './views';

export { teamCacheItem, teamMarksItem };

export const TEAM_ALARM = 'team-knowledge';

export interface TeamDeps {
  fetchImpl?: FetchLike;
  now?: () => number;
  /** navigator.onLine unless given */
  online?: () => boolean;
  timeZone?: string;
}

const isOnline = (d: TeamDeps) => (d.online ? d.online() : (globalThis.navigator?.onLine ?? true));

/** The server the extension syncs with, and its token; null when sync is not set up. */
async function server(): Promise<{ url: string; token: string } | null> {
  const b = await backendItem.getValue();
  const addr = checkServerAddress(b.baseUrl ?? '');
  if (!addr.ok || !b.token) return null;
  return { url: addr.url, token: b.token };
}

// Read-modify-write of the cache, one at a time (fetches run outside the lock).
let chain: Promise<unknown> = Promise.resolve();
function locked<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn, fn);
  chain = run.catch(() => undefined);
  return run;
}

/**
 * Ask the server about the keys whose cached answer is older than `maxAge` (when online and set
 * up), merge what came into the cache, and return the cache. Never throws.
 */
export async function refreshKeys(keys: { nips: string[]; accounts: string[] }, maxAge: number, deps: TeamDeps = {}): Promise<KnowledgeCache | null> {
  const now = deps.now ?? Date.now;
  const srv = await server();
  if (!srv) return null;
  const cache = cacheFor(await teamCacheItem.getValue(), srv.url);
  if (!isOnline(deps)) return cache;
  if (cache.unavailableAt !== null && now() - cache.unavailableAt < UNAVAILABLE_RETRY_MS && now() >= cache.unavailableAt) return cache;
  const nips = staleKeys(cache, keys.nips, now(), maxAge);
  const accounts = staleKeys(cache, keys.accounts, now(), maxAge);
  if (!nips.length && !accounts.length) return cache;
  const { outcome, answered } = await fetchKnown({ baseUrl: srv.url, token: srv.token, keys: { nips, accounts }, fetchImpl: deps.fetchImpl });
  return locked(async () => {
    // The settings may have changed while the request ran: keep answers only for the same server.
    const cur = await server();
    if (cur?.url !== srv.url) return cacheFor(await teamCacheItem.getValue(), cur?.url ?? '');
    let next = cacheFor(await teamCacheItem.getValue(), srv.url);
    const at = now();
    for (const a of answered) next = withAnswer(next, a.asked, a.known, at);
    if (outcome.kind === 'refused') next = { ...next, entries: {}, unavailableAt: null };
    if (outcome.kind === 'unavailable') next = { ...next, unavailableAt: at };
    await teamCacheItem.setValue(next);
    return next;
  });
}

/** The review form's question: what the team knows about this NIP / account. Never throws. */
export async function subjectKnowledge(subject: { nip: string | null; accountUrl: string | null }, deps: TeamDeps = {}): Promise<KnownView | null> {
  try {
    const keys = knownKeys({ nips: [subject.nip], accounts: [subject.accountUrl] });
    if (!keys.nips.length && !keys.accounts.length) return null;
    const cache = await refreshKeys(keys, FORM_FRESH_MS, deps);
    if (!cache) return null;
    return viewOf(cache, keys, (deps.now ?? Date.now)(), FRESH_MS);
  } catch {
    return null;
  }
}

/** Recompute local:teamMarks from the cache, the watchlist and the language (written only when changed). */
export async function publishMarks(deps: TeamDeps = {}): Promise<TeamMarks> {
  const srv = await server();
  const [entries, raw, { language }] = await Promise.all([watchlistItem.getValue(), teamCacheItem.getValue(), getSettings()]);
  const cache = srv ? cacheFor(raw, srv.url) : null;
  const marks = marksFor(entries, cache, (deps.now ?? Date.now)(), language, deps.timeZone);
  const cur = await teamMarksItem.getValue();
  if (JSON.stringify(cur) !== JSON.stringify(marks)) await teamMarksItem.setValue(marks);
  return marks;
}

let running: Promise<void> | null = null;
let queued: Promise<void> | null = null;
/**
 * Refresh the watchlist's answers older than FRESH_MS, then the marks. Never throws. Calls made
 * while one runs (a watchlist save and the page opening at once) become one more run after it
 * (the running one may have read the watchlist or the settings before they changed).
 */
export function refreshWatchlist(deps: TeamDeps = {}): Promise<void> {
  if (!running) {
    running = refreshWatchlistNow(deps).finally(() => {
      running = null;
    });
    return running;
  }
  queued ??= running.then(() => {
    queued = null;
    return refreshWatchlist(deps);
  });
  return queued;
}

async function refreshWatchlistNow(deps: TeamDeps): Promise<void> {
  try {
    const entries = await watchlistItem.getValue();
    const nips = new Set<string>();
    const accounts = new Set<string>();
    for (const e of entries) {
      const k = entryKeys(e);
      k.nips.forEach((n) => nips.add(n));
      k.accounts.forEach((a) => accounts.add(a));
    }
    if (nips.size || accounts.size) await refreshKeys({ nips: [...nips], accounts: [...accounts] }, FRESH_MS, deps);
  } catch {
    /* nothing to show is fine */
  }
  await publishMarks(deps).catch(() => undefined);
}

// --- messages from the extension's own pages ---------------------------------------------------

const s = z.string().max(2000).nullable();
export const teamMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('team-knowledge'), nip: s, accountUrl: s }).strict(),
  z.object({ type: z.literal('team-refresh') }).strict(),
]);

/**
 * Own pages only (handlers.ts calls this inside its own-pages branch). Returns undefined for
 * messages that are not ours.
 */
export function handleTeamMessage(msg: unknown, deps: TeamDeps = {}): Promise<unknown> | undefined {
  const type = (msg as { type?: unknown } | null)?.type;
  if (type !== 'team-knowledge' && type !== 'team-refresh') return undefined;
  const parsed = teamMessageSchema.safeParse(msg);
  if (!parsed.success) return Promise.resolve({ ok: false, code: 'error', message: 'invalid message' });
  const m = parsed.data;
  if (m.type === 'team-refresh') {
    void refreshWatchlist(deps);
    return Promise.resolve(true);
  }
  return subjectKnowledge({ nip: m.nip, accountUrl: m.accountUrl }, deps).then(async (v) => {
    // The form's answer may have refreshed a watched ASN's count: keep the marks in step.
    await publishMarks(deps).catch(() => undefined);
    return v;
  });
}

/**
 * Background start (called synchronously from defineBackground): refresh on start, every hour
 * (stale answers only), when the browser comes online, when the watchlist or the server settings
 * change; redraw the marks' words when the language changes.
 */
export function registerTeamKnowledge(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === TEAM_ALARM) void refreshWatchlist();
  });
  // Created once: re-creating it on every worker start would push its first run back each time.
  void Promise.resolve(browser.alarms.get(TEAM_ALARM))
    .then(async (a) => {
      if (!a) await browser.alarms.create(TEAM_ALARM, { periodInMinutes: 60 });
    })
    .catch(() => undefined);
  globalThis.addEventListener?.('online', () => void refreshWatchlist());
  watchlistItem.watch(() => void refreshWatchlist());
  backendItem.watch(() => void refreshWatchlist());
  settingsItem.watch(() => void publishMarks().catch(() => undefined));
  void refreshWatchlist();
}
