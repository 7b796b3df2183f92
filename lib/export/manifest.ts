/**
 * manifest.json of the evidence bundle (contracts.md section 3). Field names are a contract:
 * receiving offices and auditors read it. `format` and `formatVersion` are checked first so a
 * wrong file gets a precise message instead of a list of zod issues.
 */
import '../zod-config';
import { z } from 'zod';
import { describeIssues, evidenceRecordSchema } from '../record/schema';

export const BUNDLE_FORMAT = 'asn-evidence-bundle' as const;
export const BUNDLE_FORMAT_VERSION = 1 as const;

/** Actions of the chain-of-custody log. `save` is what the extension's store logs when a draft is saved. */
export const CUSTODY_ACTIONS = ['capture', 'edit', 'save', 'sync', 'export', 'import', 'delete'] as const;
export type CustodyAction = (typeof CUSTODY_ACTIONS)[number];

const isoInstant = z.iso.datetime({ offset: true });

export const custodyEntrySchema = z.object({
  recordId: z.uuid({ version: 'v4' }),
  /** ISO-8601 instant */
  at: isoInstant,
  action: z.enum(CUSTODY_ACTIONS),
  /** who did it (the monitor's name); null when unknown */
  actor: z.string().max(500).nullable(),
  /** free text or a small JSON object (what changed, the sha256 at capture...) */
  details: z.union([z.string().max(10_000), z.record(z.string(), z.unknown())]).optional(),
  /** for `export`/`import`: sha256 of the bundle ZIP the record went out / came in with */
  bundleSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** hash chain (lib/integrity/custody.ts): the previous entry's hash, and this entry's own */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/).nullable().optional(),
  hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** 0.2.0+: the signing installation key's id and its ES256 signature over the hash input */
  keyId: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  sig: z.string().regex(/^[A-Za-z0-9_-]{86}$/).optional(),
});
export type CustodyEntry = z.infer<typeof custodyEntrySchema>;

export const createdBySchema = z.object({
  name: z.string().max(500).nullable(),
  nip: z.string().max(64).nullable(),
  unit: z.string().max(500).nullable(),
});
export type CreatedBy = z.infer<typeof createdBySchema>;

export const manifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    createdAt: isoInstant,
    createdBy: createdBySchema,
    extensionVersion: z.string().min(1).max(100),
    records: z.array(evidenceRecordSchema).max(65_000),
    custody: z.array(custodyEntrySchema).max(5_000_000),
    /** 0.2.0+: every public key that signed a capture, a custody entry or the bundle */
    keys: z.array(z.object({
      keyId: z.string().regex(/^[0-9a-f]{64}$/),
      publicKey: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string().max(100), y: z.string().max(100) }),
    })).max(10_000).optional(),
  })
  .superRefine((m, ctx) => {
    const ids = new Set<string>();
    m.records.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['records', i, 'id'], message: `duplicate record id ${r.id}` });
      ids.add(r.id);
    });
    m.custody.forEach((c, i) => {
      if (!ids.has(c.recordId)) {
        ctx.addIssue({ code: 'custom', path: ['custody', i, 'recordId'], message: `custody entry for a record not in this bundle (${c.recordId})` });
      }
    });
  });
export type Manifest = z.infer<typeof manifestSchema>;

export type ManifestCheck =
  | { ok: true; manifest: Manifest }
  | { ok: false; code: 'manifest_not_object' | 'manifest_format' | 'manifest_version' | 'manifest_schema'; message: string; messageId: string };

/** Validate parsed manifest JSON: format, then version, then the full schema. */
export function checkManifest(json: unknown): ManifestCheck {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false, code: 'manifest_not_object',
      message: 'manifest.json is not a JSON object',
      messageId: 'manifest.json bukan objek JSON',
    };
  }
  const o = json as Record<string, unknown>;
  if (o.format !== BUNDLE_FORMAT) {
    const got = o.format === undefined ? 'missing' : JSON.stringify(o.format).slice(0, 80);
    return {
      ok: false, code: 'manifest_format',
      message: `manifest.json: "format" is ${got}, expected "${BUNDLE_FORMAT}" - this is not an ASN evidence bundle`,
      messageId: `manifest.json: "format" bernilai ${got === 'missing' ? 'kosong' : got}, seharusnya "${BUNDLE_FORMAT}" - ini bukan paket bukti ASN`,
    };
  }
  if (o.formatVersion !== BUNDLE_FORMAT_VERSION) {
    const got = o.formatVersion === undefined ? 'missing' : JSON.stringify(o.formatVersion).slice(0, 40);
    const newer = typeof o.formatVersion === 'number' && o.formatVersion > BUNDLE_FORMAT_VERSION;
    return {
      ok: false, code: 'manifest_version',
      message: `manifest.json: formatVersion ${got} is not supported (this tool reads version ${BUNDLE_FORMAT_VERSION})${newer ? '; update the extension/verifier' : ''}`,
      messageId: `manifest.json: formatVersion ${got === 'missing' ? 'kosong' : got} tidak didukung (alat ini membaca versi ${BUNDLE_FORMAT_VERSION})${newer ? '; perbarui ekstensi/verifikator' : ''}`,
    };
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const detail = describeIssues(r.error);
    return {
      ok: false, code: 'manifest_schema',
      message: `manifest.json does not match the schema: ${detail}`,
      messageId: `manifest.json tidak sesuai skema: ${detail}`,
    };
  }
  return { ok: true, manifest: r.data };
}

/** Throws a clear Error when invalid (used by the writer before it writes manifest.json). */
export function assertManifest(manifest: unknown): Manifest {
  const c = checkManifest(manifest);
  if (!c.ok) throw new Error(`Refusing to write the bundle: ${c.message}`);
  return c.manifest;
}
