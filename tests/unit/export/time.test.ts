/**
 * Times shown to people (extension pages, verify screen, report, backend page): the monitor's zone
 * named WIB / WITA / WIT in both languages (Intl gives "GMT+7" in English), never an ISO string.
 */
import { describe, expect, it } from 'vitest';
import { formatTime } from '../../../components/i18n';
import { formatHuman, localZone, zoneAbbreviation } from '../../../lib/export/time';

const AT = '2026-11-27T11:56:01.784Z';
const ISO = /\d{4}-\d{2}-\d{2}T|\.\d{3}Z|\d{4}-\d{2}-\d{2} \d{2}:\d{2}/;

describe('formatTime: the monitor zone, the Indonesian way', () => {
  it.each([
    ['Asia/Jakarta', '27 Nov 2026 18.56.01 WIB', '27 Nov 2026 18:56:01 WIB'],
    ['Asia/Pontianak', '27 Nov 2026 18.56.01 WIB', '27 Nov 2026 18:56:01 WIB'],
    ['Asia/Makassar', '27 Nov 2026 19.56.01 WITA', '27 Nov 2026 19:56:01 WITA'],
    ['Asia/Jayapura', '27 Nov 2026 20.56.01 WIT', '27 Nov 2026 20:56:01 WIT'],
  ])('%s -> %s / %s', (tz, id, en) => {
    expect(formatTime(AT, 'id', tz)).toBe(id);
    expect(formatTime(AT, 'en', tz)).toBe(en);
  });

  it('crosses midnight in the zone, not in UTC', () => {
    expect(formatTime('2026-11-27T20:30:00Z', 'id', 'Asia/Jayapura')).toBe('28 Nov 2026 05.30.00 WIT');
    expect(formatTime('2026-08-17T17:00:00Z', 'id', 'Asia/Jakarta')).toBe('18 Agu 2026 00.00.00 WIB');
    expect(formatTime('2026-05-01T00:00:00Z', 'id', 'Asia/Jakarta')).toBe('1 Mei 2026 07.00.00 WIB');
  });

  it('other zones keep their usual name; UTC and an unknown zone say UTC', () => {
    expect(formatTime(AT, 'en', 'Europe/Amsterdam')).toBe('27 Nov 2026 12:56:01 CET');
    expect(formatTime(AT, 'id', 'UTC')).toBe('27 Nov 2026 11.56.01 UTC');
    expect(formatTime(AT, 'id', 'Not/AZone')).toBe('27 Nov 2026 11.56.01 UTC');
    expect(zoneAbbreviation(AT, 'America/New_York', 'en')).toMatch(/^(EST|GMT-5)$/);
  });

  it('without a zone: this browser\'s zone; never an ISO or UTC instant', () => {
    expect(formatTime(AT, 'id')).toBe(formatTime(AT, 'id', localZone()));
    for (const tz of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', undefined]) {
      for (const lang of ['id', 'en'] as const) {
        const s = formatTime(AT, lang, tz);
        expect(s).not.toMatch(ISO);
        expect(s).not.toContain('GMT');
        expect(s).not.toContain('(');
      }
    }
  });

  it('long month names when asked; a non-date stays as it is', () => {
    expect(formatHuman(AT, 'id', 'Asia/Makassar', { month: 'long', seconds: false })).toBe('27 November 2026 19.56 WITA');
    expect(formatHuman(AT, 'en', 'Asia/Jakarta', { month: 'long' })).toBe('27 November 2026 18:56:01 WIB');
    expect(formatTime('bukan tanggal', 'id')).toBe('bukan tanggal');
  });
});
