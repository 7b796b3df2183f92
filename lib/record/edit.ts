/**
 * Apply the monitor's corrections to a record. Only descriptive fields may change: the
 * screenshot, its hash, the id and the capture time are evidence and stay as captured. Every
 * changed field is attributed to the monitor ("user") and listed so it can be logged.
 */
import type { EvidencePatch } from '../messages';
import type { EvidenceRecord } from './schema';

export interface FieldChange { path: string; from: unknown; to: unknown }

const norm = (v: unknown): unknown => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v);

export function applyPatch(
  rec: EvidenceRecord,
  patch: EvidencePatch,
): { record: EvidenceRecord; changes: FieldChange[] } {
  const next: EvidenceRecord = structuredClone(rec);
  const changes: FieldChange[] = [];
  const set = (section: 'subject' | 'violation' | 'post' | 'comment', key: string, value: unknown) => {
    const path = `${section}.${key}`;
    let target = next[section] as Record<string, unknown> | null;
    if (target === null) {
      if (section !== 'post' && section !== 'comment') return;
      if (norm(value) === null) return;
      target = emptyOf(section);
      (next as Record<string, unknown>)[section] = target;
    }
    const before = target[key] ?? null;
    const after = Array.isArray(value) ? [...new Set(value)] : norm(value);
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    target[key] = after;
    changes.push({ path, from: before, to: after });
    next.fieldSources[path] = 'user';
  };
  for (const section of ['subject', 'violation', 'post', 'comment'] as const) {
    const p = patch[section] as Record<string, unknown> | undefined;
    if (!p) continue;
    for (const [k, v] of Object.entries(p)) if (v !== undefined) set(section, k, v);
  }
  return { record: next, changes };
}

function emptyOf(section: 'post' | 'comment'): Record<string, unknown> {
  return section === 'post'
    ? { id: null, url: null, authorName: null, authorUrl: null, text: null, postedAt: null, postedAtLabel: null, mediaType: null }
    : { id: null, url: null, parentId: null, authorName: null, authorUrl: null, text: null, postedAt: null, postedAtLabel: null };
}
