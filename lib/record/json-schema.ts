/** JSON Schemas of the public contracts, generated from the zod schemas (docs/*.schema.json). */
import '../zod-config';
import { z } from 'zod';
import { manifestSchema } from '../export/manifest';
import { evidenceRecordSchema } from './schema';

export function renderSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, id: string, title: string) =>
    `${JSON.stringify({ $id: id, title, ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) }, null, 2)}\n`;
  return {
    'evidence-record.schema.json': render(evidenceRecordSchema, 'urn:asn-evidence:record:1', 'ASN evidence record, schemaVersion 1'),
    'bundle-manifest.schema.json': render(manifestSchema, 'urn:asn-evidence:bundle-manifest:1', 'ASN evidence bundle manifest, formatVersion 1'),
  };
}
