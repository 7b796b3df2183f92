/**
 * The evidence manager's filter form and what it asks the background for. Local lists (type
 * checked) so the manager page does not pull zod or idb in.
 */
import type { EvidenceStatus } from '../db/evidence-db';
import type { EvidenceFilter } from '../export-protocol';
import type { Platform, ViolationType } from '../record/schema';

export const EVIDENCE_STATUSES: readonly EvidenceStatus[] = ['draft', 'queued', 'sending', 'synced', 'failed'];
export const PLATFORMS: readonly Platform[] = ['facebook', 'instagram', 'tiktok', 'other'];
export const VIOLATIONS: readonly ViolationType[] = [
  'like', 'reaction', 'comment', 'share', 'post', 'gesture', 'photo_with_candidate',
  'campaign_attribute', 'profile_picture', 'follow', 'other',
];

export interface FilterForm {
  from: string; to: string; statuses: EvidenceStatus[]; platforms: Platform[]; subject: string; violations: ViolationType[];
}
export const EMPTY_FILTER: FilterForm = { from: '', to: '', statuses: [], platforms: [], subject: '', violations: [] };

export function toFilter(f: FilterForm): EvidenceFilter {
  const out: EvidenceFilter = {};
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.statuses.length) out.statuses = f.statuses;
  if (f.platforms.length) out.platforms = f.platforms;
  if (f.subject.trim()) out.subject = f.subject.trim();
  return out;
}

export const toggle = <T,>(list: readonly T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
