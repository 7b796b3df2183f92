/**
 * A bundle unzipped and zipped again by another tool, untouched, is still valid: `zip -r` and
 * Python's zipfile add folder entries ("evidence/", "evidence/<id>/"), which hold no data. Anything
 * else stays strict: an extra file, or a "folder" that is not one of the bundle's own, is a problem.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../lib/export/verify';
import { readDirectory, bytesReader } from '../../../lib/export/zip-reader';
import { makeBundle } from './helpers';
import { makeItem } from './make-record';

const root = join(__dirname, '../../..');
/** The independent Python reference verifier (tools/verify_bundle.py) agrees: exit 0 = valid. */
const pythonVerdict = (zip: string) => spawnSync('python3', [join(root, 'tools/verify_bundle.py'), zip], { encoding: 'utf8' });

const work = mkdtempSync(join(tmpdir(), 'asn-rezip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** python3 zipfile: extract `zip` to `dir`, then zip `dir` again walking it (folders included), plus `extra` files. */
function pythonRezip(zip: string, dir: string, out: string, extra: Record<string, string> = {}, folders: string[] = []): void {
  execFileSync('python3', ['-c', [
    'import sys, zipfile, os, json',
    'zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])',
    'with zipfile.ZipFile(sys.argv[3], "w", zipfile.ZIP_DEFLATED) as z:',
    '    for root, dirs, files in os.walk(sys.argv[2]):',
    '        for n in sorted(dirs) + sorted(files):',
    '            p = os.path.join(root, n)',
    '            z.write(p, os.path.relpath(p, sys.argv[2]))',
    '    for k, v in json.loads(sys.argv[4]).items(): z.writestr(k, v)',
    '    for f in json.loads(sys.argv[5]): z.writestr(zipfile.ZipInfo(f), b"")',
  ].join('\n'), zip, dir, out, JSON.stringify(extra), JSON.stringify(folders)]);
}

async function bundleFile(name: string): Promise<string> {
  const { bytes } = await makeBundle([makeItem({}, 1), makeItem({}, 2)]);
  const p = join(work, name);
  writeFileSync(p, bytes);
  return p;
}

const verifyFile = async (p: string) => verifyBundle(new Uint8Array(readFileSync(p)));

describe('a re-zipped bundle', () => {
  it('zipped again with python3 zipfile (folder entries added) verifies as valid', async () => {
    const src = await bundleFile('a.zip');
    const out = join(work, 'a-py.zip');
    pythonRezip(src, join(work, 'a'), out);
    const dir = await readDirectory(bytesReader(new Uint8Array(readFileSync(out))));
    const folders = dir.entries.filter((e) => e.name.endsWith('/')).map((e) => e.name);
    expect(folders).toContain('evidence/');
    expect(folders.length).toBe(3); // evidence/ and one per record: the test really has folder entries
    const r = await verifyFile(out);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.manifest?.records).toHaveLength(2);
    const py = pythonVerdict(out);
    expect(py.status, py.stdout).toBe(0);
  });

  it('zipped again with Info-ZIP `zip -r` verifies as valid', async (ctx) => {
    if (spawnSync('zip', ['-v']).status !== 0) ctx.skip();
    const src = await bundleFile('b.zip');
    const dir = join(work, 'b');
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', src, dir]);
    const out = join(work, 'b-zip.zip');
    execFileSync('zip', ['-q', '-r', out, '.'], { cwd: dir });
    const names = (await readDirectory(bytesReader(new Uint8Array(readFileSync(out))))).entries.map((e) => e.name);
    expect(names).toContain('evidence/');
    const r = await verifyFile(out);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('stays strict: an extra file, a folder with content, or a foreign empty folder is a problem', async () => {
    const src = await bundleFile('c.zip');
    const extra = join(work, 'c-extra.zip');
    pythonRezip(src, join(work, 'c1'), extra, { 'evidence/catatan.txt': 'tambahan' });
    const r1 = await verifyFile(extra);
    expect(r1.ok).toBe(false);
    expect(r1.problems.map((p) => [p.file, p.code])).toEqual(expect.arrayContaining([['evidence/catatan.txt', 'unexpected_file']]));

    const fake = join(work, 'c-fakefolder.zip');
    pythonRezip(src, join(work, 'c2'), fake, { 'evidence/x/': 'bukan folder' });
    const r2 = await verifyFile(fake);
    expect(r2.ok).toBe(false);
    expect(r2.problems.map((p) => [p.file, p.code])).toEqual(expect.arrayContaining([['evidence/x/', 'unexpected_file']]));

    const foreign = join(work, 'c-foreign.zip');
    pythonRezip(src, join(work, 'c3'), foreign, {}, ['lain/']);
    const r3 = await verifyFile(foreign);
    expect(r3.ok).toBe(false);
    expect(r3.problems.map((p) => [p.file, p.code])).toEqual([['lain/', 'unexpected_file']]);
    for (const z of [extra, fake, foreign]) expect(pythonVerdict(z).status, z).toBe(1);
  });
});
