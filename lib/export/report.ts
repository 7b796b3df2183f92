/**
 * report.html: a self-contained, printable report in Bahasa Indonesia for Bawaslu, the
 * Inspektorat or BKN.
 *
 * - No <script>, no remote resource: screenshots are data: URIs, the style is inline, and a CSP
 *   meta (`default-src 'none'; img-src data:; style-src 'unsafe-inline'`) makes the browser
 *   refuse anything else even if a string slipped through. Links to the canonical URLs are plain
 *   <a href> with rel=noreferrer.
 * - Every page-derived string is HTML-escaped (escapeHtml), including attribute values.
 * - Generated as an async iterable of chunks, so 1,000 records with screenshots never become
 *   one giant string: strings for markup, Uint8Array (ASCII base64) for the embedded images.
 */
import type { RecordProof } from '../integrity/record-check';
import { reportingDeadline } from '../cases/deadline';
import type { EvidenceRecord } from '../record/schema';
import {
  GESTURE_LABELS, REGULATIONS_TABLE_VERSION, VIOLATION_REGULATIONS,
} from '../violations/regulations';
import { base64Bytes } from './base64';
import { EMPLOYMENT_ID, KIND_ID } from './csv';
import type { CreatedBy } from './manifest';
import { formatDateId, formatLongId, zonedTime } from './time';

export type ReportChunk = string | Uint8Array;

export interface ReportFileInfo { path: string; sha256: string; size: number }

export interface ReportInput {
  meta: { createdAt: string; createdBy: CreatedBy; extensionVersion: string };
  /** all records, in bundle order (small: the screenshots come separately) */
  records: readonly EvidenceRecord[];
  /** per record id: the bundle files belonging to it, with their hashes (shown under "Integritas") */
  files?: ReadonlyMap<string, readonly ReportFileInfo[]>;
  /** screenshots in the same order as `records`; omit to leave images out of the report */
  screenshots?: AsyncIterable<{ id: string; data: Uint8Array | Blob }> | null;
  /** per record id: what its signatures prove (lib/integrity/record-check.ts), shown under "Yang terbukti" */
  proofs?: ReadonlyMap<string, RecordProof>;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape for HTML text and (double- or single-quoted) attribute values. */
export function escapeHtml(s: string | number | null | undefined): string {
  if (s == null) return '';
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]!).replace(/\u0000/g, '\uFFFD');
}

const e = escapeHtml;
const NONE = '<span class="none">(tidak diketahui)</span>';
const val = (s: string | null | undefined) => (s == null || s === '' ? NONE : e(s));

/** An http(s) URL as a plain link showing its full text; anything else as escaped text. */
export function linkHtml(url: string | null | undefined): string {
  if (!url) return NONE;
  if (!/^https?:\/\//i.test(url)) return e(url);
  return `<a href="${e(url)}" rel="noreferrer noopener">${e(url)}</a>`;
}

export const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE = `
:root{color-scheme:light}
body{font:11pt/1.45 "Noto Sans","Segoe UI",Arial,sans-serif;color:#111;margin:0 auto;max-width:60rem;padding:1.5rem}
h1{font-size:18pt;margin:0 0 .3rem}h2{font-size:14pt;margin:0 0 .6rem;border-bottom:2px solid #333;padding-bottom:.2rem}
h3{font-size:11.5pt;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eee;font-weight:600}
table.kv th{width:30%}
.none{color:#777;font-style:italic}
.mono,.hash{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:9pt;overflow-wrap:anywhere}
.ugc{white-space:pre-wrap;unicode-bidi:isolate}
.note{background:#f6f6f6;border-left:4px solid #888;padding:.4rem .6rem;font-size:10pt}
.warn{background:#fff4e0;border-left:4px solid #d08000;padding:.4rem .6rem}
.record{margin-top:2rem}
figure{margin:.4rem 0}
.shot{position:relative;display:inline-block;max-width:100%;border:1px solid #999}
.shot img{display:block;max-width:100%;height:auto}
.box{position:absolute;border:3px solid #e00;box-sizing:border-box}
.box span{position:absolute;top:-1.4em;left:0;background:#e00;color:#fff;font-size:8pt;padding:0 .2rem;white-space:nowrap}
figcaption{font-size:9pt;color:#333}
ul.refs{margin:.2rem 0 .2rem 1.2rem;padding:0;font-size:10pt}
a{color:#0645ad;overflow-wrap:anywhere}
@page{size:A4;margin:14mm}
@media print{
  body{max-width:none;padding:0;font-size:10pt}
  .record{break-before:page;page-break-before:always;margin-top:0}
  .shot img{max-height:170mm;width:auto}
  tr,figure,.note{break-inside:avoid;page-break-inside:avoid}
  h2,h3{break-after:avoid;page-break-after:avoid}
  a{color:#000;text-decoration:none}
}`;

function canonicalUrl(r: EvidenceRecord): string | null {
  if ((r.kind === 'comment' || r.kind === 'reply') && r.comment?.url) return r.comment.url;
  return r.post?.url ?? r.comment?.url ?? r.subject.accountUrl ?? r.page.url;
}

const PLATFORM: Record<EvidenceRecord['platform'], string> = {
  facebook: 'Facebook', instagram: 'Instagram', tiktok: 'TikTok', other: 'Platform lain',
};
const REACTION: Record<string, string> = {
  like: 'Suka', love: 'Super', care: 'Peduli', haha: 'Haha', wow: 'Wow', sad: 'Sedih', angry: 'Marah',
  unknown: 'Tidak diketahui',
};

function subjectKey(r: EvidenceRecord): string {
  const s = r.subject;
  if (s.nip) return `nip:${s.nip}`;
  if (s.name) return `name:${s.name.trim().toLocaleLowerCase('id')}`;
  if (s.accountUrl) return `url:${s.accountUrl}`;
  if (s.handle) return `handle:${s.handle}`;
  return 'unknown';
}

export interface SubjectSummary {
  key: string;
  name: string | null;
  nip: string | null;
  agency: string | null;
  count: number;
  first: EvidenceRecord;
  last: EvidenceRecord;
  types: string[];
  recordIds: string[];
}

/** Violations per ASN (by NIP, else name, else account): repeat offenders get heavier sanctions. */
export function summarizeBySubject(records: readonly EvidenceRecord[]): SubjectSummary[] {
  const map = new Map<string, SubjectSummary>();
  for (const r of records) {
    const key = subjectKey(r);
    let s = map.get(key);
    if (!s) {
      s = { key, name: r.subject.name, nip: r.subject.nip, agency: r.subject.agency, count: 0, first: r, last: r, types: [], recordIds: [] };
      map.set(key, s);
    }
    s.count++;
    s.recordIds.push(r.id);
    s.name ??= r.subject.name;
    s.agency ??= r.subject.agency;
    if (Date.parse(r.capturedAt) < Date.parse(s.first.capturedAt)) s.first = r;
    if (Date.parse(r.capturedAt) > Date.parse(s.last.capturedAt)) s.last = r;
    for (const t of r.violation.types) if (!s.types.includes(t)) s.types.push(t);
  }
  return [...map.values()].sort((a, b) => b.count - a.count || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff', 'id'));
}

/**
 * The end of the 7th calendar day after the day the violation became known (the capture time),
 * in the monitor's zone (lib/cases/deadline.ts), e.g. "Jumat, 20 September 2024 pukul 23.59.59 WIB".
 */
function deadline(r: EvidenceRecord): string {
  const d = reportingDeadline(r.capturedAt, r.timezone);
  return formatLongId(d.deadlineAt, d.timeZone);
}

function kv(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function header(input: ReportInput): string {
  const { meta, records } = input;
  const tz = records[0]?.timezone ?? 'Asia/Jakarta';
  const cb = meta.createdBy;
  return `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan Bukti Pelanggaran Netralitas ASN (${records.length} bukti)</title>
<style>${STYLE}
</style>
</head>
<body>
<header>
<h1>Laporan Bukti Dugaan Pelanggaran Netralitas ASN di Media Sosial</h1>
${kv([
    ['Jumlah bukti', String(records.length)],
    ['Jumlah ASN', String(summarizeBySubject(records).length)],
    ['Dibuat pada (UTC)', `${e(formatLongId(meta.createdAt, 'UTC'))} <span class="mono">${e(meta.createdAt)}</span>`],
    ['Dibuat pada (zona pengawas)', e(formatLongId(meta.createdAt, tz))],
    ['Dibuat oleh', `${val(cb.name)}${cb.nip ? `, NIP ${e(cb.nip)}` : ''}${cb.unit ? `, ${e(cb.unit)}` : ''}`],
    ['Versi ekstensi', e(meta.extensionVersion)],
    ['Tabel rujukan peraturan', e(REGULATIONS_TABLE_VERSION)],
  ])}
<p class="note">Laporan ini bagian dari paket bukti (berkas ZIP). Keaslian setiap berkas dapat diperiksa dengan
daftar hash di berkas <span class="mono">SHA256SUMS</span> (perintah <span class="mono">sha256sum -c SHA256SUMS</span>
di folder hasil ekstrak) atau dengan <span class="mono">asn-evidence verify paket.zip</span>. Tangkapan layar asli ada di
<span class="mono">evidence/&lt;ID&gt;/screenshot.png</span>; hash SHA-256 di setiap bagian harus sama dengan hash berkas itu.
Rujukan peraturan ditampilkan sebagai petunjuk, bukan nasihat hukum.</p>
<p class="warn">Laporan ke Bawaslu disampaikan paling lambat <strong>7 hari</strong> sejak pelanggaran diketahui
(di sini: sejak waktu tangkap), yaitu sampai akhir hari ke-7 setelah hari diketahui (pukul 23.59.59) menurut
zona waktu pengawas. Batas tersebut tercantum di setiap bukti.</p>
</header>
`;
}

function summaryTable(records: readonly EvidenceRecord[]): string {
  const pos = new Map(records.map((r, i) => [r.id, i + 1]));
  const rows = summarizeBySubject(records).map((s, i) => `<tr><td>${i + 1}</td><td>${val(s.name)}</td><td class="mono">${val(s.nip)}</td><td>${val(s.agency)}</td><td><strong>${s.count}</strong></td><td>${e(formatDateId(s.first.capturedAt, s.first.timezone))}</td><td>${e(formatDateId(s.last.capturedAt, s.last.timezone))}</td><td>${s.types.map((t) => e(VIOLATION_REGULATIONS[t as keyof typeof VIOLATION_REGULATIONS]?.label_id ?? t)).join('<br>') || NONE}</td><td>${s.recordIds.map((id) => `<a href="#r-${e(id)}">${pos.get(id)}</a>`).join(', ')}</td></tr>`);
  return `<section class="summary">
<h2>Ringkasan per ASN</h2>
<p class="note">Sanksi dinaikkan bagi ASN yang mengulangi pelanggaran; jumlah dan tanggal pelanggaran sebelumnya karena itu penting.</p>
<table><thead><tr><th>No</th><th>Nama ASN</th><th>NIP</th><th>Instansi</th><th>Jumlah pelanggaran</th><th>Pertama</th><th>Terakhir</th><th>Jenis pelanggaran</th><th>Bukti no.</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>
<section class="index">
<h2>Daftar bukti</h2>
<table><thead><tr><th>No</th><th>Waktu tangkap</th><th>Nama ASN</th><th>Platform</th><th>Jenis</th><th>Pelanggaran</th></tr></thead><tbody>
${records.map((r, i) => `<tr><td><a href="#r-${e(r.id)}">${i + 1}</a></td><td>${e(formatLongId(r.capturedAt, r.timezone))}</td><td>${val(r.subject.name)}</td><td>${e(PLATFORM[r.platform])}</td><td>${e(KIND_ID[r.kind])}</td><td>${r.violation.types.map((t) => e(VIOLATION_REGULATIONS[t].label_id)).join('; ') || NONE}</td></tr>`).join('\n')}
</tbody></table>
</section>
`;
}

function postedAt(iso: string | null, label: string | null, tz: string): string {
  if (iso) return `${e(formatLongId(iso, tz))}${label ? ` (tertulis di halaman: <span class="ugc">${e(label)}</span>)` : ''}`;
  if (label) return `tertulis di halaman: <span class="ugc">${e(label)}</span>`;
  return NONE;
}

function recordTop(r: EvidenceRecord, i: number, n: number): string {
  return `<section class="record" id="r-${e(r.id)}">
<h2>Bukti ${i + 1} dari ${n}: ${e(KIND_ID[r.kind])} ${e(PLATFORM[r.platform])} - ${val(r.subject.name)}</h2>
`;
}

function figureOpen(r: EvidenceRecord): string {
  return `<figure><div class="shot"><img alt="Tangkapan layar bukti ${e(r.id)}" width="${r.screenshot.width}" height="${r.screenshot.height}" src="data:image/png;base64,`;
}

function figureClose(r: EvidenceRecord): string {
  const W = r.screenshot.width, H = r.screenshot.height;
  const pct = (v: number, of: number) => `${Math.max(0, Math.min(100, (v / of) * 100)).toFixed(3)}%`;
  const boxes = r.violation.gestures.map((g, k) =>
    `<div class="box" style="left:${pct(g.box.x, W)};top:${pct(g.box.y, H)};width:${pct(g.box.width, W)};height:${pct(g.box.height, H)}"><span>${k + 1}. ${e(GESTURE_LABELS[g.type].label_id)}</span></div>`).join('');
  return `">${boxes}</div>${caption(r)}</figure>\n`;
}

function caption(r: EvidenceRecord): string {
  const s = r.screenshot;
  return `<figcaption>Tangkapan layar PNG ${s.width} x ${s.height} piksel (rasio piksel ${e(s.devicePixelRatio)}), berkas <span class="mono">evidence/${e(r.id)}/screenshot.png</span>, SHA-256 <span class="hash">${e(s.sha256)}</span>${s.truncated ? '. <strong>Unggahan panjang: tangkapan dipotong pada batas tinggi.</strong>' : ''}</figcaption>`;
}

const FIELD_LABELS: Record<string, string> = {
  'subject.name': 'Nama ASN', 'subject.nip': 'NIP', 'subject.agency': 'Instansi', 'subject.position': 'Jabatan', 'subject.rank': 'Pangkat/golongan',
  'subject.employmentType': 'Status kepegawaian', 'subject.accountUrl': 'Alamat akun', 'subject.handle': 'Nama pengguna',
  'violation.types': 'Jenis pelanggaran', 'violation.gestures': 'Gestur tangan', 'violation.candidate': 'Calon', 'violation.election': 'Pemilihan', 'violation.notes': 'Catatan pengawas',
};

/** Per record: the signature, the installation and monitor, the server receipt, and what the monitor changed after capture. */
function proofRows(p: RecordProof | undefined): [string, string][] {
  if (!p) return [];
  const k = (x: string | null) => (x ? `<span class="mono">${e(x.slice(0, 16))}</span>` : NONE);
  const rows: [string, string][] = [
    ['Tanda tangan penangkapan', p.ok ? 'sah: isi bukti sama dengan yang ditandatangani saat penangkapan, ditambah perubahan tercatat di bawah' : `<strong>TIDAK sah</strong>: ${e(p.problems.map((x) => x.messageId).join('; '))}`],
    ['Perangkat (instalasi) penanda tangan', `${k(p.captureKeyId)}${p.legacy ? ' (versi 0.1.0: log serah-terima lama tidak ditandatangani)' : ''}`],
  ];
  const rc = p.receipts.filter((x) => x.ok && x.body).at(-1);
  rows.push(['Diterima server tim', rc?.body
    ? `${e(formatLongId(rc.body.receivedAt, 'Asia/Jakarta'))} (jam server), dari pengawas ${e(rc.body.monitor)}; tanda terima ditandatangani kunci server ${k(rc.serverKeyId)}`
    : 'belum ada tanda terima server (waktu dan pengirim hanya berdasar isi paket ini)']);
  rows.push(['Diubah pengawas setelah penangkapan', p.changes.length
    ? `<ul>${p.changes.map((c) => `<li>${e(FIELD_LABELS[c.path] ?? c.path)}: semula <span class="mono">${e(JSON.stringify(c.captured))}</span>, menjadi <span class="mono">${e(JSON.stringify(c.current))}</span>${c.actor ? ` (oleh ${e(c.actor)})` : ''}</li>`).join('')}</ul>`
    : 'tidak ada: semua isian seperti saat penangkapan']);
  return rows;
}

function recordBody(r: EvidenceRecord, files: readonly ReportFileInfo[] | undefined, proof?: RecordProof): string {
  const s = r.subject, v = r.violation, m = r.monitor;
  const z = zonedTime(r.capturedAt, r.timezone);
  const types = v.types.length
    ? v.types.map((t) => {
      const info = VIOLATION_REGULATIONS[t];
      return `<strong>${e(info.label_id)}</strong><ul class="refs">${info.refs.map((ref) => `<li>${e(ref)}</li>`).join('')}</ul>`;
    }).join('')
    : '<span class="none">(jenis pelanggaran belum dipilih)</span>';
  const gestures = v.gestures.length
    ? v.gestures.map((g, k) => `${k + 1}. ${e(GESTURE_LABELS[g.type].label_id)} (kotak x=${Math.round(g.box.x)}, y=${Math.round(g.box.y)}, ${Math.round(g.box.width)} x ${Math.round(g.box.height)} px)`).join('<br>')
    : NONE;
  const content: [string, string][] = [];
  if (r.post) {
    content.push(['Penulis unggahan', `${val(r.post.authorName)}${r.post.authorUrl ? `<br>${linkHtml(r.post.authorUrl)}` : ''}`]);
    content.push(['Teks unggahan', r.post.text ? `<div class="ugc">${e(r.post.text)}</div>` : NONE]);
    content.push(['Waktu unggahan', postedAt(r.post.postedAt, r.post.postedAtLabel, r.timezone)]);
  }
  if (r.comment) {
    content.push(['Penulis komentar', `${val(r.comment.authorName)}${r.comment.authorUrl ? `<br>${linkHtml(r.comment.authorUrl)}` : ''}`]);
    content.push(['Teks komentar', r.comment.text ? `<div class="ugc">${e(r.comment.text)}</div>` : NONE]);
    content.push(['Waktu komentar', postedAt(r.comment.postedAt, r.comment.postedAtLabel, r.timezone)]);
  }
  if (r.reaction) {
    content.push(['Reaksi', `${e(REACTION[r.reaction.type] ?? r.reaction.type)} oleh ${val(r.reaction.actorName)}${r.reaction.actorUrl ? `<br>${linkHtml(r.reaction.actorUrl)}` : ''}`]);
  }
  const fileRows: [string, string][] = (files ?? []).map((f) => [`SHA-256 <span class="mono">${e(f.path)}</span>`, `<span class="hash">${e(f.sha256)}</span> (${f.size} bita)`]);
  if (!files?.some((f) => f.path.endsWith('/screenshot.png'))) fileRows.unshift(['SHA-256 tangkapan layar', `<span class="hash">${e(r.screenshot.sha256)}</span>`]);
  return `<h3>Waktu</h3>
${kv([
    ['Waktu tangkap (UTC)', `${e(formatLongId(r.capturedAt, 'UTC'))}<br><span class="mono">${e(r.capturedAt)}</span>`],
    [`Waktu tangkap (${e(z.zoneKnown ? z.label : 'UTC')}, zona pengawas)`, `${e(formatLongId(r.capturedAt, r.timezone))}<br><span class="mono">${e(r.timezone)}</span>`],
    ['Batas pelaporan ke Bawaslu (7 hari sejak diketahui)', e(deadline(r))],
  ])}
<h3>Lokasi</h3>
${kv([
    ['URL kanonik', linkHtml(canonicalUrl(r))],
    ['Platform / jenis', `${e(PLATFORM[r.platform])} / ${e(KIND_ID[r.kind])}`],
    ['URL unggahan', linkHtml(r.post?.url)],
    ['ID unggahan', val(r.post?.id)],
    ['URL komentar', linkHtml(r.comment?.url)],
    ['Halaman saat ditangkap', `${linkHtml(r.page.url)}<br><span class="ugc">${e(r.page.title)}</span>`],
  ])}
<h3>Identitas ASN</h3>
${kv([
    ['Nama', val(s.name)],
    ['NIP', s.nip ? `<span class="mono">${e(s.nip)}</span>` : NONE],
    ['Instansi', val(s.agency)],
    ['Jabatan', val(s.position)],
    ['Pangkat/Golongan', val(s.rank)],
    ['Status kepegawaian', e(EMPLOYMENT_ID[s.employmentType])],
    ['Akun media sosial', `${linkHtml(s.accountUrl)}${s.handle ? ` (${e(s.handle)})` : ''}`],
  ])}
<h3>Pelanggaran dan rujukan peraturan</h3>
${kv([
    ['Jenis pelanggaran', types],
    ['Gestur tangan', gestures],
    ['Calon / pasangan calon', val(v.candidate)],
    ['Pemilihan', val(v.election)],
    ['Catatan pengawas', v.notes ? `<div class="ugc">${e(v.notes)}</div>` : NONE],
  ])}
${content.length ? `<h3>Konten</h3>\n${kv(content)}` : ''}
<h3>Pengawas</h3>
${kv([['Nama', val(m.name)], ['NIP', val(m.nip)], ['Unit', val(m.unit)]])}
<h3>Yang terbukti</h3>
${kv(proofRows(proof))}
<h3>Integritas</h3>
${kv([
    ['ID bukti', `<span class="mono">${e(r.id)}</span>`],
    ...fileRows,
    ['Ekstensi / peramban', `${e(r.client.extensionVersion)} / ${e(r.client.browser)}`],
  ])}
</section>
`;
}

const FOOTER = `<section class="record">
<h2>Cara memeriksa keaslian paket bukti</h2>
<ol>
<li>Ekstrak berkas ZIP ke sebuah folder.</li>
<li>Di folder itu jalankan <span class="mono">sha256sum -c SHA256SUMS</span> (Linux/macOS; di Windows:
<span class="mono">certutil -hashfile NAMA_BERKAS SHA256</span> lalu bandingkan dengan baris di SHA256SUMS).
Setiap baris harus berakhir dengan <span class="mono">OK</span>.</li>
<li>Atau jalankan <span class="mono">npx asn-evidence verify paket.zip</span>, yang juga memeriksa skema manifest.json
dan bahwa hash setiap tangkapan layar sama dengan yang dicatat saat penangkapan.</li>
</ol>
</section>
</body>
</html>
`;

async function toBytes(d: Uint8Array | Blob): Promise<Uint8Array> {
  return d instanceof Uint8Array ? d : new Uint8Array(await d.arrayBuffer());
}

/** The report as chunks. Screenshots are read one at a time from `input.screenshots`. */
export async function* renderReport(input: ReportInput): AsyncGenerator<ReportChunk> {
  const { records } = input;
  yield header(input);
  yield summaryTable(records);
  const it = input.screenshots ? input.screenshots[Symbol.asyncIterator]() : null;
  try {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      yield recordTop(r, i, records.length);
      if (it) {
        const next = await it.next();
        if (next.done || next.value.id !== r.id) {
          throw new Error(`report: screenshot for record ${r.id} missing or out of order (got ${next.done ? 'end of items' : next.value.id})`);
        }
        yield figureOpen(r);
        yield base64Bytes(await toBytes(next.value.data));
        yield figureClose(r);
      } else {
        yield `<p class="note">Tangkapan layar tidak disertakan di laporan ini; lihat berkas <span class="mono">evidence/${e(r.id)}/screenshot.png</span>.</p>${caption(r)}\n`;
      }
      yield recordBody(r, input.files?.get(r.id), input.proofs?.get(r.id));
    }
  } finally {
    await it?.return?.();
  }
  yield FOOTER;
}

/** The whole report as one string (tests, small exports). */
export async function reportToString(input: ReportInput): Promise<string> {
  const dec = new TextDecoder();
  let s = '';
  for await (const c of renderReport(input)) s += typeof c === 'string' ? c : dec.decode(c);
  return s;
}
