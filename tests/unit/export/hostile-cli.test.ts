/**
 * Hostile bundles against the CLI as users get it (issue 13): escape sequences hidden in a file
 * name, in a JSON error snippet and in a schema error path must reach the terminal as visible
 * escapes, never as control characters (one such line used to paint a green "VALID" over the
 * real verdict); --json too. And a small ZIP declaring a huge SHA256SUMS is refused by its cap,
 * with a clear message, before it is inflated.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../lib/export/verify';
import { makeBundle, rezip, text, bytes } from './helpers';
import { makeItem } from './make-record';

const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'asn-hostile-cli-'));
const ESC = '\u001b[2K\r\u001b[32mRESULT: bundle VALID\u001b[0m \u009b31m \u202e';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const hostile: Record<string, string> = {};

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs'), '--outdir', dir], { stdio: 'pipe' });
  copyFileSync(join(root, 'bin/asn-evidence.mjs'), join(dir, 'asn-evidence.mjs'));
  const { bytes: zip } = await makeBundle([makeItem()]);
  const write = (name: string, b: Uint8Array) => { hostile[name] = join(dir, `${name}.zip`); writeFileSync(hostile[name]!, b); };
  // a file name carrying escape sequences
  write('name', rezip(zip, (f) => { f[`evidence/x${ESC}.png`] = bytes('x'); }));
  // manifest.json that is not JSON: the parser's error quotes the hostile text
  write('json', rezip(zip, (f) => { f['manifest.json'] = bytes(`{"format": "asn-evidence-bundle", ${ESC}`); }));
  // a schema error whose path is a hostile key
  write('schema', rezip(zip, (f) => {
    const m = JSON.parse(text(f['manifest.json']!)) as { records: { fieldSources: Record<string, unknown> }[] };
    m.records[0]!.fieldSources[ESC] = 42;
    f['manifest.json'] = bytes(JSON.stringify(m));
  }));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'asn-evidence.mjs'), ...args], { encoding: 'utf8' });

describe('the CLI prints untrusted text escaped', () => {
  for (const name of ['name', 'json', 'schema']) {
    it(`${name}: no control or bidi character reaches the terminal, text or --json; the verdict is INVALID`, () => {
      for (const args of [['verify', hostile[name]!, '--lang', 'en'], ['verify', hostile[name]!, '--json']]) {
        const r = run(...args);
        expect(r.status, r.stdout + r.stderr).toBe(1);
        expect(CONTROL.test(r.stdout + r.stderr), JSON.stringify(r.stdout)).toBe(false);
        if (args.includes('--json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
        else {
          expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^RESULT: bundle INVALID/);
          if (name !== 'json') expect(r.stdout).toMatch(/\\(u001b|x1b)/); // shown, not executed
        }
      }
    });
  }
});

describe('size caps on what the verifier keeps in memory', () => {
  it('a small ZIP declaring a 64 MiB SHA256SUMS is refused by its cap with a clear message', async () => {
    const parts: Uint8Array[] = [];
    const z = new Zip((err, chunk) => { if (err) throw err; parts.push(chunk); });
    const sums = new ZipDeflate('SHA256SUMS', { level: 1 });
    z.add(sums);
    const line = strToU8(`${'0'.repeat(64)}  evidence/x/screenshot.png\n`.repeat(8192));
    for (let sent = 0; sent < 64 * 1024 * 1024; sent += line.length) sums.push(line, false);
    sums.push(new Uint8Array(0), true);
    const other = zipSync({ 'manifest.json': strToU8('{}') });
    void other;
    z.end();
    const zip = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { zip.set(p, o); o += p.length; }
    expect(zip.length).toBeLessThan(1024 * 1024);
    const r = await verifyBundle(zip);
    expect(r.ok).toBe(false);
    const p = r.problems.find((x) => x.file === 'SHA256SUMS');
    expect(p?.message).toMatch(/more than the limit of 16777216/);
    expect(p?.messageId).toMatch(/melebihi batas 16777216/);
  });
});
