import { createHash, randomBytes } from 'node:crypto';
import { crc32 as zcrc } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64Bytes, base64String } from '../../../lib/export/base64';
import { crc32Js, createCrc32 } from '../../../lib/export/crc32';
import { createSha256, NobleSha256, sha256Hex } from '../../../lib/export/sha256';

describe('sha256 / crc32 / base64', () => {
  it('pure-JS SHA-256 matches node:crypto for any chunking', async () => {
    const h = new NobleSha256();
    h.update(new TextEncoder().encode('abc'));
    expect(h.digestHex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new NobleSha256().digestHex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const n of [1, 55, 56, 63, 64, 65, 1000, 100_003]) {
      const data = new Uint8Array(randomBytes(n));
      const want = createHash('sha256').update(data).digest('hex');
      const js = createSha256({ impl: 'js' });
      for (let i = 0; i < n; i += 37) js.update(data.subarray(i, i + 37));
      expect(js.digestHex()).toBe(want);
      const auto = createSha256();
      auto.update(data);
      expect(auto.digestHex()).toBe(want);
      expect(await sha256Hex(data)).toBe(want);
    }
  });

  it('CRC-32 (JS slicing-by-8 and native) equals zlib', () => {
    for (const n of [0, 1, 7, 8, 9, 1000, 65_537]) {
      const data = new Uint8Array(randomBytes(n));
      expect(crc32Js(data)).toBe(zcrc(data));
      const c = createCrc32({ impl: 'js' });
      c.p(data.subarray(0, n >> 1)); c.p(data.subarray(n >> 1));
      expect(c.d()).toBe(zcrc(data));
    }
  });

  it('base64 equals Buffer base64', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 299, 300_001]) {
      const data = new Uint8Array(randomBytes(n));
      expect(new TextDecoder().decode(base64Bytes(data))).toBe(Buffer.from(data).toString('base64'));
      expect(base64String(data)).toBe(Buffer.from(data).toString('base64'));
    }
  });
});

describe('ZIP entry streams', () => {
  it('DeflatedFile (native sync-flush and JS fflate) and StoredFile produce valid multi-chunk entries', async () => {
    const { Zip, unzipSync } = await import('fflate');
    const { DeflatedFile, StoredFile } = await import('../../../lib/export/zip-files');
    const parts = [new TextEncoder().encode('baris,satu\r\n'.repeat(5000)), new Uint8Array(randomBytes(70_000)), new TextEncoder().encode('akhir 👍')];
    const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { whole.set(p, o); o += p.length; }
    const out: Uint8Array[] = [];
    const zip = new Zip((err, d) => { if (err) throw err; out.push(d); });
    const files = [new DeflatedFile('a.txt', undefined, 6), new DeflatedFile('b.txt', undefined, 6, { impl: 'js' }), new StoredFile('c.bin')];
    for (const f of files) {
      zip.add(f);
      parts.forEach((p, i) => f.push(p, i === parts.length - 1));
    }
    zip.end();
    const all = new Uint8Array(out.reduce((n, p) => n + p.length, 0));
    o = 0;
    for (const p of out) { all.set(p, o); o += p.length; }
    const back = unzipSync(all);
    for (const name of ['a.txt', 'b.txt', 'c.bin']) expect(Buffer.from(back[name]!).equals(Buffer.from(whole))).toBe(true);
    for (const f of files) expect(f.crc).toBe(zcrc(whole));
  });
});
