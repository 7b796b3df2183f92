/**
 * Pre-fill a flag from the watchlist and the election data. Pure: the background loads the data
 * (store.ts enrichFromWatchlist) and applies the result to the built record before it is
 * sanitised, signed and stored.
 *
 * Field sources: every value taken from the watchlist or the elections editor is marked 'user',
 * because it is data the monitor entered (by hand or by importing their own CSV), not something the
 * page showed.
 */
import type { EvidenceRecord, FieldSource, Kind, Platform, SubjectInfo } from '../record/schema';
import {
  accountKey, candidateLabel, hrefKey, indexWatchlist, type Candidate, type Election, type WatchEntry,
} from './model';

/** What enrichment reads: an extraction or a built record (both have these fields). */
export interface EnrichSource {
  platform: Platform;
  kind: Kind;
  post: { authorUrl: string | null } | null;
  comment: { authorUrl: string | null } | null;
  reaction: { actorUrl: string | null } | null;
  subject: Partial<SubjectInfo>;
}

export interface Enrichment {
  /** Fields to set on the subject (only what the watchlist knows). */
  subject: Partial<SubjectInfo>;
  /** "Nomor urut N - Name" when the post belongs to a known campaign account. */
  candidate: string | null;
  election: string | null;
  /** Additions to record.fieldSources (all 'user'). */
  fieldSources: Record<string, FieldSource>;
  /** The watch entry that matched (for the UI), or null. */
  watchEntryId: string | null;
}

function handleKey(platform: Platform, handle: string | null | undefined): string | null {
  if (!handle) return null;
  const h = handle.replace(/^@/, '');
  if (platform === 'instagram') return hrefKey(`https://www.instagram.com/${h}/`);
  if (platform === 'tiktok') return hrefKey(`https://www.tiktok.com/@${h}`);
  if (platform === 'facebook') return hrefKey(`https://www.facebook.com/${h}`);
  return null;
}

/** The person the flag is about: the subject the adapter proposed, else the author/actor by kind. */
function subjectKeys(x: EnrichSource): string[] {
  const direct = accountKey(x.subject.accountUrl);
  if (direct) return [direct];
  const out: string[] = [];
  const h = handleKey(x.platform, x.subject.handle);
  if (h) out.push(h);
  const byKind = x.kind === 'comment' || x.kind === 'reply' ? x.comment?.authorUrl
    : x.kind === 'reaction' ? x.reaction?.actorUrl
      : x.post?.authorUrl;
  const k = accountKey(byKind);
  if (k) out.push(k);
  return out;
}

/**
 * The campaign candidate behind an account. When the account is in several elections, the next
 * election on or after `now` wins, else the most recent one before it.
 */
function findCandidate(key: string, elections: readonly Election[], now: Date): { c: Candidate; e: Election } | null {
  const today = now.toISOString().slice(0, 10);
  let best: { c: Candidate; e: Election } | null = null;
  const better = (a: Election, b: Election): boolean => {
    const af = a.date >= today;
    const bf = b.date >= today;
    if (af !== bf) return af;
    return af ? a.date < b.date : a.date > b.date;
  };
  for (const e of elections) {
    for (const c of e.candidates) {
      if (c.accounts.some((a) => accountKey(a) === key) && (!best || better(e, best.e))) best = { c, e };
    }
  }
  return best;
}

export function enrichRecordInputs(
  x: EnrichSource,
  watchlist: readonly WatchEntry[],
  elections: readonly Election[],
  now: Date = new Date(),
): Enrichment {
  const out: Enrichment = { subject: {}, candidate: null, election: null, fieldSources: {}, watchEntryId: null };
  const index = indexWatchlist(watchlist);
  let entry: WatchEntry | undefined;
  let matchedKey: string | null = null;
  for (const k of subjectKeys(x)) {
    entry = index.get(k);
    if (entry) {
      matchedKey = k;
      break;
    }
  }
  if (entry) {
    out.watchEntryId = entry.id;
    const set = <K extends keyof SubjectInfo>(f: K, v: SubjectInfo[K] | null | undefined) => {
      if (v === null || v === undefined || v === '') return;
      out.subject[f] = v;
      out.fieldSources[`subject.${f}`] = 'user';
    };
    set('name', entry.name);
    set('nip', entry.nip);
    set('agency', entry.agency);
    set('position', entry.position);
    set('rank', entry.rank);
    if (entry.employmentType !== 'unknown') set('employmentType', entry.employmentType);
    if (!x.subject.accountUrl) set('accountUrl', entry.accounts.find((a) => accountKey(a) === matchedKey) ?? null);
  }
  const postKey = accountKey(x.post?.authorUrl);
  const hit = postKey ? findCandidate(postKey, elections, now) : null;
  if (hit) {
    out.candidate = candidateLabel(hit.c);
    out.election = hit.e.name;
    out.fieldSources['violation.candidate'] = 'user';
    out.fieldSources['violation.election'] = 'user';
  }
  return out;
}

/** Apply an enrichment to a built record (before sanitizeRecord). A candidate already set is kept. */
export function applyEnrichment(record: EvidenceRecord, e: Enrichment): EvidenceRecord {
  Object.assign(record.subject, e.subject);
  for (const [k, v] of Object.entries(e.fieldSources)) {
    if (k === 'violation.candidate' && record.violation.candidate) continue;
    if (k === 'violation.election' && record.violation.election) continue;
    record.fieldSources[k] = v;
  }
  if (e.candidate && !record.violation.candidate) record.violation.candidate = e.candidate;
  if (e.election && !record.violation.election) record.violation.election = e.election;
  return record;
}
