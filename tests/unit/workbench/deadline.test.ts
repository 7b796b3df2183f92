import { describe, expect, it } from 'vitest';
import {
  countdown, countdownText, localDay, reportingDeadline, startOfLocalDay, zoneOffsetMinutes,
} from '../../../lib/cases/deadline';

describe('Bawaslu 7-day reporting deadline: end of the 7th calendar day after the day known, monitor zone', () => {
  it('knows the offsets of WIB, WITA and WIT', () => {
    const at = Date.parse('2024-09-13T02:15:04.123Z');
    expect(zoneOffsetMinutes(at, 'Asia/Jakarta')).toBe(420);
    expect(zoneOffsetMinutes(at, 'Asia/Makassar')).toBe(480);
    expect(zoneOffsetMinutes(at, 'Asia/Jayapura')).toBe(540);
    expect(localDay(at, 'Asia/Jakarta')).toEqual({ year: 2024, month: 9, day: 13 });
    expect(new Date(startOfLocalDay({ year: 2024, month: 9, day: 13 }, 'Asia/Jayapura')).toISOString()).toBe('2024-09-12T15:00:00.000Z');
  });

  it('Asia/Jakarta: captured Friday 13 Sep 09:15 WIB -> end of Friday 20 Sep WIB (16:59:59.999 UTC)', () => {
    const d = reportingDeadline('2024-09-13T02:15:04.123Z', 'Asia/Jakarta');
    expect(d).toEqual({
      knownAt: '2024-09-13T02:15:04.123Z', timeZone: 'Asia/Jakarta', knownDay: '2024-09-13', lastDay: '2024-09-20',
      deadlineAt: '2024-09-20T16:59:59.999Z', endsBefore: '2024-09-20T17:00:00.000Z',
    });
  });

  it('Asia/Makassar: the same capture -> end of 20 Sep WITA (15:59:59.999 UTC)', () => {
    const d = reportingDeadline('2024-09-13T02:15:04.123Z', 'Asia/Makassar');
    expect(d.knownDay).toBe('2024-09-13');
    expect(d.lastDay).toBe('2024-09-20');
    expect(d.deadlineAt).toBe('2024-09-20T15:59:59.999Z');
  });

  it('Asia/Jayapura: the same capture -> end of 20 Sep WIT (14:59:59.999 UTC)', () => {
    const d = reportingDeadline('2024-09-13T02:15:04.123Z', 'Asia/Jayapura');
    expect(d.lastDay).toBe('2024-09-20');
    expect(d.deadlineAt).toBe('2024-09-20T14:59:59.999Z');
  });

  it('a capture at 23:30 WIB is already the next day in WITA and WIT, which moves their deadline a day', () => {
    const at = '2024-09-13T16:30:00.000Z'; // Fri 13 Sep 23:30 WIB = Sat 14 Sep 00:30 WITA = 01:30 WIT
    const wib = reportingDeadline(at, 'Asia/Jakarta');
    const wita = reportingDeadline(at, 'Asia/Makassar');
    const wit = reportingDeadline(at, 'Asia/Jayapura');
    expect([wib.knownDay, wita.knownDay, wit.knownDay]).toEqual(['2024-09-13', '2024-09-14', '2024-09-14']);
    expect([wib.lastDay, wita.lastDay, wit.lastDay]).toEqual(['2024-09-20', '2024-09-21', '2024-09-21']);
    expect(wib.deadlineAt).toBe('2024-09-20T16:59:59.999Z'); // Fri 20 Sep 23:59:59.999 WIB
    expect(wita.deadlineAt).toBe('2024-09-21T15:59:59.999Z'); // Sat 21 Sep 23:59:59.999 WITA
    expect(wit.deadlineAt).toBe('2024-09-21T14:59:59.999Z'); // Sat 21 Sep 23:59:59.999 WIT
  });

  it('a capture at 23:30 WITA is still the same day in WIB and the next day in WIT', () => {
    const at = '2024-09-13T15:30:00.000Z'; // 22:30 WIB, 23:30 WITA, 00:30 WIT (14 Sep)
    expect(reportingDeadline(at, 'Asia/Jakarta').deadlineAt).toBe('2024-09-20T16:59:59.999Z');
    expect(reportingDeadline(at, 'Asia/Makassar').deadlineAt).toBe('2024-09-20T15:59:59.999Z');
    expect(reportingDeadline(at, 'Asia/Jayapura').deadlineAt).toBe('2024-09-21T14:59:59.999Z');
  });

  it('a capture just after local midnight counts that day; month and year roll over', () => {
    // 00:05 WIB on 1 Oct = 17:05 UTC on 30 Sep
    expect(reportingDeadline('2024-09-30T17:05:00.000Z', 'Asia/Jakarta')).toMatchObject({ knownDay: '2024-10-01', lastDay: '2024-10-08' });
    expect(reportingDeadline('2024-12-28T10:00:00.000Z', 'Asia/Jayapura')).toMatchObject({
      knownDay: '2024-12-28', lastDay: '2025-01-04', deadlineAt: '2025-01-04T14:59:59.999Z',
    });
  });

  it('an unknown zone name falls back to WIB and says so', () => {
    const d = reportingDeadline('2024-09-13T02:15:04.123Z', 'Mars/Olympus');
    expect(d.timeZone).toBe('Asia/Jakarta');
    expect(d.deadlineAt).toBe('2024-09-20T16:59:59.999Z');
    expect(() => reportingDeadline('kemarin', 'Asia/Jakarta')).toThrow(RangeError);
  });

  it('counts down as "sisa 3 hari 4 jam" and past the deadline as "lewat 2 hari"', () => {
    const d = reportingDeadline('2024-09-13T02:15:04.123Z', 'Asia/Jakarta'); // ends before 2024-09-20T17:00Z
    const left = countdown(d, Date.parse('2024-09-17T13:00:00.000Z'));
    expect(left).toMatchObject({ open: true, days: 3, hours: 4 });
    expect(countdownText(left, 'id')).toBe('sisa 3 hari 4 jam');
    expect(countdownText(left, 'en')).toBe('3 days 4 hours left');
    const late = countdown(d, Date.parse('2024-09-22T18:30:00.000Z'));
    expect(late.open).toBe(false);
    expect(countdownText(late, 'id')).toBe('lewat 2 hari');
    expect(countdownText(late, 'en')).toBe('2 days overdue');
    expect(countdownText(countdown(d, Date.parse('2024-09-20T16:59:59.000Z')), 'id')).toBe('sisa 0 menit');
    expect(countdownText(countdown(d, Date.parse('2024-09-20T12:00:00.000Z')), 'id')).toBe('sisa 5 jam');
    expect(countdown(d, Date.parse('2024-09-20T16:59:59.999Z')).open).toBe(true);
    expect(countdown(d, Date.parse('2024-09-20T17:00:00.000Z')).open).toBe(false);
    expect(countdownText(countdown(d, Date.parse('2024-09-20T20:00:00.000Z')), 'id')).toBe('lewat 3 jam');
  });
});
