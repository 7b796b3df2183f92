import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleToBlob, ExportRefusedError, writeBundle, type BundleItem } from '../../../lib/export/bundle';
import { exportFailureText } from '../../../lib/background/export';
import { verifyBundle } from '../../../lib/export/verify';
import { signerOf } from '../../../lib/integrity/keys';
import { bytes, CREATED_BY, makeBundle, rezip, text } from './helpers';
import { makeItem, sha256, signItems, testSigningKey } from './make-record';

const tmp = mkdtempSync(join(tmpdir(), 'asn-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const items3 = () => [makeItem({}, 1), makeItem({ timezone: 'Asia/Makassar' }, 2), makeItem({ timezone: 'Asia/Jayapura' }, 3)];
const files = (v: Awaited<ReturnType<typeof verifyBundle>>) => v.problems.map((p) => p.file);
const codes = (v: Awaited<ReturnType<typeof verifyBundle>>) => v.problems.map((p) => p.code);

describe('bundle round trip', () => {
  it('writes the contract layout and verifies OK', async () => {
    const items = items3();
    const { bytes: zip, result } = await makeBundle(items);
    expect(result.recordCount).toBe(3);
    expect(result.sha256).toBe(sha256(zip));
    expect(result.files.map((f) => f.path)).toEqual([
      ...items.flatMap((i) => [`evidence/${i.record.id}/screenshot.png`, `evidence/${i.record.id}/record.json`]),
      'manifest.json', 'evidence.csv', 'report.html', 'SHA256SUMS', 'signature.json',
    ]);
    const v = await verifyBundle(zip);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    // signed by the exporting installation (signature.json), every record valid under the strict rule
    expect(v.trust).toMatchObject({ signerKeyId: (await testSigningKey()).keyId, legacy: false });
    expect(v.proofs.map((p) => [p.recordId, p.ok])).toEqual(items.map((i) => [i.record.id, true]));
    expect(v.checks.every((c) => c.ok)).toBe(true);
    expect(v.manifest!.records.map((r) => r.id)).toEqual(items.map((i) => i.record.id));
    expect(v.manifest!.custody.filter((c) => c.action === 'export')).toHaveLength(3);
    expect(v.manifest!.custody.filter((c) => c.action === 'capture')).toHaveLength(3);
  });

  it('passes a real `sha256sum -c` and `unzip -t` on the extracted files', async () => {
    const { bytes: zip } = await makeBundle(items3());
    const dir = mkdtempSync(join(tmp, 'x-'));
    writeFileSync(join(dir, 'bundle.zip'), zip);
    execFileSync('unzip', ['-tq', 'bundle.zip'], { cwd: dir });
    execFileSync('unzip', ['-q', 'bundle.zip', '-d', 'out'], { cwd: dir });
    const out = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(dir, 'out'), encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(3 * 2 + 3);
    expect(out).not.toMatch(/FAILED/);
    const csv = readFileSync(join(dir, 'out', 'evidence.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const sums = readFileSync(join(dir, 'out', 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(/^[0-9a-f]{64} {2}evidence\/[0-9a-f-]{36}\/screenshot\.png\n/);
  });

  it('stores PNGs and the image-bearing report, deflates text', async () => {
    const { bytes: zip } = await makeBundle([makeItem()]);
    const methods = new Map<string, number>();
    for (let i = 0; i + 46 < zip.length; i++) {
      if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2) {
        const n = zip[i + 28]! | (zip[i + 29]! << 8);
        methods.set(text(zip.subarray(i + 46, i + 46 + n)), zip[i + 10]!);
      }
    }
    for (const [name, m] of methods) expect([name, m]).toEqual([name, name.endsWith('.png') || name === 'report.html' ? 0 : 8]);
  });

  it('accepts a function, an array, a one-shot generator and Blob screenshots; emits final once, last', async () => {
    const items = await signItems(items3());
    const signer = signerOf(await testSigningKey());
    const flags: boolean[] = [];
    await writeBundle({ items: () => items, createdBy: CREATED_BY, extensionVersion: '0.2.0', signer, onChunk: (_c, f) => { flags.push(f); } });
    expect(flags.filter(Boolean)).toHaveLength(1);
    expect(flags.at(-1)).toBe(true);
    const gen = (async function* () { for (const i of items) yield { ...i, screenshot: new Blob([i.screenshot as BlobPart]) } as BundleItem; })();
    const { blob } = await bundleToBlob({ items: gen, createdBy: CREATED_BY, extensionVersion: '0.2.0', signer });
    expect(blob.type).toBe('application/zip');
    expect((await verifyBundle(blob)).ok).toBe(true);
  });

  it('refuses invalid records, altered screenshots and duplicates with a clear error', async () => {
    const bad = makeItem();
    (bad.record as { capturedAt: string }).capturedAt = 'kemarin';
    await expect(makeBundle([bad])).rejects.toThrow(new RegExp(`record ${bad.record.id} is invalid: capturedAt`));
    const altered = makeItem();
    altered.screenshot = altered.screenshot.slice();
    altered.screenshot[20]! ^= 1;
    await expect(makeBundle([altered])).rejects.toThrow(/does not match the SHA-256 recorded at capture/);
    // what the monitor reads: the ASN named, what to do, no record id, hash or English
    const err = await makeBundle([altered]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportRefusedError);
    const id = exportFailureText('id', err);
    expect(id).toContain(altered.record.subject.name!);
    expect(id).toMatch(/tangkapan layar .* tidak sama lagi .* laporkan ke koordinator/);
    expect(id).not.toMatch(/SHA|[0-9a-f]{12}|Refusing|record/);
    expect(id).not.toContain(altered.record.id);
    expect(exportFailureText('en', err)).toMatch(/^Export stopped: the screenshot of the record about /);
    const dup = makeItem();
    await expect(makeBundle([dup, dup])).rejects.toThrow(/appears twice/);
    await expect(makeBundle([makeItem()], { extensionVersion: '' })).rejects.toThrow(/Refusing to write the bundle: manifest.json does not match the schema: extensionVersion/);
    const changing = [makeItem({}, 1), makeItem({}, 2)];
    let pass = 0;
    await expect(makeBundle([], { items: () => (++pass === 1 ? changing : changing.slice(0, 1)) })).rejects.toThrow(/changed between the two passes/);
  });
});

describe('verifier: bad input', () => {
  it('names the screenshot whose bytes were flipped inside the ZIP', async () => {
    const items = items3();
    const { bytes: zip } = await makeBundle(items);
    const target = items[1]!.screenshot;
    const at = Buffer.from(zip).indexOf(Buffer.from(target));
    expect(at).toBeGreaterThan(0);
    const t = zip.slice();
    t[at + 40]! ^= 0xff;
    const v = await verifyBundle(t);
    expect(v.ok).toBe(false);
    expect(files(v)).toEqual([`evidence/${items[1]!.record.id}/screenshot.png`]);
    expect(codes(v)).toEqual(['entry_crc_mismatch']);
  });

  it('names a screenshot replaced in a re-zipped bundle (hash vs SHA256SUMS and vs capture)', async () => {
    const items = items3();
    const { bytes: zip } = await makeBundle(items);
    const name = `evidence/${items[0]!.record.id}/screenshot.png`;
    const t = rezip(zip, (f) => { const b = f[name]!.slice(); b[30]! ^= 1; f[name] = b; });
    const v = await verifyBundle(t);
    expect(v.ok).toBe(false);
    expect(new Set(files(v))).toEqual(new Set([name]));
    expect(codes(v).sort()).toEqual(['hash_mismatch', 'screenshot_mismatch']);
    expect(v.problems.find((p) => p.code === 'hash_mismatch')!.message).toContain(`${name}: SHA-256 does not match SHA256SUMS`);
    // ... even when the forger also rewrites SHA256SUMS, the hash recorded at capture catches it
    const t2 = rezip(zip, (f) => {
      const b = f[name]!.slice(); b[30]! ^= 1; f[name] = b;
      f.SHA256SUMS = bytes(text(f.SHA256SUMS!).replace(new RegExp(`^[0-9a-f]{64}(  ${name})$`, 'm'), `${sha256(b)}$1`));
    });
    const v2 = await verifyBundle(t2);
    // rewriting SHA256SUMS also breaks the exporter's signature over it (signature.json): a
    // legitimate second problem, besides the one this test is about
    expect(v2.problems.map((p) => [p.file, p.code])).toEqual([[name, 'screenshot_mismatch'], ['signature.json', 'bundle_signature_invalid']]);
  });

  it('reports a truncated ZIP clearly', async () => {
    const { bytes: zip } = await makeBundle(items3());
    for (const cut of [zip.length - 10, Math.floor(zip.length / 2), 100]) {
      const v = await verifyBundle(zip.subarray(0, cut));
      expect(v.ok).toBe(false);
      expect(v.problems).toHaveLength(1);
      expect(v.problems[0]).toMatchObject({ file: '(zip)', code: 'zip_truncated' });
      expect(v.problems[0]!.message).toMatch(/truncated/);
      expect(v.problems[0]!.messageId).toMatch(/terpotong/);
    }
    expect((await verifyBundle(new Uint8Array(0))).problems[0]!.code).toBe('zip_empty');
    expect((await verifyBundle(bytes('hello, this is not a zip at all'))).problems[0]!.code).toBe('zip_not_zip');
  });

  it('reports a manifest of the wrong format or version precisely', async () => {
    const { bytes: zip } = await makeBundle([makeItem()]);
    const edit = (fn: (m: Record<string, unknown>) => void) => rezip(zip, (f) => {
      const m = JSON.parse(text(f['manifest.json']!));
      fn(m);
      f['manifest.json'] = bytes(JSON.stringify(m));
    });
    const v1 = await verifyBundle(edit((m) => { m.format = 'other-tool'; }));
    expect(v1.problems.find((p) => p.file === 'manifest.json')).toMatchObject({ code: 'manifest_format' });
    const v2 = await verifyBundle(edit((m) => { m.formatVersion = 2; }));
    const p2 = v2.problems.find((p) => p.file === 'manifest.json')!;
    expect(p2.code).toBe('manifest_version');
    expect(p2.message).toContain('formatVersion 2 is not supported');
    expect(p2.messageId).toContain('formatVersion 2 tidak didukung');
    expect(v2.ok).toBe(false);
    const v3 = await verifyBundle(rezip(zip, (f) => { f['manifest.json'] = bytes('{"format": "asn-evidence-bundle",'); }));
    expect(v3.problems.find((p) => p.file === 'manifest.json')!.code).toBe('manifest_json');
    const v4 = await verifyBundle(rezip(zip, (f) => { delete f['manifest.json']; }));
    expect(v4.problems.map((p) => p.code)).toContain('manifest_missing');
    const v5 = await verifyBundle(edit((m) => { (m.records as { subject: { nip: string } }[])[0]!.subject.nip = '123'; }));
    expect(v5.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['manifest_schema', 'record_invalid', 'hash_mismatch']));
  });

  it('refuses zip-slip, absolute, backslash, control-character and overlong names', async () => {
    const { bytes: zip } = await makeBundle([makeItem()]);
    for (const evil of ['../../etc/cron.d/x', 'evidence/../../x', '/etc/passwd', 'C:/Windows/x', 'evidence\\..\\x', 'a/./b', 'x\u0000y', `${'a'.repeat(300)}.png`]) {
      const t = rezip(zip, (f) => { f[evil] = bytes('pwned'); });
      const v = await verifyBundle(t);
      expect(v.ok).toBe(false);
      const p = v.problems.find((q) => q.code === 'unsafe_name');
      expect(p, evil).toBeDefined();
      expect(p!.file.length).toBeLessThan(200);
    }
  });

  it('flags unlisted extra files, missing files, duplicate entries and record.json edits', async () => {
    const items = items3();
    const { bytes: zip } = await makeBundle(items);
    const v1 = await verifyBundle(rezip(zip, (f) => { f['readme.txt'] = bytes('hi'); }));
    expect(v1.problems.map((p) => [p.file, p.code])).toEqual([['readme.txt', 'not_listed'], ['readme.txt', 'unexpected_file']]);
    const shot = `evidence/${items[2]!.record.id}/screenshot.png`;
    const v2 = await verifyBundle(rezip(zip, (f) => { delete f[shot]; }));
    expect(v2.problems.map((p) => [p.file, p.code])).toEqual([[shot, 'listed_missing'], [shot, 'missing_file']]);
    const rj = `evidence/${items[0]!.record.id}/record.json`;
    const v3 = await verifyBundle(rezip(zip, (f) => {
      const r = JSON.parse(text(f[rj]!)); r.subject.name = 'Orang Lain'; f[rj] = bytes(JSON.stringify(r));
      f.SHA256SUMS = bytes(text(f.SHA256SUMS!).replace(new RegExp(`^[0-9a-f]{64}(  ${rj})$`, 'm'), `${sha256(f[rj]!)}$1`));
    }));
    // the rewritten SHA256SUMS no longer matches the exporter's signature (legitimate extra problem)
    expect(v3.problems.map((p) => [p.file, p.code])).toEqual([[rj, 'record_mismatch'], ['signature.json', 'bundle_signature_invalid']]);
    // the same name twice (fflate cannot write it: build with two zips' entries by hand via raw zip)
    const dupName = 'evidence.csv';
    const two = zipSync({ [dupName]: strToU8('a'), 'evidence.cxx': strToU8('b') }, { level: 0 });
    const patched = Buffer.from(two).toString('latin1').replaceAll('evidence.cxx', dupName);
    const v4 = await verifyBundle(new Uint8Array(Buffer.from(patched, 'latin1')));
    expect(v4.problems.map((p) => p.code)).toContain('duplicate_entry');
  });

  it('guards against ZIP bombs (declared and actual sizes)', async () => {
    const bomb = zipSync({ 'manifest.json': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(50_000);
    const v = await verifyBundle(bomb, { maxTotalBytes: 1024 * 1024 });
    expect(v.problems[0]).toMatchObject({ file: '(zip)', code: 'too_large' });
    const v2 = await verifyBundle(bomb, { maxManifestBytes: 1024 * 1024 });
    expect(v2.problems.find((p) => p.file === 'manifest.json')!.code).toBe('entry_too_large');
    // the directory lies about the size: stopped while inflating
    const lie = bomb.slice();
    const cd = Buffer.from(lie).lastIndexOf(Buffer.from([0x50, 0x4b, 1, 2]));
    new DataView(lie.buffer).setUint32(cd + 24, 1000, true);
    const v3 = await verifyBundle(lie);
    expect(v3.problems.find((p) => p.file === 'manifest.json')!.code).toBe('entry_too_large');
  });

  it('verifies from a Blob and a custom random-access reader', async () => {
    const { bytes: zip } = await makeBundle([makeItem()]);
    let reads = 0;
    const v = await verifyBundle({ size: zip.length, read: async (o, l) => { reads++; return zip.slice(o, o + l); } });
    expect(v.ok).toBe(true);
    expect(reads).toBeGreaterThan(3);
    expect((await verifyBundle(new Blob([zip as BlobPart]))).ok).toBe(true);
  });
});
