import { describe, expect, it } from 'vitest';
import { escapeHtml, linkHtml, renderReport, reportToString, summarizeBySubject } from '../../../lib/export/report';
import { formatLongId, zonedTime } from '../../../lib/export/time';
import { VIOLATION_REGULATIONS } from '../../../lib/violations/regulations';
import { makeItem, makeRecord } from './make-record';

const meta = { createdAt: '2024-09-14T01:00:00.000Z', createdBy: { name: 'Siti <b>Aminah</b>', nip: null, unit: null }, extensionVersion: '0.1.0' };

function hostileItem() {
  const it = makeItem();
  it.record.comment = { ...it.record.comment!, text: '<script>alert(1)</script> & "kutip" \'satu\'' };
  it.record.subject = { ...it.record.subject, name: '<img src=x onerror=alert(2)>' };
  it.record.page = { url: 'https://www.facebook.com/x?a=1&b=2', title: '</title><script>alert(3)</script>' };
  it.record.violation = { ...it.record.violation, notes: '<style>body{display:none}</style>', types: ['comment', 'gesture'], gestures: [{ type: 'two_fingers', box: { x: 1, y: 1, width: 2, height: 1 } }] };
  return it;
}

async function render(items = [hostileItem()]) {
  return reportToString({
    meta, records: items.map((i) => i.record),
    screenshots: (async function* () { for (const i of items) yield { id: i.record.id, data: i.screenshot }; })(),
  });
}

describe('report.html', () => {
  it('shows hostile page text as text, never as markup', async () => {
    const html = await render();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;kutip&quot; &#39;satu&#39;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(html).toContain('&lt;style&gt;body{display:none}&lt;/style&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toContain('Siti &lt;b&gt;Aminah&lt;/b&gt;');
  });

  it('is self-contained: CSP, no remote resources, links with rel=noreferrer', async () => {
    const html = await render();
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="id">/);
    const srcs = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBe(1);
    for (const s of srcs) expect(s.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
    expect(html).not.toMatch(/<link|@import|url\(|<iframe|<object|<embed/i);
    const anchors = [...html.matchAll(/<a href="(https?:[^"]*)"([^>]*)>/g)];
    expect(anchors.length).toBeGreaterThan(0);
    for (const a of anchors) expect(a[2]).toContain('rel="noreferrer noopener"');
    expect(html).toContain('href="https://www.facebook.com/x?a=1&amp;b=2"');
  });

  it('prints times in UTC and the monitor zone, regulation references and the 7-day deadline', async () => {
    const html = await render();
    expect(html).toContain('Jumat, 13 September 2024 pukul 02.15.04 UTC');
    expect(html).toContain('Jumat, 13 September 2024 pukul 09.15.04 WIB (UTC+07:00)');
    expect(html).toContain('20 September 2024');
    for (const ref of VIOLATION_REGULATIONS.gesture.refs) expect(html).toContain(escapeHtml(ref));
    expect(html).toContain('PP 94/2021 Pasal 5 huruf n');
    expect(html).toContain('Dua jari');
    expect(html).toContain('class="box"');
    expect(html).toMatch(/@media print\{[^]*break-before:page/);
  });

  it('summarises violations per ASN with count, first and last date', async () => {
    const nip = '198501012010011001';
    const a = makeItem({ capturedAt: '2024-09-01T03:00:00.000Z', subject: { ...makeRecord().subject, nip } }, 1);
    const b = makeItem({ capturedAt: '2024-10-05T03:00:00.000Z', subject: { ...makeRecord().subject, nip }, violation: { types: ['like'], gestures: [], candidate: null, election: null, notes: null } }, 2);
    const c = makeItem({ capturedAt: '2024-09-20T03:00:00.000Z', subject: { ...makeRecord().subject, nip: null, name: 'Ani' } }, 3);
    const s = summarizeBySubject([a.record, b.record, c.record]);
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({ nip, count: 2, types: ['comment', 'like'] });
    expect(s[0]!.first.id).toBe(a.record.id);
    expect(s[0]!.last.id).toBe(b.record.id);
    const html = await render([a, b, c]);
    expect(html).toContain('Ringkasan per ASN');
    expect(html).toMatch(/<td><strong>2<\/strong><\/td><td>1 September 2024<\/td><td>5 Oktober 2024<\/td>/);
  });

  it('streams: screenshots arrive as byte chunks, one per record', async () => {
    const items = [makeItem({}, 1), makeItem({}, 2)];
    const kinds: string[] = [];
    for await (const c of renderReport({ meta, records: items.map((i) => i.record), screenshots: (async function* () { for (const i of items) yield { id: i.record.id, data: new Blob([i.screenshot as BlobPart]) }; })() })) {
      kinds.push(typeof c === 'string' ? 's' : 'b');
    }
    expect(kinds.filter((k) => k === 'b')).toHaveLength(2);
    await expect(reportToString({ meta, records: items.map((i) => i.record), screenshots: (async function* () { yield { id: items[1]!.record.id, data: items[1]!.screenshot }; })() })).rejects.toThrow(/out of order/);
  });

  it('linkHtml links only http(s) URLs', () => {
    expect(linkHtml('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(linkHtml('https://a.b/"><script>')).toBe('<a href="https://a.b/&quot;&gt;&lt;script&gt;" rel="noreferrer noopener">https://a.b/&quot;&gt;&lt;script&gt;</a>');
  });
});

describe('Indonesian time zones', () => {
  it('maps IANA zones to WIB/WITA/WIT', () => {
    const at = '2024-09-13T02:15:04.123Z';
    expect(zonedTime(at, 'Asia/Jakarta')).toMatchObject({ label: 'WIB', hour: 9, offsetMinutes: 420 });
    expect(zonedTime(at, 'Asia/Pontianak')).toMatchObject({ label: 'WIB', hour: 9 });
    expect(zonedTime(at, 'Asia/Makassar')).toMatchObject({ label: 'WITA', hour: 10, offsetMinutes: 480 });
    expect(zonedTime(at, 'Asia/Jayapura')).toMatchObject({ label: 'WIT', hour: 11, offsetMinutes: 540 });
    expect(zonedTime('2024-09-13T20:00:00Z', 'Asia/Jayapura')).toMatchObject({ day: 14, hour: 5 });
    expect(formatLongId(at, 'Europe/Amsterdam')).toBe('Jumat, 13 September 2024 pukul 04.15.04 Europe/Amsterdam (UTC+02:00)');
    expect(formatLongId(at, 'Not/AZone')).toContain('UTC (zona "Not/AZone" tidak dikenal)');
  });
});
