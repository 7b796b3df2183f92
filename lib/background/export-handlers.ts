/**
 * Background handlers for the evidence manager's messages (export, verify, import, list). Only
 * the extension's own pages may send them (handlers.ts calls handleExportMessage inside its
 * own-pages branch); every message is parsed with zod before anything runs.
 *
 * A bundle file travels from the page as base64 (extension messages are JSON). Chrome refuses
 * messages over 64 MiB, so the page sends large files in chunks first ('bundle-chunk', kept here
 * in memory for a few minutes) and then names the upload.
 */
import '../zod-config';
import { z } from 'zod';
import { EVIDENCE_STATUSES } from '../db/evidence-db';
import type { ToBackgroundExport } from '../export-protocol';
import { tx } from '../i18n/export-messages';
import type { Lang } from '../i18n/messages';
import { PLATFORMS } from '../record/schema';
import { base64ToBytes, exportBundle, importBundle, listForManager, verifyBundleBytes } from './export';

/** Largest bundle the verify/import screen accepts (it is held in memory in the background). */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
const MAX_B64 = Math.ceil(MAX_BUNDLE_BYTES / 3) * 4;
/** One chunk of an upload, in base64 characters (well under Chrome's 64 MiB message limit). */
export const MAX_CHUNK_B64 = 32 * 1024 * 1024;
const UPLOAD_TTL_MS = 10 * 60_000;

const day = /^\d{4}-\d{2}-\d{2}$/;
const dateOrInstant = z
  .string()
  .max(40)
  .refine((s) => day.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success, 'a date YYYY-MM-DD or an ISO instant');

export const evidenceFilterSchema = z
  .object({
    from: dateOrInstant.optional(),
    to: dateOrInstant.optional(),
    statuses: z.array(z.enum(EVIDENCE_STATUSES)).max(EVIDENCE_STATUSES.length).optional(),
    subject: z.string().max(200).optional(),
    platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length).optional(),
    ids: z.array(z.uuid()).max(65_000).optional(),
  })
  .strict();

const base64 = z.string().max(MAX_B64);
const uploadId = z.uuid();

export const exportMessageSchema = z.union([
  z.object({ type: z.literal('list-evidence'), filter: evidenceFilterSchema }).strict(),
  z.object({ type: z.literal('export-bundle'), filter: evidenceFilterSchema }).strict(),
  z.object({
    type: z.literal('bundle-chunk'), uploadId, index: z.number().int().min(0).max(10_000), data: z.string().max(MAX_CHUNK_B64),
  }).strict(),
  z.object({ type: z.literal('verify-bundle'), bytes: base64 }).strict(),
  z.object({ type: z.literal('verify-bundle'), uploadId }).strict(),
  z.object({ type: z.literal('import-bundle'), bytes: base64 }).strict(),
  z.object({ type: z.literal('import-bundle'), uploadId }).strict(),
]);

const TYPES = new Set<string>(['list-evidence', 'export-bundle', 'bundle-chunk', 'verify-bundle', 'import-bundle']);

interface Upload { parts: Uint8Array[]; size: number; next: number; touched: number }
const uploads = new Map<string, Upload>();

function sweepUploads(now = Date.now()): void {
  for (const [k, u] of uploads) if (now - u.touched > UPLOAD_TTL_MS) uploads.delete(k);
}

type Fail = { ok: false; code: string; message: string; problems: [] };
const fail = (code: string, message: string): Fail => ({ ok: false, code, message, problems: [] });
const tooLarge = (lang: Lang, size: number) =>
  fail('too_large', tx(lang, 'fileTooLarge', { size: Math.ceil(size / 1048576), max: MAX_BUNDLE_BYTES / 1048576 }));

function addChunk(id: string, index: number, data: string, lang: Lang): { ok: true; received: number } | Fail {
  sweepUploads();
  let u = uploads.get(id);
  if (!u) {
    if (index !== 0) return fail('upload_lost', tx(lang, 'fileReadError', { reason: 'upload expired; choose the file again' }));
    u = { parts: [], size: 0, next: 0, touched: Date.now() };
    uploads.set(id, u);
  }
  if (index !== u.next) {
    uploads.delete(id);
    return fail('upload_order', tx(lang, 'fileReadError', { reason: `chunk ${index} out of order` }));
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(data);
  } catch {
    uploads.delete(id);
    return fail('upload_base64', tx(lang, 'fileReadError', { reason: 'invalid base64' }));
  }
  if (u.size + bytes.length > MAX_BUNDLE_BYTES) {
    uploads.delete(id);
    return tooLarge(lang, u.size + bytes.length);
  }
  u.parts.push(bytes);
  u.size += bytes.length;
  u.next++;
  u.touched = Date.now();
  return { ok: true, received: u.size };
}

function takeBytes(src: { bytes: string } | { uploadId: string }, lang: Lang): Uint8Array | Fail {
  if ('bytes' in src) {
    try {
      const b = base64ToBytes(src.bytes);
      return b.length > MAX_BUNDLE_BYTES ? tooLarge(lang, b.length) : b;
    } catch {
      return fail('upload_base64', tx(lang, 'fileReadError', { reason: 'invalid base64' }));
    }
  }
  const u = uploads.get(src.uploadId);
  uploads.delete(src.uploadId);
  if (!u) return fail('upload_lost', tx(lang, 'fileReadError', { reason: 'upload expired; choose the file again' }));
  if (u.parts.length === 1) return u.parts[0]!;
  const out = new Uint8Array(u.size);
  let o = 0;
  for (const p of u.parts) { out.set(p, o); o += p.length; }
  return out;
}

async function run(m: ToBackgroundExport, lang: Lang): Promise<unknown> {
  switch (m.type) {
    case 'list-evidence':
      return listForManager(m.filter);
    case 'export-bundle':
      return exportBundle(m.filter, lang);
    case 'bundle-chunk':
      return addChunk(m.uploadId, m.index, m.data, lang);
    case 'verify-bundle': {
      const bytes = takeBytes(m, lang);
      return bytes instanceof Uint8Array ? verifyBundleBytes(bytes, lang) : { ...bytes, sha256: null, checks: [] };
    }
    case 'import-bundle': {
      const bytes = takeBytes(m, lang);
      return bytes instanceof Uint8Array ? importBundle(bytes, lang) : bytes;
    }
  }
}

/**
 * The evidence manager's messages; undefined for any other message (the caller goes on with its
 * own router). Call only for messages from the extension's own pages.
 */
export function handleExportMessage(msg: unknown, lang: Lang): Promise<unknown> | undefined {
  const type = (msg as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  const parsed = exportMessageSchema.safeParse(msg);
  if (!parsed.success) return Promise.resolve({ ok: false, code: 'error', message: 'invalid message', problems: [] });
  return run(parsed.data as ToBackgroundExport, lang).catch((e: unknown) => ({
    ok: false, code: 'error', message: String((e as Error)?.message ?? e), problems: [],
  }));
}
