/**
 * Case files per ASN: every record about the same person, grouped. Pure (no browser API).
 *
 * Who is "the same person":
 *   1. records with a NIP are grouped by NIP (18 digits identify a PNS);
 *   2. records without a NIP are grouped by normalised name + normalised account URL;
 *   3. such a name+account group joins a NIP group when records of exactly one NIP carry the same
 *      name+account (the monitor often fills the NIP in on one record only);
 *   4. a record with neither a name nor an account URL nor a NIP stays a case of its own (nothing
 *      says it is about anyone else).
 * Sanctions escalate for repeat offenders, so the count, the dates and the types matter.
 */
import type { EvidenceRecord, GestureType, ViolationType } from '../record/schema';
import { reportingDeadline, type Deadline } from './deadline';

export interface CaseInput {
  id: string;
  status: string;
  record: EvidenceRecord;
}

export interface CaseRecord {
  id: string;
  status: string;
  capturedAt: string;
  timezone: string;
  platform: EvidenceRecord['platform'];
  kind: EvidenceRecord['kind'];
  types: ViolationType[];
  gestures: GestureType[];
  /** comment, post or page text, shortened; page-derived: render as text only */
  snippet: string;
  url: string | null;
  sha256: string;
  deadline: Deadline;
}

export interface CaseFile {
  key: string;
  nip: string | null;
  /** most recent non-empty value of each identity field */
  name: string | null;
  agency: string | null;
  position: string | null;
  rank: string | null;
  employmentType: EvidenceRecord['subject']['employmentType'];
  /** every name and account seen for this person */
  names: string[];
  accounts: string[];
  /** oldest first */
  records: CaseRecord[];
  countsByType: Partial<Record<ViolationType, number>>;
  firstAt: string;
  lastAt: string;
}

/** Lowercase, no accents, punctuation and runs of spaces collapsed ("Budi  Santoso, S.Pd" -> "budi santoso s pd"). */
export function normaliseName(name: string | null | undefined): string {
  if (!name) return '';
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('id')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * An account URL reduced to what identifies the account: host without www./m./web., path
 * without trailing slash (lowercase), and only the `id` query parameter (facebook profile.php?id=).
 */
export function normaliseAccountUrl(url: string | null | undefined): string {
  if (!url) return '';
  try {
    const u = new URL(url);
    const host = u.hostname.toLowerCase().replace(/^(www|m|web|mobile)\./, '');
    const path = u.pathname.replace(/\/+$/, '').toLowerCase();
    const id = u.searchParams.get('id');
    return `${host}${path}${id ? `?id=${id}` : ''}`;
  } catch {
    return url.trim().toLowerCase();
  }
}

const ms = (iso: string) => Date.parse(iso);

function nameKey(r: EvidenceRecord): string | null {
  const n = normaliseName(r.subject.name);
  const a = normaliseAccountUrl(r.subject.accountUrl);
  return n || a ? `name:${n}|${a}` : null;
}

function snippetOf(r: EvidenceRecord): string {
  const text = r.comment?.text ?? r.post?.text ?? r.page.title ?? '';
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

function urlOf(r: EvidenceRecord): string | null {
  if ((r.kind === 'comment' || r.kind === 'reply') && r.comment?.url) return r.comment.url;
  return r.post?.url ?? r.comment?.url ?? r.page.url;
}

export function caseRecord(ev: CaseInput, timeZone?: string): CaseRecord {
  const r = ev.record;
  return {
    id: ev.id,
    status: ev.status,
    capturedAt: r.capturedAt,
    timezone: r.timezone,
    platform: r.platform,
    kind: r.kind,
    types: [...r.violation.types],
    gestures: r.violation.gestures.map((g) => g.type),
    snippet: snippetOf(r),
    url: urlOf(r),
    sha256: r.screenshot.sha256,
    deadline: reportingDeadline(r.capturedAt, timeZone || r.timezone),
  };
}

/** The group key of each record (see the rules at the top of this file). */
export function caseKeys(items: readonly CaseInput[]): Map<string, string> {
  // name+account key -> the NIPs seen with it
  const nipsByName = new Map<string, Set<string>>();
  for (const { record: r } of items) {
    const k = nameKey(r);
    if (r.subject.nip && k) {
      let s = nipsByName.get(k);
      if (!s) nipsByName.set(k, (s = new Set()));
      s.add(r.subject.nip);
    }
  }
  const out = new Map<string, string>();
  for (const { id, record: r } of items) {
    if (r.subject.nip) {
      out.set(id, `nip:${r.subject.nip}`);
      continue;
    }
    const k = nameKey(r);
    if (!k) {
      out.set(id, `record:${id}`);
      continue;
    }
    const nips = nipsByName.get(k);
    out.set(id, nips && nips.size === 1 ? `nip:${[...nips][0]}` : k);
  }
  return out;
}

/**
 * Group records into case files, most records first (then most recent). `timeZone` overrides the
 * zone each record was captured in for the deadline (default: the record's own zone).
 */
export function groupCases(items: readonly CaseInput[], timeZone?: string): CaseFile[] {
  const keys = caseKeys(items);
  const sorted = [...items].sort((a, b) => ms(a.record.capturedAt) - ms(b.record.capturedAt) || a.id.localeCompare(b.id));
  const map = new Map<string, CaseFile>();
  for (const ev of sorted) {
    const r = ev.record;
    const s = r.subject;
    const key = keys.get(ev.id)!;
    let c = map.get(key);
    if (!c) {
      c = {
        key, nip: null, name: null, agency: null, position: null, rank: null, employmentType: 'unknown',
        names: [], accounts: [], records: [], countsByType: {}, firstAt: r.capturedAt, lastAt: r.capturedAt,
      };
      map.set(key, c);
    }
    // oldest first: later records overwrite, so the most recent known value wins
    c.nip = s.nip ?? c.nip;
    c.name = s.name ?? c.name;
    c.agency = s.agency ?? c.agency;
    c.position = s.position ?? c.position;
    c.rank = s.rank ?? c.rank;
    if (s.employmentType !== 'unknown') c.employmentType = s.employmentType;
    if (s.name && !c.names.includes(s.name)) c.names.push(s.name);
    if (s.accountUrl && !c.accounts.includes(s.accountUrl)) c.accounts.push(s.accountUrl);
    c.records.push(caseRecord(ev, timeZone));
    for (const t of new Set(r.violation.types)) c.countsByType[t] = (c.countsByType[t] ?? 0) + 1;
    if (ms(r.capturedAt) < ms(c.firstAt)) c.firstAt = r.capturedAt;
    if (ms(r.capturedAt) > ms(c.lastAt)) c.lastAt = r.capturedAt;
  }
  return [...map.values()].sort((a, b) =>
    b.records.length - a.records.length || ms(b.lastAt) - ms(a.lastAt) || a.key.localeCompare(b.key));
}

/** The earliest deadline still open at `now`, or null when every deadline has passed. */
export function nextOpenDeadline(c: CaseFile, now: number): Deadline | null {
  let best: Deadline | null = null;
  for (const r of c.records) {
    const end = Date.parse(r.deadline.endsBefore);
    if (end > now && (!best || end < Date.parse(best.endsBefore))) best = r.deadline;
  }
  return best;
}
