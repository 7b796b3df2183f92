/**
 * `asn-evidence verify bundle.zip` - the Node side of the verifier (bundled by
 * scripts/build-cli.mjs into bin/verify.bundle.mjs so end users need only `node`).
 * Node-only: the extension never imports this file.
 *
 * Exit codes: 0 bundle OK, 1 bundle fails (the failing files are listed), 2 usage error.
 */
import { open } from 'node:fs/promises';
import { verifyBundle, type VerifyResult } from './verify';
import type { RandomAccessReader } from './zip-reader';

export interface CliIo { out: (line: string) => void; err: (line: string) => void }

const USAGE = {
  id: `Penggunaan: asn-evidence verify <paket.zip> [--lang id|en] [--json]

Memeriksa paket bukti netralitas ASN: struktur ZIP, nama berkas aman, format dan skema manifest.json,
setiap bukti, SHA256SUMS, dan hash tangkapan layar saat penangkapan.
Kode keluar: 0 paket valid, 1 paket tidak valid (berkas bermasalah disebut), 2 salah penggunaan.`,
  en: `Usage: asn-evidence verify <bundle.zip> [--lang id|en] [--json]

Checks an ASN-neutrality evidence bundle: ZIP structure, safe file names, manifest.json format and
schema, every record, SHA256SUMS, and the screenshot hashes recorded at capture.
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

export function formatResult(r: VerifyResult, lang: 'id' | 'en', file: string): string[] {
  const lines: string[] = [];
  const ok = lang === 'id' ? 'OK   ' : 'OK   ';
  const bad = lang === 'id' ? 'GAGAL' : 'FAIL ';
  const skip = lang === 'id' ? 'LEWAT' : 'SKIP ';
  lines.push(lang === 'id' ? `Memeriksa ${file}` : `Checking ${file}`);
  for (const c of r.checks) {
    const tag = !c.ran ? skip : c.ok ? ok : bad;
    lines.push(`[${tag}] ${lang === 'id' ? c.labelId : c.label}: ${lang === 'id' ? c.detailId : c.detail}`);
  }
  for (const p of r.problems) lines.push(`  - ${p.file}: ${lang === 'id' ? p.messageId : p.message}`);
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
  }
  return lines;
}

export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  let lang: 'id' | 'en' = 'id';
  let json = false;
  const pos: string[] = [];
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
    } else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') { io.out(USAGE[lang]); return 0; }
    else if (a.startsWith('-')) { io.err(`${lang === 'id' ? 'Opsi tidak dikenal' : 'Unknown option'}: ${a}\n\n${USAGE[lang]}`); return 2; }
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
      ? `Tidak dapat membuka ${file}: ${code === 'ENOENT' ? 'berkas tidak ditemukan' : code === 'EISDIR' ? 'bukan berkas biasa' : (err as Error).message}`
      : `Cannot open ${file}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'not a regular file' : (err as Error).message}`);
    return 2;
  }
  try {
    const r = await verifyBundle(handle.reader);
    if (json) io.out(JSON.stringify({ ok: r.ok, problems: r.problems, checks: r.checks, files: r.files, records: r.manifest?.records.length ?? null }, null, 2));
    else for (const l of formatResult(r, lang, file)) (r.ok ? io.out : io.out)(l);
    return r.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}
