/**
 * Watchlist and elections in browser.storage.local (WXT storage items): small data, written by the
 * watchlist page, read by the background when a record is built and by the content script (only
 * the compact `watchlistKeys` item, which every watchlist write recomputes). No zod here.
 */
import { storage } from 'wxt/utils/storage';
import type { EvidenceRecord } from '../record/schema';
import { applyEnrichment, enrichRecordInputs } from './enrich';
import {
  accountRef, WATCH_KEYS_STORAGE, watchKeys, type Candidate, type Election, type WatchEntry, type WatchKeys,
} from './model';

export const watchlistItem = storage.defineItem<WatchEntry[]>('local:watchlist', { fallback: [], version: 1 });
export const electionsItem = storage.defineItem<Election[]>('local:elections', { fallback: [], version: 1 });
export const watchKeysItem = storage.defineItem<WatchKeys>(WATCH_KEYS_STORAGE, {
  fallback: { enabled: true, keys: [] },
  version: 1,
});

/** Replace the watchlist and, in the same write, the content script's key list. */
export async function saveWatchlist(entries: WatchEntry[]): Promise<void> {
  const { enabled } = await watchKeysItem.getValue();
  await storage.setItems([
    { item: watchlistItem, value: entries },
    { item: watchKeysItem, value: { enabled, keys: watchKeys(entries) } },
  ]);
}

export async function setMarking(enabled: boolean): Promise<void> {
  const cur = await watchKeysItem.getValue();
  await watchKeysItem.setValue({ ...cur, enabled });
}

export async function saveElections(elections: Election[]): Promise<void> {
  await electionsItem.setValue(elections);
}

/**
 * Background, when a flag is stored: pre-fill the built record from the watchlist and the
 * elections (subject identity, violation.candidate/election). Never throws: a broken storage
 * read leaves the record as the page yielded it.
 */
export async function enrichFromWatchlist(record: EvidenceRecord, now: Date = new Date()): Promise<void> {
  try {
    const [watchlist, elections] = await Promise.all([watchlistItem.getValue(), electionsItem.getValue()]);
    if (!watchlist.length && !elections.length) return;
    applyEnrichment(record, enrichRecordInputs(record, watchlist, elections, now));
  } catch {
    /* the capture matters more than the pre-fill */
  }
}

export type ElectionErrorCode =
  | 'election_name' | 'election_date' | 'candidate_name' | 'candidate_ballot' | 'candidate_ballot_dup'
  | 'campaign_account_dup' | 'account_invalid';
export interface ElectionError { code: ElectionErrorCode; candidateId?: string; value?: string }

export interface CandidateInput { id: string; name: string; ballotNumber: string; accounts: string }

/** Check an election as edited on the page; returns the cleaned election or every problem. */
export function validateElection(
  input: { id: string; name: string; date: string; candidates: CandidateInput[] },
): { ok: true; election: Election } | { ok: false; errors: ElectionError[] } {
  const errors: ElectionError[] = [];
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (!name) errors.push({ code: 'election_name' });
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.date);
  const dt = d ? new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!)) : null;
  if (!d || !dt || dt.getUTCDate() !== +d[3]! || dt.getUTCMonth() !== +d[2]! - 1) errors.push({ code: 'election_date' });
  const ballots = new Set<number>();
  const keys = new Set<string>();
  const candidates: Candidate[] = [];
  for (const c of input.candidates) {
    const cn = c.name.replace(/\s+/g, ' ').trim();
    if (!cn) errors.push({ code: 'candidate_name', candidateId: c.id });
    const n = /^\d{1,2}$/.test(c.ballotNumber.trim()) ? +c.ballotNumber.trim() : NaN;
    if (!(n >= 1 && n <= 99)) errors.push({ code: 'candidate_ballot', candidateId: c.id });
    else if (ballots.has(n)) errors.push({ code: 'candidate_ballot_dup', candidateId: c.id, value: String(n) });
    else ballots.add(n);
    const accounts: string[] = [];
    for (const a of c.accounts.split(/[\s|,;]+/).filter(Boolean)) {
      const ref = accountRef(a);
      if (!ref) errors.push({ code: 'account_invalid', candidateId: c.id, value: a.slice(0, 120) });
      else if (keys.has(ref.key)) errors.push({ code: 'campaign_account_dup', candidateId: c.id, value: ref.url });
      else {
        keys.add(ref.key);
        accounts.push(ref.url);
      }
    }
    candidates.push({ id: c.id, name: cn, ballotNumber: n, accounts });
  }
  if (errors.length) return { ok: false, errors };
  candidates.sort((a, b) => a.ballotNumber - b.ballotNumber);
  return { ok: true, election: { id: input.id, name, date: input.date, candidates } };
}
