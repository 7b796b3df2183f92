import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, toCsv } from '../../../lib/export/csv';
import { makeRecord } from './make-record';

/** Minimal RFC 4180 parser, to read back what we wrote. */
function parseCsv(s: string, d = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === d) { row.push(cell); cell = ''; } else if (c === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const hostile = 'Dukung "Paslon 2", pokoknya!\nBaris kedua, dengan koma 🇮🇩👍🏽\r\nakhir';

function rec(text: string) {
  const r = makeRecord();
  return { ...r, comment: { ...r.comment!, text } };
}

describe('evidence.csv', () => {
  it('starts with a UTF-8 BOM and uses CRLF line ends', () => {
    const csv = toCsv([makeRecord()]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const bytes = new TextEncoder().encode(csv);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(3); // header, one row, trailing empty
    expect(csv.slice(1).startsWith('ID bukti,Waktu tangkap (UTC),Waktu tangkap (zona pengawas),Platform,Jenis,Nama ASN,NIP')).toBe(true);
  });

  it('quotes quotes, newlines and commas; keeps emoji; round-trips through an RFC 4180 parser', () => {
    const csv = toCsv([rec(hostile), rec('polos')]);
    expect(csv).toContain('"Dukung ""Paslon 2"", pokoknya!\nBaris kedua, dengan koma 🇮🇩👍🏽\r\nakhir"');
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const textCol = CSV_COLUMNS.findIndex((c) => c.header === 'Teks');
    expect(rows[1]![textCol]).toBe(hostile);
    expect(rows[2]![textCol]).toBe('polos');
    const nip = CSV_COLUMNS.findIndex((c) => c.header === 'NIP');
    expect(rows[1]![nip]).toBe('198501012010011001');
  });

  it('guards against formula injection', () => {
    expect(csvCell('=HYPERLINK("http://evil","klik")')).toBe('"\'=HYPERLINK(""http://evil"",""klik"")"');
    expect(csvCell('+62 812')).toBe("'+62 812");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(null)).toBe('');
    const rows = parseCsv(toCsv([rec('=cmd|\' /C calc\'!A0')]).slice(1));
    const textCol = CSV_COLUMNS.findIndex((c) => c.header === 'Teks');
    expect(rows[1]![textCol]).toBe("'=cmd|' /C calc'!A0");
  });

  it('shows capture time in UTC and in WIB/WITA/WIT', () => {
    const rows = parseCsv(toCsv([
      makeRecord({ timezone: 'Asia/Jakarta' }), makeRecord({ timezone: 'Asia/Makassar' }), makeRecord({ timezone: 'Asia/Jayapura' }),
    ]).slice(1));
    expect(rows[1]!.slice(1, 3)).toEqual(['2024-09-13 02:15:04 UTC', '2024-09-13 09:15:04 WIB']);
    expect(rows[2]![2]).toBe('2024-09-13 10:15:04 WITA');
    expect(rows[3]![2]).toBe('2024-09-13 11:15:04 WIT');
  });

  it('supports ; for Excel on Indonesian-locale Windows', () => {
    const csv = toCsv([rec('satu; dua, tiga')], { delimiter: ';' });
    expect(csv).toContain('"satu; dua, tiga"');
    expect(parseCsv(csv.slice(1), ';')[1]).toHaveLength(CSV_COLUMNS.length);
  });
});
