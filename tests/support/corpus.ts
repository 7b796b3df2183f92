/**
 * Extraction fixture cases (../shared/docs/contracts.md section 2) and the scoring of the real-markup
 * corpus (tests/fixtures/real/): every expected field is right, missing (extracted null where the
 * page holds a value) or wrong (any other difference). Wrong values of person fields (who wrote,
 * who reacted, who the evidence is about) are also counted on their own: a wrong name is the worst
 * thing the product can do.
 *
 * A case is `NAME.case.json` beside `NAME.html`. Several cases may share one saved page:
 * `PAGE.LABEL.case.json` is paired with `PAGE.html` when no `PAGE.LABEL.html` exists.
 * Used by the vitest suites and by `npm run bench`; needs a DOMParser (happy-dom).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { extractEvidence, type Extraction } from '../../lib/platforms';

export interface FixtureCase {
  url: string;
  target?: string | null;
  expect: Record<string, unknown>;
  now?: string;
  timeZone?: string;
  element?: string | null;
}

export const DEFAULT_NOW = '2024-09-13T02:15:04.123Z';
export const DEFAULT_TZ = 'Asia/Jakarta';

/** Fields that name a person: a wrong value here attributes evidence to someone else. */
export const PERSON_FIELDS = new Set([
  'post.authorName', 'post.authorUrl', 'comment.authorName', 'comment.authorUrl',
  'reaction.actorName', 'reaction.actorUrl', 'subject.name', 'subject.accountUrl', 'subject.handle',
]);

export function findCases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findCases(p));
    else if (name.endsWith('.case.json')) out.push(p);
  }
  return out;
}

/** The saved page a case runs on: NAME.html, else (for PAGE.LABEL.case.json) PAGE.html. */
export function pageOf(caseFile: string): string {
  const own = caseFile.replace(/\.case\.json$/, '.html');
  if (existsSync(own)) return own;
  const stem = basename(caseFile).replace(/\.case\.json$/, '');
  const dot = stem.lastIndexOf('.');
  if (dot > 0) {
    const shared = join(dirname(caseFile), `${stem.slice(0, dot)}.html`);
    if (existsSync(shared)) return shared;
  }
  return own;
}

/** Dot-path lookup that prefers the longest key present (keys may contain dots). */
export function lookup(v: unknown, path: string): unknown {
  const parts = path.split('.');
  let cur: unknown = v;
  let i = 0;
  while (i < parts.length) {
    if (cur === null || typeof cur !== 'object') return undefined;
    let j = parts.length;
    for (; j > i; j--) if (parts.slice(i, j).join('.') in (cur as object)) break;
    if (j === i) return undefined;
    cur = (cur as Record<string, unknown>)[parts.slice(i, j).join('.')];
    i = j;
  }
  return cur;
}

const docCache = new Map<string, string>();

export interface RunResult {
  c: FixtureCase;
  doc: Document;
  target: Element | null;
  x: Extraction;
}

/** Parse the case's page and run the extraction as the content script would. */
export function runCase(file: string): RunResult {
  const c = JSON.parse(readFileSync(file, 'utf8')) as FixtureCase;
  const page = pageOf(file);
  let html = docCache.get(page);
  if (html === undefined) {
    html = readFileSync(page, 'utf8');
    docCache.set(page, html);
  }
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const target = c.target ? doc.querySelector(c.target) : null;
  if (c.target && !target) throw new Error(`target ${c.target} not found in ${page}`);
  const x = extractEvidence({
    doc, url: c.url, target, now: new Date(c.now ?? DEFAULT_NOW), timeZone: c.timeZone ?? DEFAULT_TZ,
  });
  return { c, doc, target, x };
}

export type Verdict = 'right' | 'missing' | 'wrong';
export interface FieldResult { file: string; field: string; expected: unknown; got: unknown; verdict: Verdict; person: boolean }

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function scoreCase(file: string, run: RunResult): FieldResult[] {
  return Object.entries(run.c.expect).map(([field, expected]) => {
    const got = lookup(run.x, field) ?? null;
    const verdict: Verdict = same(got, expected) ? 'right' : got === null ? 'missing' : 'wrong';
    return { file, field, expected, got, verdict, person: PERSON_FIELDS.has(field) };
  });
}

export interface Tally { cases: number; fields: number; right: number; missing: number; wrong: number; wrongPerson: number }

export function tally(results: FieldResult[], cases: number): Tally {
  return {
    cases,
    fields: results.length,
    right: results.filter((r) => r.verdict === 'right').length,
    missing: results.filter((r) => r.verdict === 'missing').length,
    wrong: results.filter((r) => r.verdict === 'wrong').length,
    wrongPerson: results.filter((r) => r.verdict === 'wrong' && r.person).length,
  };
}

export const pct = (t: Tally) => (t.fields ? (100 * t.right) / t.fields : 100);

export function tallyLine(label: string, t: Tally): string {
  return `${label}: ${t.cases} cases, ${t.fields} fields: ${t.right} right (${pct(t).toFixed(1)}%), ` +
    `${t.missing} missing, ${t.wrong} wrong, ${t.wrongPerson} wrong person`;
}

/** Run and score every case under a folder; per platform (first folder level) and in total. */
export function scoreCorpus(root: string): { results: FieldResult[]; byPlatform: Map<string, Tally>; total: Tally; errors: string[] } {
  const files = findCases(root);
  const results: FieldResult[] = [];
  const errors: string[] = [];
  const per = new Map<string, { res: FieldResult[]; n: number }>();
  for (const file of files) {
    const platform = file.slice(root.length + 1).split(/[\\/]/)[0] ?? '';
    const slot = per.get(platform) ?? { res: [], n: 0 };
    per.set(platform, slot);
    slot.n++;
    try {
      const r = scoreCase(file, runCase(file));
      results.push(...r);
      slot.res.push(...r);
    } catch (e) {
      errors.push(`${file}: ${String((e as Error)?.message ?? e)}`);
    }
  }
  const byPlatform = new Map([...per].map(([p, s]) => [p, tally(s.res, s.n)]));
  return { results, byPlatform, total: tally(results, files.length), errors };
}

export interface PageInfo {
  page: string;
  flaggable?: { count: number; items: string[] };
  [k: string]: unknown;
}

export function readPages(dir: string): PageInfo[] {
  const f = join(dir, 'pages.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as PageInfo[]) : [];
}
