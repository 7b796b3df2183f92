/**
 * Capture times for officials: UTC and the monitor's own zone, named the Indonesian way
 * (WIB = UTC+7, WITA = UTC+8, WIT = UTC+9). Month and day names are spelled out here instead of
 * relying on the ICU data of whatever browser opens the report.
 */

/** IANA zones of Indonesia (including legacy aliases) -> the Indonesian zone name. */
export const INDONESIAN_ZONES: Readonly<Record<string, 'WIB' | 'WITA' | 'WIT'>> = {
  'Asia/Jakarta': 'WIB', // Sumatra, Java, West and Central Kalimantan
  'Asia/Pontianak': 'WIB', // West/Central Kalimantan are WIB, not WITA
  'Asia/Makassar': 'WITA', // Sulawesi, Bali (Denpasar), NTB, NTT, South/East/North Kalimantan
  'Asia/Ujung_Pandang': 'WITA', // old alias of Asia/Makassar
  'Asia/Jayapura': 'WIT', // Maluku and Papua
};

export const BULAN = [
  'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
  'Oktober', 'November', 'Desember',
] as const;
export const HARI = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'] as const;

export interface ZonedTime {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  weekday: number;
  /** minutes east of UTC */
  offsetMinutes: number;
  /** WIB / WITA / WIT, else the IANA name, else 'UTC' */
  label: string;
  /** false when the zone name was not understood and UTC was used instead */
  zoneKnown: boolean;
}

const fmtCache = new Map<string, Intl.DateTimeFormat | null>();
/** A cached numeric formatter for an IANA zone (h23), or null when the runtime does not know it. */
export function zoneFormatter(tz: string): Intl.DateTimeFormat | null {
  if (!fmtCache.has(tz)) {
    let f: Intl.DateTimeFormat | null = null;
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      f = null;
    }
    fmtCache.set(tz, f);
  }
  return fmtCache.get(tz) ?? null;
}

export function zoneLabel(tz: string): string {
  return INDONESIAN_ZONES[tz] ?? tz;
}

export function zonedTime(iso: string, tz: string): ZonedTime {
  const ms = Date.parse(iso);
  const date = new Date(Number.isFinite(ms) ? ms : 0);
  const f = tz && tz !== 'UTC' && tz !== 'Etc/UTC' ? zoneFormatter(tz) : null;
  let offsetMinutes = 0;
  let zoneKnown = true;
  let label = 'UTC';
  if (f) {
    const parts: Record<string, number> = {};
    for (const p of f.formatToParts(date)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
    offsetMinutes = Math.round((wall - (date.getTime() - date.getUTCMilliseconds())) / 60000);
    label = zoneLabel(tz);
  } else if (tz && tz !== 'UTC' && tz !== 'Etc/UTC') {
    zoneKnown = false;
  }
  const local = new Date(date.getTime() + offsetMinutes * 60000);
  return {
    year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(),
    hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds(),
    weekday: local.getUTCDay(), offsetMinutes, label, zoneKnown,
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');

export function offsetText(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `UTC${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}

/** "2024-09-13 09:15:04 WIB" - sortable, for the CSV. */
export function formatLocalSortable(iso: string, tz: string): string {
  const z = zonedTime(iso, tz);
  const label = z.zoneKnown ? z.label : `UTC (zona "${tz}" tidak dikenal)`;
  return `${z.year}-${p2(z.month)}-${p2(z.day)} ${p2(z.hour)}:${p2(z.minute)}:${p2(z.second)} ${label}`;
}

/** "2024-09-13 02:15:04 UTC" */
export function formatUtcSortable(iso: string): string {
  return formatLocalSortable(iso, 'UTC');
}

/** "Jumat, 13 September 2024 pukul 09.15.04 WIB (UTC+07:00)" - for the report. */
export function formatLongId(iso: string, tz: string): string {
  const z = zonedTime(iso, tz);
  const base = `${HARI[z.weekday]}, ${z.day} ${BULAN[z.month - 1]} ${z.year} pukul ${p2(z.hour)}.${p2(z.minute)}.${p2(z.second)}`;
  if (!z.zoneKnown) return `${base} UTC (zona "${tz}" tidak dikenal)`;
  if (z.label === 'UTC') return `${base} UTC`;
  return `${base} ${z.label} (${offsetText(z.offsetMinutes)})`;
}

/**
 * "Jumat, 13 September 2024 pukul 09.15.04 WIB": for report readers (no UTC offset, no ISO; an
 * unknown zone is shown in UTC and says so).
 */
export function formatLongPlain(iso: string, tz: string): string {
  const z = zonedTime(iso, tz);
  const base = `${HARI[z.weekday]}, ${z.day} ${BULAN[z.month - 1]} ${z.year} pukul ${p2(z.hour)}.${p2(z.minute)}.${p2(z.second)}`;
  if (!z.zoneKnown) return `${base} UTC (zona "${tz}" tidak dikenal)`;
  return `${base} ${z.label === 'UTC' ? 'UTC' : zoneAbbreviation(iso, tz)}`;
}

/** "13 September 2024" in the given zone. */
export function formatDateId(iso: string, tz: string): string {
  const z = zonedTime(iso, tz);
  return `${z.day} ${BULAN[z.month - 1]} ${z.year}`;
}

export const BULAN_PENDEK = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'] as const;
export const MONTHS_EN = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December',
] as const;
const MONTHS_EN_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The zone of this browser / machine (the monitor's zone), 'UTC' when the runtime does not say. */
export function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * The short name people use for a zone: WIB / WITA / WIT for Indonesia (mapped here, because
 * Intl's timeZoneName:'short' gives "GMT+7" or "WIB" depending on the locale and ICU version),
 * "UTC" for UTC, otherwise what Intl calls it in that language (e.g. "CET", "GMT+2").
 */
export function zoneAbbreviation(iso: string, tz: string, lang: 'id' | 'en' = 'id'): string {
  const indo = INDONESIAN_ZONES[tz];
  if (indo) return indo;
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC' || tz === 'Etc/GMT') return 'UTC';
  try {
    const part = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { timeZone: tz, timeZoneName: 'short' })
      .formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName');
    if (part?.value) return part.value;
  } catch {
    /* unknown zone: below */
  }
  return tz;
}

/**
 * A time for people, in their zone: "13 Sep 2024 09.15.04 WIB" (id) or "13 Sep 2024 09:15:04 WIB"
 * (en). No ISO string; an unknown zone falls back to UTC, and says so.
 * `month: 'long'` spells the month out ("13 September 2024 ...").
 */
export function formatHuman(iso: string, lang: 'id' | 'en', tz?: string, opts: { month?: 'short' | 'long'; seconds?: boolean } = {}): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const zone = tz || localZone();
  const z = zonedTime(iso, zone);
  const months = lang === 'id'
    ? (opts.month === 'long' ? BULAN : BULAN_PENDEK)
    : (opts.month === 'long' ? MONTHS_EN : MONTHS_EN_SHORT);
  const sep = lang === 'id' ? '.' : ':';
  const time = [p2(z.hour), p2(z.minute), ...(opts.seconds === false ? [] : [p2(z.second)])].join(sep);
  const label = z.zoneKnown ? zoneAbbreviation(iso, zone, lang) : 'UTC';
  return `${z.day} ${months[z.month - 1]} ${z.year} ${time} ${label}`;
}
