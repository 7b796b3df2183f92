/**
 * `asn-evidence verify bundle.zip` - the Node side of the verifier (bundled by
 * scripts/build-cli.mjs into bin/verify.bundle.mjs so end users need only `node`).
 * Node-only: the extension never imports this file.
 *
 * Exit codes: 0 bundle OK, 1 bundle fails (the failing files are listed), 2 usage error.
 */
import { open, readFile } from 'node:fs/promises';
import { isPublicJwk, keyIdOf } from '../integrity/keys';
import type { RecordProof } from '../integrity/record-check';
import { formatHuman } from './time';
import { groupProblems, platformName, verifyBundle, type ProblemRecord, type VerifyResult } from './verify';
import type { RandomAccessReader } from './zip-reader';

export interface CliIo { out: (line: string) => void; err: (line: string) => void }

const USAGE = {
  id: `Penggunaan: asn-evidence verify <paket.zip> [--server-key <berkas.json|sidik-jari>] [--lang id|en] [--json]

Memeriksa paket bukti netralitas ASN: struktur ZIP, nama berkas aman, format dan skema manifest.json,
setiap bukti, SHA256SUMS, hash tangkapan layar, tanda tangan penangkapan dengan perubahan yang diputar
ulang, log serah-terima bertanda tangan, tanda tangan paket, dan tanda terima server.
--server-key: kunci server yang Anda percayai (berkas JSON dari /v1/health atau sidik jari 64 hex);
  dapat diulang. Tanpanya, tanda terima server hanya diperiksa terhadap kunci di dalam paket.
Kode keluar: 0 paket valid, 1 paket tidak valid (berkas bermasalah disebut), 2 salah penggunaan.`,
  en: `Usage: asn-evidence verify <bundle.zip> [--server-key <file.json|fingerprint>] [--lang id|en] [--json]

Checks an ASN-neutrality evidence bundle: ZIP structure, safe file names, manifest.json format and
schema, every record, SHA256SUMS, screenshot hashes, capture signatures with the edits replayed,
signed custody logs, the bundle signature and server receipts.
--server-key: a server key you trust (a JSON file from /v1/health or a 64-hex fingerprint);
  repeatable. Without it, server receipts are only checked against the key inside the bundle.
Exit codes: 0 bundle valid, 1 bundle invalid (failing files named), 2 usage error.`,
};

async function fileReader(path: string): Promise<{ reader: RandomAccessReader; close: () => Promise<void> }> {
  const fh = await open(path, 'r');
  const st = await fh.stat();
  if (!st.isFile()) { await fh.close(); throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' }); }
  return {
    reader: {
      size: st.size,
      async read(offset, length) {
        const len = Math.max(0, Math.min(length, st.size - offset));
        const buf = new Uint8Array(len);
        let got = 0;
        while (got < len) {
          const { bytesRead } = await fh.read(buf, got, len - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === len ? buf : buf.subarray(0, got);
      },
    },
    close: () => fh.close(),
  };
}

/** Untrusted text for a terminal: control and bidi characters shown as escapes, length capped. */
export function safe(text: unknown, max = 300): string {
  let s = String(text ?? '');
  if (s.length > max) s = `${s.slice(0, max)}...`;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls; the C1 controls, DEL and bidi/line
 * separators it leaves raw (they can only occur inside strings) become \u escapes too.
 */
export function safeJson(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Per record: who signed it, what the monitor changed after capture, when the server received it. */
export function formatProofs(r: VerifyResult, lang: 'id' | 'en'): string[] {
  const id = lang === 'id';
  const lines: string[] = [];
  const k = (x: string | null) => (x ? x.slice(0, 16) : '-');
  r.proofs.forEach((p, i) => {
    const who = [p.subjectName, p.subjectNip ? `NIP ${p.subjectNip}` : null].filter(Boolean).join(', ');
    lines.push(`${id ? 'Bukti' : 'Record'} ${i + 1}${who ? ` - ${safe(who, 120)}` : ''} (${id ? 'ID' : 'id'} ${safe(p.recordId, 64)}): ${p.ok ? (id ? 'tanda tangan sah' : 'signatures valid') : (id ? 'tanda tangan TIDAK sah' : 'signatures INVALID')}`);
    if (p.captureKeyId) {
      const holder = p.holderKeyId && p.holderKeyId !== p.captureKeyId ? (id ? `; dipegang kemudian oleh instalasi ${k(p.holderKeyId)}` : `; later held by installation ${k(p.holderKeyId)}`) : '';
      lines.push(`  ${id ? 'ditandatangani saat penangkapan oleh instalasi' : 'signed at capture by installation'} ${k(p.captureKeyId)}${holder}${p.legacy ? (id ? ' (versi 0.1.0: log serah-terima lama tidak bertanda tangan)' : ' (0.1.0: older custody entries unsigned)') : ''}`);
    }
    for (const c of p.changes) {
      lines.push(`  ${id ? 'diubah pengawas setelah penangkapan' : 'changed by the monitor after capture'}: ${safe(c.path, 60)}: ${safe(JSON.stringify(c.captured), 80)} -> ${safe(JSON.stringify(c.current), 80)}${c.actor ? ` (${safe(c.actor, 60)})` : ''}`);
    }
    for (const rc of p.receipts) {
      if (!rc.body) continue;
      const trust = rc.trusted ? (id ? 'kunci server tepercaya' : 'trusted server key') : (id ? 'kunci server TIDAK dipastikan tepercaya' : 'server key NOT confirmed as trusted');
      // Indonesian: the monitor's zone (WIB/WITA/WIT); English keeps the exact UTC instant for technical readers.
      const tz = r.manifest?.records.find((x) => x.id === p.recordId)?.timezone ?? 'Asia/Jakarta';
      const at = id ? formatHuman(rc.body.receivedAt, 'id', tz) : rc.body.receivedAt;
      lines.push(`  ${id ? 'diterima server' : 'received by server'} ${k(rc.serverKeyId)} ${id ? 'pada' : 'at'} ${safe(at, 40)} ${id ? 'dari pengawas' : 'from monitor'} ${safe(rc.body.monitor, 80)}, ${id ? 'instalasi' : 'installation'} ${k(rc.body.uploaderKeyId ?? rc.body.installationKeyId)} (${trust})`);
    }
    if (!p.receipts.some((x) => x.body)) lines.push(`  ${id ? 'belum ada tanda terima server' : 'no server receipt yet'}`);
  });
  if (r.manifest) {
    if (r.trust.legacy) lines.push(id ? 'Paket versi 0.1.0: bukti ditandatangani saat penangkapan; log serah-terima dan paket tidak ditandatangani, jadi hanya bersandar pada hash.' : 'A 0.1.0 bundle: records are signed at capture; the custody log and the bundle are not signed, so they rest on hashes alone.');
    else if (r.trust.signerKeyId) lines.push(id ? `Paket ditandatangani oleh instalasi ${k(r.trust.signerKeyId)}.` : `Bundle signed by installation ${k(r.trust.signerKeyId)}.`);
    if (!r.trust.trustedServerKeys.length) {
      lines.push(id
        ? 'Tanpa --server-key: siapa pengawasnya, perangkat mana, dan kapan diterima hanya bersandar pada isi paket ini; berikan kunci server tim untuk memastikannya.'
        : 'No --server-key: which monitor, which device and when it was received rest on this bundle alone; give the team server\'s key to confirm them.');
    }
  }
  return lines;
}

/** --server-key: a 64-hex thumbprint, or a JSON file holding a JWK or /v1/health's {serverKey}. */
export async function readServerKey(arg: string): Promise<string> {
  if (/^[0-9a-fA-F]{64}$/.test(arg)) return arg.toLowerCase();
  const json = JSON.parse(await readFile(arg, 'utf8')) as { serverKey?: unknown };
  const jwk = (json && typeof json === 'object' && 'serverKey' in json ? json.serverKey : json) as unknown;
  if (!isPublicJwk(jwk)) throw new Error('no P-256 public key (JWK) in the file');
  return keyIdOf(jwk);
}

/** "Bukti 2 dari 3: Raden Mas ..., NIP 1985..., Instagram, ditangkap 28 Nov 2026 11.00.00 WITA" */
export function recordHeading(rec: ProblemRecord | null, lang: 'id' | 'en', total: number | null): string {
  const id = lang === 'id';
  if (!rec) return id ? 'Paket bukti secara keseluruhan' : 'The bundle as a whole';
  const parts = [
    rec.name ? safe(rec.name, 120) : (id ? 'ASN tanpa nama' : 'unnamed ASN'),
    rec.nip ? `NIP ${safe(rec.nip, 40)}` : null,
    platformName(rec.platform, lang),
    rec.capturedAt ? `${id ? 'ditangkap' : 'captured'} ${safe(formatHuman(rec.capturedAt, lang, rec.timezone ?? 'UTC'), 60)}` : null,
  ].filter(Boolean);
  const n = total ? (id ? `${rec.index} dari ${total}` : `${rec.index} of ${total}`) : String(rec.index);
  return `${id ? 'Bukti' : 'Record'} ${n}: ${parts.join(', ')}`;
}

/** The problems for a person: per record (ASN, platform, capture time) what is wrong, the file and hashes as detail. */
export function formatProblems(r: VerifyResult, lang: 'id' | 'en'): string[] {
  const id = lang === 'id';
  const lines: string[] = [];
  const total = r.manifest?.records.length ?? null;
  for (const g of groupProblems(r.problems)) {
    lines.push(`${recordHeading(g.record, lang, total)}:`);
    for (const p of g.problems) {
      lines.push(`  - ${safe(id ? p.summaryId : p.summary, 300)}`);
      const msg = id ? p.messageId : p.message;
      lines.push(`    ${id ? 'rincian' : 'detail'}: ${safe(p.file, 200)}: ${safe(msg.startsWith(`${p.file}: `) ? msg.slice(p.file.length + 2) : msg, 2000)}`);
    }
  }
  return lines;
}

export function formatResult(r: VerifyResult, lang: 'id' | 'en', file: string): string[] {
  const lines: string[] = [];
  const ok = lang === 'id' ? 'OK   ' : 'OK   ';
  const bad = lang === 'id' ? 'GAGAL' : 'FAIL ';
  const skip = lang === 'id' ? 'LEWAT' : 'SKIP ';
  lines.push(lang === 'id' ? `Memeriksa ${file}` : `Checking ${file}`);
  // What is wrong comes first, named by the ASN and the record; the checks follow.
  lines.push(...formatProblems(r, lang));
  for (const c of r.checks) {
    const tag = !c.ran ? skip : c.ok ? ok : bad;
    lines.push(`[${tag}] ${lang === 'id' ? c.labelId : c.label}: ${lang === 'id' ? c.detailId : c.detail}`);
  }
  lines.push(...formatProofs(r, lang));
  if (r.ok) {
    const n = r.manifest?.records.length ?? 0;
    lines.push(lang === 'id'
      ? `HASIL: paket bukti VALID - ${n} bukti, ${r.files.length} berkas, semua hash cocok.`
      : `RESULT: bundle VALID - ${n} records, ${r.files.length} files, all hashes match.`);
  } else {
    const failing = [...new Set(r.problems.map((p) => p.file))];
    lines.push(lang === 'id'
      ? `HASIL: paket bukti TIDAK VALID - berkas bermasalah: ${failing.join(', ')}`
      : `RESULT: bundle INVALID - failing files: ${failing.join(', ')}`);
    lines[lines.length - 1] = safe(lines[lines.length - 1], 4000);
  }
  return lines;
}

export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  let lang: 'id' | 'en' = 'id';
  let json = false;
  const pos: string[] = [];
  const serverKeys: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') {
      const v = argv[++i];
      if (v !== 'id' && v !== 'en') { io.err(USAGE.id); return 2; }
      lang = v;
    } else if (a.startsWith('--lang=')) {
      const v = a.slice(7);
      if (v !== 'id' && v !== 'en') { io.err(USAGE.id); return 2; }
      lang = v;
    } else if (a === '--server-key' || a.startsWith('--server-key=')) {
      const v = a === '--server-key' ? argv[++i] : a.slice('--server-key='.length);
      if (!v) { io.err(USAGE[lang]); return 2; }
      try {
        serverKeys.push(await readServerKey(v));
      } catch (e) {
        io.err(lang === 'id' ? `Kunci server tidak terbaca (${safe(v, 100)}): ${safe((e as Error).message, 200)}` : `Cannot read the server key (${safe(v, 100)}): ${safe((e as Error).message, 200)}`);
        return 2;
      }
    } else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') { io.out(USAGE[lang]); return 0; }
    else if (a.startsWith('-')) { io.err(`${lang === 'id' ? 'Opsi tidak dikenal' : 'Unknown option'}: ${safe(a, 100)}\n\n${USAGE[lang]}`); return 2; }
    else pos.push(a);
  }
  if (argv.includes('--help') || argv.includes('-h')) { io.out(USAGE[lang]); return 0; }
  if (pos[0] !== 'verify' || pos.length !== 2) { io.err(USAGE[lang]); return 2; }
  const file = pos[1]!;
  let handle: Awaited<ReturnType<typeof fileReader>>;
  try {
    handle = await fileReader(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.err(lang === 'id'
      ? `Tidak dapat membuka ${safe(file)}: ${code === 'ENOENT' ? 'berkas tidak ditemukan' : code === 'EISDIR' ? 'bukan berkas biasa' : safe((err as Error).message)}`
      : `Cannot open ${safe(file)}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'not a regular file' : safe((err as Error).message)}`);
    return 2;
  }
  try {
    const r = await verifyBundle(handle.reader, { trustedServerKeys: serverKeys });
    if (json) io.out(safeJson({ ok: r.ok, problems: r.problems, checks: r.checks, files: r.files, records: r.manifest?.records.length ?? null, proofs: r.proofs, trust: r.trust }));
    // Every line passes through safe(): bundle text (names, JSON error snippets, schema paths)
    // can never move the cursor, recolour or overwrite the verdict.
    else for (const l of formatResult(r, lang, safe(file, 300))) io.out(safe(l, 8000));
    return r.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}
