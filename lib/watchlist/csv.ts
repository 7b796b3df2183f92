/**
 * Watchlist CSV import: UTF-8 with or without BOM, comma- or semicolon-separated (Indonesian Excel
 * writes ";"), RFC 4180 quotes ("" inside quotes, line breaks inside quoted cells), headers in
 * Indonesian or English. All or nothing: one bad row and nothing is imported; every bad row is
 * listed with its line number and the reason. Pure (no storage): the page saves the result.
 */
import { accountRef, indexWatchlist, type EmploymentType, type WatchEntry } from './model';
import { parseNip, type NipProblem } from './nip';

export const MAX_ROWS = 5000;
export const MAX_FIELD = 300;

export interface CsvRecord {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvParse {
  records: CsvRecord[];
  delimiter: ',' | ';';
  /** Set when a quoted cell is never closed (the line where it opened). */
  unclosedAt: number | null;
}

/** The delimiter of the header line: whichever of ";" and "," occurs more often outside quotes. */
function sniff(text: string): ',' | ';' {
  let commas = 0;
  let semis = 0;
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') q = !q;
    else if (!q && (c === '\n' || c === '\r')) break;
    else if (!q && c === ',') commas++;
    else if (!q && c === ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

export function parseCsv(input: string): CsvParse {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = sniff(text);
  const records: CsvRecord[] = [];
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let openedAt = 0;
  const endRecord = () => {
    cells.push(cell);
    records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        else if (c === '\r' && text[i + 1] !== '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      openedAt = line;
      cell = '';
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted) return { records, delimiter, unclosedAt: openedAt };
  if (cell !== '' || cells.length) endRecord();
  return { records, delimiter, unclosedAt: null };
}

export type Field = 'name' | 'nip' | 'agency' | 'position' | 'rank' | 'employmentType' | 'accounts';

const ALIASES: Record<Field, string[]> = {
  name: ['nama', 'name', 'nama lengkap', 'full name', 'nama asn', 'nama pegawai'],
  nip: ['nip', 'ni pppk', 'nip ni pppk', 'nomor induk pegawai'],
  agency: ['instansi', 'agency', 'opd', 'perangkat daerah', 'unit kerja', 'satuan kerja', 'satker'],
  position: ['jabatan', 'position', 'job title'],
  rank: ['pangkat', 'rank', 'golongan', 'pangkat golongan', 'pangkat gol', 'gol', 'grade'],
  employmentType: [
    'status', 'employment type', 'employment', 'jenis pegawai', 'status kepegawaian', 'status pegawai',
    'jenis', 'type', 'jenis kepegawaian',
  ],
  accounts: [
    'akun', 'accounts', 'account', 'akun media sosial', 'akun medsos', 'media sosial', 'social media',
    'profil', 'profiles', 'url', 'handle', 'handles',
  ],
};

const normHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Header row -> column index per field (unknown columns are ignored). */
export function mapHeader(cells: string[]): Partial<Record<Field, number>> {
  const out: Partial<Record<Field, number>> = {};
  cells.forEach((raw, i) => {
    const h = normHeader(raw);
    for (const f of Object.keys(ALIASES) as Field[]) {
      if (out[f] === undefined && ALIASES[f].includes(h)) out[f] = i;
    }
  });
  return out;
}

const TYPE_WORDS: Record<string, EmploymentType> = {
  pns: 'PNS', cpns: 'PNS', 'pegawai negeri sipil': 'PNS',
  pppk: 'PPPK', p3k: 'PPPK', 'pppk paruh waktu': 'PPPK',
  ptt: 'PTT', honorer: 'PTT', 'tenaga honorer': 'PTT', 'non asn': 'PTT', thl: 'PTT',
  lainnya: 'other', other: 'other', 'lain lain': 'other',
  unknown: 'unknown', 'tidak diketahui': 'unknown', '': 'unknown',
};

export function parseEmploymentType(s: string): EmploymentType | null {
  return TYPE_WORDS[normHeader(s)] ?? null;
}

export function splitAccounts(s: string): string[] {
  return s.split(/[\s|,;]+/).filter(Boolean);
}

export type EntryErrorCode =
  | 'name_required' | `nip_${NipProblem}` | 'employment_type' | 'account_invalid' | 'too_long';

export interface EntryError { code: EntryErrorCode; value?: string }

export interface EntryInput {
  name: string; nip: string; agency: string; position: string; rank: string; employmentType: string; accounts: string;
}

export type EntryDraft = Omit<WatchEntry, 'id' | 'addedAt' | 'updatedAt'>;

const clean = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
const orNull = (s: string) => (s ? s : null);

/** One person as typed in the form or read from a CSV row; every problem listed. */
export function validateEntry(input: EntryInput, today: Date = new Date()): { ok: true; entry: EntryDraft } | { ok: false; errors: EntryError[] } {
  const errors: EntryError[] = [];
  const name = clean(input.name);
  if (!name) errors.push({ code: 'name_required' });
  for (const v of [input.name, input.agency, input.position, input.rank]) {
    if (clean(v).length > MAX_FIELD) {
      errors.push({ code: 'too_long', value: clean(v).slice(0, 40) + '…' });
      break;
    }
  }
  let nip: string | null = null;
  if (clean(input.nip)) {
    const r = parseNip(input.nip, today);
    if (r.ok) nip = r.nip;
    else for (const p of r.problems) errors.push({ code: `nip_${p}`, value: clean(input.nip) });
  }
  const employmentType = parseEmploymentType(input.employmentType);
  if (!employmentType) errors.push({ code: 'employment_type', value: clean(input.employmentType) });
  const accounts: string[] = [];
  for (const a of splitAccounts(input.accounts)) {
    const ref = accountRef(a);
    if (!ref) errors.push({ code: 'account_invalid', value: a.slice(0, 120) });
    else if (!accounts.includes(ref.url)) accounts.push(ref.url);
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    entry: {
      name, nip, agency: orNull(clean(input.agency)), position: orNull(clean(input.position)),
      rank: orNull(clean(input.rank)), employmentType: employmentType!, accounts,
    },
  };
}

export type RowErrorCode =
  | EntryErrorCode | 'empty_file' | 'no_name_column' | 'unclosed_quote' | 'too_many_rows'
  | 'duplicate_nip' | 'duplicate_account' | 'account_conflict';

export interface RowError {
  line: number;
  code: RowErrorCode;
  value?: string;
  /** The line of the earlier row (duplicates) or the name of the person already watched (conflict). */
  other?: string;
}

export type ImportResult =
  | { ok: true; entries: WatchEntry[]; added: number; updated: number; rows: number }
  | { ok: false; errors: RowError[]; rows: number };

/**
 * Read a CSV into the new full watchlist (existing entries kept; a row with the NIP, or else an
 * account, of an existing entry updates it). Nothing is returned unless every row is valid.
 */
export function importCsv(
  text: string,
  existing: readonly WatchEntry[],
  opts: { today?: Date; now?: Date; newId?: () => string } = {},
): ImportResult {
  const today = opts.today ?? new Date();
  const now = (opts.now ?? today).toISOString();
  const makeId = opts.newId ?? (() => crypto.randomUUID());
  const parsed = parseCsv(text);
  const nonEmpty = parsed.records.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (parsed.unclosedAt !== null) return { ok: false, errors: [{ line: parsed.unclosedAt, code: 'unclosed_quote' }], rows: 0 };
  const [header, ...rows] = nonEmpty;
  if (!header) return { ok: false, errors: [{ line: 1, code: 'empty_file' }], rows: 0 };
  const cols = mapHeader(header.cells);
  if (cols.name === undefined) return { ok: false, errors: [{ line: header.line, code: 'no_name_column', value: header.cells.join(parsed.delimiter).slice(0, 200) }], rows: rows.length };
  if (rows.length > MAX_ROWS) return { ok: false, errors: [{ line: rows[MAX_ROWS]!.line, code: 'too_many_rows', value: String(MAX_ROWS) }], rows: rows.length };

  const cell = (r: CsvRecord, f: Field) => (cols[f] === undefined ? '' : r.cells[cols[f]!] ?? '');
  const errors: RowError[] = [];
  const byKey = indexWatchlist(existing);
  const byNip = new Map(existing.filter((e) => e.nip).map((e) => [e.nip!, e]));
  const seenNip = new Map<string, number>();
  const seenAccount = new Map<string, number>();
  const result = existing.map((e) => ({ ...e, accounts: [...e.accounts] }));
  const resultById = new Map(result.map((e) => [e.id, e]));
  let added = 0;
  const updatedIds = new Set<string>();

  for (const r of rows) {
    const v = validateEntry({
      name: cell(r, 'name'), nip: cell(r, 'nip'), agency: cell(r, 'agency'), position: cell(r, 'position'),
      rank: cell(r, 'rank'), employmentType: cell(r, 'employmentType'), accounts: cell(r, 'accounts'),
    }, today);
    if (!v.ok) {
      for (const e of v.errors) errors.push({ line: r.line, ...e });
      continue;
    }
    const d = v.entry;
    let rowOk = true;
    if (d.nip) {
      const prev = seenNip.get(d.nip);
      if (prev !== undefined) {
        errors.push({ line: r.line, code: 'duplicate_nip', value: d.nip, other: String(prev) });
        rowOk = false;
      } else seenNip.set(d.nip, r.line);
    }
    // Which existing person this row updates: same NIP, else the owner of one of its accounts.
    let target = d.nip ? byNip.get(d.nip) : undefined;
    const keys = d.accounts.map((a) => accountRef(a)!.key);
    // By account only when the NIPs cannot disagree (a different NIP is a different person).
    if (!target) for (const k of keys) {
      const owner = byKey.get(k);
      if (owner && (!d.nip || !owner.nip)) target ??= owner;
    }
    for (const [i, k] of keys.entries()) {
      const prev = seenAccount.get(k);
      if (prev !== undefined) {
        errors.push({ line: r.line, code: 'duplicate_account', value: d.accounts[i], other: String(prev) });
        rowOk = false;
        continue;
      }
      seenAccount.set(k, r.line);
      const owner = byKey.get(k);
      if (owner && owner !== target) {
        errors.push({ line: r.line, code: 'account_conflict', value: d.accounts[i], other: owner.name });
        rowOk = false;
      }
    }
    if (!rowOk || errors.length) continue;
    if (target) {
      const t = resultById.get(target.id)!;
      // Blank cells keep what was known: an update never erases a field.
      if (d.nip) t.nip = d.nip;
      t.name = d.name;
      for (const f of ['agency', 'position', 'rank'] as const) if (d[f]) t[f] = d[f];
      if (d.employmentType !== 'unknown') t.employmentType = d.employmentType;
      t.accounts = [...new Set([...t.accounts, ...d.accounts])];
      t.updatedAt = now;
      updatedIds.add(t.id);
    } else {
      result.push({ id: makeId(), ...d, addedAt: now, updatedAt: now });
      added++;
    }
  }
  if (errors.length) return { ok: false, errors, rows: rows.length };
  return { ok: true, entries: result, added, updated: updatedIds.size, rows: rows.length };
}

/** A template the page offers for download (header only, Indonesian names, ";" for Excel). */
export const CSV_TEMPLATE = '\ufeffnama;nip;instansi;jabatan;pangkat;status;akun\r\n';
