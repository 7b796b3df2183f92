/**
 * evidence.csv: one row per record, for spreadsheet programs.
 * - UTF-8 with a byte-order mark, so Excel reads Indonesian text and emoji correctly;
 * - CRLF line ends and RFC 4180 quoting (fields with comma, quote, CR or LF are quoted,
 *   quotes doubled; line breaks inside a comment stay inside its cell);
 * - formula-injection guard: a cell that starts with = + - @ (or TAB / CR) gets a leading '
 *   so a hostile comment like `=HYPERLINK(...)` is shown as text, never run.
 */
import type { EvidenceRecord } from '../record/schema';
import { GESTURE_LABELS, VIOLATION_REGULATIONS } from '../violations/regulations';
import { formatLocalSortable, formatUtcSortable } from './time';

export const CSV_BOM = '\uFEFF';

export interface CsvColumn {
  /** header shown in the spreadsheet (Indonesian) */
  header: string;
  value: (r: EvidenceRecord) => string | null;
}

const PLATFORM_ID: Record<EvidenceRecord['platform'], string> = {
  facebook: 'Facebook', instagram: 'Instagram', tiktok: 'TikTok', other: 'Lainnya',
};
export const KIND_ID: Record<EvidenceRecord['kind'], string> = {
  post: 'Unggahan', comment: 'Komentar', reply: 'Balasan komentar', reaction: 'Reaksi',
  profile: 'Profil', page: 'Halaman',
};
export const EMPLOYMENT_ID: Record<EvidenceRecord['subject']['employmentType'], string> = {
  PNS: 'PNS', PPPK: 'PPPK', PTT: 'PTT/Honorer', other: 'Lainnya', unknown: 'Tidak diketahui',
};

function author(r: EvidenceRecord): string | null {
  if (r.kind === 'reaction' && r.reaction) return r.reaction.actorName;
  if ((r.kind === 'comment' || r.kind === 'reply') && r.comment) return r.comment.authorName;
  return r.post?.authorName ?? r.comment?.authorName ?? r.reaction?.actorName ?? null;
}

function text(r: EvidenceRecord): string | null {
  if ((r.kind === 'comment' || r.kind === 'reply') && r.comment) return r.comment.text;
  return r.post?.text ?? r.comment?.text ?? null;
}

function monitor(r: EvidenceRecord): string | null {
  const m = r.monitor;
  const parts = [m.name, m.nip ? `NIP ${m.nip}` : null, m.unit].filter((x): x is string => !!x);
  return parts.length ? parts.join(' - ') : null;
}

export const CSV_COLUMNS: readonly CsvColumn[] = [
  { header: 'ID bukti', value: (r) => r.id },
  { header: 'Waktu tangkap (UTC)', value: (r) => formatUtcSortable(r.capturedAt) },
  { header: 'Waktu tangkap (zona pengawas)', value: (r) => formatLocalSortable(r.capturedAt, r.timezone) },
  { header: 'Platform', value: (r) => PLATFORM_ID[r.platform] },
  { header: 'Jenis', value: (r) => KIND_ID[r.kind] },
  { header: 'Nama ASN', value: (r) => r.subject.name },
  { header: 'NIP', value: (r) => r.subject.nip },
  { header: 'Instansi', value: (r) => r.subject.agency },
  { header: 'Jabatan', value: (r) => r.subject.position },
  { header: 'Pangkat/Golongan', value: (r) => r.subject.rank },
  { header: 'Status kepegawaian', value: (r) => EMPLOYMENT_ID[r.subject.employmentType] },
  { header: 'Jenis pelanggaran', value: (r) => r.violation.types.map((t) => VIOLATION_REGULATIONS[t].label_id).join('; ') || null },
  { header: 'Gestur tangan', value: (r) => r.violation.gestures.map((g) => GESTURE_LABELS[g.type].label_id).join('; ') || null },
  { header: 'Calon', value: (r) => r.violation.candidate },
  { header: 'Pemilihan', value: (r) => r.violation.election },
  { header: 'URL unggahan', value: (r) => r.post?.url ?? null },
  { header: 'URL komentar', value: (r) => r.comment?.url ?? null },
  { header: 'Penulis', value: author },
  { header: 'Teks', value: text },
  { header: 'SHA-256 tangkapan layar', value: (r) => r.screenshot.sha256 },
  { header: 'Pengawas', value: monitor },
];

/** Quote one cell per RFC 4180, after the formula-injection guard. */
export function csvCell(value: string | null | undefined, delimiter = ','): string {
  if (value == null) return '';
  let v = String(value);
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  if (v.includes('"') || v.includes(delimiter) || v.includes('\n') || v.includes('\r')) {
    v = `"${v.replace(/"/g, '""')}"`;
  }
  return v;
}

export function csvRow(values: readonly (string | null | undefined)[], delimiter = ','): string {
  return values.map((v) => csvCell(v, delimiter)).join(delimiter) + '\r\n';
}

export interface CsvOptions {
  /** ',' (RFC 4180, default) or ';' (what Excel expects on Indonesian-locale Windows) */
  delimiter?: ',' | ';';
}

/** The CSV as string chunks: BOM + header first, then one chunk per record. */
export function* csvChunks(records: Iterable<EvidenceRecord>, opts: CsvOptions = {}): Generator<string> {
  const d = opts.delimiter ?? ',';
  yield CSV_BOM + csvRow(CSV_COLUMNS.map((c) => c.header), d);
  for (const r of records) yield csvRow(CSV_COLUMNS.map((c) => c.value(r)), d);
}

/** The whole CSV as one string (small exports, tests). */
export function toCsv(records: Iterable<EvidenceRecord>, opts: CsvOptions = {}): string {
  let s = '';
  for (const c of csvChunks(records, opts)) s += c;
  return s;
}
