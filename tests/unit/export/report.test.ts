import { describe, expect, it } from 'vitest';
import { escapeHtml, linkHtml, renderReport, reportToString, summarizeBySubject } from '../../../lib/export/report';
import { formatLongId, zonedTime } from '../../../lib/export/time';
import { VIOLATION_REGULATIONS } from '../../../lib/violations/regulations';
import { makeItem, makeRecord } from './make-record';

/** The text a reader sees (tags dropped, entities for quotes/angles decoded, spaces collapsed). */
const textOf = (html: string) => html.replace(/<\/?(span|strong|a|em|b)\b[^>]*>/g, '').replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

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

  it('prints times in the monitor zone (UTC only in the appendix), regulation references and the 7-day deadline', async () => {
    const html = await render();
    const [body, appendix] = html.split('id="lampiran"');
    expect(textOf(body!)).toContain('Jumat, 13 September 2024 pukul 09.15.04 WIB');
    expect(textOf(body!)).not.toContain('UTC');
    expect(textOf(appendix!)).toContain('Jumat, 13 September 2024 pukul 02.15.04 UTC');
    expect(appendix).toContain('2024-09-13T02:15:04.123Z');
    expect(textOf(body!)).toContain('Jumat, 20 September 2024 pukul 23.59.59 WIB');
    for (const ref of VIOLATION_REGULATIONS.gesture.refs) expect(html).toContain(escapeHtml(ref));
    expect(html).toContain('PP 94/2021 Pasal 5 huruf n');
    expect(html).toContain('Dua jari');
    expect(html).toContain('class="box"');
    expect(html).toMatch(/@page\{size:A4;margin:[^}]+\}/);
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
    expect(html).toContain('ASN yang dilaporkan');
    expect(textOf(html)).toContain('Jumlah pelanggaran 2 (1 September 2024 sampai 5 Oktober 2024)');
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
    expect(linkHtml('javascript:alert(1)')).toBe('<span class="url">javascript:alert(1)</span>');
    expect(linkHtml('https://a.b/"><script>')).toBe('<a href="https://a.b/&quot;&gt;&lt;script&gt;" class="url" rel="noreferrer noopener">https://a.b/&quot;&gt;&lt;script&gt;</a>');
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

describe('report.html for a Bawaslu / Inspektorat reader (printed on A4)', () => {
  const LONG = 'Raden Mas Bambang Sutrisno Wicaksono Adiningrat Santoso';
  const NIP = '198507172010011003';
  async function longReport() {
    const subject = { ...makeRecord().subject, name: LONG, nip: NIP, agency: 'Dinas Komunikasi dan Informatika Kabupaten Contoh Selatan' };
    const a = makeItem({ subject, capturedAt: '2026-11-27T11:56:01.784Z' }, 1);
    const b = makeItem({ subject, platform: 'instagram', capturedAt: '2026-11-28T03:00:00.000Z', timezone: 'Asia/Makassar', violation: { types: ['like'], gestures: [], candidate: null, election: null, notes: null } }, 2);
    const html = await reportToString({
      meta: { ...meta, createdAt: '2026-11-29T02:00:00.000Z', createdBy: { name: 'Siti Aminah', nip: '199001012015022002', unit: 'Timwas Medsos Kota Contoh' } },
      records: [a.record, b.record],
      screenshots: (async function* () { for (const i of [a, b]) yield { id: i.record.id, data: i.screenshot }; })(),
    });
    return { html, a, b };
  }

  it('opens with a cover summary in plain Indonesian: who, when, how many, which ASN, which violations, the deadline', async () => {
    const { html } = await longReport();
    const cover = /<section class="cover">([^]*?)<\/section>/.exec(html)?.[1];
    expect(cover).toBeTruthy();
    const t = textOf(cover!);
    expect(t).toContain('Laporan ini disusun oleh Siti Aminah (NIP 199001012015022002), Timwas Medsos Kota Contoh, pada Minggu, 29 November 2026 pukul 09.00.00 WIB.');
    expect(t).toContain('Isinya 2 bukti tentang 1 ASN, diambil dari Facebook dan Instagram antara 27 November 2026 dan 28 November 2026.');
    expect(t).toContain('Jenis pelanggaran: Mengomentari unggahan calon/tim kampanye; Memberi tanda suka (like) pada unggahan calon/peserta pemilu.');
    expect(t).toContain(`1. ${LONG}`);
    expect(t).toContain(`NIP ${NIP}`);
    expect(t).toContain('Jumlah pelanggaran 2 (27 November 2026 sampai 28 November 2026)');
    expect(t).toContain('batasnya Jumat, 4 Desember 2026 pukul 23.59.59 WIB');
    // and the cover is a page of its own in print
    expect(html).toMatch(/@media print\{[^]*\.cover\{break-after:page/);
  });

  it('keeps every command, file name, hash, ISO time and id out of the report body: they are in the appendix at the end', async () => {
    const { html, a } = await longReport();
    const at = html.indexOf('<section class="appendix" id="lampiran">');
    expect(at).toBeGreaterThan(0);
    expect(html.indexOf('<section class="record"')).toBeLessThan(at);
    expect(html.slice(at)).not.toMatch(/<section class="record"/); // the appendix is last
    const body = textOf(html.slice(0, at));
    for (const tech of ['sha256sum', 'npx', 'asn-evidence', 'certutil', 'SHA256SUMS', 'SHA-256', 'signature.json', 'manifest.json', 'screenshot.png', 'UTC', a.record.id, a.record.screenshot.sha256]) {
      expect(body, tech).not.toContain(tech);
    }
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(body).not.toMatch(/[0-9a-f]{64}/);
    expect(body).not.toMatch(/Platform: ?(facebook|instagram|tiktok)/i);
    expect(body).toContain('Komentar di Facebook');
    expect(body).toContain('Komentar di Instagram');
    const appendix = textOf(html.slice(at));
    expect(appendix).toContain('sha256sum -c SHA256SUMS');
    expect(appendix).toContain('npx asn-evidence verify paket.zip');
    expect(appendix).toContain('signature.json');
    expect(appendix).toContain(a.record.screenshot.sha256);
    expect(appendix).toContain('2026-11-27T11:56:01.784Z');
  });

  it('never lets the print break a name, a NIP, a date or a platform name inside a word', async () => {
    const { Window } = await import('happy-dom');
    const { html } = await longReport();
    const css = /<style>([^]*?)<\/style>/.exec(html)![1]!;
    // the only rules that may break anywhere are those for URLs and hashes
    const breaking = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
      .filter((m) => /break-all|overflow-wrap:\s*anywhere|word-break:\s*break-word|hyphens:\s*auto/.test(m[2]!))
      .flatMap((m) => m[1]!.split(',').map((x) => x.trim()));
    expect(breaking.sort()).toEqual(['.hash', '.url']);
    expect(css).toMatch(/body\{[^}]*overflow-wrap:normal;word-break:normal;hyphens:manual/);

    const win = new Window();
    win.document.write(html);
    const doc = win.document;
    const texts = [LONG, NIP, '27 November 2026', 'Facebook', 'Instagram'];
    let checked = 0;
    for (const el of [...doc.querySelectorAll('body *')]) {
      const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('');
      if (!texts.some((t) => own.includes(t))) continue;
      checked++;
      for (let x: Element | null = el as unknown as Element; x && x.tagName !== 'BODY'; x = x.parentElement) {
        for (const sel of breaking) expect(x.matches(sel), `${own.slice(0, 40)} inside ${sel}`).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(8);
    // NIP and dates are kept on one line; names only wrap between words
    expect([...doc.querySelectorAll('.nip')].map((n) => n.textContent)).toContain(NIP);
    expect(css).toMatch(/\.nw\{white-space:nowrap\}/);
    for (const n of doc.querySelectorAll('.nip')) expect(n.classList.contains('nw')).toBe(true);
    const dates = [...doc.querySelectorAll('.nw')].map((n) => n.textContent);
    expect(dates).toContain('Jumat, 27 November 2026');
    await win.happyDOM.close();
  });

  it('keeps a record\'s heading with its screenshot, and each block of a record on one page', async () => {
    const { html } = await longReport();
    expect(html).toMatch(/<section class="record" id="r-[^"]+">\n<div class="rec-head">\n<h2>Bukti 1 dari 2: Komentar di Facebook<\/h2>[^]*?<figure>[^]*?<\/figure>\n<\/div>/);
    expect(html).toMatch(/@media print\{[^]*\.rec-head,\.blk[^{]*\{break-inside:avoid/);
    expect(html).toMatch(/@media print\{[^]*h2,h3\{break-after:avoid/);
    expect(html).not.toMatch(/\.record\{[^}]*break-before:page/); // no forced page per record (half-empty pages)
  });
});

describe('report.html structure', () => {
  it('balances its blocks with and without embedded screenshots; unknown monitor, zone and platform are said in words', async () => {
    const items = [makeItem({}, 1), makeItem({ platform: 'other', timezone: 'Bad/Zone' }, 2)];
    const m = { ...meta, createdBy: { name: null, nip: null, unit: null } };
    for (const shots of [true, false]) {
      const html = await reportToString({ meta: m, records: items.map((i) => i.record), screenshots: shots ? (async function* () { for (const i of items) yield { id: i.record.id, data: i.screenshot }; })() : null });
      expect((html.match(/<div\b/g) ?? []).length).toBe((html.match(/<\/div>/g) ?? []).length);
      expect((html.match(/<section\b/g) ?? []).length).toBe((html.match(/<\/section>/g) ?? []).length);
      const t = textOf(html);
      expect(t).toContain('pengawas yang namanya tidak dicatat');
      expect(t).toContain('Komentar di situs lain');
      expect(t).toContain('UTC (zona "Bad/Zone" tidak dikenal)');
      if (!shots) expect(t).toContain('Tangkapan layar tidak disertakan di laporan ini karena paketnya besar');
    }
  });
});
