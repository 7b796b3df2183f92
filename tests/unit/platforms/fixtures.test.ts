// @vitest-environment happy-dom
/**
 * Data-driven extraction fixtures (../../shared/docs/contracts.md section 2).
 *
 * Every `NAME.case.json` next to a `NAME.html` under tests/fixtures/platforms/ (recursively), plus
 * every case under $EVIDENCE_FIXTURES_DIR when set, is one test named by its file. A case:
 *   url       page address (required)
 *   target    CSS selector of the flagged element; null or absent = the whole page
 *   expect    { "<dot path into the Extraction>": value }; each value must equal exactly (null must be
 *             null). Paths may cross keys that contain dots ("fieldSources.post.id",
 *             "extras.truncated.comment.text") and index arrays ("warnings.0.code", "missing.length").
 *   now       optional ISO instant for relative labels; default 2024-09-13T02:15:04.123Z
 *   timeZone  optional IANA zone of the monitor; default Asia/Jakarta
 *   element   optional: CSS selector the returned crop element must be (null = no element)
 * Every case also checks invariants: no throw, each non-null post/comment/reaction/subject field has a
 * fieldSources entry, and `missing` lists only fields that really are null.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractEvidence } from '../../../lib/platforms';
import { FIELD_SOURCES } from '../../../lib/record/schema';
import { DEFAULT_NOW, DEFAULT_TZ, findCases, lookup, pageOf, type FixtureCase as Case } from '../../support/corpus';


const roots = [resolve('tests/fixtures/platforms')];
if (process.env.EVIDENCE_FIXTURES_DIR) roots.push(resolve(process.env.EVIDENCE_FIXTURES_DIR));

for (const root of roots) {
  const cases = existsSync(root) ? findCases(root) : [];
  describe(`fixture cases in ${relative(process.cwd(), root) || root}`, () => {
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const file of cases) {
      it(relative(root, file), () => {
        const c = JSON.parse(readFileSync(file, 'utf8')) as Case;
        const html = readFileSync(pageOf(file), 'utf8');
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const target = c.target ? doc.querySelector(c.target) : null;
        if (c.target) expect(target, `target ${c.target} not found`).not.toBeNull();
        const x = extractEvidence({
          doc, url: c.url, target, now: new Date(c.now ?? DEFAULT_NOW), timeZone: c.timeZone ?? DEFAULT_TZ,
        });
        const got: Record<string, unknown> = {};
        for (const k of Object.keys(c.expect)) got[k] = lookup(x, k);
        expect(got).toEqual(c.expect);
        if (c.element !== undefined) {
          expect(x.element).toBe(c.element === null ? null : doc.querySelector(c.element));
        }
        // Invariants: every found field says where it came from; `missing` only lists nulls.
        for (const obj of ['post', 'comment', 'reaction', 'subject'] as const) {
          const o = (x[obj] ?? {}) as Record<string, unknown>;
          for (const [k, v] of Object.entries(o)) {
            if (v !== null && !(obj === 'reaction' && k === 'type' && v === 'unknown')) {
              expect(FIELD_SOURCES, `${obj}.${k} source`).toContain(x.fieldSources[`${obj}.${k}`]);
            }
          }
        }
        for (const m of x.missing) expect(lookup(x, m) ?? null, m).toSatisfy((v) => v === null || v === 'unknown');
      });
    }
  });
}
