/**
 * What the watchlist page and the in-page marks say per watched ASN, from the cached answers
 * (pure; lib/team/service.ts and components/watchlist use it).
 */
import type { Lang } from '../i18n/messages';
import { accountKey, type WatchEntry } from '../watchlist/model';
import { knownKeys } from './account-key';
import { FRESH_MS, viewOf, type KnowledgeCache, type KnownView } from './knowledge';
import type { TeamMarks } from './marks';
import { markText } from './text';

/** The keys of one watchlist entry. */
export function entryKeys(e: Pick<WatchEntry, 'nip' | 'accounts'>): { nips: string[]; accounts: string[] } {
  return knownKeys({ nips: [e.nip], accounts: e.accounts });
}

/** What the watchlist page shows for each entry (by entry id); entries without findings are absent. */
export function watchlistViews(entries: readonly WatchEntry[], cache: KnowledgeCache | null, now: number): Record<string, KnownView> {
  const out: Record<string, KnownView> = {};
  if (!cache) return out;
  for (const e of entries) {
    const v = viewOf(cache, entryKeys(e), now, FRESH_MS);
    if (v) out[e.id] = v;
  }
  return out;
}

/** The content script's words per watched account key (lib/team/marks.ts). Pure. */
export function marksFor(entries: readonly WatchEntry[], cache: KnowledgeCache | null, now: number, lang: Lang, tz?: string): TeamMarks {
  const labels: Record<string, string> = {};
  const views = watchlistViews(entries, cache, now);
  for (const e of entries) {
    const v = views[e.id];
    if (!v) continue;
    const text = markText(v, lang, tz);
    for (const a of e.accounts) {
      const k = accountKey(a);
      if (k && !(k in labels)) labels[k] = text;
    }
  }
  return { labels };
}

