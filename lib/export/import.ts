/**
 * Importing a verified bundle into the extension, all or nothing:
 *  1. verifyBundle(file)            - any problem: import nothing, show the problems;
 *  2. planImport(result, existing)  - which records are new, which are already present
 *                                     (same id and same screenshot hash: skipped, never duplicated),
 *                                     which conflict (same id, different screenshot: not imported);
 *  3. readImportItems(file, plan)   - the new items one at a time, screenshots re-hashed while read
 *                                     (the file could have changed since step 1). The caller writes
 *                                     them to a staging area and commits only after the last one.
 */
import type { EvidenceRecord } from '../record/schema';
import type { CustodyEntry } from './manifest';
import { createSha256 } from './sha256';
import type { VerifyProblem, VerifyResult } from './verify';
import { readDirectory, readEntryBytes, toReader, type RandomAccessReader } from './zip-reader';

export interface ImportPlanItem {
  record: EvidenceRecord;
  custody: CustodyEntry[];
}

export interface ImportPlan {
  /** false when the bundle failed verification: nothing may be imported */
  ok: boolean;
  problems: VerifyProblem[];
  toAdd: ImportPlanItem[];
  /** same id and same screenshot already stored: skipped */
  alreadyPresent: ImportPlanItem[];
  /** same id but a different screenshot hash in the store: not imported, shown to the monitor */
  conflicts: ImportPlanItem[];
}

/**
 * @param existing ids already in the store; pass a Map id -> screenshot sha256 to also detect
 *   conflicts (same id, different evidence).
 */
export function planImport(result: VerifyResult, existing: ReadonlySet<string> | ReadonlyMap<string, string>): ImportPlan {
  if (!result.ok || !result.manifest) {
    const problems = result.problems.length ? result.problems : [{
      file: 'manifest.json', code: 'not_verified',
      message: 'the bundle did not pass verification; nothing was imported',
      messageId: 'paket tidak lolos verifikasi; tidak ada yang diimpor',
    }];
    return { ok: false, problems, toAdd: [], alreadyPresent: [], conflicts: [] };
  }
  const custodyBy = new Map<string, CustodyEntry[]>();
  for (const c of result.manifest.custody) {
    const list = custodyBy.get(c.recordId) ?? [];
    list.push(c);
    custodyBy.set(c.recordId, list);
  }
  const plan: ImportPlan = { ok: true, problems: [], toAdd: [], alreadyPresent: [], conflicts: [] };
  for (const record of result.manifest.records) {
    const item = { record, custody: custodyBy.get(record.id) ?? [] };
    if (!existing.has(record.id)) plan.toAdd.push(item);
    else if (existing instanceof Map && existing.get(record.id) !== record.screenshot.sha256) plan.conflicts.push(item);
    else plan.alreadyPresent.push(item);
  }
  return plan;
}

export interface ImportItem {
  record: EvidenceRecord;
  screenshot: Uint8Array;
  full: Uint8Array | null;
  /** the flagged item's source HTML (record.source) */
  source: Uint8Array | null;
  /** the bundle's custody log for the record plus an `import` entry */
  custody: CustodyEntry[];
}

/**
 * The plan's new items with their screenshots, one at a time. Throws (and the caller must then
 * discard what it staged) if a screenshot no longer matches its recorded hash.
 */
export async function* readImportItems(
  input: Uint8Array | Blob | RandomAccessReader,
  plan: ImportPlan,
  opts: { actor: string | null; at?: string; bundleSha256?: string; maxEntryBytes?: number },
): AsyncGenerator<ImportItem> {
  if (!plan.ok) throw new Error('This bundle failed verification; nothing may be imported');
  const reader = toReader(input);
  const dir = await readDirectory(reader);
  const byName = new Map(dir.entries.map((e) => [e.name, e]));
  const max = opts.maxEntryBytes ?? 256 * 1024 * 1024;
  const at = opts.at ?? new Date().toISOString();
  const read = async (path: string, sha: string): Promise<Uint8Array> => {
    const e = byName.get(path);
    if (!e) throw new Error(`${path} is missing from the bundle`);
    const bytes = await readEntryBytes(reader, dir, e, max);
    const h = createSha256();
    h.update(bytes);
    const got = h.digestHex();
    if (got !== sha) throw new Error(`${path} changed since verification (SHA-256 ${got}, expected ${sha}); import cancelled`);
    return bytes;
  };
  for (const { record, custody } of plan.toAdd) {
    const screenshot = await read(`evidence/${record.id}/screenshot.png`, record.screenshot.sha256);
    const fullSha = record.screenshot.full?.sha256;
    const full = fullSha && byName.has(`evidence/${record.id}/full.png`) ? await read(`evidence/${record.id}/full.png`, fullSha) : null;
    const source = record.source ? await read(`evidence/${record.id}/source.html`, record.source.sha256) : null;
    const entry: CustodyEntry = { recordId: record.id, at, action: 'import', actor: opts.actor, details: 'asn-evidence-bundle v1' };
    if (opts.bundleSha256) entry.bundleSha256 = opts.bundleSha256;
    yield { record, screenshot, full, source, custody: [...custody, entry] };
  }
}
