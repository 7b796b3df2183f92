import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchemas } from '../../../lib/record/json-schema';

describe('documented JSON Schemas', () => {
  it.each(Object.entries(renderSchemas()))('docs/%s matches the zod schema (run `npx tsx scripts/gen-schemas.ts`)', (file, text) => {
    expect(readFileSync(new URL(`../../../docs/${file}`, import.meta.url), 'utf8')).toBe(text);
  });
  it('the record schema pins the contract field names', () => {
    const s = JSON.parse(renderSchemas()['evidence-record.schema.json']!);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining([
      'id', 'schemaVersion', 'capturedAt', 'timezone', 'platform', 'kind', 'page', 'post', 'comment', 'reaction',
      'subject', 'violation', 'screenshot', 'monitor', 'fieldSources', 'client',
    ]));
  });
});
