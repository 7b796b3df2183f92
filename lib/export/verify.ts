/**
 * Verify an evidence bundle: ZIP structure, safe file names, manifest format/version/schema,
 * every record, SHA256SUMS against every file, screenshots against the hashes recorded at
 * capture, record.json against the manifest. Every problem names the file it is about.
 *
 * Pure library: runs in the extension (Blob / Uint8Array) and in Node (the CLI passes a
 * file-backed RandomAccessReader). Memory stays near one slice of one file, plus the manifest,
 * SHA256SUMS and the small record.json files.
 */
import type { CustodyLink } from '../integrity/custody';
import { isPublicJwk, keyIdOf, verifyText } from '../integrity/keys';
import { checkRecord, importedKeys, keyMap, type RecordProof } from '../integrity/record-check';
import { BUNDLE_SIGNATURE_FORMAT, MANIFEST_MAX_BYTES, SIGNATURE_FILE, type BundleSignature } from './bundle';
import { describeIssues, evidenceRecordSchema, type EvidenceRecord } from '../record/schema';
import { firstDuplicateKey } from './json-duplicates';
import { checkManifest, type Manifest } from './manifest';
import type { ProblemRecord } from './problems';
import { createSha256 } from './sha256';
import {
  readDirectory, readEntry, readEntryBytes, toReader, ZipEntryError, ZipFormatError,
  type RandomAccessReader, type ZipDirectory, type ZipEntry,
} from './zip-reader';

export { groupProblems, platformName, PLATFORM_NAMES, type ProblemRecord } from './problems';

export interface VerifyProblem {
  /** the file inside the bundle (or "(zip)" for the archive itself) */
  file: string;
  code: string;
  /** English (technical detail: file names, hashes) */
  message: string;
  /** Bahasa Indonesia (technical detail: file names, hashes) */
  messageId: string;
  /** what is wrong, in plain words for a non-engineer (English) */
  summary?: string;
  /** what is wrong, in plain words for a non-engineer (Bahasa Indonesia) */
  summaryId?: string;
  /** the evidence record the problem is about, when it is about one (named first to the reader) */
  record?: ProblemRecord;
}


export type CheckId = 'zip' | 'names' | 'manifest' | 'records' | 'checksums' | 'screenshots' | 'record_files' | 'layout' | 'integrity';

export interface VerifyCheck {
  id: CheckId;
  ok: boolean;
  /** null when the check could not run (an earlier failure) */
  ran: boolean;
  label: string;
  labelId: string;
  detail: string;
  detailId: string;
}

export interface VerifiedFile { path: string; size: number; sha256: string }

/** What the bundle's signatures prove, and on what they rest. */
export interface BundleTrust {
  /** the installation key that signed the bundle (signature.json), null when unsigned */
  signerKeyId: string | null;
  /** a 0.1.0 bundle: records signed at capture, custody log and bundle not signed */
  legacy: boolean;
  /** server keys the caller trusts (--server-key); receipts signed by them are independent proof */
  trustedServerKeys: string[];
}

export interface VerifyResult {
  ok: boolean;
  manifest?: Manifest;
  /** per record: signature, installation, changes after capture, server receipts */
  proofs: RecordProof[];
  trust: BundleTrust;
  problems: VerifyProblem[];
  checks: VerifyCheck[];
  files: VerifiedFile[];
}

export interface VerifyLimits {
  /** total uncompressed bytes (zip-bomb guard); default 4 GiB, what a plain ZIP can hold */
  maxTotalBytes?: number;
  /** per screenshot / other binary file; default 256 MiB */
  maxEntryBytes?: number;
  /** report.html (screenshots embedded as base64); default 4 GiB */
  maxReportBytes?: number;
  /** evidence.csv (hashed while streamed, never kept); default 512 MiB */
  maxTextBytes?: number;
  /** manifest.json (parsed whole); default MANIFEST_MAX_BYTES (the writer never writes more) */
  maxManifestBytes?: number;
  /** SHA256SUMS (kept to be checked line by line); default 16 MiB: 65,535 lines need under 8 MiB */
  maxSumsBytes?: number;
  /** signature.json; default 64 KiB */
  maxSignatureBytes?: number;
  /** each record.json; default 4 MiB */
  maxRecordBytes?: number;
}

export interface VerifyOptions extends VerifyLimits {
  /** ids (RFC 7638 thumbprints, hex) of server keys the reader trusts */
  trustedServerKeys?: readonly string[];
}

const GiB = 1024 ** 3, MiB = 1024 ** 2;
const DEFAULTS: Required<VerifyLimits> = {
  maxTotalBytes: 4 * GiB, maxEntryBytes: 256 * MiB, maxReportBytes: 4 * GiB, maxTextBytes: 512 * MiB, maxRecordBytes: 4 * MiB,
  maxManifestBytes: MANIFEST_MAX_BYTES, maxSumsBytes: 16 * MiB, maxSignatureBytes: 64 * 1024,
};

const ZIP = '(zip)';
const FIXED = ['manifest.json', 'evidence.csv', 'report.html', 'SHA256SUMS'] as const;
const PER_RECORD = /^evidence\/([0-9a-f-]{36})\/(screenshot\.png|full\.png|source\.html|record\.json)$/;

/** Why a name is unsafe to extract (zip slip, absolute path, ...), or null. */
export function unsafeNameReason(name: string, nameValid = true): { en: string; id: string } | null {
  if (!nameValid) return { en: 'the name is not valid UTF-8', id: 'nama berkas bukan UTF-8 yang sah' };
  if (name.length === 0) return { en: 'empty file name', id: 'nama berkas kosong' };
  if (new TextEncoder().encode(name).length > 255) return { en: `the name is too long (${name.length} characters; max 255 bytes)`, id: `nama berkas terlalu panjang (${name.length} karakter; maks. 255 bita)` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { en: 'the name contains control characters', id: 'nama berkas berisi karakter kontrol' };
  if (name.includes('\\')) return { en: 'the name contains a backslash (Windows path separator)', id: 'nama berkas berisi garis miring terbalik (pemisah path Windows)' };
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return { en: 'absolute path (would be written outside the target folder)', id: 'path absolut (akan ditulis di luar folder tujuan)' };
  const segs = name.split('/');
  if (segs.some((s) => s === '..')) return { en: 'the path contains ".." (zip slip: would be written outside the target folder)', id: 'path berisi ".." (zip slip: akan ditulis di luar folder tujuan)' };
  if (segs.some((s, i) => s === '.' || (s === '' && i < segs.length - 1))) return { en: 'the path contains empty or "." segments', id: 'path berisi segmen kosong atau "."' };
  return null;
}

/** A file name safe to print (long or hostile names shortened, control characters shown as escapes). */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  let s = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (s.length > 120) s = `${s.slice(0, 60)}...${s.slice(-40)} (${name.length} karakter)`;
  return s;
}

/**
 * A folder entry: the name ends in "/" and it declares no data. Its bytes are still read and
 * checked (CRC, size) like any file's, so a "folder" cannot carry hidden content.
 */
export function isFolderEntry(e: Pick<ZipEntry, 'name' | 'uncompressedSize'>): boolean {
  return e.name.endsWith('/') && e.uncompressedSize === 0;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object), kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export async function verifyBundle(input: Uint8Array | Blob | RandomAccessReader, limits: VerifyOptions = {}): Promise<VerifyResult> {
  const L = { ...DEFAULTS, ...limits };
  const trust: BundleTrust = { signerKeyId: null, legacy: false, trustedServerKeys: [...(limits.trustedServerKeys ?? [])] };
  const proofs: RecordProof[] = [];
  const reader = toReader(input);
  const problems: VerifyProblem[] = [];
  const files: VerifiedFile[] = [];
  const add = (file: string, code: string, message: string, messageId: string) => problems.push({ file, code, message, messageId });

  // 1. ZIP structure
  let dir: ZipDirectory;
  try {
    dir = await readDirectory(reader);
  } catch (err) {
    if (err instanceof ZipFormatError) add(ZIP, `zip_${err.code}`, err.message, err.messageId);
    else add(ZIP, 'zip_read_error', `cannot read the file: ${(err as Error).message}`, `berkas tidak dapat dibaca: ${(err as Error).message}`);
    return finish(problems, files, undefined, { zip: false }, proofs, trust);
  }

  // 2. names: zip slip, absolute, backslash, too long, duplicates
  const byName = new Map<string, ZipEntry>();
  const usable: ZipEntry[] = [];
  const folders: ZipEntry[] = [];
  for (const e of dir.entries) {
    const why = unsafeNameReason(e.name, e.nameValid);
    if (why) { add(displayName(e.name), 'unsafe_name', `unsafe file name: ${why.en}`, `nama berkas tidak aman: ${why.id}`); continue; }
    if (byName.has(e.name)) { add(e.name, 'duplicate_entry', 'the file appears twice in the ZIP (one copy could hide the other)', 'berkas muncul dua kali di ZIP (salinan satu dapat menyembunyikan yang lain)'); continue; }
    byName.set(e.name, e);
    // A folder entry (name ending in "/", nothing in it): what `zip -r` or Python's zipfile add
    // when a bundle is unzipped and zipped again. It holds no data, so it is set aside here and
    // judged below (only the folders of the bundle's own files are accepted).
    if (isFolderEntry(e)) folders.push(e);
    else usable.push(e);
  }
  const fileNames = usable.map((e) => e.name);
  for (const f of folders) {
    if (!fileNames.some((n) => n.startsWith(f.name))) {
      add(f.name, 'unexpected_file', `${f.name} is an empty folder that does not belong in an evidence bundle`, `${f.name} adalah folder kosong yang bukan bagian dari paket bukti`);
    }
  }

  // zip-bomb guard on declared sizes, before inflating anything
  const declared = dir.entries.reduce((s, e) => s + e.uncompressedSize, 0);
  if (declared > L.maxTotalBytes) {
    add(ZIP, 'too_large', `the files would take ${declared} bytes when extracted, more than the limit of ${L.maxTotalBytes} (possible ZIP bomb)`, `berkas-berkas akan berukuran ${declared} bita setelah diekstrak, melebihi batas ${L.maxTotalBytes} (kemungkinan bom ZIP)`);
    return finish(problems, files, undefined, { zip: false }, proofs, trust);
  }
  // overlapping entries (another zip-bomb technique) - by local header offsets
  const sorted = [...usable, ...folders].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!, cur = sorted[i]!;
    if (prev.localHeaderOffset + 30 + prev.rawName.length + prev.compressedSize > cur.localHeaderOffset) {
      add(cur.name, 'overlapping_entries', 'its data overlaps another file in the ZIP (manipulated archive)', 'datanya tumpang tindih dengan berkas lain di ZIP (arsip dimanipulasi)');
    }
  }

  // Every file read from the bundle has a cap; the ones kept in memory (manifest, SHA256SUMS,
  // signature, record.json) small ones, so peak memory stays bounded whatever the ZIP declares.
  const limitFor = (name: string) => name === 'report.html' ? L.maxReportBytes
    : name === 'manifest.json' ? L.maxManifestBytes
      : name === 'SHA256SUMS' ? L.maxSumsBytes
        : name === SIGNATURE_FILE ? L.maxSignatureBytes
          : name === 'evidence.csv' ? L.maxTextBytes
            : name.endsWith('/record.json') ? L.maxRecordBytes : L.maxEntryBytes;
  const entryProblem = (name: string, err: unknown) => {
    if (err instanceof ZipEntryError) add(name, `entry_${err.code}`, `${name}: ${err.message}`, `${name}: ${err.messageId}`);
    else add(name, 'entry_error', `${name}: cannot be read (${(err as Error).message})`, `${name}: tidak dapat dibaca (${(err as Error).message})`);
  };

  // 3. manifest
  let manifest: Manifest | undefined;
  let manifestRecords: unknown[] | null = null;
  const mEntry = byName.get('manifest.json');
  if (!mEntry) {
    add('manifest.json', 'manifest_missing', 'manifest.json is missing: this is not an ASN evidence bundle or it is incomplete', 'manifest.json tidak ada: ini bukan paket bukti ASN atau paketnya tidak lengkap');
  } else {
    try {
      const bytes = await readEntryBytes(reader, dir, mEntry, limitFor('manifest.json'));
      let json: unknown;
      try {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        json = JSON.parse(text);
        const dup = firstDuplicateKey(text);
        if (dup !== null) {
          add('manifest.json', 'manifest_json', `manifest.json names the member ${JSON.stringify(dup).slice(0, 60)} twice in one object (readers could see different values)`, `manifest.json menyebut anggota ${JSON.stringify(dup).slice(0, 60)} dua kali dalam satu objek (pembaca dapat melihat nilai berbeda)`);
          json = undefined;
        }
      } catch (err) {
        add('manifest.json', 'manifest_json', `manifest.json is not valid JSON (${(err as Error).message})`, `manifest.json bukan JSON yang sah (${(err as Error).message})`);
      }
      if (json !== undefined) {
        const c = checkManifest(json);
        if (c.ok) manifest = c.manifest;
        else {
          add('manifest.json', c.code, c.message, c.messageId);
          if (c.code === 'manifest_schema') manifestRecords = Array.isArray((json as { records?: unknown }).records) ? (json as { records: unknown[] }).records : null;
        }
      }
    } catch (err) {
      entryProblem('manifest.json', err);
    }
  }
  // name the failing records when the manifest schema failed
  if (!manifest && manifestRecords) {
    manifestRecords.forEach((r, i) => {
      const p = evidenceRecordSchema.safeParse(r);
      if (!p.success) {
        const id = typeof (r as { id?: unknown })?.id === 'string' ? (r as { id: string }).id : `#${i + 1}`;
        add('manifest.json', 'record_invalid', `record ${id} (records[${i}]) is invalid: ${describeIssues(p.error)}`, `bukti ${id} (records[${i}]) tidak sah: ${describeIssues(p.error)}`);
      }
    });
  }
  let sumsBytes: Uint8Array | null = null;
  let sigBytes: Uint8Array | null = null;
  const recordsById = new Map<string, EvidenceRecord>((manifest?.records ?? []).map((r) => [r.id, r]));

  // folder entries: they must really be empty (CRC and size checked like any file's)
  for (const f of folders) {
    try {
      for await (const c of readEntry(reader, dir, f, { maxBytes: 0 })) if (c.length) throw new Error('not empty');
    } catch (err) {
      entryProblem(f.name, err);
    }
  }

  // 4. read every file once: hash, CRC, record.json checks
  for (const e of usable) {
    const sha = createSha256();
    const keep = e.name.endsWith('/record.json') || e.name === 'SHA256SUMS' || e.name === SIGNATURE_FILE;
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const c of readEntry(reader, dir, e, { maxBytes: limitFor(e.name) })) {
        sha.update(c);
        size += c.length;
        if (keep) parts.push(c);
      }
    } catch (err) {
      entryProblem(e.name, err);
      continue;
    }
    const hex = sha.digestHex();
    files.push({ path: e.name, size, sha256: hex });
    const m = PER_RECORD.exec(e.name);
    if (m && manifest) {
      const rec = recordsById.get(m[1]!);
      if (!rec) continue; // reported by the layout check
      if (m[2] === 'screenshot.png' && hex !== rec.screenshot.sha256) {
        add(e.name, 'screenshot_mismatch', `${e.name}: its SHA-256 ${hex} differs from the hash recorded at capture (${rec.screenshot.sha256}): the screenshot was altered`, `${e.name}: SHA-256 ${hex} berbeda dari hash yang dicatat saat penangkapan (${rec.screenshot.sha256}): tangkapan layar telah diubah`);
      }
      if (m[2] === 'full.png' && rec.screenshot.full && hex !== rec.screenshot.full.sha256) {
        add(e.name, 'screenshot_mismatch', `${e.name}: its SHA-256 differs from the hash recorded at capture (${rec.screenshot.full.sha256})`, `${e.name}: SHA-256 berbeda dari hash yang dicatat saat penangkapan (${rec.screenshot.full.sha256})`);
      }
      if (m[2] === 'source.html' && hex !== rec.source?.sha256) {
        add(e.name, 'source_mismatch', `${e.name}: its SHA-256 differs from the source hash recorded at capture (${rec.source?.sha256 ?? 'none recorded'})`, `${e.name}: SHA-256 berbeda dari hash sumber halaman yang dicatat saat penangkapan (${rec.source?.sha256 ?? 'tidak dicatat'})`);
      }
      if (m[2] === 'record.json') checkRecordJson(e.name, concat(parts, size), rec, add);
    }
    if (e.name === 'SHA256SUMS') sumsBytes = concat(parts, size);
    if (e.name === SIGNATURE_FILE) sigBytes = concat(parts, size);
  }

  // 5. SHA256SUMS
  const computed = new Map(files.map((f) => [f.path, f.sha256]));
  const unreadable = new Set(problems.filter((p) => p.code.startsWith('entry_')).map((p) => p.file));
  if (!byName.has('SHA256SUMS')) {
    add('SHA256SUMS', 'sums_missing', 'SHA256SUMS is missing: the files cannot be checked against their hashes', 'SHA256SUMS tidak ada: berkas tidak dapat dicocokkan dengan hashnya');
  } else if (sumsBytes) {
    const listed = new Set<string>();
    const text = new TextDecoder().decode(sumsBytes);
    text.split('\n').forEach((line, i) => {
      if (line === '' ) return;
      const mm = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.replace(/\r$/, ''));
      if (!mm) {
        add('SHA256SUMS', 'sums_syntax', `SHA256SUMS line ${i + 1} is not "<sha256>  <file>"`, `SHA256SUMS baris ${i + 1} tidak berformat "<sha256>  <berkas>"`);
        return;
      }
      const path = mm[2]!, want = mm[1]!.toLowerCase();
      if (listed.has(path)) { add('SHA256SUMS', 'sums_duplicate', `SHA256SUMS lists ${displayName(path)} twice`, `SHA256SUMS mencantumkan ${displayName(path)} dua kali`); return; }
      listed.add(path);
      if (path === 'SHA256SUMS' || path === SIGNATURE_FILE) {
        add('SHA256SUMS', 'sums_syntax', `SHA256SUMS line ${i + 1} lists ${path}, which it cannot hash`, `SHA256SUMS baris ${i + 1} mencantumkan ${path}, yang tidak dapat di-hash olehnya`);
        return;
      }
      const got = computed.get(path);
      if (got === undefined) {
        if (!unreadable.has(path)) add(displayName(path), 'listed_missing', `${displayName(path)} is listed in SHA256SUMS but missing from the bundle`, `${displayName(path)} tercantum di SHA256SUMS tetapi tidak ada di paket`);
      } else if (got !== want) {
        add(path, 'hash_mismatch', `${path}: SHA-256 does not match SHA256SUMS (expected ${want}, got ${got}): the file was altered`, `${path}: SHA-256 tidak cocok dengan SHA256SUMS (seharusnya ${want}, didapat ${got}): berkas telah diubah`);
      }
    });
    for (const e of usable) {
      if (e.name !== 'SHA256SUMS' && e.name !== SIGNATURE_FILE && !listed.has(e.name)) {
        add(e.name, 'not_listed', `${e.name} is in the bundle but not listed in SHA256SUMS (added later?)`, `${e.name} ada di paket tetapi tidak tercantum di SHA256SUMS (ditambahkan kemudian?)`);
      }
    }
  }

  // 6. layout: exactly the expected files
  for (const f of FIXED) {
    if (f !== 'manifest.json' && f !== 'SHA256SUMS' && !byName.has(f)) add(f, 'missing_file', `${f} is missing from the bundle`, `${f} tidak ada di paket`);
  }
  if (manifest) {
    for (const r of manifest.records) {
      const need = [`evidence/${r.id}/screenshot.png`, `evidence/${r.id}/record.json`];
      if (r.source) need.push(`evidence/${r.id}/source.html`);
      for (const f of need) {
        if (!byName.has(f)) add(f, 'missing_file', `${f} is missing (record ${r.id} is in manifest.json)`, `${f} tidak ada (bukti ${r.id} tercantum di manifest.json)`);
      }
    }
  }
  for (const e of usable) {
    if ((FIXED as readonly string[]).includes(e.name) || e.name === SIGNATURE_FILE) continue;
    const m = PER_RECORD.exec(e.name);
    if (!m) { add(e.name, 'unexpected_file', `${e.name} does not belong in an evidence bundle`, `${e.name} bukan bagian dari paket bukti`); continue; }
    if (manifest && !recordsById.has(m[1]!)) add(e.name, 'unexpected_file', `${e.name} belongs to a record that is not in manifest.json`, `${e.name} milik bukti yang tidak tercantum di manifest.json`);
  }

  // 7. integrity: the bundle's signature, then the strict rule per record (lib/integrity/record-check.ts)
  if (manifest) {
    const sig = sigBytes ? await checkBundleSignature(sigBytes, sumsBytes, add) : null;
    trust.signerKeyId = sig?.keyId ?? null;
    const { keys, bad } = keyMap(manifest.keys ?? []);
    for (const k of bad) add('manifest.json', 'key_invalid', `manifest.json: key ${k} is not the thumbprint of its public key`, `manifest.json: kunci ${k} bukan sidik jari kunci publiknya`);
    if (sig) keys.set(sig.keyId, sig.publicKey);
    const logs = new Map<string, CustodyLink[]>();
    for (const c of manifest.custody) {
      for (const [id, k] of importedKeys(c)) if (!keys.has(id)) keys.set(id, k);
      const list = logs.get(c.recordId);
      if (list) list.push(c as CustodyLink);
      else logs.set(c.recordId, [c as CustodyLink]);
    }
    const trusted = new Set(trust.trustedServerKeys);
    let anySigned = false;
    for (const r of manifest.records) {
      const log = logs.get(r.id) ?? [];
      const proof = await checkRecord(r, log, { keys, trustedServerKeys: trusted });
      proofs.push(proof);
      const f = `evidence/${r.id}/record.json`;
      // The custody log (and the receipts in it) live in manifest.json; the record's own content in its record.json.
      for (const p of proof.problems) add(/^(custody|receipt|edit_log)/.test(p.code) ? 'manifest.json' : f, p.code, p.message, p.messageId);
      if (!proof.legacy || log.some((e) => e.keyId)) anySigned = true;
      // The bundle's signer is the installation that exported the record: its log ends with the
      // export entry that installation signed, at the bundle's time, by the bundle's author.
      const last = log.at(-1);
      if (sig && proof.ok) {
        if (!last || last.action !== 'export' || last.keyId !== sig.keyId) {
          add(f, 'custody_foreign_key', `${f}: the record's custody log does not end with an export signed by the bundle's key ${sig.keyId.slice(0, 16)}`, `${f}: log serah-terima bukti tidak diakhiri ekspor yang ditandatangani kunci paket ${sig.keyId.slice(0, 16)}`);
        } else if (last.at !== manifest.createdAt || last.actor !== manifest.createdBy.name) {
          add('manifest.json', 'manifest_forged', `manifest.json: createdAt/createdBy (${manifest.createdAt}, ${JSON.stringify(manifest.createdBy.name)}) differ from the signed export entry of record ${r.id} (${last.at}, ${JSON.stringify(last.actor)})`,
            `manifest.json: createdAt/createdBy (${manifest.createdAt}, ${JSON.stringify(manifest.createdBy.name)}) berbeda dari entri ekspor bertanda tangan bukti ${r.id} (${last.at}, ${JSON.stringify(last.actor)})`);
        }
      }
    }
    if (!sig) {
      if (anySigned) {
        if (!problems.some((p) => p.file === SIGNATURE_FILE)) {
          add(SIGNATURE_FILE, 'bundle_unsigned', `${SIGNATURE_FILE} is missing: the bundle is not signed by the installation that exported it`, `${SIGNATURE_FILE} tidak ada: paket tidak ditandatangani oleh instalasi yang mengekspornya`);
        }
      } else trust.legacy = true;
    }
  }

  describeProblems(problems, manifest?.records ?? manifestRecords ?? []);
  return finish(problems, files, manifest, { zip: true }, proofs, trust);
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** The record a problem is about: by its folder in the bundle, else by its id in the message. */
function recordContexts(records: readonly unknown[]): ProblemRecord[] {
  const out: ProblemRecord[] = [];
  records.forEach((r, i) => {
    const o = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
    const subject = (o.subject && typeof o.subject === 'object' ? o.subject : {}) as Record<string, unknown>;
    const id = str(o.id);
    if (!id) return;
    out.push({
      id, index: i + 1, name: str(subject.name), nip: str(subject.nip), platform: str(o.platform),
      capturedAt: str(o.capturedAt), timezone: str(o.timezone),
    });
  });
  return out;
}

/** Adds to every problem what it means in plain words and, where it is about one, its record. */
export function describeProblems(problems: VerifyProblem[], records: readonly unknown[]): void {
  const ctx = recordContexts(records);
  const byId = new Map(ctx.map((c) => [c.id, c]));
  for (const p of problems) {
    const [summary, summaryId] = plainSummary(p.code, p.file);
    p.summary ??= summary;
    p.summaryId ??= summaryId;
    if (p.record) continue;
    const folder = /^evidence\/([0-9a-f-]{36})\//.exec(p.file)?.[1];
    const rec = (folder && byId.get(folder)) || ctx.find((c) => p.message.includes(c.id));
    if (rec) p.record = rec;
  }
}

/** What a problem code means to someone who is not an engineer: [English, Indonesian]. */
export function plainSummary(code: string, file = ''): [string, string] {
  if (code.startsWith('zip_') || code === 'too_large' || code === 'overlapping_entries') {
    return ['The ZIP file is damaged, cut off or manipulated: download or copy the bundle again.', 'Berkas ZIP rusak, terpotong atau dimanipulasi: unduh atau salin ulang paket buktinya.'];
  }
  if (code.startsWith('entry_')) return ['A file inside the ZIP is damaged: download or copy the bundle again.', 'Sebuah berkas di dalam ZIP rusak: unduh atau salin ulang paket buktinya.'];
  switch (code) {
    case 'unsafe_name': case 'duplicate_entry':
      return ['The ZIP was manipulated (a file name is unsafe or appears twice).', 'ZIP telah dimanipulasi (nama berkas tidak aman atau muncul dua kali).'];
    case 'manifest_missing': case 'manifest_json': case 'manifest_not_object': case 'manifest_format': case 'manifest_version': case 'manifest_schema':
      return ['The bundle\'s table of contents is missing or damaged: this is not an intact ASN evidence bundle.', 'Daftar isi paket tidak ada atau rusak: ini bukan paket bukti ASN yang utuh.'];
    case 'record_invalid': case 'record_json':
      return ['The data of this record is damaged or incomplete.', 'Data bukti ini rusak atau tidak lengkap.'];
    case 'record_mismatch':
      return ['The two copies of this record\'s data in the bundle differ: one was changed.', 'Dua salinan data bukti ini di dalam paket berbeda: salah satunya diubah.'];
    case 'screenshot_mismatch':
      return ['The screenshot was changed after it was captured.', 'Tangkapan layar telah diubah setelah penangkapan.'];
    case 'source_mismatch':
      return ['The saved page source was changed after it was captured.', 'Sumber halaman yang disimpan telah diubah setelah penangkapan.'];
    case 'hash_mismatch':
      return ['A file was changed after the bundle was made.', 'Sebuah berkas diubah setelah paket dibuat.'];
    case 'sums_missing': case 'sums_syntax': case 'sums_duplicate':
      return ['The bundle\'s list of file hashes is missing or damaged.', 'Daftar hash berkas paket tidak ada atau rusak.'];
    case 'listed_missing': case 'missing_file':
      return ['A file of the bundle is missing.', 'Sebuah berkas paket hilang.'];
    case 'not_listed': case 'unexpected_file':
      return [file.endsWith('/') ? 'The bundle holds a folder that does not belong to it.' : 'The bundle holds a file that does not belong to it (added later?).', file.endsWith('/') ? 'Paket berisi folder yang bukan bagiannya.' : 'Paket berisi berkas yang bukan bagiannya (ditambahkan kemudian?).'];
    case 'signature_invalid': case 'unsigned': case 'content_differs': case 'edit_log_mismatch':
      return ['The content of this record differs from what was signed at capture (changed without a logged edit).', 'Isi bukti ini berbeda dari yang ditandatangani saat penangkapan (diubah tanpa perubahan tercatat).'];
    case 'custody_missing': case 'custody_broken': case 'custody_foreign_key':
      return ['The hand-over log of this record is broken, missing or not signed by the right device.', 'Log serah-terima bukti ini rusak, tidak ada, atau tidak ditandatangani perangkat yang semestinya.'];
    case 'receipt_invalid': case 'receipt_mismatch':
      return ['The team server\'s receipt for this record does not match.', 'Tanda terima server tim untuk bukti ini tidak cocok.'];
    case 'key_invalid':
      return ['A signing key listed in the bundle is not valid.', 'Sebuah kunci tanda tangan di dalam paket tidak sah.'];
    case 'bundle_unsigned':
      return ['The bundle is not signed by the device that exported it.', 'Paket tidak ditandatangani oleh perangkat yang mengekspornya.'];
    case 'bundle_signature_invalid':
      return ['The bundle\'s signature is not valid: its list of files or hashes was changed.', 'Tanda tangan paket tidak sah: daftar berkas atau hashnya diubah.'];
    case 'manifest_forged':
      return ['Who made the bundle, or when, was changed after it was signed.', 'Pembuat atau waktu pembuatan paket diubah setelah ditandatangani.'];
    default:
      return ['The bundle has a problem.', 'Ada masalah pada paket bukti.'];
  }
}

/** signature.json: format, key id = thumbprint, signature over the exact bytes of SHA256SUMS. */
function checkBundleSignature(bytes: Uint8Array, sums: Uint8Array | null, add: (f: string, c: string, m: string, mi: string) => void): Promise<BundleSignature | null> | BundleSignature | null {
  const bad = (m: string, mi: string) => { add(SIGNATURE_FILE, 'bundle_signature_invalid', `${SIGNATURE_FILE}: ${m}`, `${SIGNATURE_FILE}: ${mi}`); return null; };
  let s: BundleSignature;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    s = JSON.parse(text) as BundleSignature;
    if (firstDuplicateKey(text) !== null) return bad('a member appears twice in one object', 'sebuah anggota muncul dua kali dalam satu objek');
  } catch {
    return bad('not valid JSON', 'bukan JSON yang sah');
  }
  if (!s || s.format !== BUNDLE_SIGNATURE_FORMAT || s.version !== 1 || s.alg !== 'ES256' || s.signedFile !== 'SHA256SUMS' || !isPublicJwk(s.publicKey) || typeof s.signature !== 'string') {
    return bad('not an ES256 bundle signature over SHA256SUMS', 'bukan tanda tangan paket ES256 atas SHA256SUMS');
  }
  if (keyIdOf(s.publicKey) !== s.keyId) return bad('the key id does not match the public key', 'id kunci tidak cocok dengan kunci publik');
  if (!sums) return bad('SHA256SUMS, which it signs, is missing', 'SHA256SUMS yang ditandatanganinya tidak ada');
  const h = createSha256();
  h.update(sums);
  if (s.signedSha256 !== h.digestHex()) return bad('signedSha256 is not the SHA-256 of SHA256SUMS', 'signedSha256 bukan SHA-256 dari SHA256SUMS');
  return verifyText(s.publicKey, s.signature, new TextDecoder().decode(sums)).then((ok) => {
    if (!ok) return bad('the signature does not match SHA256SUMS (the file list or a hash in it was changed)', 'tanda tangan tidak cocok dengan SHA256SUMS (daftar berkas atau hash di dalamnya diubah)');
    return { ...s, publicKey: { kty: 'EC' as const, crv: 'P-256' as const, x: s.publicKey.x, y: s.publicKey.y } };
  });
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function checkRecordJson(name: string, bytes: Uint8Array, rec: EvidenceRecord, add: (f: string, c: string, m: string, mi: string) => void): void {
  let json: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    json = JSON.parse(text);
    const dup = firstDuplicateKey(text);
    if (dup !== null) throw new Error(`the member ${JSON.stringify(dup).slice(0, 60)} appears twice in one object`);
  } catch (err) {
    add(name, 'record_json', `${name} is not valid JSON (${(err as Error).message})`, `${name} bukan JSON yang sah (${(err as Error).message})`);
    return;
  }
  const p = evidenceRecordSchema.safeParse(json);
  if (!p.success) {
    add(name, 'record_invalid', `${name} does not match the evidence record schema: ${describeIssues(p.error)}`, `${name} tidak sesuai skema bukti: ${describeIssues(p.error)}`);
    return;
  }
  if (!deepEqual(json, rec)) {
    add(name, 'record_mismatch', `${name} differs from the same record in manifest.json`, `${name} berbeda dari bukti yang sama di manifest.json`);
  }
}

const CHECK_OF: Record<string, CheckId> = {
  unsafe_name: 'names', duplicate_entry: 'names', overlapping_entries: 'zip', too_large: 'zip',
  manifest_missing: 'manifest', manifest_json: 'manifest', manifest_not_object: 'manifest', manifest_format: 'manifest',
  manifest_version: 'manifest', manifest_schema: 'manifest', record_invalid: 'records', record_json: 'records',
  sums_missing: 'checksums', sums_syntax: 'checksums', sums_duplicate: 'checksums', listed_missing: 'checksums',
  hash_mismatch: 'checksums', not_listed: 'checksums', screenshot_mismatch: 'screenshots', source_mismatch: 'screenshots', record_mismatch: 'record_files',
  missing_file: 'layout', unexpected_file: 'layout', signature_invalid: 'integrity', custody_broken: 'integrity',
  unsigned: 'integrity', custody_missing: 'integrity', custody_foreign_key: 'integrity', edit_log_mismatch: 'integrity',
  content_differs: 'integrity', receipt_invalid: 'integrity', receipt_mismatch: 'integrity', key_invalid: 'integrity',
  bundle_unsigned: 'integrity', bundle_signature_invalid: 'integrity', manifest_forged: 'integrity',
};
function checkOf(code: string): CheckId {
  if (code.startsWith('zip_') || code.startsWith('entry_')) return 'zip';
  return CHECK_OF[code] ?? 'layout';
}

const CHECK_LABELS: Record<CheckId, [string, string]> = {
  zip: ['ZIP structure, CRC and size limits', 'Struktur ZIP, CRC dan batas ukuran'],
  names: ['Safe file names (no zip slip)', 'Nama berkas aman (tanpa zip slip)'],
  manifest: ['manifest.json format, version and schema', 'Format, versi dan skema manifest.json'],
  records: ['Every evidence record valid', 'Setiap catatan bukti sah'],
  checksums: ['SHA256SUMS matches every file', 'SHA256SUMS cocok dengan setiap berkas'],
  screenshots: ['Screenshots match the hashes recorded at capture', 'Tangkapan layar cocok dengan hash saat penangkapan'],
  record_files: ['record.json files match manifest.json', 'Berkas record.json cocok dengan manifest.json'],
  layout: ['Bundle complete, no extra files', 'Paket lengkap, tanpa berkas tambahan'],
  integrity: ['Signatures: capture, edits replayed, custody log, bundle, server receipts', 'Tanda tangan: penangkapan, perubahan diputar ulang, log serah-terima, paket, tanda terima server'],
};

function finish(problems: VerifyProblem[], files: VerifiedFile[], manifest: Manifest | undefined, state: { zip: boolean }, proofs: RecordProof[], trust: BundleTrust): VerifyResult {
  describeProblems(problems, []);
  const order: CheckId[] = ['zip', 'names', 'manifest', 'records', 'checksums', 'screenshots', 'record_files', 'layout', 'integrity'];
  const checks: VerifyCheck[] = order.map((id) => {
    const mine = problems.filter((p) => checkOf(p.code) === id);
    const ran = id === 'zip' || state.zip;
    const dependsOnManifest = id === 'records' || id === 'screenshots' || id === 'record_files' || id === 'integrity';
    const skipped = !ran || (dependsOnManifest && !manifest && mine.length === 0);
    const [label, labelId] = CHECK_LABELS[id];
    const n = mine.length;
    return {
      id, ok: ran && !skipped && n === 0, ran: ran && !skipped, label, labelId,
      detail: skipped ? 'not checked (earlier failure)' : n ? `${n} problem(s): ${[...new Set(mine.map((p) => p.file))].slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''}` : id === 'checksums' ? `${files.length} files` : id === 'records' && manifest ? `${manifest.records.length} records` : 'OK',
      detailId: skipped ? 'tidak diperiksa (ada kegagalan sebelumnya)' : n ? `${n} masalah: ${[...new Set(mine.map((p) => p.file))].slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''}` : id === 'checksums' ? `${files.length} berkas` : id === 'records' && manifest ? `${manifest.records.length} bukti` : 'OK',
    };
  });
  return { ok: problems.length === 0 && !!manifest, manifest, problems, checks, files, proofs, trust };
}
