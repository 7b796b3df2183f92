/**
 * "Salah baca?": turn a record whose extracted fields the monitor corrected into an extraction
 * fixture case (../shared/docs/contracts.md section 2) that maintainers run as it is with
 * EVIDENCE_FIXTURES_DIR: the stored source HTML of the flagged item as NAME.html, and NAME.case.json
 * whose `expect` holds the values as the monitor left them (corrected or confirmed).
 * The captured values come from the capture signature's payload, so "corrected" means "differs
 * from what the machine read", whatever the form did in between.
 */
import type { EvidenceRecord } from './schema';

/** The fields an adapter extracts from a page, per kind of flag. */
const FIELDS: Record<string, string[]> = {
  post: ['post.id', 'post.url', 'post.authorName', 'post.authorUrl', 'post.text'],
  comment: ['comment.id', 'comment.authorName', 'comment.authorUrl', 'comment.text', 'post.id'],
  reply: ['comment.id', 'comment.parentId', 'comment.authorName', 'comment.authorUrl', 'comment.text', 'post.id'],
  reaction: ['reaction.actorName', 'reaction.actorUrl', 'post.id'],
};
const SUBJECT = ['subject.name', 'subject.accountUrl', 'subject.handle'];

function get(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur ?? null;
}

export function extractedFields(kind: string): string[] {
  return [...(FIELDS[kind] ?? []), ...SUBJECT];
}

/** Extracted fields whose current value differs from the value captured (signed) at flag time. */
export function correctedFields(record: EvidenceRecord): Array<{ path: string; captured: unknown; now: unknown }> {
  let captured: unknown = null;
  try {
    captured = record.attestation ? JSON.parse(record.attestation.payload) : null;
  } catch { /* an unreadable payload: nothing can be compared */ }
  if (!captured) return [];
  return extractedFields(record.kind)
    .map((path) => ({ path, captured: get(captured, path), now: get(record, path) }))
    .filter((f) => JSON.stringify(f.captured) !== JSON.stringify(f.now));
}

export interface MisreadCase {
  name: string;
  html: string;
  caseJson: string;
}

/** CSS selector of the element at a child-index path under the stored root (body's first element). */
export function selectorFor(targetPath: string | null): string | null {
  if (targetPath === null) return null;
  return ['body > :nth-child(1)', ...(targetPath ? targetPath.split('/').map((i) => `:nth-child(${Number(i)})`) : [])].join(' > ');
}

export function misreadCase(record: EvidenceRecord, sourceHtml: string): MisreadCase {
  const name = `salah-baca-${record.platform}-${record.kind}-${record.id.slice(0, 8)}`;
  const expect: Record<string, unknown> = { platform: record.platform, kind: record.kind };
  for (const path of extractedFields(record.kind)) expect[path] = get(record, path);
  const corrected = correctedFields(record);
  const c = {
    url: record.page.url,
    target: selectorFor(record.source?.targetPath ?? '') ?? 'body > :nth-child(1)',
    expect,
    now: record.capturedAt,
    timeZone: record.timezone,
    element: 'body > :nth-child(1)',
    corrected: corrected.map((f) => ({ field: f.path, read: f.captured, correctedTo: f.now })),
    sourceSha256: record.source?.sha256 ?? null,
  };
  const html = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>${sourceHtml}</body></html>\n`;
  return { name, html, caseJson: JSON.stringify(c, null, 2) + '\n' };
}
