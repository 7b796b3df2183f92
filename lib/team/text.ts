/** How the team's knowledge is said to a person (form notice, watchlist page, in-page marks). */
import { t, type Lang } from '../i18n/messages';
import { BULAN_PENDEK, localZone, zonedTime } from '../export/time';
import type { KnownView } from './knowledge';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "12 Nov 2026" in the monitor's zone (the date only: no ISO, no time). */
export function shortDate(iso: string, lang: Lang, tz: string = localZone()): string {
  const z = zonedTime(iso, tz);
  return `${z.day} ${(lang === 'id' ? BULAN_PENDEK : MONTHS_EN)[z.month - 1]} ${z.year}`;
}

const findings = (lang: Lang, n: number) => (n === 1 ? t(lang, 'teamFindingsOne') : t(lang, 'teamFindingsMany', { n }));

/** The review form's notice: "Sudah 3 temuan tim untuk ASN ini (terakhir 12 Nov 2026)." and, when stale, the date of the data. */
export function noticeText(v: KnownView, lang: Lang, tz?: string): { main: string; asOf: string | null } {
  const main = v.lastAt
    ? t(lang, 'teamNotice', { findings: findings(lang, v.findings), date: shortDate(v.lastAt, lang, tz) })
    : t(lang, 'teamNoticeNoDate', { findings: findings(lang, v.findings) });
  return { main, asOf: v.asOf ? t(lang, 'teamAsOf', { date: shortDate(v.asOf, lang, tz) }) : null };
}

/** The short words of the marks and the watchlist page: "sudah 3 temuan tim" (+ "(per 12 Nov 2026)" when stale). */
export function markText(v: KnownView, lang: Lang, tz?: string): string {
  return v.asOf
    ? t(lang, 'teamMarkAsOf', { findings: findings(lang, v.findings), date: shortDate(v.asOf, lang, tz) })
    : t(lang, 'teamMark', { findings: findings(lang, v.findings) });
}
