/**
 * Schema problems as the monitor reads them: each zod issue of the evidence record becomes a
 * problem on ONE form field, named by that field's label ("NIP harus 18 angka"), never by its
 * path ("subject.nip") and never in the schema's own English. The schema keeps its English
 * messages (they are the server's and the verifier's contract); this module maps by path and
 * issue kind, not by message text. No zod import: the issues are plain objects here, so the
 * review page can use it without pulling zod in.
 */
import { t, type Lang, type MessageKey } from '../i18n/messages';

/** The part of a zod issue this module reads. */
export interface IssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  /** zod 4: 'regex', 'url', 'datetime'... for invalid_format */
  format?: string;
}

/** Kinds of problem a monitor can cause, each with its own sentence (lib/i18n/messages.ts v_*). */
export type ProblemKind = 'nip' | 'url' | 'tooLong' | 'choice' | 'other';

/** One invalid form field: its dot path (for the page's input ids), its kind and its label. */
export interface FieldProblem {
  path: string;
  kind: ProblemKind;
}

const SECTIONS = ['subject', 'post', 'comment', 'violation', 'monitor'] as const;
type Section = (typeof SECTIONS)[number];

/** Label keys of every field the monitor edits (the form's own labels). */
export const FIELD_LABELS: Record<Section, Record<string, MessageKey>> = {
  subject: {
    name: 'name', accountUrl: 'accountUrl', handle: 'handle', nip: 'nip', agency: 'agency',
    position: 'position', rank: 'rank', employmentType: 'employmentType',
  },
  post: { authorName: 'author', authorUrl: 'authorUrl', text: 'text', url: 'permalink', id: 'postId' },
  comment: { authorName: 'author', authorUrl: 'authorUrl', text: 'text', url: 'permalink', id: 'commentId' },
  violation: { types: 'violationTypes', candidate: 'candidate', election: 'election', notes: 'notes' },
  monitor: { name: 'monitorName', nip: 'monitorNip', unit: 'monitorUnit' },
};

/** Every editable field's dot path (the unit tests walk them all). */
export const EDITABLE_PATHS: string[] = SECTIONS.flatMap((s) => Object.keys(FIELD_LABELS[s]).map((k) => `${s}.${k}`));

const SECTION_TITLE: Partial<Record<Section, MessageKey>> = { post: 'section_post', comment: 'section_comment' };

/** The field's label as the form shows it; post and comment fields name their section too. */
export function fieldLabel(path: string, lang: Lang): string | null {
  const [section, key] = path.split('.') as [Section, string | undefined];
  const labelKey = key !== undefined ? FIELD_LABELS[section]?.[key] : undefined;
  if (!labelKey) return null;
  const title = SECTION_TITLE[section];
  return title ? `${t(lang, labelKey)} (${t(lang, title).toLowerCase()})` : t(lang, labelKey);
}

function kindOf(issue: IssueLike, path: string): ProblemKind {
  if (issue.code === 'too_big') return 'tooLong';
  if (issue.code === 'invalid_value' || issue.code === 'invalid_enum_value' || issue.code === 'invalid_union') return 'choice';
  if (path === 'subject.nip' || path === 'monitor.nip') return 'nip';
  if (/(?:url|Url)$/.test(path)) return 'url';
  return 'other';
}

/**
 * The record's issues as problems on form fields, one per field, in the order of the issues.
 * Issues outside the editable fields (the screenshot, ids, times: never typed by the monitor)
 * become one problem with path '' ("the record itself").
 */
export function fieldProblems(issues: readonly IssueLike[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const [section, key] = issue.path.map(String);
    let path = section && key ? `${section}.${key}` : '';
    if (path && !EDITABLE_PATHS.includes(path)) path = '';
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, kind: path ? kindOf(issue, path) : 'other' });
  }
  return out;
}

const KIND_KEY: Record<ProblemKind, MessageKey> = {
  nip: 'v_nip', url: 'v_url', tooLong: 'v_tooLong', choice: 'v_choice', other: 'v_other',
};

/** One problem in the monitor's words: the field's label and what to do. */
export function problemMessage(p: FieldProblem, lang: Lang): string {
  const label = p.path ? fieldLabel(p.path, lang) : null;
  if (!label) return t(lang, 'v_record');
  return t(lang, KIND_KEY[p.kind], { label });
}

/** A one-line summary of every problem (for a reply that has no form to mark). */
export function describeProblems(issues: readonly IssueLike[], lang: Lang): string {
  return fieldProblems(issues).map((p) => problemMessage(p, lang)).join(' ');
}

/** The monitor's own NIP (settings): empty, or 18 digits. Same rule as the ASN's NIP. */
export const NIP_RE = /^\d{18}$/;
