/**
 * Page content is hostile input. If what a page yielded does not fit the record schema (a
 * javascript: author link, a 200 KB "name"), the capture must not be lost: the offending fields
 * are set to null (and listed for the monitor), the rest is kept.
 */
import { evidenceRecordSchema, type EvidenceRecord } from './schema';

/** Lone surrogates (a half emoji cut by the page) are not I-JSON: canonical JSON refuses them, so they become U+FFFD. */
function wellFormed<T>(v: T): T {
  if (typeof v === 'string') return (v.isWellFormed() ? v : v.toWellFormed()) as T;
  if (Array.isArray(v)) return v.map(wellFormed) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [wellFormed(k), wellFormed(x)])) as T;
  return v;
}

export function sanitizeRecord(rec: EvidenceRecord): { record: EvidenceRecord; dropped: string[] } {
  let cur: EvidenceRecord = wellFormed(structuredClone(rec));
  const dropped: string[] = [];
  for (let round = 0; round < 5; round++) {
    const res = evidenceRecordSchema.safeParse(cur);
    if (res.success) return { record: res.data, dropped };
    for (const issue of res.error.issues) {
      const path = issue.path.map(String);
      if (!nullify(cur as unknown as Record<string, unknown>, path)) {
        throw new Error(`record invalid at ${path.join('.')}: ${issue.message}`);
      }
      dropped.push(path.join('.'));
    }
  }
  const final = evidenceRecordSchema.parse(cur);
  return { record: final, dropped };
}

/** Only page-derived sections may be nulled; capture facts must be valid as built. */
const NULLABLE_ROOTS = new Set(['post', 'comment', 'reaction', 'subject', 'fieldSources', 'page']);

function nullify(obj: Record<string, unknown>, path: string[]): boolean {
  if (path.length < 2 || !NULLABLE_ROOTS.has(path[0]!)) return false;
  let parent: Record<string, unknown> = obj;
  for (const k of path.slice(0, -1)) {
    const next = parent[k];
    if (next === null || typeof next !== 'object') return false;
    parent = next as Record<string, unknown>;
  }
  const leaf = path[path.length - 1]!;
  if (path[0] === 'fieldSources') delete parent[leaf];
  else if (path[0] === 'page') parent[leaf] = path[1] === 'title' ? '' : parent[leaf];
  else if (path[0] === 'subject' && leaf === 'employmentType') parent[leaf] = 'unknown';
  else if (path[0] === 'reaction' && leaf === 'type') parent[leaf] = 'unknown';
  else parent[leaf] = null;
  return true;
}
