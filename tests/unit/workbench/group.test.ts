import { describe, expect, it } from 'vitest';
import { caseKeys, groupCases, nextOpenDeadline, normaliseAccountUrl, normaliseName, type CaseInput } from '../../../lib/cases/group';
import type { EvidenceRecord } from '../../../lib/record/schema';
import { record } from '../pipeline/make';

let n = 0;
function item(capturedAt: string, subject: Partial<EvidenceRecord['subject']>, types: EvidenceRecord['violation']['types'] = ['comment'], timezone = 'Asia/Jakarta'): CaseInput {
  n++;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const r = record({ id, capturedAt: new Date(capturedAt), timezone });
  r.subject = { ...r.subject, nip: null, ...subject };
  r.violation.types = types;
  return { id, status: 'queued', record: r };
}

describe('case files per ASN', () => {
  it('normalises names and account URLs', () => {
    expect(normaliseName('  Budi   SANTOSO, S.Pd. ')).toBe('budi santoso s pd');
    expect(normaliseName('Andi Réza')).toBe('andi reza');
    expect(normaliseAccountUrl('https://m.facebook.com/profile.php?id=100012345678901&ref=abc')).toBe('facebook.com/profile.php?id=100012345678901');
    expect(normaliseAccountUrl('https://www.instagram.com/Budi.S/')).toBe('instagram.com/budi.s');
  });

  it('groups by NIP, else by normalised name + account; a name+account seen with one NIP joins it', () => {
    const nip = '198503122010011002';
    const url = 'https://www.facebook.com/profile.php?id=100012345678901';
    const a = item('2024-09-01T03:00:00.000Z', { nip, name: 'Budi Santoso', accountUrl: url }, ['comment']);
    const b = item('2024-09-10T03:00:00.000Z', { nip: null, name: 'budi  santoso', accountUrl: url.replace('www.', 'm.') }, ['like', 'comment']);
    const c = item('2024-09-05T03:00:00.000Z', { nip, name: 'Budi S.', accountUrl: null, agency: 'Dinas Pendidikan' }, ['gesture']);
    const d = item('2024-09-07T03:00:00.000Z', { nip: null, name: 'Sinta Dewi', accountUrl: 'https://www.facebook.com/sinta' }, ['share']);
    const e = item('2024-09-08T03:00:00.000Z', { nip: null, name: 'Sinta Dewi', accountUrl: 'https://www.facebook.com/sinta.lain' }, ['share']);
    const f = item('2024-09-09T03:00:00.000Z', { nip: null, name: null, accountUrl: null });
    const g = item('2024-09-09T04:00:00.000Z', { nip: null, name: null, accountUrl: null });
    const keys = caseKeys([a, b, c, d, e, f, g]);
    expect(keys.get(b.id)).toBe(`nip:${nip}`);
    expect(keys.get(d.id)).not.toBe(keys.get(e.id)); // same name, different account: not merged
    expect(keys.get(f.id)).not.toBe(keys.get(g.id)); // no identity: one case each

    const cases = groupCases([d, b, a, c, e, f, g]);
    expect(cases).toHaveLength(5);
    const budi = cases[0]!;
    expect(budi.key).toBe(`nip:${nip}`);
    expect(budi.records.map((r) => r.id)).toEqual([a.id, c.id, b.id]); // oldest first
    expect(budi.countsByType).toEqual({ comment: 2, like: 1, gesture: 1 });
    expect(budi.firstAt).toBe('2024-09-01T03:00:00.000Z');
    expect(budi.lastAt).toBe('2024-09-10T03:00:00.000Z');
    expect(budi.nip).toBe(nip);
    expect(budi.name).toBe('budi  santoso'); // the most recent name
    expect(budi.agency).toBe('Dinas Pendidikan');
    expect(budi.names).toEqual(['Budi Santoso', 'Budi S.', 'budi  santoso']);
    expect(budi.records[0]!.deadline.deadlineAt).toBe('2024-09-08T16:59:59.999Z');
  });

  it('does not merge a name+account group that was seen with two different NIPs', () => {
    const url = 'https://www.facebook.com/budi';
    const a = item('2024-09-01T03:00:00.000Z', { nip: '198503122010011002', name: 'Budi', accountUrl: url });
    const b = item('2024-09-02T03:00:00.000Z', { nip: '198503122010011003', name: 'Budi', accountUrl: url });
    const c = item('2024-09-03T03:00:00.000Z', { name: 'Budi', accountUrl: url });
    expect(groupCases([a, b, c])).toHaveLength(3);
  });

  it('computes each deadline in the record zone, or in the zone the monitor picks; finds the next open one', () => {
    const a = item('2024-09-13T16:30:00.000Z', { name: 'Ani' }, ['comment'], 'Asia/Makassar');
    const b = item('2024-09-20T03:00:00.000Z', { name: 'Ani' }, ['comment'], 'Asia/Makassar');
    const [own] = groupCases([a, b]);
    expect(own!.records[0]!.deadline).toMatchObject({ timeZone: 'Asia/Makassar', deadlineAt: '2024-09-21T15:59:59.999Z' });
    const [wib] = groupCases([a, b], 'Asia/Jakarta');
    expect(wib!.records[0]!.deadline).toMatchObject({ timeZone: 'Asia/Jakarta', deadlineAt: '2024-09-20T16:59:59.999Z' });
    expect(nextOpenDeadline(own!, Date.parse('2024-09-19T00:00:00.000Z'))?.deadlineAt).toBe('2024-09-21T15:59:59.999Z');
    expect(nextOpenDeadline(own!, Date.parse('2024-09-23T00:00:00.000Z'))?.deadlineAt).toBe('2024-09-27T15:59:59.999Z');
    expect(nextOpenDeadline(own!, Date.parse('2024-10-30T00:00:00.000Z'))).toBeNull();
  });
});
