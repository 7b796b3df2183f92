/**
 * English + Indonesian UI labels: relative/absolute time labels ("2 j", "3 hari", "Kemarin pukul 15.14",
 * "September 20 at 3:14 PM") and compact counts ("12,3 rb", "1,2 jt", "2.4K").
 * Rule: a label becomes an instant only when it pins one down; otherwise null and the raw label is kept
 * by the caller. Relative ages are estimates (now - N units) for units up to a day; weeks, months and
 * years are too coarse and give null. Date-only labels give `date` (YYYY-MM-DD) and a null instant.
 */

export type Lang = 'id' | 'en';

export interface TimeParse {
  iso: string | null;
  /** Resolution of `iso`: 'minute' for clock times, else the unit of the relative age. */
  precision: 'second' | 'minute' | 'hour' | 'day' | null;
  /** Calendar date the label names when it has no clock time ("25 Des", "2-12"). */
  date: string | null;
}

export interface TimeOptions {
  now: Date;
  /** IANA zone for labels with a wall-clock time or a calendar date. */
  timeZone: string;
  /** UI language when known ('h' = hours in English, hari = days in Indonesian). */
  lang?: Lang | null;
}

const NONE: TimeParse = { iso: null, precision: null, date: null };

type Unit = 's' | 'min' | 'h' | 'd' | 'w' | 'mo' | 'y';
const UNITS: Record<string, Unit> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's', dtk: 's', detik: 's',
  min: 'min', mins: 'min', minute: 'min', minutes: 'min', mnt: 'min', menit: 'min',
  hr: 'h', hrs: 'h', hour: 'h', hours: 'h', j: 'h', jam: 'h',
  d: 'd', day: 'd', days: 'd', hari: 'd',
  w: 'w', wk: 'w', wks: 'w', week: 'w', weeks: 'w', mgg: 'w', minggu: 'w',
  mo: 'mo', mos: 'mo', month: 'mo', months: 'mo', bln: 'mo', bulan: 'mo',
  y: 'y', yr: 'y', yrs: 'y', year: 'y', years: 'y', thn: 'y', tahun: 'y',
};
const UNIT_MS: Partial<Record<Unit, number>> = { s: 1e3, min: 6e4, h: 36e5, d: 864e5 };
const PRECISION = { s: 'second', min: 'minute', h: 'hour', d: 'day' } as const;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, mei: 5, jun: 6, jul: 7, aug: 8, agu: 8, agt: 8, sep: 9,
  oct: 10, okt: 10, nov: 11, dec: 12, des: 12,
};
/** Full month names (en + id) so that "mars" or "decoy" are not read as months. */
const MONTH_NAMES = new Set(
  ('january february march april may june july august september october november december ' +
    'januari februari maret mei juni juli agustus oktober desember sept agt').split(' '),
);
const WEEKDAYS: Record<string, number> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
  minggu: 0, senin: 1, selasa: 2, rabu: 3, kamis: 4, jumat: 5, "jum'at": 5, sabtu: 6,
};

function monthOf(tok: string): number | null {
  const m = MONTHS[tok.slice(0, 3)];
  if (!m) return null;
  return tok.length <= 3 || MONTH_NAMES.has(tok) ? m : null;
}

interface Parts { y: number; m: number; d: number; h: number; mi: number; s: number }

/** Wall-clock parts of an instant in a zone. */
export function zonedParts(t: Date, timeZone: string): Parts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric',
    minute: 'numeric', second: 'numeric',
  });
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** The UTC instant of a wall-clock time in a zone (null for impossible dates like 31 Feb). */
export function zonedToUtc(y: number, m: number, d: number, h: number, mi: number, timeZone: string): number | null {
  const want = Date.UTC(y, m - 1, d, h, mi);
  const check = new Date(want);
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  let t = want;
  for (let i = 0; i < 3; i++) {
    const p = zonedParts(new Date(t), timeZone);
    const diff = want - Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi);
    if (!diff) break;
    t += diff;
  }
  return t;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function clock(h: string, mi: string, ampm: string | undefined): [number, number] | null {
  let hh = Number(h);
  const mm = Number(mi);
  if (ampm) {
    if (hh < 1 || hh > 12) return null;
    hh = (hh % 12) + (ampm === 'pm' ? 12 : 0);
  }
  return hh < 24 && mm < 60 ? [hh, mm] : null;
}

function norm(label: string | null | undefined): string {
  const s = (label ?? '')
    .slice(0, 200)
    .toLowerCase()
    .replace(/[\u00a0\u202f\s]+/g, ' ')
    .replace(/^(?:diedit|edited|diperbarui|updated)\s*·?\s*/, '')
    .replace(/\s*(?:yang lalu|lalu|ago)$/, '')
    .replace(/,/g, '')
    .trim();
  return s.length > 60 ? '' : s;
}

/** True when the label has the shape of a time label, even a coarse one ("1 mgg", "2 thn"). */
export function isTimeLabel(label: string | null | undefined): boolean {
  const s = norm(label);
  const m = /^(?:\d{1,4}|an?|se) ?([a-z]{1,8})$/.exec(s);
  if (m && (m[1]! in UNITS || m[1] === 'h' || m[1] === 'm')) return true;
  const o = { now: new Date(Date.UTC(2100, 11, 31, 12)), timeZone: 'UTC', lang: 'en' as const };
  const p = parseTimeLabel(s, o);
  return !!(p.iso || p.date) || /^(?:baru saja|just now)$/.test(s);
}

/**
 * Parse a time label the platforms show. Returns nulls for anything ambiguous or unknown.
 * Examples: "2 j" -> now-2h; "3 hari" -> now-3d; "Kemarin pukul 15.14" -> exact; "1 mgg" -> null;
 * "2h" -> hours in English, days in Indonesian, null when the language is unknown.
 */
export function parseTimeLabel(label: string | null | undefined, o: TimeOptions): TimeParse {
  const s = norm(label);
  if (!s) return NONE;
  const now = o.now.getTime();
  const at = (t: number | null, precision: TimeParse['precision']): TimeParse =>
    t === null || Number.isNaN(t) || t > now + 6e4 ? NONE : { iso: new Date(t).toISOString(), precision, date: null };

  if (/^(?:baru saja|just now|now|sekarang)$/.test(s)) return at(now, 'minute');

  // Relative age: "2 j", "5m", "3 hari", "an hour", "a day"
  let m = /^(\d{1,4}|an?|se) ?([a-z]{1,8})$/.exec(s);
  if (m && (m[2]! in UNITS || m[2] === 'h' || m[2] === 'm')) {
    const n = /^\d/.test(m[1]!) ? Number(m[1]) : 1;
    let unit: Unit | undefined = UNITS[m[2]!];
    if (m[2] === 'h') unit = o.lang === 'en' ? 'h' : o.lang === 'id' ? 'd' : undefined;
    if (m[2] === 'm') unit = o.lang === 'en' ? 'min' : undefined;
    const ms = unit && UNIT_MS[unit];
    return ms ? at(now - n * ms, PRECISION[unit as keyof typeof PRECISION]) : NONE;
  }

  let tz: Parts;
  try {
    tz = zonedParts(o.now, o.timeZone);
  } catch {
    return NONE;
  }
  const T = '(?: (?:pukul|at|jam|pk\\.?))? (\\d{1,2})[.:](\\d{2}) ?(am|pm)?';
  const dayShift = (y: number, mo: number, d: number, days: number): [number, number, number] => {
    const x = new Date(Date.UTC(y, mo - 1, d - days));
    return [x.getUTCFullYear(), x.getUTCMonth() + 1, x.getUTCDate()];
  };

  // "Kemarin pukul 15.14", "Yesterday at 3:14 PM", "Hari ini pukul 08.00", "Senin pukul 09.30"
  m = new RegExp(`^(kemarin|yesterday|hari ini|today|[a-z']{4,9})${T}$`).exec(s);
  if (m) {
    const w = m[1]!;
    let back: number;
    if (w === 'kemarin' || w === 'yesterday') back = 1;
    else if (w === 'hari ini' || w === 'today') back = 0;
    else if (w in WEEKDAYS) {
      const today = new Date(Date.UTC(tz.y, tz.m - 1, tz.d)).getUTCDay();
      back = (today - WEEKDAYS[w]! + 7) % 7 || 7;
    } else return NONE;
    const c = clock(m[2]!, m[3]!, m[4]);
    if (!c) return NONE;
    const [y, mo, d] = dayShift(tz.y, tz.m, tz.d, back);
    return at(zonedToUtc(y, mo, d, c[0], c[1], o.timeZone), 'minute');
  }

  // "20 September pukul 15.14", "25 Des", "10 Februari 2025", "September 20 at 3:14 PM", "Sep 20 2024"
  m = new RegExp(`^(?:(\\d{1,2}) ([a-z]{3,9})|([a-z]{3,9}) (\\d{1,2}))(?: (\\d{4}))?(?:${T})?$`).exec(s);
  if (m) {
    const mo = monthOf(m[2] ?? m[3]!);
    const d = Number(m[1] ?? m[4]);
    if (!mo || d < 1 || d > 31) return NONE;
    return dated(m[5] ? Number(m[5]) : null, mo, d, m[6], m[7], m[8], o, tz, at);
  }

  // TikTok: "2-12" (M-D, this year), "2024-12-31"
  m = /^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) {
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return NONE;
    return dated(m[1] ? Number(m[1]) : null, mo, d, undefined, undefined, undefined, o, tz, at);
  }
  return NONE;
}

function dated(
  year: number | null, mo: number, d: number, h: string | undefined, mi: string | undefined,
  ampm: string | undefined, o: TimeOptions, tz: Parts,
  at: (t: number | null, p: TimeParse['precision']) => TimeParse,
): TimeParse {
  // No year shown = the current year in the monitor's zone; a result in the future is ambiguous.
  const y = year ?? tz.y;
  if (h !== undefined && mi !== undefined) {
    const c = clock(h, mi, ampm);
    return c ? at(zonedToUtc(y, mo, d, c[0], c[1], o.timeZone), 'minute') : NONE;
  }
  const midnight = zonedToUtc(y, mo, d, 0, 0, o.timeZone);
  if (midnight === null || midnight > o.now.getTime()) return NONE;
  return { iso: null, precision: null, date: `${pad(y, 4)}-${pad(mo)}-${pad(d)}` };
}

export interface Count {
  value: number | null;
  raw: string | null;
}

const MULT: Record<string, number> = {
  k: 1e3, rb: 1e3, ribu: 1e3, jt: 1e6, juta: 1e6, b: 1e9, bn: 1e9, miliar: 1e9, mlyr: 1e9, m: 0,
};

/**
 * Compact, localised counts: "12,3 rb" -> 12300, "1,2 jt" -> 1200000, "2.4K" -> 2400, "1.234" -> 1234,
 * "1,234" -> 1234, "25K people" -> 25000, "12 komentar" -> 12. "M" is million in English and miliar
 * (billion) in Indonesian: decided by `lang`, else by the decimal separator, else null.
 */
export function parseCount(raw: string | null | undefined, lang?: Lang | null): Count {
  const r = raw?.replace(/\s+/g, ' ').trim() || null;
  if (!r || r.length > 80) return { value: null, raw: r };
  const m = /(\d(?:[\d.,\u00a0 ]{0,12}\d)?) ?(rb|ribu|jt|juta|miliar|mlyr|bn|k|m|b)?\.?(?![a-z])/i.exec(r);
  if (!m) return { value: null, raw: r };
  const num = m[1]!.replace(/[\u00a0 ]/g, '');
  const suf = m[2]?.toLowerCase();
  let value: number | null = null;
  if (suf) {
    const seps = num.match(/[.,]/g) ?? [];
    if (seps.length > 1) return { value: null, raw: r };
    let mult = MULT[suf]!;
    if (suf === 'm') {
      const sep = seps[0];
      mult = lang === 'en' ? 1e6 : lang === 'id' ? 1e9 : sep === '.' ? 1e6 : sep === ',' ? 1e9 : 0;
      if (!mult) return { value: null, raw: r };
    }
    value = Math.round(Number(num.replace(',', '.')) * mult);
  } else if (/^\d+$/.test(num)) {
    value = Number(num);
  } else if (/^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$/.test(num)) {
    value = Number(num.replace(/[.,]/g, ''));
  }
  return { value: value !== null && Number.isFinite(value) ? value : null, raw: r };
}

/** Reaction names on FB tabs/badges (en + id) -> reaction type. 'All'/'Semua' -> null (no single type). */
export type KnownReaction = 'like' | 'love' | 'care' | 'haha' | 'wow' | 'sad' | 'angry';
export const REACTION_WORDS: Record<string, KnownReaction> = {
  like: 'like', suka: 'like', love: 'love', super: 'love', care: 'care', peduli: 'care', haha: 'haha',
  wow: 'wow', sad: 'sad', sedih: 'sad', angry: 'angry', marah: 'angry',
};

/** "Suka, 25" / "Show 6 people who reacted with Love" / "Sedih" -> type; null when none or 'All'. */
export function reactionFromLabel(label: string | null | undefined): KnownReaction | null {
  for (const w of (label ?? '').toLowerCase().split(/[^a-z]+/)) {
    const t = REACTION_WORDS[w];
    if (t) return t;
  }
  return null;
}

/** "Lihat selengkapnya", "See more", "selengkapnya", "more", "… more" (truncation controls). */
export const SEE_MORE = /^(?:…|\.\.\.)?\s*(?:lihat selengkapnya|selengkapnya|see more|more|lainnya|lihat lainnya)$/i;
