/** The workspace's per-ASN export: the report lists the team's whole history of findings about the ASN. */
import { describe, expect, it } from 'vitest';
import { reportToString, type TeamHistory } from '../../../lib/export/report';
import { makeRecord } from './make-record';

const NIP = '198503122010011002';

describe('report.html with the team history (workspace export)', () => {
  const inBundle = makeRecord({ capturedAt: '2024-09-13T02:15:04.123Z', subject: { ...makeRecord().subject, name: 'Budi <b>Santoso</b>', nip: NIP } });
  const history: TeamHistory = {
    source: 'server tim (Posko Timwas)',
    asOf: '2024-10-01T03:00:00.000Z',
    findings: [
      {
        subjectName: 'Budi <b>Santoso</b>', nip: NIP, platform: 'facebook', kind: 'comment', firstCapturedAt: '2024-09-13T02:15:04.123Z',
        violations: ['comment'], status: 'ditindaklanjuti', witnesses: ['rahmat', 'sinta'], forwardedTo: 'bawaslu', forwardedOn: '2024-09-16',
        letterNumber: '017/PM.00.02/K.JT-10/09/2024', sanction: 'Teguran tertulis <script>x</script>', rejectedReason: null, recordIds: [inBundle.id, 'not-in-bundle'],
      },
      {
        subjectName: 'Budi <b>Santoso</b>', nip: NIP, platform: 'instagram', kind: 'post', firstCapturedAt: '2024-06-02T02:00:00.000Z',
        violations: ['gesture'], status: 'ditolak', witnesses: ['rahmat'], forwardedTo: null, forwardedOn: null,
        letterNumber: null, sanction: null, rejectedReason: 'Foto lama, sebelum masa kampanye', recordIds: ['older-record'],
      },
    ],
  };

  it('lists every finding oldest first with its status, witnesses, forwarding, sanction or reason, escaped', async () => {
    const html = await reportToString({ meta: { createdAt: '2024-10-01T03:00:00.000Z', createdBy: { name: 'Koordinator', nip: null, unit: null }, extensionVersion: 'server 0.3.0' }, records: [inBundle], history });
    const section = html.slice(html.indexOf('Riwayat temuan tim'), html.indexOf('</section>', html.indexOf('Riwayat temuan tim')));
    const text = section.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/ ([,.])/g, '$1');
    expect(text).toContain('tercatat 2 temuan');
    // oldest first: the rejected Instagram post of June, then the comment of September
    expect(text.indexOf('Temuan 1')).toBeLessThan(text.indexOf('Unggahan di Instagram'));
    expect(text.indexOf('Unggahan di Instagram')).toBeLessThan(text.indexOf('Komentar di Facebook'));
    expect(text).toContain('Ditolak');
    expect(text).toContain('Foto lama, sebelum masa kampanye');
    expect(text).toContain('Ditindaklanjuti (sanksi dicatat)');
    expect(text).toContain('Diteruskan ke Bawaslu pada 16 September 2024, surat nomor 017/PM.00.02/K.JT-10/09/2024');
    expect(text).toContain('Saksi (pengawas) 2: rahmat, sinta');
    expect(text).toContain('tidak ada di paket ini');
    expect(section).toContain(`href="#r-${inBundle.id}"`);
    expect(section).not.toContain('<script>');
    expect(section).not.toContain('<b>Santoso');
    expect(section).toContain('Teguran tertulis &lt;script&gt;x&lt;/script&gt;');
  });

  it('is absent from a monitor\'s own export', async () => {
    const html = await reportToString({ meta: { createdAt: '2024-10-01T03:00:00.000Z', createdBy: { name: 'Rahmat', nip: null, unit: null }, extensionVersion: '0.3.0' }, records: [inBundle] });
    expect(html).not.toContain('Riwayat temuan tim');
  });
});
