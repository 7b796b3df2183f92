// @vitest-environment happy-dom
/**
 * Every platform selector is annotated in its adapter's SEL block with the fixtures it was checked on
 * ("checked: a, b"). This re-checks each claim: the selector (or, for lists, one of its entries) must
 * match at least one element in every named fixture, so a fixture or selector edit cannot silently
 * leave a selector untested. `real/NAME` names a page of the real-markup corpus (tests/fixtures/real).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEL as FB } from '../../../lib/platforms/facebook';
import { SEL as IG } from '../../../lib/platforms/instagram';
import { SEL as TT } from '../../../lib/platforms/tiktok';

const adapters = [
  ['facebook', FB], ['instagram', IG], ['tiktok', TT],
] as const;

function annotations(platform: string): Map<string, string[]> {
  const src = readFileSync(`lib/platforms/${platform}.ts`, 'utf8');
  const block = src.slice(src.indexOf('export const SEL = {'), src.indexOf('} as const;'));
  const out = new Map<string, string[]>();
  const re = /\/\*\* checked: ([a-z0-9/, -]+?)(?: \(.*\))? \*\/\s*\n\s*(\w+):/g;
  for (const m of block.matchAll(re)) out.set(m[2]!, m[1]!.split(',').map((s) => s.trim()));
  return out;
}

for (const [platform, sel] of adapters) {
  describe(`${platform} selectors`, () => {
    const notes = annotations(platform);
    it('every selector names the fixtures it was checked on', () => {
      expect([...notes.keys()].sort()).toEqual(Object.keys(sel).sort());
    });
    const rows = [...notes].flatMap(([key, files]) => files.map((f) => [key, f] as const));
    it.each(rows)('%s matches in %s', (key, file) => {
      // 'real/NAME' = a saved page of the real-markup corpus, else a sketched fixture
      const path = file.startsWith('real/') ? `tests/fixtures/real/${platform}/${file.slice(5)}.html` : `tests/fixtures/platforms/${platform}/${file}.html`;
      expect(existsSync(path), path).toBe(true);
      const doc = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/html');
      const v = (sel as Record<string, string | readonly string[]>)[key]!;
      const list = typeof v === 'string' ? [v] : v;
      expect(list.some((s) => doc.querySelector(s) !== null), `${key} in ${file}`).toBe(true);
    });
  });
}
