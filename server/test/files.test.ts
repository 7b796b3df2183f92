/**
 * Where evidence files live (server/files/store.ts): in the database when several server processes
 * share one PostgreSQL, on disk for the embedded default. What a coordinator depends on: a file
 * received through one store is served byte for byte, large files too (chunked); a data folder
 * from before migration 4 keeps working when the store moves into the database (files copied in
 * on start, then served without the disk); a changed or lost chunk is a server fault, never served
 * as if it were the evidence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../app';
import { FILE_CHUNK_BYTES } from '../files/store';
import { makeNoisePng, makePng, makeRecord, sha256Hex, signedUpload, TEST_TOKENS } from './helpers';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const coord = { Authorization: 'Bearer token-coord-3333' };

describe('evidence files in the database', () => {
  it('a 2.5 MiB screenshot is stored in chunks and served back byte for byte; a changed chunk is a 500, not evidence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-files-db-'));
    dirs.push(dir);
    const srv = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, log: false, files: 'database' });
    try {
      const png = makeNoisePng(2.5 * 1024 * 1024);
      expect(png.length).toBeGreaterThan(2.5 * 1024 * 1024);
      const rec = makeRecord(png);
      expect((await signedUpload(srv.url, rec, png)).res.status).toBe(201);
      const parts = await srv.storage.db.query<{ n: number | string }>('SELECT count(*) AS n FROM evidence_files WHERE path LIKE $1', [`${rec.id}/%`]);
      expect(Number(parts[0]!.n)).toBe(Math.ceil(png.length / FILE_CHUNK_BYTES));
      const res = await fetch(`${srv.url}/v1/evidence/${rec.id}/screenshot`, { headers: coord });
      expect(res.status).toBe(200);
      expect(sha256Hex(new Uint8Array(await res.arrayBuffer()))).toBe(sha256Hex(png));
      // nothing was written to the data folder's screenshots
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(srv.screenshotsDir)).toEqual([]);

      await srv.storage.db.query("UPDATE evidence_files SET bytes = decode('00', 'hex') WHERE path LIKE $1 AND part = 1", [`${rec.id}/%`]);
      expect((await fetch(`${srv.url}/v1/evidence/${rec.id}/screenshot`, { headers: coord })).status).toBe(500);
    } finally {
      await srv.close();
    }
  }, 120_000);

  it("a data folder from before (files on disk) moves into the database on start; the disk copy is then not needed", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-files-move-'));
    dirs.push(dir);
    const png = makePng(40, 30, 9);
    const rec = makeRecord(png);
    const before = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, log: false, files: 'disk' });
    try {
      expect((await signedUpload(before.url, rec, png)).res.status).toBe(201);
    } finally {
      await before.close();
    }
    const lines: string[] = [];
    const after = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, log: (l) => lines.push(l), files: 'database' });
    try {
      expect(lines.some((l) => /1 file\(s\) copied .* into the database/.test(l))).toBe(true);
      await rm(join(after.screenshotsDir, rec.id), { recursive: true, force: true });
      const res = await fetch(`${after.url}/v1/evidence/${rec.id}/screenshot`, { headers: coord });
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
      // the record was filed in the register by the start's backfill as well
      const subjects = await (await fetch(`${after.url}/v1/subjects`, { headers: coord })).json() as { total: number };
      expect(subjects.total).toBe(1);
    } finally {
      await after.close();
    }
  }, 120_000);
});
