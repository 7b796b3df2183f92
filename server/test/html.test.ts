import { describe, expect, it } from 'vitest';
import { renderRecordsPage } from '../html';

const row = (i: number) => ({
  id: `0000000${i}-aaaa-4bbb-8ccc-dddddddddddd`, receivedAt: '2026-11-27T11:56:01.784Z', monitor: 'Siti Aminah', platform: 'facebook',
  kind: 'comment', subjectName: 'Budi <b>Santoso</b>', sha256: 'a'.repeat(64), pageUrl: 'https://www.facebook.com/x', capturedAt: '2026-11-27T11:50:00.000Z',
});

describe('the backend /records page', () => {
  it('is Indonesian: no "record(s)", no English headers, times as WIB (or the configured zone), platform and kind as words', () => {
    const html = renderRecordsPage([row(1), row(2)], { version: '0.2.0', total: 5 });
    const text = html.replace(/<style>[^]*?<\/style>/, '').replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(/record\(s\)|Received|Monitor|Kind|Page|No evidence|showing the newest/);
    expect(text).toContain('Server tim telah menerima 5 bukti. Ditampilkan 2 yang terbaru.');
    expect(text).toContain('27 Nov 2026 18.56.01 WIB');
    expect(text).toContain('27 Nov 2026 18.50.00 WIB');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:|\.\d{3}Z/);
    expect(text).toContain('Facebook');
    expect(text).toContain('Komentar');
    expect(html).toContain('Budi &#60;b&#62;Santoso&#60;/b&#62;');
    expect(renderRecordsPage([row(1)], { version: '0.2.0', total: 1, timeZone: 'Asia/Makassar' })).toContain('27 Nov 2026 19.56.01 WITA');
    expect(renderRecordsPage([], { version: '0.2.0', total: 0 })).toContain('Belum ada bukti yang diterima.');
  });
});
