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
 * - Written for the person who receives it (Bawaslu, the Inspektorat): page 1 is a cover summary in
 *   plain Indonesian (who exported, when, how many records, which ASN, which violations, the
 *   reporting deadline); then one block per record; everything technical (UTC/ISO times, file
 *   names, hashes, key fingerprints, the verification commands) is in the appendix at the end.
 * - Prints on A4 without breaking a word: names, NIP, dates and platform names wrap only between
 *   words (dates and NIP never), only URLs and hashes may wrap anywhere; a record's heading and
 *   screenshot stay together, and each block of a record stays on one page where it fits.
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
import { formatDateId, formatLongId, formatLongPlain, offsetText, zonedTime } from './time';

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
  /** the team's findings about the ASN(s) in this bundle (a workspace export), shown after the cover */
  history?: TeamHistory;
}

/**
 * What the team did about each finding (the team server's register; docs/workspace.md): a
 * sanction decision needs the ASN's whole history, also the findings whose records are not in
 * this bundle.
 */
export interface TeamHistory {
  /** who keeps the register, e.g. "Server tim (Posko Timwas)" */
  source: string;
  asOf: string;
  findings: readonly TeamHistoryFinding[];
}
export interface TeamHistoryFinding {
  subjectName: string | null;
  nip: string | null;
  platform: string;
  kind: string;
  firstCapturedAt: string;
  violations: readonly string[];
  /** baru | diverifikasi | diteruskan | ditindaklanjuti | ditolak */
  status: string;
  witnesses: readonly string[];
  forwardedTo: string | null;
  forwardedOn: string | null;
  letterNumber: string | null;
  sanction: string | null;
  rejectedReason: string | null;
  /** ids of its records (those in this bundle are linked) */
  recordIds: readonly string[];
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
  if (!/^https?:\/\//i.test(url)) return `<span class="url">${e(url)}</span>`;
  return `<a href="${e(url)}" class="url" rel="noreferrer noopener">${e(url)}</a>`;
}

export const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/*
 * Line breaking: the body never breaks inside a word (overflow-wrap/word-break normal, no
 * hyphenation); .nw keeps a date, a time, a NIP or a platform name on one line. Only .url and
 * .hash (long links, hex hashes, file paths: machine strings) may wrap at any character.
 */
const STYLE = `
:root{color-scheme:light}
body{font:11pt/1.45 "Noto Sans","Segoe UI",Arial,sans-serif;color:#111;margin:0 auto;max-width:60rem;padding:1.5rem;overflow-wrap:normal;word-break:normal;hyphens:manual}
h1{font-size:18pt;line-height:1.25;margin:0 0 .6rem}
h2{font-size:14pt;margin:1.2rem 0 .5rem;border-bottom:2px solid #333;padding-bottom:.2rem}
h3{font-size:11.5pt;margin:.9rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .6rem}
th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee;font-weight:600}
table.kv th{width:28%}
.nw{white-space:nowrap}
.name{font-weight:600}
.none{color:#666;font-style:italic}
.file{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:8.5pt;white-space:nowrap}
div.file{white-space:normal;margin:0 0 .3rem}
.url,.hash{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:8.5pt;overflow-wrap:anywhere;word-break:break-all}
.ugc{white-space:pre-wrap;unicode-bidi:isolate}
.lead{font-size:12pt}
.note{background:#f6f6f6;border-left:4px solid #888;padding:.4rem .6rem;font-size:10pt}
.warn{background:#fff4e0;border-left:4px solid #d08000;padding:.4rem .6rem}
.asn{border:1px solid #999;padding:.4rem .6rem;margin:.4rem 0}
.asn p{margin:0 0 .2rem}
.record{margin-top:2rem}
.rec-sub{margin:0 0 .4rem}
figure{margin:.4rem 0}
.shot{position:relative;display:inline-block;max-width:100%;border:1px solid #999}
.shot img{display:block;max-width:100%;height:auto}
.box{position:absolute;border:3px solid #e00;box-sizing:border-box}
.box span{position:absolute;top:-1.4em;left:0;background:#e00;color:#fff;font-size:8pt;padding:0 .2rem;white-space:nowrap}
figcaption{font-size:9pt;color:#333}
ul.refs{margin:.2rem 0 .2rem 1.2rem;padding:0;font-size:10pt}
a{color:#0645ad}
.appendix{margin-top:2.5rem}
.appendix li{margin-bottom:.3rem}
@page{size:A4;margin:15mm 14mm 16mm}
@media print{
  body{max-width:none;padding:0;font-size:10pt}
  h1{font-size:16pt}
  .cover{break-after:page;page-break-after:always}
  .record{margin-top:1.2rem}
  .rec-head,.blk,.asn,tr,figure,.note,.warn,ol li{break-inside:avoid;page-break-inside:avoid}
  .shot img{max-height:140mm;width:auto}
  h2,h3{break-after:avoid;page-break-after:avoid}
  a{color:#000;text-decoration:none}
}`;

function canonicalUrl(r: EvidenceRecord): string | null {
  if ((r.kind === 'comment' || r.kind === 'reply') && r.comment?.url) return r.comment.url;
  return r.post?.url ?? r.comment?.url ?? r.subject.accountUrl ?? r.page.url;
}

const PLATFORM: Record<EvidenceRecord['platform'], string> = {
  facebook: 'Facebook', instagram: 'Instagram', tiktok: 'TikTok', other: 'situs lain',
};
/** "Komentar di Facebook", "Unggahan di TikTok" */
function kindOn(r: EvidenceRecord): string {
  return `${KIND_ID[r.kind]} di ${PLATFORM[r.platform]}`;
}
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

/** "Jumat, 13 September 2024 pukul 09.15.04 WIB": the date and the time each kept on one line. */
function when(iso: string, tz: string): string {
  const text = formatLongPlain(iso, tz);
  const i = text.indexOf(' pukul ');
  if (i < 0) return `<span class="nw">${e(text)}</span>`;
  return `<span class="nw">${e(text.slice(0, i))}</span> <span class="nw">${e(text.slice(i + 1))}</span>`;
}
/** "13 September 2024" on one line. */
const day = (iso: string, tz: string) => `<span class="nw">${e(formatDateId(iso, tz))}</span>`;
const nip = (n: string | null | undefined) => (n ? `<span class="nw nip">${e(n)}</span>` : NONE);
const name = (n: string | null | undefined) => (n ? `<span class="name">${e(n)}</span>` : NONE);
const violationLabel = (t: string) => VIOLATION_REGULATIONS[t as keyof typeof VIOLATION_REGULATIONS]?.label_id ?? t;

/**
 * The end of the 7th calendar day after the day the violation became known (the capture time),
 * in the monitor's zone (lib/cases/deadline.ts), e.g. "Jumat, 20 September 2024 pukul 23.59.59 WIB".
 */
function deadlineOf(r: EvidenceRecord): { at: string; tz: string } {
  const d = reportingDeadline(r.capturedAt, r.timezone);
  return { at: d.deadlineAt, tz: d.timeZone };
}

function kv(rows: [string, string][], cls = 'kv'): string {
  return `<table class="${cls}">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** "Facebook dan Instagram", "Facebook, Instagram dan TikTok" */
function listId(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} dan ${items.at(-1)}`;
}

function zoneOf(records: readonly EvidenceRecord[]): string {
  return records[0]?.timezone ?? 'Asia/Jakarta';
}

const STATUS_ID: Record<string, string> = {
  baru: 'Baru (belum diperiksa)', diverifikasi: 'Diverifikasi', diteruskan: 'Diteruskan', ditindaklanjuti: 'Ditindaklanjuti (sanksi dicatat)', ditolak: 'Ditolak',
};
const RECEIVER_ID: Record<string, string> = { bawaslu: 'Bawaslu', bkn: 'BKN', ppk: 'PPK (Pejabat Pembina Kepegawaian)', inspektorat: 'Inspektorat' };

/** The team's findings, oldest first: what was found, who saw it, what was done (sanctions escalate for repeat offenders). */
function history(h: TeamHistory, records: readonly EvidenceRecord[]): string {
  const tz = zoneOf(records);
  const rows = [...h.findings].sort((a, b) => Date.parse(a.firstCapturedAt) - Date.parse(b.firstCapturedAt)).map((f, i) => {
    const numbers = f.recordIds.map((id) => {
      const n = records.findIndex((r) => r.id === id);
      return n >= 0 ? `<a href="#r-${e(id)}">${n + 1}</a>` : null;
    }).filter((x): x is string => x !== null);
    const done = f.status === 'diteruskan' || f.status === 'ditindaklanjuti'
      ? `${f.forwardedTo ? `Diteruskan ke ${e(RECEIVER_ID[f.forwardedTo] ?? f.forwardedTo)}` : ''}${f.forwardedOn ? ` pada ${day(`${f.forwardedOn}T05:00:00.000Z`, tz)}` : ''}${f.letterNumber ? `, surat nomor <span class="nw">${e(f.letterNumber)}</span>` : ''}.`
      : '';
    return `<div class="asn">
<p>Temuan ${i + 1}: ${name(f.subjectName)}${f.nip ? ` (NIP ${nip(f.nip)})` : ''}</p>
${kv([
    ['Apa', `${e(KIND_ID[f.kind as EvidenceRecord['kind']] ?? f.kind)} di ${e(PLATFORM[f.platform as EvidenceRecord['platform']] ?? f.platform)}`],
    ['Pertama ditangkap', when(f.firstCapturedAt, tz)],
    ['Jenis pelanggaran', f.violations.map((t) => e(violationLabel(t))).join('<br>') || NONE],
    ['Saksi (pengawas)', `${f.witnesses.length}: ${f.witnesses.map((w) => e(w)).join(', ')}`],
    ['Status', `<strong>${e(STATUS_ID[f.status] ?? f.status)}</strong>`],
    ...(done ? [['Tindak lanjut', done] as [string, string]] : []),
    ...(f.sanction ? [['Sanksi', e(f.sanction)] as [string, string]] : []),
    ...(f.rejectedReason ? [['Alasan ditolak', e(f.rejectedReason)] as [string, string]] : []),
    ['Bukti di paket ini', numbers.length ? `nomor ${numbers.join(', ')}` : 'tidak ada di paket ini'],
  ])}
</div>`;
  }).join('\n');
  return `<section class="history">
<h2>Riwayat temuan tim</h2>
<p>Menurut ${e(h.source)} per ${when(h.asOf, tz)}, tercatat <strong>${h.findings.length} temuan</strong>. Satu temuan dapat disaksikan oleh beberapa pengawas; temuan yang sama tidak dihitung dua kali.</p>
${rows}
</section>
`;
}

/** Page 1: what a Bawaslu or Inspektorat reader needs, in plain Indonesian, nothing technical. */
function cover(input: ReportInput): string {
  const { meta, records } = input;
  const tz = zoneOf(records);
  const cb = meta.createdBy;
  const subjects = summarizeBySubject(records);
  const platforms = [...new Set(records.map((r) => r.platform))].map((p) => `<span class="nw">${e(PLATFORM[p])}</span>`);
  const times = records.map((r) => Date.parse(r.capturedAt)).filter(Number.isFinite);
  const first = records.find((r) => Date.parse(r.capturedAt) === Math.min(...times));
  const last = records.find((r) => Date.parse(r.capturedAt) === Math.max(...times));
  const span = first && last
    ? (formatDateId(first.capturedAt, first.timezone) === formatDateId(last.capturedAt, last.timezone)
      ? `pada ${day(first.capturedAt, first.timezone)}`
      : `antara ${day(first.capturedAt, first.timezone)} dan ${day(last.capturedAt, last.timezone)}`)
    : '';
  const by = cb.name
    ? `${name(cb.name)}${cb.nip ? ` (NIP ${nip(cb.nip)})` : ''}${cb.unit ? `, ${e(cb.unit)}` : ''}`
    : 'pengawas yang namanya tidak dicatat';
  const allTypes = [...new Set(records.flatMap((r) => r.violation.types))].map((t) => e(violationLabel(t)));
  const earliest = records.map(deadlineOf).sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  const asn = subjects.map((s, i) => `<div class="asn">
<p>${i + 1}. ${name(s.name)}</p>
${kv([
    ['NIP', nip(s.nip)],
    ['Instansi', val(s.agency)],
    ['Jumlah pelanggaran', `<strong>${s.count}</strong> (${s.count === 1 ? day(s.first.capturedAt, s.first.timezone) : `${day(s.first.capturedAt, s.first.timezone)} sampai ${day(s.last.capturedAt, s.last.timezone)}`})`],
    ['Jenis pelanggaran', s.types.map((t) => e(violationLabel(t))).join('<br>') || NONE],
    ['Bukti nomor', s.recordIds.map((id) => `<a href="#r-${e(id)}">${records.findIndex((r) => r.id === id) + 1}</a>`).join(', ')],
  ])}
</div>`).join('\n');
  return `<section class="cover">
<h1>Laporan Bukti Dugaan Pelanggaran Netralitas ASN di Media Sosial</h1>
<p class="lead">Laporan ini disusun oleh ${by}, pada ${when(meta.createdAt, tz)}.
Isinya <strong>${records.length} bukti</strong> tentang <strong>${subjects.length} ASN</strong>${platforms.length ? `, diambil dari ${listId(platforms)}` : ''}${span ? ` ${span}` : ''}.${allTypes.length ? ` Jenis pelanggaran: ${allTypes.join('; ')}.` : ''}</p>
${earliest ? `<p class="warn">Laporan ke Bawaslu disampaikan paling lambat <strong>7 hari</strong> sejak pelanggaran diketahui. Untuk bukti yang paling awal, batasnya ${when(earliest.at, earliest.tz)}. Batas untuk setiap bukti tercantum pada bukti itu.</p>` : ''}
<h2>ASN yang dilaporkan</h2>
<p>Sanksi dinaikkan bagi ASN yang mengulangi pelanggaran, karena itu jumlah dan tanggal pelanggaran dicantumkan.</p>
${asn}
<p class="note">Setiap bukti memuat tangkapan layar halaman saat penangkapan, identitas ASN, jenis pelanggaran dengan rujukan peraturan, dan keterangan keasliannya. Keaslian paket bukti dapat diperiksa oleh petugas teknis; caranya ada di Lampiran pada akhir laporan ini. Rujukan peraturan ditampilkan sebagai petunjuk, bukan nasihat hukum.</p>
</section>
`;
}

function index(records: readonly EvidenceRecord[]): string {
  return `<section class="index">
<h2>Daftar bukti</h2>
<table><thead><tr><th>No</th><th>Waktu tangkap</th><th>ASN</th><th>Tempat</th><th>Pelanggaran</th></tr></thead><tbody>
${records.map((r, i) => `<tr><td><a href="#r-${e(r.id)}">${i + 1}</a></td><td>${when(r.capturedAt, r.timezone)}</td><td>${name(r.subject.name)}${r.subject.nip ? `<br>NIP ${nip(r.subject.nip)}` : ''}</td><td>${e(KIND_ID[r.kind])} di <span class="nw">${e(PLATFORM[r.platform])}</span></td><td>${r.violation.types.map((t) => e(violationLabel(t))).join('; ') || NONE}</td></tr>`).join('\n')}
</tbody></table>
</section>
`;
}

function postedAt(iso: string | null, label: string | null, tz: string): string {
  if (iso) return `${when(iso, tz)}${label ? ` (tertulis di halaman: <span class="ugc">${e(label)}</span>)` : ''}`;
  if (label) return `tertulis di halaman: <span class="ugc">${e(label)}</span>`;
  return NONE;
}

function recordTop(r: EvidenceRecord, i: number, n: number): string {
  return `<section class="record" id="r-${e(r.id)}">
<div class="rec-head">
<h2>Bukti ${i + 1} dari ${n}: ${e(kindOn(r))}</h2>
<p class="rec-sub">${name(r.subject.name)}${r.subject.nip ? `, NIP ${nip(r.subject.nip)}` : ''}; ditangkap ${when(r.capturedAt, r.timezone)}</p>
`;
}

function figureOpen(r: EvidenceRecord): string {
  return `<figure><div class="shot"><img alt="Tangkapan layar bukti: ${e(kindOn(r))}, ${e(r.subject.name ?? 'ASN tidak diketahui')}" width="${r.screenshot.width}" height="${r.screenshot.height}" src="data:image/png;base64,`;
}

function figureClose(r: EvidenceRecord, i: number): string {
  const W = r.screenshot.width, H = r.screenshot.height;
  const pct = (v: number, of: number) => `${Math.max(0, Math.min(100, (v / of) * 100)).toFixed(3)}%`;
  const boxes = r.violation.gestures.map((g, k) =>
    `<div class="box" style="left:${pct(g.box.x, W)};top:${pct(g.box.y, H)};width:${pct(g.box.width, W)};height:${pct(g.box.height, H)}"><span>${k + 1}. ${e(GESTURE_LABELS[g.type].label_id)}</span></div>`).join('');
  return `">${boxes}</div>${caption(r, i)}</figure>\n</div>\n`;
}

function caption(r: EvidenceRecord, i: number): string {
  const s = r.screenshot;
  return `<figcaption>Tangkapan layar halaman saat penangkapan (${s.width} x ${s.height} piksel); berkas aslinya ada di paket bukti, lihat Lampiran, bukti ${i + 1}.${s.truncated ? ' <strong>Unggahan panjang: tangkapan dipotong pada batas tinggi.</strong>' : ''}</figcaption>`;
}

const FIELD_LABELS: Record<string, string> = {
  'subject.name': 'Nama ASN', 'subject.nip': 'NIP', 'subject.agency': 'Instansi', 'subject.position': 'Jabatan', 'subject.rank': 'Pangkat/golongan',
  'subject.employmentType': 'Status kepegawaian', 'subject.accountUrl': 'Alamat akun', 'subject.handle': 'Nama pengguna',
  'violation.types': 'Jenis pelanggaran', 'violation.gestures': 'Gestur tangan', 'violation.candidate': 'Calon', 'violation.election': 'Pemilihan', 'violation.notes': 'Catatan pengawas',
};

/** Per record, in plain words: the capture signature, the server receipt, what the monitor changed after capture. */
function proofRows(p: RecordProof | undefined, tz: string): [string, string][] {
  if (!p) return [];
  const rows: [string, string][] = [
    ['Tanda tangan saat penangkapan', p.ok ? 'sah: isi bukti sama dengan yang ditandatangani saat penangkapan, ditambah perubahan tercatat di bawah' : `<strong>TIDAK sah</strong>: ${e(p.problems.map((x) => x.messageId).join('; '))}`],
  ];
  const rc = p.receipts.filter((x) => x.ok && x.body).at(-1);
  rows.push(['Diterima server tim', rc?.body
    ? `${when(rc.body.receivedAt, tz)} (jam server), dari pengawas ${e(rc.body.monitor)}; tanda terima ditandatangani server tim`
    : 'belum ada tanda terima server (waktu dan pengirim hanya berdasar isi paket ini)']);
  rows.push(['Diubah pengawas setelah penangkapan', p.changes.length
    ? `<ul>${p.changes.map((c) => `<li>${e(FIELD_LABELS[c.path] ?? c.path)}: semula <span class="nw">${e(JSON.stringify(c.captured))}</span>, menjadi <span class="nw">${e(JSON.stringify(c.current))}</span>${c.actor ? ` (oleh ${e(c.actor)})` : ''}</li>`).join('')}</ul>`
    : 'tidak ada: semua isian seperti saat penangkapan']);
  return rows;
}

const blk = (title: string, body: string) => `<div class="blk"><h3>${title}</h3>\n${body}</div>\n`;

function recordBody(r: EvidenceRecord, proof?: RecordProof): string {
  const s = r.subject, v = r.violation, m = r.monitor;
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
  const dl = deadlineOf(r);
  const z = zonedTime(r.capturedAt, r.timezone);
  const location: [string, string][] = [
    ['Tempat', e(kindOn(r))],
    ['Alamat bukti', linkHtml(canonicalUrl(r))],
  ];
  if (r.post?.url && r.post.url !== canonicalUrl(r)) location.push(['Alamat unggahan', linkHtml(r.post.url)]);
  if (r.page.url !== canonicalUrl(r)) location.push(['Halaman saat ditangkap', linkHtml(r.page.url)]);
  if (r.page.title) location.push(['Judul halaman', `<span class="ugc">${e(r.page.title)}</span>`]);
  return blk('Identitas ASN', kv([
    ['Nama', name(s.name)],
    ['NIP', nip(s.nip)],
    ['Instansi', val(s.agency)],
    ['Jabatan', val(s.position)],
    ['Pangkat/Golongan', val(s.rank)],
    ['Status kepegawaian', e(EMPLOYMENT_ID[s.employmentType])],
    ['Akun media sosial', `${linkHtml(s.accountUrl)}${s.handle ? ` (${e(s.handle)})` : ''}`],
  ]))
  + blk('Pelanggaran dan rujukan peraturan', kv([
    ['Jenis pelanggaran', types],
    ['Gestur tangan', gestures],
    ['Calon / pasangan calon', val(v.candidate)],
    ['Pemilihan', val(v.election)],
    ['Catatan pengawas', v.notes ? `<div class="ugc">${e(v.notes)}</div>` : NONE],
  ]))
  + blk('Waktu dan tempat', kv([
    [`Waktu tangkap (zona pengawas${z.zoneKnown ? `, ${e(z.label)}` : ''})`, when(r.capturedAt, r.timezone)],
    ['Batas pelaporan ke Bawaslu (7 hari sejak diketahui)', when(dl.at, dl.tz)],
    ...location,
  ]))
  + (content.length ? blk('Konten', kv(content)) : '')
  + blk('Pengawas', kv([['Nama', name(m.name)], ['NIP', nip(m.nip)], ['Unit', val(m.unit)]]))
  + (proof ? blk('Yang terbukti', kv(proofRows(proof, r.timezone))) : '')
  + '</section>\n';
}

/** The appendix: everything technical, for whoever checks the bundle's files. */
function appendix(input: ReportInput): string {
  const { meta, records } = input;
  const k = (x: string | null) => (x ? `<span class="hash">${e(x)}</span>` : NONE);
  const perRecord = records.map((r, i) => {
    const files = input.files?.get(r.id) ?? [];
    const proof = input.proofs?.get(r.id);
    const list: { path: string; sha256: string; size: number | null }[] = files.map((f) => ({ ...f }));
    if (!files.some((f) => f.path.endsWith('/screenshot.png'))) list.unshift({ path: `evidence/${r.id}/screenshot.png`, sha256: r.screenshot.sha256, size: null });
    const fileRows: [string, string][] = [['Berkas dan hash SHA-256', list.map((f) => `<div class="file"><span class="hash">${e(f.path)}</span>${f.size != null ? ` <span class="nw">(${f.size} bita)</span>` : ''}<br><span class="hash">${e(f.sha256)}</span></div>`).join('')]];
    const z = zonedTime(r.capturedAt, r.timezone);
    const rc = proof?.receipts.filter((x) => x.ok && x.body).at(-1);
    return `<div class="blk"><h3>Bukti ${i + 1}: ${name(r.subject.name)}, ${e(kindOn(r))}</h3>
${kv([
    ['ID bukti', `<span class="hash">${e(r.id)}</span>`],
    ['Waktu tangkap (UTC)', `${e(formatLongId(r.capturedAt, 'UTC'))}<br><span class="hash">${e(r.capturedAt)}</span>`],
    ['Zona waktu pengawas', `<span class="hash">${e(r.timezone)}</span>${z.zoneKnown ? ` (${e(offsetText(z.offsetMinutes))})` : ' (tidak dikenal: waktu ditampilkan dalam UTC)'}`],
    ...fileRows,
    ['Tangkapan layar', `PNG ${r.screenshot.width} x ${r.screenshot.height} piksel, rasio piksel ${e(r.screenshot.devicePixelRatio)}`],
    ...(proof ? [
      ['Perangkat (instalasi) penanda tangan', `${k(proof.captureKeyId?.slice(0, 16) ?? null)}${proof.legacy ? ' (versi 0.1.0: log serah-terima lama tidak ditandatangani)' : ''}`] as [string, string],
      ...(rc?.body ? [['Tanda terima server', `diterima <span class="hash">${e(rc.body.receivedAt)}</span>, kunci server ${k(rc.serverKeyId?.slice(0, 16) ?? null)}`] as [string, string]] : []),
    ] : []),
    ['Ekstensi / peramban', `${e(r.client.extensionVersion)} / ${e(r.client.browser)}`],
  ])}</div>`;
  }).join('\n');
  return `<section class="appendix" id="lampiran">
<h2>Lampiran: cara memeriksa keaslian paket bukti (untuk petugas teknis)</h2>
<div class="blk">
<p>Laporan ini bagian dari paket bukti (berkas ZIP). Paket itu juga memuat tangkapan layar asli, data setiap bukti
(<span class="file">manifest.json</span>, <span class="file">evidence.csv</span>), daftar hash <span class="file">SHA256SUMS</span>
dan tanda tangan paket <span class="file">signature.json</span>. Keasliannya dapat diperiksa dengan salah satu cara berikut:</p>
<ol>
<li>Ekstrak berkas ZIP ke sebuah folder. Di folder itu jalankan <span class="hash">sha256sum -c SHA256SUMS</span> (Linux/macOS;
di Windows: <span class="hash">certutil -hashfile NAMA_BERKAS SHA256</span> lalu bandingkan dengan baris di SHA256SUMS).
Setiap baris harus berakhir dengan <span class="hash">OK</span>.</li>
<li>Tanda tangan: <span class="hash">signature.json</span> berisi tanda tangan ES256 atas berkas SHA256SUMS oleh instalasi ekstensi
yang mengekspor paket; setiap bukti juga ditandatangani saat penangkapan dan setiap serah-terima dicatat bertanda tangan.</li>
<li>Jalankan <span class="hash">npx asn-evidence verify paket.zip</span> (tambahkan <span class="hash">--server-key kunci.json</span>
untuk memastikan tanda terima server tim). Perintah ini memeriksa semua hash, skema manifest.json, hash setiap tangkapan layar
terhadap yang dicatat saat penangkapan, serta semua tanda tangan.</li>
</ol>
${kv([
    ['Paket dibuat (UTC)', `${e(formatLongId(meta.createdAt, 'UTC'))}<br><span class="hash">${e(meta.createdAt)}</span>`],
    ['Versi ekstensi', e(meta.extensionVersion)],
    ['Tabel rujukan peraturan', e(REGULATIONS_TABLE_VERSION)],
  ])}
</div>
<h2>Lampiran: data teknis setiap bukti</h2>
${perRecord}
</section>
</body>
</html>
`;
}

function header(input: ReportInput): string {
  const n = input.records.length;
  return `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan Bukti Pelanggaran Netralitas ASN (${n} bukti)</title>
<style>${STYLE}
</style>
</head>
<body>
`;
}

async function toBytes(d: Uint8Array | Blob): Promise<Uint8Array> {
  return d instanceof Uint8Array ? d : new Uint8Array(await d.arrayBuffer());
}

/** The report as chunks. Screenshots are read one at a time from `input.screenshots`. */
export async function* renderReport(input: ReportInput): AsyncGenerator<ReportChunk> {
  const { records } = input;
  yield header(input);
  yield cover(input);
  if (input.history) yield history(input.history, records);
  yield index(records);
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
        yield figureClose(r, i);
      } else {
        yield `<p class="note">Tangkapan layar tidak disertakan di laporan ini karena paketnya besar; berkasnya ada di paket bukti (lihat Lampiran, bukti ${i + 1}).</p>\n</div>\n`;
      }
      yield recordBody(r, input.proofs?.get(r.id));
    }
  } finally {
    await it?.return?.();
  }
  yield appendix(input);
}

/** The whole report as one string (tests, small exports). */
export async function reportToString(input: ReportInput): Promise<string> {
  const dec = new TextDecoder();
  let s = '';
  for await (const c of renderReport(input)) s += typeof c === 'string' ? c : dec.decode(c);
  return s;
}
