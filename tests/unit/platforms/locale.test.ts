import { describe, expect, it } from 'vitest';
import { isTimeLabel, parseCount, parseTimeLabel, reactionFromLabel, zonedToUtc } from '../../../lib/platforms/locale';

// 2024-09-13 09:15:04 in Jakarta (UTC+7), a Friday.
const now = new Date('2024-09-13T02:15:04.123Z');
const id = { now, timeZone: 'Asia/Jakarta', lang: 'id' as const };
const en = { now, timeZone: 'Asia/Jakarta', lang: 'en' as const };
const unknown = { now, timeZone: 'Asia/Jakarta', lang: null };

describe('parseTimeLabel', () => {
  it.each([
    ['Baru saja', id, '2024-09-13T02:15:04.123Z', 'minute'],
    ['Just now', en, '2024-09-13T02:15:04.123Z', 'minute'],
    ['5 mnt', id, '2024-09-13T02:10:04.123Z', 'minute'],
    ['5m', en, '2024-09-13T02:10:04.123Z', 'minute'],
    ['2 j', id, '2024-09-13T00:15:04.123Z', 'hour'],
    ['3 jam', id, '2024-09-12T23:15:04.123Z', 'hour'],
    ['2h', en, '2024-09-13T00:15:04.123Z', 'hour'],
    ['2 h', id, '2024-09-11T02:15:04.123Z', 'day'],
    ['an hour ago', en, '2024-09-13T01:15:04.123Z', 'hour'],
    ['a day ago', en, '2024-09-12T02:15:04.123Z', 'day'],
    ['3 hari', id, '2024-09-10T02:15:04.123Z', 'day'],
    ['3 hari yang lalu', id, '2024-09-10T02:15:04.123Z', 'day'],
    ['2 days ago', en, '2024-09-11T02:15:04.123Z', 'day'],
    ['1d ago', en, '2024-09-12T02:15:04.123Z', 'day'],
    ['Kemarin pukul 15.14', id, '2024-09-12T08:14:00.000Z', 'minute'],
    ['Yesterday at 3:14 PM', en, '2024-09-12T08:14:00.000Z', 'minute'],
    ['Hari ini pukul 08.00', id, '2024-09-13T01:00:00.000Z', 'minute'],
    ['Senin pukul 09.30', id, '2024-09-09T02:30:00.000Z', 'minute'],
    ['Friday at 12:05 AM', en, '2024-09-05T17:05:00.000Z', 'minute'],
    ['20 Agustus pukul 15.14', id, '2024-08-20T08:14:00.000Z', 'minute'],
    ['September 1 at 10:00 AM', en, '2024-09-01T03:00:00.000Z', 'minute'],
    ['1 September 2023 pukul 10.00', id, '2023-09-01T03:00:00.000Z', 'minute'],
  ])('%s', (label, o, iso, precision) => {
    expect(parseTimeLabel(label, o)).toEqual({ iso, precision, date: null });
  });

  it.each([
    ['25 Des', id, null],
    ['12 Sep', id, '2024-09-12'],
    ['Sep 8', en, '2024-09-08'],
    ['9-12', id, '2024-09-12'],
    ['2023-12-31', id, '2023-12-31'],
    ['10 Februari 2025', id, null],
  ])('date-only %s', (label, o, date) => {
    expect(parseTimeLabel(label, o)).toEqual({ iso: null, precision: null, date });
  });

  it.each([
    ['1 mgg', id], ['2 minggu', id], ['3w', en], ['2 bln', id], ['1 thn', id], ['2y', en],
    ['2h', unknown], ['5m', unknown], ['5m', id], ['', id], ['Suka', id], ['Balas', id], ['Sep 31', en],
    ['31 Februari pukul 10.00', id], ['20 September pukul 15.14', id], ['Kemarin pukul 25.99', id],
    ['x'.repeat(5000), id], ['1 '.repeat(2000), id],
  ])('ambiguous or unknown -> null: %s', (label, o) => {
    expect(parseTimeLabel(label, o).iso).toBeNull();
  });

  it('uses the monitor time zone for clock labels', () => {
    expect(parseTimeLabel('Kemarin pukul 15.14', { now, timeZone: 'Asia/Makassar' }).iso).toBe('2024-09-12T07:14:00.000Z');
    expect(parseTimeLabel('Kemarin pukul 15.14', { now, timeZone: 'UTC' }).iso).toBe('2024-09-12T15:14:00.000Z');
    expect(parseTimeLabel('Kemarin pukul 15.14', { now, timeZone: 'Not/AZone' }).iso).toBeNull();
  });

  it('handles DST zones', () => {
    expect(zonedToUtc(2024, 7, 1, 12, 0, 'Europe/Amsterdam')).toBe(Date.parse('2024-07-01T10:00:00Z'));
    expect(zonedToUtc(2024, 1, 1, 12, 0, 'Europe/Amsterdam')).toBe(Date.parse('2024-01-01T11:00:00Z'));
  });

  it('recognises the shape of coarse labels', () => {
    for (const l of ['1 mgg', '2d', '3 hari', 'Kemarin pukul 15.14', '25 Des', 'Just now', '2 days ago']) expect(isTimeLabel(l), l).toBe(true);
    for (const l of ['Budi', 'Suka', 'Lihat selengkapnya', '10 Februari sampai Minggu', 'agustus']) expect(isTimeLabel(l), l).toBe(false);
  });

  it('is fast on hostile input', () => {
    const t = Date.now();
    for (let i = 0; i < 200; i++) parseTimeLabel(`${'1'.repeat(50)} ${'a'.repeat(50)}`, id);
    expect(Date.now() - t).toBeLessThan(500);
  });
});

describe('parseCount', () => {
  it.each([
    ['12,3 rb', 12300], ['1,2 jt', 1200000], ['2.4K', 2400], ['25K people', 25000], ['1.234', 1234], ['1,234', 1234],
    ['12.345.678', 12345678], ['12 komentar', 12], ['3 kali dibagikan', 3], ['5.9K comments', 5900], ['980', 980],
    ['1 rb', 1000], ['1,5 ribu', 1500], ['2,1 juta', 2100000], ['1.2M', 1200000], ['12,3 rb suka', 12300],
    ['Suka: 25 orang', 25], ['1 234', 1234], ['1.2B', 1200000000], ['All reactions: 1.3K', 1300],
  ])('%s -> %d', (raw, value) => expect(parseCount(raw)).toEqual({ value, raw }));

  it.each([['Bagikan'], ['Share'], [''], ['1,5'], ['1.2.3K'], ['1M']])('%s -> null', (raw) => {
    expect(parseCount(raw).value).toBeNull();
  });

  it('reads M by language', () => {
    expect(parseCount('1M', 'en').value).toBe(1_000_000);
    expect(parseCount('1,2 M', 'id').value).toBe(1_200_000_000);
    expect(parseCount(null)).toEqual({ value: null, raw: null });
  });
});

describe('reactionFromLabel', () => {
  it.each([
    ['Suka, 25', 'like'], ['Like, 25', 'like'], ['Super, 6', 'love'], ['Love', 'love'], ['Peduli', 'care'], ['Care', 'care'],
    ['Haha', 'haha'], ['Wow', 'wow'], ['Sedih', 'sad'], ['Sad', 'sad'], ['Marah', 'angry'], ['Angry', 'angry'],
    ['Semua', null], ['All', null], ['', null], [null, null],
  ])('%s', (l, t) => expect(reactionFromLabel(l)).toBe(t));
});
