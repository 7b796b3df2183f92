import { describe, expect, it } from 'vitest';
import { importCsv, parseCsv } from '../../../lib/watchlist/csv';
import type { WatchEntry } from '../../../lib/watchlist/model';
import { describeRowError } from '../../../lib/i18n/watchlist-messages';

const TODAY = new Date('2025-06-01T00:00:00Z');
let n = 0;
const opts = { today: TODAY, newId: () => `id-${++n}` };

const GOOD = [
  'name,nip,agency,position,rank,employment type,accounts',
  'Budi Santoso,198503122010011002,Dinas Pendidikan Kab. Contoh,Guru Ahli Muda,Penata (III/c),PNS,https://www.facebook.com/profile.php?id=100012345678901 | ig:budi_s',
  'Sinta Dewi,199001012015032001,BKPSDM,Analis,Penata Muda (III/a),pns,https://www.facebook.com/sinta.dewi.77',
  'Agus Salim,,Puskesmas Contoh,,,honorer,tiktok:@agus.salim',
].join('\n');

describe('watchlist CSV import', () => {
  it('imports a good file (English headers, commas)', () => {
    const r = importCsv(GOOD, [], opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.added).toBe(3);
    expect(r.updated).toBe(0);
    const [budi, sinta, agus] = r.entries;
    expect(budi).toMatchObject({
      name: 'Budi Santoso', nip: '198503122010011002', agency: 'Dinas Pendidikan Kab. Contoh',
      position: 'Guru Ahli Muda', rank: 'Penata (III/c)', employmentType: 'PNS',
      accounts: ['https://www.facebook.com/profile.php?id=100012345678901', 'https://www.instagram.com/budi_s/'],
    });
    expect(sinta!.employmentType).toBe('PNS');
    expect(agus).toMatchObject({ nip: null, position: null, employmentType: 'PTT', accounts: ['https://www.tiktok.com/@agus.salim'] });
  });

  it('reads semicolons, a BOM, CRLF, quoted fields and Indonesian headers', () => {
    const csv = '\ufeffNama;NIP;Instansi;Jabatan;Pangkat/Golongan;Status;Akun\r\n' +
      '"Santoso; Budi";"19850312 201001 1 002";"Dinas ""Pendidikan""";"Guru,\r\nAhli Muda";III/c;PPPK;"facebook.com/budi.santoso  instagram.com/budi_s"\r\n' +
      '\r\n' +
      'Dewi;;Kecamatan A;;;;https://m.facebook.com/people/Dewi/100099988877766/\r\n';
    const p = parseCsv(csv);
    expect(p.delimiter).toBe(';');
    expect(p.records.map((r) => r.line)).toEqual([1, 2, 4, 5]);
    const r = importCsv(csv, [], opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entries[0]).toMatchObject({
      name: 'Santoso; Budi', nip: '198503122010011002', agency: 'Dinas "Pendidikan"', position: 'Guru, Ahli Muda',
      rank: 'III/c', employmentType: 'PPPK',
      accounts: ['https://www.facebook.com/budi.santoso', 'https://www.instagram.com/budi_s/'],
    });
    expect(r.entries[1]).toMatchObject({ name: 'Dewi', employmentType: 'unknown', accounts: ['https://www.facebook.com/profile.php?id=100099988877766'] });
  });

  it('imports nothing when one row is bad, and lists every bad row with its line number', () => {
    const csv = [
      'nama;nip;instansi;status;akun',
      'Budi Santoso;198503122010011002;Dinas A;PNS;fb:budi.santoso', // line 2: good
      ';198503122010011003;Dinas B;PNS;', // line 3: no name
      'Citra;19850230201001100;Dinas C;PNS;', // line 4: 17 digits
      'Dodi;198502302010011002;Dinas D;PNS;', // line 5: 30 Feb
      'Eko;198503122010013002;Dinas E;kontrak;@eko', // line 6: sex digit, status, bare @handle
      'Fajar;198503122010011002;Dinas F;PNS;https://www.facebook.com/fajar', // line 7: duplicate NIP of line 2
      'Gita;;Dinas G;PNS;https://facebook.com/budi.santoso?ref=x', // line 8: duplicate account of line 2
      'Hadi;198503122010011004;Dinas H;PNS;ig:hadi', // line 9: good
    ].join('\n');
    const r = importCsv(csv, [], opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'name_required'],
      [4, 'nip_length'],
      [5, 'nip_birth_date'],
      [6, 'nip_sex'],
      [6, 'employment_type'],
      [6, 'account_invalid'],
      [7, 'duplicate_nip'],
      [8, 'duplicate_account'],
    ]);
    expect(r.errors.find((e) => e.code === 'duplicate_nip')!.other).toBe('2');
    expect(describeRowError('id', r.errors[1]!)).toBe('Baris 4: NIP "19850230201001100" harus 18 angka.');
    expect(describeRowError('en', r.errors[6]!)).toBe('Line 7: NIP 198503122010011002 is already on line 2.');
    expect(describeRowError('id', r.errors[5]!)).toMatch(/^Baris 6: Akun "@eko" bukan alamat profil/);
  });

  it('refuses a file without a name column, an unclosed quote, an empty file', () => {
    const a = importCsv('nip,instansi\n198503122010011002,Dinas A\n', [], opts);
    expect(!a.ok && a.errors).toEqual([{ line: 1, code: 'no_name_column', value: 'nip,instansi' }]);
    const b = importCsv('nama,nip\nBudi,"1985\nSinta,1990\n', [], opts);
    expect(!b.ok && b.errors).toEqual([{ line: 2, code: 'unclosed_quote' }]);
    const c = importCsv('\ufeff\n\n', [], opts);
    expect(!c.ok && c.errors[0]!.code).toBe('empty_file');
  });

  it('updates an existing person (same NIP) without erasing fields, and refuses an account of someone else', () => {
    const existing: WatchEntry[] = [{
      id: 'x1', name: 'Budi', nip: '198503122010011002', agency: 'Dinas A', position: 'Guru', rank: null,
      employmentType: 'PNS', accounts: ['https://www.facebook.com/budi.santoso'], addedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z',
    }];
    const ok = importCsv('nama,nip,pangkat,akun\nBudi Santoso,198503122010011002,III/c,ig:budi_s\n', existing, opts);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.added).toBe(0);
      expect(ok.updated).toBe(1);
      expect(ok.entries).toHaveLength(1);
      expect(ok.entries[0]).toMatchObject({
        id: 'x1', name: 'Budi Santoso', agency: 'Dinas A', position: 'Guru', rank: 'III/c', employmentType: 'PNS',
        accounts: ['https://www.facebook.com/budi.santoso', 'https://www.instagram.com/budi_s/'],
      });
    }
    expect(existing[0]!.rank).toBeNull(); // the input list is not mutated
    const bad = importCsv('nama,nip,akun\nSinta,199001012015032001,https://www.facebook.com/Budi.Santoso\n', existing, opts);
    expect(!bad.ok && bad.errors).toEqual([{ line: 2, code: 'account_conflict', value: 'https://www.facebook.com/Budi.Santoso', other: 'Budi' }]);
  });
});
