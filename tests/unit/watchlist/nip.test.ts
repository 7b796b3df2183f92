import { describe, expect, it } from 'vitest';
import { parseNip } from '../../../lib/watchlist/nip';

const TODAY = new Date('2025-06-01T00:00:00Z');
const problems = (s: string) => {
  const r = parseNip(s, TODAY);
  return r.ok ? [] : r.problems;
};

describe('NIP validation', () => {
  it('parses a valid NIP into birth date, TMT, sex and sequence', () => {
    expect(parseNip('198503122010011002', TODAY)).toEqual({
      ok: true, nip: '198503122010011002', birthDate: '1985-03-12', tmt: '2010-01', pppk: false, sex: 1, seq: '002',
    });
  });
  it('accepts the groups separated by spaces or dots, and a female sex digit', () => {
    const r = parseNip('19900101 201503 2 001', TODAY);
    expect(r).toMatchObject({ ok: true, nip: '199001012015032001', sex: 2, tmt: '2015-03' });
    expect(parseNip('19900101.201503.2.001', TODAY).ok).toBe(true);
  });
  it('accepts a PPPK number (code 21 in place of the TMT month)', () => {
    expect(parseNip('198709102022212010', TODAY)).toMatchObject({ ok: true, pppk: true, tmt: '2022', sex: 2 });
  });
  it('rejects a wrong length', () => {
    expect(problems('19850312201001100')).toEqual(['length']);
    expect(problems('1985031220100110021')).toEqual(['length']);
  });
  it('rejects non-digits and empty input', () => {
    expect(problems('19850312201001100A')).toEqual(['digits']);
    expect(problems('NIP198503122010011')).toEqual(['digits']);
    expect(problems('')).toEqual(['empty']);
  });
  it('rejects an impossible birth date', () => {
    expect(problems('198502302010011002')).toEqual(['birth_date']); // 30 February
    expect(problems('198513012010011002')).toEqual(['birth_date']); // month 13
    expect(problems('188503122010011002')).toEqual(['birth_date']); // 1885
    expect(problems('202601012010011002')).toContain('birth_date'); // born after today
  });
  it('rejects a bad TMT: invalid month, future, too young or too old at the TMT', () => {
    expect(problems('198503122010131002')).toEqual(['tmt_month']);
    expect(problems('198503122010001002')).toEqual(['tmt_month']);
    expect(problems('198503122030011002')).toEqual(['tmt_future']);
    expect(problems('198503122025071002')).toEqual(['tmt_future']); // next month
    expect(problems('198503122025061002')).toEqual([]); // this month is fine
    expect(problems('200503122010011002')).toEqual(['tmt_too_young']);
    expect(problems('193001012005011001')).toEqual(['tmt_too_old']);
  });
  it('rejects a sex digit other than 1 or 2 and a zero sequence', () => {
    expect(problems('198503122010013002')).toEqual(['sex']);
    expect(problems('198503122010010002')).toEqual(['sex']);
    expect(problems('198503122010011000')).toEqual(['sequence']);
  });
  it('lists every problem at once', () => {
    expect(problems('198502302030013000')).toEqual(['birth_date', 'tmt_future', 'sex', 'sequence']);
  });
});
