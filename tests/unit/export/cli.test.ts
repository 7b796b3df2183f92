import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, rezip } from './helpers';
import { makeItem } from './make-record';

const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'asn-cli-'));
let good = '', bad = '', truncated = '', badName = '';

beforeAll(async () => {
  // Build the CLI exactly as users get it (esbuild bundle), into a temp dir next to a copy of the bin.
  execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs'), '--outdir', dir], { stdio: 'pipe' });
  copyFileSync(join(root, 'bin/asn-evidence.mjs'), join(dir, 'asn-evidence.mjs'));
  const items = [makeItem({}, 1), makeItem({}, 2)];
  const { bytes } = await makeBundle(items);
  good = join(dir, 'good.zip');
  writeFileSync(good, bytes);
  badName = `evidence/${items[1]!.record.id}/screenshot.png`;
  bad = join(dir, 'bad.zip');
  writeFileSync(bad, rezip(bytes, (f) => { const b = f[badName]!.slice(); b[40]! ^= 1; f[badName] = b; }));
  truncated = join(dir, 'trunc.zip');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 30));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'asn-evidence.mjs'), ...args], { encoding: 'utf8' });

describe('asn-evidence CLI (plain node, prebuilt bundle)', () => {
  it('exit 0 and one OK line per check for a valid bundle (Indonesian by default)', () => {
    const r = run('verify', good);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[OK   ] SHA256SUMS cocok dengan setiap berkas');
    expect(r.stdout).toContain('HASIL: paket bukti VALID - 2 bukti');
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('['))).toHaveLength(9); // one line per check (9)...
    expect(lines.filter((l) => l.startsWith('[OK   ]'))).toHaveLength(9); // ... all OK
    // then per record: its verdict, who signed it at capture, its (missing) server receipt; then who
    // signed the bundle and the note that no server key was given
    expect(lines.filter((l) => /^Bukti [12] - Budi Santoso, NIP 198501012010011001 \(ID [0-9a-f-]{36}\): tanda tangan sah$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('  ditandatangani saat penangkapan oleh instalasi '))).toHaveLength(2);
    expect(r.stdout).toMatch(/^Paket ditandatangani oleh instalasi [0-9a-f]{16}\.$/m);
    expect(lines).toHaveLength(1 + 9 + 2 * 3 + 2 + 1); // header, checks, 2 records x 3, bundle signer + server-key note, verdict
    expect(lines.at(-1)).toMatch(/^HASIL: paket bukti VALID/);
  });

  it('exit 1 naming the failing file; --lang en', () => {
    const r = run('verify', bad, '--lang', 'en');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('[FAIL ] SHA256SUMS matches every file');
    expect(r.stdout).toContain(`RESULT: bundle INVALID - failing files: ${badName}`);
    const t = run('verify', truncated);
    expect(t.status).toBe(1);
    expect(t.stdout).toContain('ZIP terpotong');
  });

  it('names the ASN and the record first, then what is wrong in plain words, the file and hashes as detail', () => {
    for (const [lang, head, summary, detail] of [
      ['id', 'Bukti 2 dari 2: Budi Santoso, NIP 198501012010011001, Facebook, ditangkap 13 Sep 2024 09.15.04 WIB:', '  - Tangkapan layar telah diubah setelah penangkapan.', '    rincian: '],
      ['en', 'Record 2 of 2: Budi Santoso, NIP 198501012010011001, Facebook, captured 13 Sep 2024 09:15:04 WIB:', '  - The screenshot was changed after it was captured.', '    detail: '],
    ] as const) {
      const r = run('verify', bad, '--lang', lang);
      expect(r.status).toBe(1);
      const lines = r.stdout.split('\n');
      // right after the header line: the record, its plain problem, then the technical detail
      expect(lines[1]).toBe(head);
      const block = lines.slice(2, lines.findIndex((l) => l.startsWith('[')));
      expect(block).toContain(summary);
      expect(block.findIndex((l) => l === summary)).toBeLessThan(block.findIndex((l) => l.startsWith(`${detail}${badName}: `)));
      expect(block.filter((l) => l.startsWith('  - ')).every((l) => !/[0-9a-f]{64}|evidence\//.test(l))).toBe(true);
      expect(r.stdout.indexOf(head)).toBeLessThan(r.stdout.indexOf('\n['));
    }
    // --json stays machine-readable, with the record and summary added to each problem
    const j = JSON.parse(run('verify', bad, '--json').stdout);
    const p = j.problems.find((x: { code: string }) => x.code === 'screenshot_mismatch');
    expect(p).toMatchObject({ file: badName, record: { index: 2, name: 'Budi Santoso', nip: '198501012010011001', platform: 'facebook' }, summaryId: 'Tangkapan layar telah diubah setelah penangkapan.' });
  });

  it('exit 2 on usage errors', () => {
    expect(run().status).toBe(2);
    expect(run('verify').status).toBe(2);
    expect(run('check', good).status).toBe(2);
    expect(run('verify', good, '--lang', 'fr').status).toBe(2);
    expect(run('verify', join(dir, 'missing.zip')).status).toBe(2);
    expect(run('verify', dir).status).toBe(2);
    expect(run('--help').status).toBe(0);
  });

  it('--json prints the machine-readable result', () => {
    const r = run('verify', bad, '--json');
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.problems.map((p: { file: string }) => p.file)).toContain(badName);
  });
});
