/**
 * Export, verification and import of evidence bundles (contracts.md section 3), in the
 * background, which owns IndexedDB.
 *
 * Export: select records by filter, stream them through writeBundle one screenshot at a time,
 * collect the ZIP in a Blob, hand it to the downloads API, then log an `export` custody event
 * (who, when, bundle SHA-256, file name) on every exported record.
 * Download URL: a blob: URL where URL.createObjectURL exists (Firefox's background page);
 * Chrome's service worker has no createObjectURL, so there it is a data: URL (checked in
 * Chromium 156: 60 MB bundles download fine this way).
 *
 * Import: verifyBundle; any problem -> nothing imported. Otherwise planImport against the stored
 * ids (same id + same screenshot: skipped; same id + different screenshot: a conflict, skipped
 * and reported), read the new items (screenshots re-hashed), and write them all in one
 * transaction (insertManyEvidence). Imported records are stored as `queued`, so a supervisor can
 * forward them to their own backend; their custody log is the bundle's plus an `import` event.
 */
import { browser } from 'wxt/browser';
import { ExportRefusedError, writeBundle, type BundleItem } from '../export/bundle';
import { planImport, readImportItems } from '../export/import';
import { bytesToBase64, downloadBlob } from '../export/download';

export { bytesToBase64 };
import type { CreatedBy, CustodyEntry } from '../export/manifest';
import { verifyBundle, type VerifyProblem, type VerifyResult } from '../export/verify';
import {
  getBlob, listEvidence, StorageFullError, updateEvidence, type CustodyEvent, type StoredEvidence,
} from '../db/evidence-db';
import { insertManyEvidence, storedScreenshotHashes, type ImportWrite } from '../db/import-store';
import { appendCustody, appendSignedCustody } from '../integrity/custody';
import { installationSigner } from '../integrity/keystore';
import { updateWithCustody } from './custody';
import type {
  BundleCheckView, BundleProblemView, EvidenceFilter, EvidenceRow, ExportResult, ImportResponse, ListResult,
  VerifyResponse,
} from '../export-protocol';
import { sha256Hex } from '../hash';
import { tx } from '../i18n/export-messages';
import { t, type Lang } from '../i18n/messages';
import { getSettings } from '../settings';

// ---------------------------------------------------------------------------------------------
// Selection

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Filter bounds in epoch ms: a day (YYYY-MM-DD) is the monitor's local day, `to` inclusive. */
export function filterBounds(filter: EvidenceFilter): { from: number | null; toExclusive: number | null } {
  const at = (s: string | undefined, end: boolean): number | null => {
    if (!s) return null;
    const m = DAY.exec(s);
    if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0)).getTime();
    const t = Date.parse(s);
    if (!Number.isFinite(t)) return null;
    return end ? t + 1 : t;
  };
  return { from: at(filter.from, false), toExclusive: at(filter.to, true) };
}

export function matchesFilter(ev: StoredEvidence, filter: EvidenceFilter, bounds = filterBounds(filter)): boolean {
  const r = ev.record;
  if (filter.ids && !filter.ids.includes(ev.id)) return false;
  if (filter.statuses?.length && !filter.statuses.includes(ev.status)) return false;
  if (filter.platforms?.length && !filter.platforms.includes(r.platform)) return false;
  const t = Date.parse(r.capturedAt);
  if (bounds.from !== null && !(t >= bounds.from)) return false;
  if (bounds.toExclusive !== null && !(t < bounds.toExclusive)) return false;
  const q = filter.subject?.trim().toLocaleLowerCase();
  if (q) {
    const digits = q.replace(/[\s.-]/g, '');
    const hay = [r.subject.name, r.subject.handle].filter((s): s is string => !!s).map((s) => s.toLocaleLowerCase());
    const nameHit = hay.some((s) => s.includes(q));
    const nipHit = /^\d+$/.test(digits) && !!r.subject.nip?.includes(digits);
    if (!nameHit && !nipHit) return false;
  }
  return true;
}

/** The matching records, oldest capture first (the order of the bundle and its report). */
export async function selectEvidence(filter: EvidenceFilter): Promise<StoredEvidence[]> {
  const bounds = filterBounds(filter);
  const all = await listEvidence();
  return all
    .filter((ev) => matchesFilter(ev, filter, bounds))
    .sort((a, b) => a.record.capturedAt.localeCompare(b.record.capturedAt) || a.id.localeCompare(b.id));
}

export function evidenceRow(ev: StoredEvidence): EvidenceRow {
  const r = ev.record;
  const text = r.comment?.text ?? r.post?.text ?? r.page.title ?? '';
  return {
    id: ev.id,
    status: ev.status,
    capturedAt: r.capturedAt,
    platform: r.platform,
    kind: r.kind,
    subjectName: r.subject.name,
    subjectNip: r.subject.nip,
    snippet: text.length > 200 ? `${text.slice(0, 199)}…` : text,
    sha256: r.screenshot.sha256,
    exports: ev.custody.filter((c) => c.action === 'export').length,
  };
}

export async function listForManager(filter: EvidenceFilter): Promise<ListResult> {
  const bounds = filterBounds(filter);
  const all = await listEvidence();
  return { ok: true, rows: all.filter((ev) => matchesFilter(ev, filter, bounds)).map(evidenceRow), total: all.length };
}

// ---------------------------------------------------------------------------------------------
// Custody log: the store's CustodyEvent <-> the bundle's CustodyEntry

const SHA = /^[0-9a-f]{64}$/;

/** A stored custody event as a bundle entry; the hash-chain fields travel unchanged. */
export function toCustodyEntry(recordId: string, ev: CustodyEvent): CustodyEntry {
  const entry: CustodyEntry = { recordId, at: ev.at, action: ev.action, actor: ev.actor };
  if (ev.details !== undefined) entry.details = ev.details;
  // 0.1.0 entries showed the bundle hash at the top level too (outside their hash input); a signed
  // entry travels exactly as it was signed.
  const sha = ev.details?.bundleSha256;
  if (ev.keyId === undefined && typeof sha === 'string' && SHA.test(sha)) entry.bundleSha256 = sha;
  if (ev.prevHash !== undefined) entry.prevHash = ev.prevHash;
  if (ev.hash !== undefined) entry.hash = ev.hash;
  if (ev.keyId !== undefined) entry.keyId = ev.keyId;
  if (ev.sig !== undefined) entry.sig = ev.sig;
  return entry;
}

/** A bundle entry's content as a stored event (without chain fields). */
function eventContent(e: CustodyEntry): CustodyEvent {
  const details: Record<string, unknown> =
    e.details === undefined ? {} : typeof e.details === 'string' ? { note: e.details } : { ...e.details };
  if (e.bundleSha256 && details.bundleSha256 === undefined) details.bundleSha256 = e.bundleSha256;
  const ev: CustodyEvent = { at: e.at, action: e.action, actor: e.actor };
  if (Object.keys(details).length) ev.details = details;
  return ev;
}

/**
 * A record's custody log from a bundle, for the store. Entries that carry their hash-chain link
 * and object details (written by a store) are kept verbatim, so the chain stays checkable against
 * the original; the others (no link, or the bundle writer's `export` entry whose details are a
 * string, which the store cannot hold) are re-linked here (lib/integrity/custody.ts), as is the
 * importer's own `import` entry.
 */
export function custodyFromBundle(recordId: string, entries: readonly CustodyEntry[]): CustodyEvent[] {
  let log: CustodyEvent[] = [];
  for (const e of entries) {
    if (e.hash && (e.details === undefined || typeof e.details === 'object')) {
      const ev: CustodyEvent = { at: e.at, action: e.action, actor: e.actor, prevHash: e.prevHash ?? null, hash: e.hash };
      if (e.details !== undefined) ev.details = e.details as Record<string, unknown>;
      if (e.keyId !== undefined) ev.keyId = e.keyId;
      if (e.sig !== undefined) ev.sig = e.sig;
      log.push(ev);
    } else {
      log = appendCustody(recordId, log, eventContent(e));
    }
  }
  return log;
}

// ---------------------------------------------------------------------------------------------
// Export

const pad = (n: number) => String(n).padStart(2, '0');

/** bukti-asn-YYYYMMDD-HHmmss.zip, in the monitor's local time. */
export function bundleFileName(d = new Date()): string {
  return `bukti-asn-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.zip`;
}

function createdByFromSettings(m: { name: string; nip: string; unit: string }): CreatedBy {
  return { name: m.name.trim() || null, nip: m.nip.trim() || null, unit: m.unit.trim() || null };
}

/**
 * report.html embeds the screenshots (one printable file) for bundles up to this many records;
 * past it the report points to each evidence/<id>/screenshot.png in the bundle instead, so a
 * large export stays a report a browser can open and print (and the ZIP does not double in size).
 */
export const REPORT_EMBED_MAX_RECORDS = 100;

/** Stream the records through writeBundle, reading one record's screenshots at a time. */
export async function buildBundleBlob(
  selected: readonly StoredEvidence[],
  createdBy: CreatedBy,
  createdAt: string,
): Promise<{ blob: Blob; sha256: string; size: number; recordCount: number }> {
  const items = () => (async function* (): AsyncGenerator<BundleItem> {
    for (const ev of selected) {
      const screenshot = await getBlob(ev.id, 'screenshot');
      if (!screenshot) throw new Error(`the screenshot of record ${ev.id} is missing from the store`);
      const full = ev.record.screenshot.full ? (await getBlob(ev.id, 'full')) ?? null : null;
      const source = ev.record.source ? (await getBlob(ev.id, 'source')) ?? null : null;
      yield { record: ev.record, screenshot, full, source, custody: ev.custody.map((c) => toCustodyEntry(ev.id, c)) };
    }
  })();
  const parts: Uint8Array[] = [];
  const result = await writeBundle({
    items,
    createdBy,
    createdAt,
    extensionVersion: browser.runtime.getManifest().version,
    embedScreenshotsInReport: selected.length <= REPORT_EMBED_MAX_RECORDS,
    signer: await installationSigner(),
    onChunk: (c) => { parts.push(c); },
  });
  return {
    blob: new Blob(parts as BlobPart[], { type: 'application/zip' }),
    sha256: result.sha256!,
    size: result.size,
    recordCount: result.recordCount,
  };
}

export function base64ToBytes(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new Error('invalid base64');
  const pads = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - pads);
  const STEP = 4 * 1024 * 1024;
  let o = 0;
  for (let i = 0; i < clean.length; i += STEP) {
    const bin = atob(clean.slice(i, i + STEP));
    for (let j = 0; j < bin.length; j++) out[o++] = bin.charCodeAt(j);
  }
  return out;
}


const reason = (e: unknown) => String((e as Error)?.message ?? e);

/** A refusal of the bundle writer in the monitor's words, naming the ASN of the record (never its id or a hash). */
export function exportFailureText(lang: Lang, e: unknown): string {
  if (e instanceof ExportRefusedError) {
    const which = e.subject ? tx(lang, 'exportRefusedWho', { who: e.subject }) : tx(lang, 'exportRefusedSome');
    return tx(lang, `exportRefused_${e.kind}`, { which });
  }
  return tx(lang, 'exportFailed', { reason: reason(e) });
}

export async function exportBundle(filter: EvidenceFilter, lang: Lang = 'id'): Promise<ExportResult> {
  const settings = await getSettings();
  const selected = await selectEvidence(filter);
  if (selected.length === 0) return { ok: false, code: 'empty', message: tx(lang, 'exportEmpty') };
  const now = new Date();
  const fileName = bundleFileName(now);
  const createdBy = createdByFromSettings(settings.monitor);

  let built: Awaited<ReturnType<typeof buildBundleBlob>>;
  try {
    built = await buildBundleBlob(selected, createdBy, now.toISOString());
  } catch (e) {
    return { ok: false, code: 'error', message: exportFailureText(lang, e) };
  }
  let downloadId: number;
  try {
    downloadId = await downloadBlob(built.blob, fileName);
  } catch (e) {
    return { ok: false, code: 'download', message: tx(lang, 'downloadFailed', { reason: reason(e) }) };
  }

  // The chain of custody: who exported which record, when, in which bundle (by its SHA-256).
  const at = new Date().toISOString();
  const event: CustodyEvent = {
    at, action: 'export', actor: createdBy.name,
    details: { bundleSha256: built.sha256, fileName, recordCount: built.recordCount },
  };
  try {
    for (const ev of selected) {
      await updateWithCustody(ev.id, (cur) => ({ next: cur, entries: [event] }));
    }
  } catch (e) {
    if (e instanceof StorageFullError) return { ok: false, code: 'storage_full', message: t(lang, 'err_storageFull') };
    throw e;
  }
  return { ok: true, fileName, sha256: built.sha256, size: built.size, recordCount: built.recordCount, downloadId };
}

// ---------------------------------------------------------------------------------------------
// Verify and import

export function problemViews(problems: readonly VerifyProblem[], lang: Lang): BundleProblemView[] {
  return problems.map((p) => ({
    file: p.file, code: p.code, message: lang === 'id' ? p.messageId : p.message,
    ...(p.summary ? { summary: lang === 'id' ? p.summaryId : p.summary } : {}),
    ...(p.record ? { record: p.record } : {}),
  }));
}

function checkViews(result: VerifyResult, lang: Lang): BundleCheckView[] {
  return result.checks.map((c) => ({
    id: c.id, ok: c.ok, ran: c.ran,
    label: lang === 'id' ? c.labelId : c.label,
    detail: lang === 'id' ? c.detailId : c.detail,
  }));
}

export async function verifyBundleBytes(bytes: Uint8Array, lang: Lang = 'id'): Promise<VerifyResponse> {
  const sha = bytes.length ? await sha256Hex(bytes) : null;
  const result = await verifyBundle(bytes);
  if (!result.ok || !result.manifest) {
    return { ok: false, sha256: sha, problems: problemViews(result.problems, lang), checks: checkViews(result, lang) };
  }
  const plan = planImport(result, await storedScreenshotHashes());
  const m = result.manifest;
  return {
    ok: true,
    sha256: sha!,
    size: bytes.length,
    recordCount: m.records.length,
    createdAt: m.createdAt,
    createdBy: m.createdBy,
    checks: checkViews(result, lang),
    newCount: plan.toAdd.length,
    presentCount: plan.alreadyPresent.length,
    conflictIds: plan.conflicts.map((c) => c.record.id),
  };
}

export async function importBundle(bytes: Uint8Array, lang: Lang = 'id'): Promise<ImportResponse> {
  const result = await verifyBundle(bytes);
  if (!result.ok || !result.manifest) {
    const problems = problemViews(result.problems, lang);
    return { ok: false, problems, message: tx(lang, 'verifyBad', { n: problems.length }) };
  }
  const manifest = result.manifest;
  const sha = await sha256Hex(bytes);
  const plan = planImport(result, await storedScreenshotHashes());
  const settings = await getSettings();
  const actor = settings.monitor.name.trim() || null;
  const now = new Date().toISOString();
  const writes: ImportWrite[] = [];
  const signer = await installationSigner();
  try {
    for await (const item of readImportItems(bytes, plan, { actor, at: now, bundleSha256: sha })) {
      // the bundle's log, then our own `import` entry (instead of the library's plain one)
      const entries = item.custody.filter((c, i) => !(i === item.custody.length - 1 && c.action === 'import'));
      // Our `import` entry, signed by this installation (the record's new holder); it lists the
      // bundle's public keys so the older entries stay checkable here and in later bundles.
      const custody = await appendSignedCustody(item.record.id, custodyFromBundle(item.record.id, entries), [{
        at: now, action: 'import', actor,
        details: { bundleSha256: sha, from: manifest.createdBy, bundleCreatedAt: manifest.createdAt, keys: manifest.keys ?? [] },
      }], signer);
      const evidence: StoredEvidence = {
        id: item.record.id,
        status: 'queued',
        record: item.record,
        createdAt: now,
        updatedAt: now,
        missing: [],
        warnings: [],
        extras: { importedFrom: { bundleSha256: sha, createdBy: manifest.createdBy, createdAt: manifest.createdAt } },
        sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
        custody,
      };
      writes.push({
        evidence,
        blobs: {
          screenshot: new Blob([item.screenshot as BlobPart], { type: 'image/png' }),
          ...(item.full ? { full: new Blob([item.full as BlobPart], { type: 'image/png' }) } : {}),
          ...(item.source ? { source: new Blob([item.source as BlobPart], { type: 'text/html;charset=utf-8' }) } : {}),
        },
      });
    }
    await insertManyEvidence(writes);
  } catch (e) {
    const why = e instanceof StorageFullError ? t(lang, 'err_storageFull') : reason(e);
    return { ok: false, problems: [], message: tx(lang, 'importFailed', { reason: why }) };
  }
  return {
    ok: true,
    sha256: sha,
    added: writes.length,
    alreadyPresent: plan.alreadyPresent.length,
    conflictIds: plan.conflicts.map((c) => c.record.id),
  };
}
