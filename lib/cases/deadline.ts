/**
 * The Bawaslu reporting deadline (Perbawaslu 7/2022 as summarised in docs/domain.md): a report
 * must be filed within 7 days of the violation becoming known.
 *
 * THE RULE IMPLEMENTED HERE
 *   Let D be the calendar day on which the violation became known, in the monitor's time zone
 *   (Asia/Jakarta = WIB, UTC+7; Asia/Makassar = WITA, UTC+8; Asia/Jayapura = WIT, UTC+9; any other
 *   IANA zone works the same way). The deadline is the END of day D + 7 in that zone, i.e. the
 *   last moment before 00:00 local time on day D + 8. "Known at" is the capture time (the
 *   monitor's own known date is not recorded yet).
 *   Example: captured Friday 13 Sep 2024 23:30 WIB (16:30 UTC) -> D = 13 Sep (WIB) -> deadline
 *   Friday 20 Sep 2024 23:59:59.999 WIB = 2024-09-20T16:59:59.999Z. The same instant is
 *   14 Sep 00:30 WITA for a monitor in Makassar, whose deadline is therefore the end of 21 Sep
 *   WITA = 2024-09-21T15:59:59.999Z.
 *
 * Pure: no browser API, no clock (pass `now`). Uses Intl only to find a zone's UTC offset.
 */

import { zoneFormatter } from '../export/time';

export const REPORTING_DAYS = 7;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** True when the runtime knows this IANA zone. */
export function isKnownZone(tz: string): boolean {
  return tz === 'UTC' || zoneFormatter(tz) !== null;
}

/** The zone's offset from UTC at `ms`, in minutes east of UTC (WIB = 420). Unknown zone: 0. */
export function zoneOffsetMinutes(ms: number, tz: string): number {
  const f = tz === 'UTC' ? null : zoneFormatter(tz);
  if (!f) return 0;
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return Math.round((wall - (ms - (((ms % 1000) + 1000) % 1000))) / MINUTE_MS);
}

export interface LocalDay { year: number; month: number; day: number }

/** The calendar day (in `tz`) that contains the instant `ms`. */
export function localDay(ms: number, tz: string): LocalDay {
  const local = new Date(ms + zoneOffsetMinutes(ms, tz) * MINUTE_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The UTC instant of 00:00 local time (in `tz`) on the given day (`day` may overflow the month). */
export function startOfLocalDay(d: LocalDay, tz: string): number {
  const wallMidnight = Date.UTC(d.year, d.month - 1, d.day);
  // Two passes settle the offset even across a DST change (Indonesian zones have none).
  let guess = wallMidnight - zoneOffsetMinutes(wallMidnight, tz) * MINUTE_MS;
  guess = wallMidnight - zoneOffsetMinutes(guess, tz) * MINUTE_MS;
  return guess;
}

export interface Deadline {
  /** when the violation became known (the capture time), ISO UTC */
  knownAt: string;
  /** the zone the rule was applied in */
  timeZone: string;
  /** calendar day it became known, in that zone, YYYY-MM-DD */
  knownDay: string;
  /** last calendar day to report, in that zone, YYYY-MM-DD */
  lastDay: string;
  /** the last millisecond of `lastDay` in that zone, ISO UTC (e.g. 2024-09-20T16:59:59.999Z) */
  deadlineAt: string;
  /** 00:00 local on the day after `lastDay` (exclusive end), ISO UTC */
  endsBefore: string;
}

const p2 = (n: number) => String(n).padStart(2, '0');
const dayText = (d: LocalDay) => `${d.year}-${p2(d.month)}-${p2(d.day)}`;

/**
 * The reporting deadline of a violation that became known at `knownAt` (ISO instant), for a
 * monitor in `timeZone`. An unknown zone name falls back to Asia/Jakarta (WIB), the zone most
 * monitors use; the result names the zone used.
 */
export function reportingDeadline(knownAt: string, timeZone: string, days = REPORTING_DAYS): Deadline {
  const ms = Date.parse(knownAt);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${knownAt}`);
  const tz = isKnownZone(timeZone) ? timeZone : 'Asia/Jakarta';
  const known = localDay(ms, tz);
  const end = startOfLocalDay({ ...known, day: known.day + days + 1 }, tz);
  const last = localDay(end - 1, tz);
  return {
    knownAt: new Date(ms).toISOString(),
    timeZone: tz,
    knownDay: dayText(known),
    lastDay: dayText(last),
    deadlineAt: new Date(end - 1).toISOString(),
    endsBefore: new Date(end).toISOString(),
  };
}

export interface Countdown {
  /** false once the deadline has passed */
  open: boolean;
  /** whole days and hours (and minutes under one hour) left, or past the deadline */
  days: number;
  hours: number;
  minutes: number;
  /** milliseconds left (negative when overdue) */
  ms: number;
}

/** Time left until (or past) the deadline at `now` (ms since epoch). */
export function countdown(deadline: Deadline, now: number): Countdown {
  const left = Date.parse(deadline.endsBefore) - now;
  const a = Math.abs(left);
  return {
    open: left > 0,
    days: Math.floor(a / DAY_MS),
    hours: Math.floor((a % DAY_MS) / HOUR_MS),
    minutes: Math.floor((a % HOUR_MS) / MINUTE_MS),
    ms: left,
  };
}

/**
 * "sisa 3 hari 4 jam" / "lewat 2 hari" (and the English equivalents). Under a day: hours (and
 * minutes under an hour) are shown; past the deadline, whole days once it is a day or more late.
 */
export function countdownText(c: Countdown, lang: 'id' | 'en'): string {
  const id = lang === 'id';
  const unit = (n: number, d: string, e: string) => `${n} ${id ? d : e + (n === 1 ? '' : 's')}`;
  let span: string;
  if (c.days > 0) {
    span = c.open && c.hours > 0 ? `${unit(c.days, 'hari', 'day')} ${unit(c.hours, 'jam', 'hour')}` : unit(c.days, 'hari', 'day');
  } else if (c.hours > 0) {
    span = unit(c.hours, 'jam', 'hour');
  } else {
    span = unit(c.minutes, 'menit', 'minute');
  }
  if (c.open) return id ? `sisa ${span}` : `${span} left`;
  return id ? `lewat ${span}` : `${span} overdue`;
}
