/**
 * Writes the JSON Schemas of the public contracts, generated from the zod schemas, into docs/:
 * evidence-record.schema.json and bundle-manifest.schema.json. A unit test fails when they are
 * stale, so the documented contract is always the one the code enforces.
 *   npx tsx scripts/gen-schemas.ts
 */
import { writeFileSync } from 'node:fs';
import { renderSchemas } from '../lib/record/json-schema';

for (const [file, text] of Object.entries(renderSchemas())) {
  writeFileSync(new URL(`../docs/${file}`, import.meta.url), text);
  console.log(`wrote docs/${file}`);
}
