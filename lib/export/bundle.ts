/**
 * The evidence bundle writer (contracts.md section 3): a ZIP streamed with fflate's `Zip`, so
 * memory stays near the size of one item however many records are exported. Entries are
 * zip-files.ts streams (fflate's public ZipInputFile interface): the equivalent of ZipPassThrough
 * for PNGs and of ZipDeflate for text, with a fast CRC-32 and native zlib under Node.
 *
 * Layout, in this order:
 *   evidence/<id>/screenshot.png   stored (PNG is already compressed)
 *   evidence/<id>/full.png         stored, only when the item carries the full-tab screenshot
 *   evidence/<id>/source.html      deflated, only when the record keeps the flagged item's HTML
 *   evidence/<id>/record.json      deflated
 *   manifest.json                  deflated, validated with manifestSchema before it is written
 *   evidence.csv                   deflated
 *   report.html                    stored when screenshots are embedded (base64 of PNG hardly
 *                                  deflates; deflating ~400 MB would triple the export time)
 *   SHA256SUMS                     deflated, last: `<sha256>  <path>` for every file above
 *
 * Every file is hashed while it streams. `items` is read twice: once for the files, once for
 * the report's embedded screenshots; pass a function returning a fresh iterable (or an array)
 * so nothing has to be kept. A one-shot iterable (a generator object) still works, but then the
 * screenshots are kept in memory until the report is written.
 *
 * If writeBundle throws, `onChunk` never received `final = true`: discard what it got.
 */
import { appendCustody, signedCustodyEntry, type CustodyLink } from '../integrity/custody';
import { signText, type PublicJwk, type Signer } from '../integrity/keys';
import { checkRecord, recordKeys, type RecordProof } from '../integrity/record-check';
import { Zip } from 'fflate';
import { describeIssues, evidenceRecordSchema, type EvidenceRecord } from '../record/schema';
import { csvChunks } from './csv';
import {
  assertManifest, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, createdBySchema, custodyEntrySchema,
  type CreatedBy, type CustodyEntry, type Manifest,
} from './manifest';
import { renderReport, type ReportFileInfo, type TeamHistory } from './report';
import { createSha256, type Sha256Stream } from './sha256';
import { DeflatedFile, StoredFile } from './zip-files';

/** A custody entry as the store keeps it; `recordId` is filled in from the item when missing. */
export type CustodyInput = Omit<CustodyEntry, 'recordId'> & { recordId?: string };

export interface BundleItem {
  record: EvidenceRecord;
  screenshot: Blob | Uint8Array;
  custody: CustodyInput[];
  /** the full visible tab kept alongside the crop (record.screenshot.full) */
  full?: Blob | Uint8Array | null;
  /** the flagged item's source HTML (record.source) */
  source?: Blob | Uint8Array | null;
}

type ItemSource = AsyncIterable<BundleItem> | Iterable<BundleItem>;
export type BundleItems = ItemSource | (() => ItemSource);

export interface WriteBundleOptions {
  items: BundleItems;
  createdBy: CreatedBy;
  extensionVersion: string;
  /** ISO instant; default now */
  createdAt?: string;
  onChunk: (chunk: Uint8Array, final: boolean) => void | Promise<void>;
  /** embed the screenshots in report.html as data: URIs (default true) */
  embedScreenshotsInReport?: boolean;
  /** compute the SHA-256 of the whole ZIP for the custody log (default true) */
  computeZipSha256?: boolean;
  /** deflate level for text files, 1..9 (default 6) */
  deflateLevel?: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  csvDelimiter?: ',' | ';';
  /** the exporting installation's key: signs each record's export entry and the bundle (signature.json) */
  signer?: Signer;
  /** the team's findings about these ASN (a workspace export): a section of report.html */
  history?: TeamHistory;
}

export interface BundleFileInfo { path: string; sha256: string; size: number }

export interface WriteBundleResult {
  /** SHA-256 of the ZIP as written (null when computeZipSha256 is false) */
  sha256: string | null;
  /** bytes of the ZIP */
  size: number;
  /** every file in the bundle, in ZIP order, SHA256SUMS last */
  files: BundleFileInfo[];
  recordCount: number;
  manifest: Manifest;
}

export const SIGNATURE_FILE = 'signature.json';
/** manifest.json is parsed whole by verifiers, so it has a cap (128 MiB, some 15,000 records with their logs). */
export const MANIFEST_MAX_BYTES = 128 * 1024 * 1024;
export const BUNDLE_SIGNATURE_FORMAT = 'asn-evidence-bundle-signature' as const;

/** signature.json: the exporting installation's ES256 signature over the bytes of SHA256SUMS. */
export interface BundleSignature {
  format: typeof BUNDLE_SIGNATURE_FORMAT;
  version: 1;
  alg: 'ES256';
  keyId: string;
  publicKey: PublicJwk;
  signedFile: 'SHA256SUMS';
  /** SHA-256 of SHA256SUMS (a convenience: the signature is over its bytes) */
  signedSha256: string;
  createdAt: string;
  /** base64url r || s */
  signature: string;
}

/**
 * Why the writer refuses to put a record into a bundle: stored data that does not hold together
 * (damaged, altered or incomplete on this device), or a bundle too big for a verifier to read. The
 * message is for logs and the CLI; `kind` and `subject` let a monitor-facing screen say it in the
 * monitor's words.
 */
export type ExportRefusalKind = 'record_invalid' | 'duplicate' | 'screenshot' | 'full' | 'source_missing' | 'source' | 'custody' | 'too_large';
export class ExportRefusedError extends Error {
  constructor(readonly kind: ExportRefusalKind, readonly recordId: string | null, readonly subject: string | null, message: string) {
    super(`Refusing to export: ${message}`);
    this.name = 'ExportRefusedError';
  }
}

/** fflate writes neither ZIP64 nor more than 65,535 entries: stay inside plain ZIP limits. */
export const MAX_ZIP_BYTES = 0xffffffff - 1024 * 1024;
export const MAX_ZIP_ENTRIES = 65_535;

export function screenshotEntryPath(id: string, which: 'screenshot' | 'full' = 'screenshot'): string {
  return `evidence/${id}/${which}.png`;
}
export function sourceEntryPath(id: string): string {
  return `evidence/${id}/source.html`;
}
export function recordEntryPath(id: string): string {
  return `evidence/${id}/record.json`;
}

async function bytesOf(d: Blob | Uint8Array): Promise<Uint8Array> {
  return d instanceof Uint8Array ? d : new Uint8Array(await d.arrayBuffer());
}
const sizeOf = (d: Blob | Uint8Array) => (d instanceof Uint8Array ? d.byteLength : d.size);

function isOneShot(src: ItemSource): boolean {
  const a = (src as AsyncIterable<BundleItem>)[Symbol.asyncIterator];
  if (typeof a === 'function') return a.call(src) === (src as unknown);
  const s = (src as Iterable<BundleItem>)[Symbol.iterator];
  return typeof s === 'function' && s.call(src) === (src as unknown);
}

class ZipWriter {
  private queue: Uint8Array[] = [];
  private ended = false;
  private error: Error | null = null;
  private entries = 0;
  size = 0;
  readonly hash: Sha256Stream | null;
  readonly zip: Zip;
  readonly files: BundleFileInfo[] = [];

  constructor(
    private onChunk: WriteBundleOptions['onChunk'],
    private mtime: Date,
    private level: number,
    computeSha: boolean,
  ) {
    this.hash = computeSha ? createSha256() : null;
    this.zip = new Zip((err, data, final) => {
      if (err) { this.error = err; return; }
      this.queue.push(data);
      if (final) this.ended = true;
    });
  }

  /** Hand queued ZIP bytes to onChunk, in order, awaiting each (backpressure). */
  async flush(): Promise<void> {
    if (this.error) throw this.error;
    while (this.queue.length) {
      const c = this.queue.shift()!;
      this.size += c.length;
      if (this.size > MAX_ZIP_BYTES) {
        throw new Error(`The bundle would exceed ${MAX_ZIP_BYTES} bytes (the ZIP limit without ZIP64); export fewer records per bundle`);
      }
      this.hash?.update(c);
      await this.onChunk(c, this.ended && this.queue.length === 0);
    }
  }

  /** Start a file; push its bytes in order; the last push has final = true. */
  file(path: string, compress: boolean) {
    if (++this.entries > MAX_ZIP_ENTRIES - 1) {
      throw new Error(`Too many files for one bundle (max ${MAX_ZIP_ENTRIES}); export fewer records per bundle`);
    }
    const f = compress ? new DeflatedFile(path, this.mtime, this.level) : new StoredFile(path, this.mtime);
    this.zip.add(f);
    const h = createSha256();
    let size = 0;
    let done = false;
    return {
      push: async (chunk: Uint8Array, final: boolean): Promise<BundleFileInfo | null> => {
        if (done) throw new Error(`internal: ${path} already finished`);
        h.update(chunk);
        size += chunk.length;
        f.push(chunk, final);
        await this.flush();
        if (!final) return null;
        done = true;
        const info = { path, sha256: h.digestHex(), size };
        this.files.push(info);
        return info;
      },
    };
  }

  async writeText(path: string, chunks: Iterable<string> | AsyncIterable<string | Uint8Array>, compress: boolean): Promise<BundleFileInfo> {
    const out = this.file(path, compress);
    const enc = new TextEncoder();
    let pending = '';
    for await (const c of chunks) {
      if (typeof c === 'string') {
        pending += c;
        if (pending.length >= 256 * 1024) { await out.push(enc.encode(pending), false); pending = ''; }
      } else {
        if (pending) { await out.push(enc.encode(pending), false); pending = ''; }
        if (c.length) await out.push(c, false);
      }
    }
    return (await out.push(enc.encode(pending), true))!;
  }

  async end(): Promise<void> {
    this.zip.end();
    await this.flush();
    if (!this.ended) throw new Error('internal: ZIP did not finish');
  }
}

/** Stream the bundle to `onChunk`. Throws a clear Error (and never emits final) on invalid input. */
export async function writeBundle(opts: WriteBundleOptions): Promise<WriteBundleResult> {
  const createdAt = opts.createdAt ?? new Date().toISOString();
  const createdBy = createdBySchema.parse(opts.createdBy);
  if (!Number.isFinite(Date.parse(createdAt))) throw new Error(`createdAt is not an ISO date: ${createdAt}`);
  const embed = opts.embedScreenshotsInReport ?? true;
  const w = new ZipWriter(opts.onChunk, new Date(createdAt), opts.deflateLevel ?? 6, opts.computeZipSha256 ?? true);
  const enc = new TextEncoder();

  const source = (): ItemSource => (typeof opts.items === 'function' ? opts.items() : opts.items);
  const first = source();
  const oneShot = typeof opts.items !== 'function' && isOneShot(first);
  const kept: (Blob | Uint8Array)[] = [];

  const records: EvidenceRecord[] = [];
  const sizes: number[] = [];
  const custody: CustodyEntry[] = [];
  const perRecordFiles = new Map<string, ReportFileInfo[]>();
  const ids = new Set<string>();
  const keys = new Map<string, PublicJwk>();
  if (opts.signer) keys.set(opts.signer.keyId, opts.signer.publicKey);

  // Pass 1: screenshots and record.json, one item at a time.
  for await (const item of first) {
    const rawId = (item?.record as { id?: unknown } | undefined)?.id;
    const parsed = evidenceRecordSchema.safeParse(item?.record);
    if (!parsed.success) {
      throw new ExportRefusedError('record_invalid', typeof rawId === 'string' ? rawId : null, null, `record ${typeof rawId === 'string' ? rawId : `#${records.length + 1}`} is invalid: ${describeIssues(parsed.error)}`);
    }
    const record = parsed.data;
    if (ids.has(record.id)) throw new ExportRefusedError('duplicate', record.id, record.subject.name ?? null, `record ${record.id} appears twice`);
    ids.add(record.id);

    const mine: ReportFileInfo[] = [];
    const shot = await bytesOf(item.screenshot);
    const info = (await w.file(screenshotEntryPath(record.id), false).push(shot, true))!;
    if (info.sha256 !== record.screenshot.sha256) {
      throw new ExportRefusedError('screenshot', record.id, record.subject.name ?? null, `the screenshot of record ${record.id} does not match the SHA-256 recorded at capture (stored ${record.screenshot.sha256}, found ${info.sha256}); the stored image was altered or mixed up`);
    }
    mine.push(info);
    if (item.full) {
      const full = await bytesOf(item.full);
      const fi = (await w.file(screenshotEntryPath(record.id, 'full'), false).push(full, true))!;
      if (record.screenshot.full && fi.sha256 !== record.screenshot.full.sha256) {
        throw new ExportRefusedError('full', record.id, record.subject.name ?? null, `the full-tab screenshot of record ${record.id} does not match its recorded SHA-256`);
      }
      mine.push(fi);
    }
    if (record.source) {
      if (!item.source) throw new ExportRefusedError('source_missing', record.id, record.subject.name ?? null, `the source HTML of record ${record.id} is missing from the store`);
      const si = (await w.file(sourceEntryPath(record.id), true).push(await bytesOf(item.source), true))!;
      if (si.sha256 !== record.source.sha256) {
        throw new ExportRefusedError('source', record.id, record.subject.name ?? null, `the source HTML of record ${record.id} does not match its recorded SHA-256`);
      }
      mine.push(si);
    }
    const json = enc.encode(JSON.stringify(record, null, 2) + '\n');
    mine.push((await w.file(recordEntryPath(record.id), true).push(json, true))!);
    perRecordFiles.set(record.id, mine);

    const own: CustodyEntry[] = [];
    for (const c of item.custody ?? []) {
      if (c.recordId !== undefined && c.recordId !== record.id) {
        throw new ExportRefusedError('custody', record.id, record.subject.name ?? null, `a custody entry of record ${record.id} names record ${c.recordId}`);
      }
      const entry = custodyEntrySchema.safeParse({ ...c, recordId: record.id });
      if (!entry.success) throw new ExportRefusedError('custody', record.id, record.subject.name ?? null, `custody log of record ${record.id} is invalid: ${describeIssues(entry.error)}`);
      own.push(entry.data);
    }
    const exportEntry: CustodyEntry = {
      recordId: record.id, at: createdAt, action: 'export', actor: createdBy.name,
      details: opts.signer ? { bundle: `${BUNDLE_FORMAT} v${BUNDLE_FORMAT_VERSION}` } : `${BUNDLE_FORMAT} v${BUNDLE_FORMAT_VERSION}`,
    };
    // A hash-chained log stays chained (and signed, by the exporting installation).
    const chained = own.length > 0 && own[own.length - 1]!.hash
      ? opts.signer
        ? await signedCustodyEntry(record.id, own as CustodyLink[], exportEntry as CustodyLink, opts.signer) as CustodyEntry
        : appendCustody(record.id, own as CustodyLink[], exportEntry as CustodyLink).at(-1) as CustodyEntry
      : exportEntry;
    for (const e of own) custody.push(e); // a loop: a log of 100,000+ entries would overflow push(...)
    custody.push(chained);
    for (const [id, k] of recordKeys(record, [...own, chained])) keys.set(id, k);
    records.push(record);
    sizes.push(shot.byteLength);
    if (oneShot) kept.push(item.screenshot);
  }

  // manifest.json: validated before a byte of it is written.
  const manifest = assertManifest({
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdAt,
    createdBy,
    extensionVersion: opts.extensionVersion,
    records,
    custody,
    ...(keys.size ? { keys: [...keys].map(([keyId, publicKey]) => ({ keyId, publicKey })) } : {}),
  });
  const manifestText = JSON.stringify(manifest, null, 2) + '\n';
  if (manifestText.length > MANIFEST_MAX_BYTES / 4 && new TextEncoder().encode(manifestText).length > MANIFEST_MAX_BYTES) {
    throw new ExportRefusedError('too_large', null, null, `manifest.json would exceed ${MANIFEST_MAX_BYTES} bytes, more than a verifier reads; export fewer records per bundle`);
  }
  await w.writeText('manifest.json', [manifestText], true);
  await w.writeText('evidence.csv', csvChunks(records, { delimiter: opts.csvDelimiter }), true);

  // report.html: pass 2 over the items for the embedded screenshots.
  async function* screenshots(): AsyncGenerator<{ id: string; data: Blob | Uint8Array }> {
    if (oneShot) {
      for (let i = 0; i < records.length; i++) yield { id: records[i]!.id, data: kept[i]! };
      return;
    }
    let i = 0;
    for await (const item of source()) {
      const r = records[i];
      const id = (item?.record as { id?: unknown } | undefined)?.id;
      if (!r || id !== r.id || sizeOf(item.screenshot) !== sizes[i]) {
        throw new Error(`The items changed between the two passes at position ${i + 1} (expected record ${r?.id ?? 'none'}); export again`);
      }
      yield { id: r.id, data: item.screenshot };
      i++;
    }
    if (i !== records.length) throw new Error(`The items changed between the two passes: ${records.length} then ${i} items; export again`);
  }
  // What each record's signatures prove, for the report (the same rule the verifier applies).
  const proofs = new Map<string, RecordProof>();
  const logs = new Map<string, CustodyEntry[]>();
  for (const c of custody) {
    const l = logs.get(c.recordId);
    if (l) l.push(c);
    else logs.set(c.recordId, [c]);
  }
  for (const r of records) proofs.set(r.id, await checkRecord(r, (logs.get(r.id) ?? []) as CustodyLink[], { keys }));
  await w.writeText('report.html', renderReport({
    proofs,
    meta: { createdAt, createdBy, extensionVersion: opts.extensionVersion },
    records,
    files: perRecordFiles,
    screenshots: embed ? screenshots() : null,
    history: opts.history,
  }), !embed);
  kept.length = 0;

  const sums = w.files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
  await w.writeText('SHA256SUMS', [sums], true);
  if (opts.signer) {
    // The bundle's own signature: over the exact bytes of SHA256SUMS, which lists every other file.
    const sig: BundleSignature = {
      format: BUNDLE_SIGNATURE_FORMAT, version: 1, alg: 'ES256', keyId: opts.signer.keyId, publicKey: opts.signer.publicKey,
      signedFile: 'SHA256SUMS', signedSha256: w.files.at(-1)!.sha256, createdAt, signature: await signText(opts.signer, sums),
    };
    await w.writeText(SIGNATURE_FILE, [JSON.stringify(sig, null, 2) + '\n'], true);
  }
  await w.end();

  return {
    sha256: w.hash ? w.hash.digestHex() : null,
    size: w.size,
    files: w.files,
    recordCount: records.length,
    manifest,
  };
}

/** Small exports and tests: the bundle as one Blob (application/zip). */
export async function bundleToBlob(opts: Omit<WriteBundleOptions, 'onChunk'>): Promise<{ blob: Blob; result: WriteBundleResult }> {
  const parts: Uint8Array[] = [];
  const result = await writeBundle({ ...opts, onChunk: (c) => { parts.push(c); } });
  return { blob: new Blob(parts as BlobPart[], { type: 'application/zip' }), result };
}

/** Small exports and tests: the bundle as one Uint8Array. */
export async function bundleToBytes(opts: Omit<WriteBundleOptions, 'onChunk'>): Promise<{ bytes: Uint8Array; result: WriteBundleResult }> {
  const parts: Uint8Array[] = [];
  const result = await writeBundle({ ...opts, onChunk: (c) => { parts.push(c); } });
  const bytes = new Uint8Array(result.size);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { bytes, result };
}
