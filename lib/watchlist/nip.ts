/**
 * NIP (Nomor Induk Pegawai) of a PNS: 18 digits =
 *   birth date YYYYMMDD (8) + TMT (start of service) YYYYMM (6) + sex 1/2 (1) + sequence (3).
 * e.g. 19850312 201001 1 002. Spaces, dots and dashes people type between the groups are ignored.
 * PPPK numbers (NI PPPK) have the same 18-digit shape with month "21" after the appointment year
 * (e.g. 19870910 2022 21 2 010, as commonly published; not checked against a primary BKN text):
 * they are accepted and reported with `pppk: true` and the TMT as the year only.
 * Pure; `today` is injectable for tests. Used by the watchlist page and the CSV import (never by
 * the content script).
 */

export type NipProblem =
  | 'empty' | 'digits' | 'length' | 'birth_date' | 'tmt_month' | 'tmt_future' | 'tmt_too_young'
  | 'tmt_too_old' | 'sex' | 'sequence';

export interface NipInfo {
  ok: true;
  /** The 18 digits, separators removed. */
  nip: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** YYYY-MM (YYYY for a PPPK number). */
  tmt: string;
  /** The number has the PPPK code 21 in place of the TMT month. */
  pppk: boolean;
  /** 1 = male (laki-laki), 2 = female (perempuan). */
  sex: 1 | 2;
  seq: string;
}
export interface NipError { ok: false; problems: NipProblem[] }

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Months between two (year, month) pairs, b - a. */
const months = (ay: number, am: number, by: number, bm: number) => (by - ay) * 12 + (bm - am);

export function normalizeNip(raw: string): string {
  return raw.replace(/[\s.\-_]/g, '');
}

export function parseNip(raw: string | null | undefined, today: Date = new Date()): NipInfo | NipError {
  const nip = normalizeNip(raw ?? '');
  if (!nip) return { ok: false, problems: ['empty'] };
  if (!/^\d+$/.test(nip)) return { ok: false, problems: ['digits'] };
  if (nip.length !== 18) return { ok: false, problems: ['length'] };
  const problems: NipProblem[] = [];
  const by = +nip.slice(0, 4);
  const bm = +nip.slice(4, 6);
  const bd = +nip.slice(6, 8);
  const ty = +nip.slice(8, 12);
  const tm = +nip.slice(12, 14);
  const sex = +nip[14]!;
  const seq = nip.slice(15);
  const birth = new Date(Date.UTC(by, bm - 1, bd));
  const validBirth = by >= 1900 && bm >= 1 && bm <= 12 && bd >= 1 &&
    birth.getUTCFullYear() === by && birth.getUTCMonth() === bm - 1 && birth.getUTCDate() === bd &&
    birth.getTime() <= today.getTime();
  if (!validBirth) problems.push('birth_date');
  const pppk = tm === 21;
  const validMonth = ((tm >= 1 && tm <= 12) || pppk) && ty >= 1900;
  // A PPPK number carries the year only: compare from January of that year.
  const tmm = pppk ? 1 : tm;
  if (!validMonth) problems.push('tmt_month');
  else if (months(today.getUTCFullYear(), today.getUTCMonth() + 1, ty, tmm) > 0) problems.push('tmt_future');
  if (validBirth && validMonth) {
    // Age at TMT in whole months (the TMT is the first of its month). Appointment as a civil
    // servant needs an adult (18; 17 tolerated for data entered with a rounded birth date) and
    // nobody is appointed past 70.
    const age = months(by, bm, ty, tmm) - (bd > 1 ? 1 : 0);
    if (age < 17 * 12) problems.push('tmt_too_young');
    else if (age > 70 * 12) problems.push('tmt_too_old');
  }
  if (sex !== 1 && sex !== 2) problems.push('sex');
  if (seq === '000') problems.push('sequence');
  if (problems.length) return { ok: false, problems };
  return {
    ok: true, nip, birthDate: `${by}-${pad2(bm)}-${pad2(bd)}`,
    tmt: pppk ? String(ty) : `${ty}-${pad2(tm)}`, pppk, sex: sex as 1 | 2, seq,
  };
}
