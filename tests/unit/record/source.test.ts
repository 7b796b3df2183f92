// @vitest-environment happy-dom
/**
 * The flagged item's source HTML: what is kept (the page's markup, byte for byte apart from what
 * could run), what is removed, the bound, the path back to the flagged element; that bundles carry
 * it and the verifier names a changed source; and that a "Salah baca?" case runs through the
 * fixture runner as it is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBundle, rezip } from '../export/helpers';
import { makeItem, sha256 } from '../export/make-record';
import { verifyBundle } from '../../../lib/export/verify';
import { captureSource, followPath, pathWithin, SOURCE_MAX_BYTES } from '../../../lib/record/source';
import { correctedFields, misreadCase } from '../../../lib/record/misread-case';
import { evidenceRecordSchema, type EvidenceRecord } from '../../../lib/record/schema';
import { runCase, scoreCase } from '../../support/corpus';

const page = (body: string) => new DOMParser().parseFromString(`<!DOCTYPE html><html><body>${body}</body></html>`, 'text/html');

describe('captureSource', () => {
  it('keeps the item markup and removes scripts, styles, handlers and javascript: links', () => {
    const doc = page(`<div id="c" role="article" aria-label="Komentar oleh Budi"><style>.x{}</style>
      <a href="https://www.facebook.com/budi" onclick="steal()">Budi</a><script>alert(1)</script>
      <span dir="auto" style="color:red" onmouseover="x()">Pilih nomor 2</span><a href="javascript:alert(1)">x</a>
      <img src="data:image/png;base64,AAAA" alt="🙏"><iframe srcdoc="<b>x</b>"></iframe></div>`);
    const item = doc.getElementById('c')!;
    const target = item.querySelector('span')!;
    const s = captureSource(item, target)!;
    expect(s.html).toContain('aria-label="Komentar oleh Budi"');
    expect(s.html).toContain('href="https://www.facebook.com/budi"');
    expect(s.html).toContain('Pilih nomor 2');
    expect(s.html).toContain('data:image/png;base64,AAAA');
    for (const bad of ['<script', 'alert(1)', '<style', 'onclick', 'onmouseover', 'style=', 'javascript:', '<iframe']) {
      expect(s.html, bad).not.toContain(bad);
    }
    expect(s.truncated).toBe(false);
    // the page itself is untouched
    expect(item.querySelector('script')).not.toBeNull();
    // the path leads back to the flagged element in a re-parsed copy
    const copy = page(s.html).body.firstElementChild!;
    expect(followPath(copy, s.targetPath)?.textContent).toBe('Pilih nomor 2');
  });

  it('bounds the size: a huge item keeps the flagged element alone, a huge element is cut', () => {
    const doc = page(`<div id="post"><p>${'x'.repeat(SOURCE_MAX_BYTES + 10)}</p><span id="t">komentar</span></div>`);
    const s = captureSource(doc.getElementById('post'), doc.getElementById('t'))!;
    expect(s.truncated).toBe(true);
    expect(s.html).toBe('<span id="t">komentar</span>');
    expect(s.targetPath).toBe('');
    const big = page(`<p id="p">${'é'.repeat(SOURCE_MAX_BYTES)}</p>`);
    const b = captureSource(big.getElementById('p'), null)!;
    expect(new TextEncoder().encode(b.html).length).toBeLessThanOrEqual(SOURCE_MAX_BYTES);
    expect(b.truncated).toBe(true);
  });

  it('pathWithin is null for an element outside the item', () => {
    const doc = page('<div id="a"><b></b></div><div id="b"></div>');
    expect(pathWithin(doc.getElementById('a')!, doc.getElementById('b'))).toBeNull();
    expect(pathWithin(doc.getElementById('a')!, doc.querySelector('b'))).toBe('1');
  });
});

function withSource(html: string, over: Partial<EvidenceRecord> = {}) {
  const item = makeItem(over);
  const src = new TextEncoder().encode(html);
  item.record.source = { file: `evidence/${item.record.id}/source.html`, sha256: sha256(src), mime: 'text/html', bytes: src.length, truncated: false, targetPath: '' };
  return { ...item, source: src };
}

describe('source.html in the bundle', () => {
  it('is exported beside the screenshot, listed in SHA256SUMS, and verifies', async () => {
    const item = withSource('<div>Budi: pilih nomor 2</div>');
    const { bytes: zip } = await makeBundle([item]);
    const v = await verifyBundle(zip);
    expect(v.files.map((f) => f.path)).toContain(`evidence/${item.record.id}/source.html`);
    expect(v.ok, JSON.stringify(v.problems)).toBe(true);
  });

  it('a changed source.html (SHA256SUMS recomputed) is named', async () => {
    const item = withSource('<div>Budi: pilih nomor 2</div>');
    const { bytes: zip } = await makeBundle([item]);
    const name = `evidence/${item.record.id}/source.html`;
    const forged = rezip(zip, (f) => {
      f[name] = new TextEncoder().encode('<div>Budi: pilih nomor 1</div>');
      const sums = new TextDecoder().decode(f['SHA256SUMS']!).split('\n')
        .map((l) => (l.endsWith(`  ${name}`) ? `${sha256(f[name]!)}  ${name}` : l)).join('\n');
      f['SHA256SUMS'] = new TextEncoder().encode(sums);
    });
    const v = await verifyBundle(forged);
    expect(v.ok).toBe(false);
    expect(v.problems.some((p) => p.file === name)).toBe(true);
  });

  it('a record that lists a source without the file is refused at export and flagged by the verifier', async () => {
    const item = withSource('<div>x</div>');
    await expect(makeBundle([{ ...item, source: null }])).rejects.toThrow(/source HTML/);
    const { bytes: zip } = await makeBundle([item]);
    const v = await verifyBundle(rezip(zip, (f) => { delete f[`evidence/${item.record.id}/source.html`]; }));
    expect(v.ok).toBe(false);
  });
});

describe('"Salah baca?" case', () => {
  it('holds the corrected values and runs through the fixture runner as it is', () => {
    const html = '<div role="article" aria-label="Komentar oleh Budi Santoso"><div><a href="https://www.facebook.com/budi.santoso.9">Budi Santoso</a></div><div dir="auto">Kantor kami dukung nomor 2</div></div>';
    const base = makeItem({
      platform: 'facebook', kind: 'comment',
      page: { url: 'https://www.facebook.com/relawan/posts/pfbid0abc?comment_id=123', title: 't' },
    }).record;
    const captured: EvidenceRecord = evidenceRecordSchema.parse({
      ...base,
      comment: { id: '123', url: null, parentId: null, authorName: 'Kantor', authorUrl: null, text: 'Kantor kami dukung nomor 2', postedAt: null, postedAtLabel: null },
      source: { file: `evidence/${base.id}/source.html`, sha256: '0'.repeat(64), mime: 'text/html', bytes: html.length, truncated: false, targetPath: '2' },
    });
    const { attestation: _a, ...content } = captured;
    const corrected: EvidenceRecord = {
      ...captured,
      comment: { ...captured.comment!, authorName: 'Budi Santoso', authorUrl: 'https://www.facebook.com/budi.santoso.9' },
      attestation: { alg: 'ES256', keyId: '0'.repeat(64), publicKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }, payload: JSON.stringify(content), signature: 'x', signedAt: captured.capturedAt },
    };
    expect(correctedFields(corrected).map((f) => f.path)).toEqual(['comment.authorName', 'comment.authorUrl']);
    const c = misreadCase(corrected, html);
    const dir = mkdtempSync(join(tmpdir(), 'salah-baca-'));
    try {
      writeFileSync(join(dir, `${c.name}.html`), c.html);
      writeFileSync(join(dir, `${c.name}.case.json`), c.caseJson);
      const run = runCase(join(dir, `${c.name}.case.json`));
      expect(run.target?.textContent).toBe('Kantor kami dukung nomor 2');
      const score = scoreCase('x', run);
      expect(score.find((s) => s.field === 'comment.authorName')?.expected).toBe('Budi Santoso');
      expect(JSON.parse(c.caseJson).corrected).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
