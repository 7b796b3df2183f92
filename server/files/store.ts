/**
 * Where evidence files live (docs/server.md, "Files"). Two stores behind one interface:
 * - `database` (the default with DATABASE_URL): chunks in PostgreSQL (migration 4), so every
 *   server process on that database reads what any of them received;
 * - `disk` (the default for the embedded PGlite): files under <data>/screenshots, as before.
 * A file is written once under a path that contains its sha256 and never changed; `put` of a path
 * already stored does nothing. The database store also reads a file still on disk (databases
 * from before migration 4) and `importFromDisk` copies those in.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlDriver } from '../storage';
import { moveIntoPlace } from '../upload';

/** 1 MiB per row: memory per upload stays small whatever the file size. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

export type FileStoreKind = 'disk' | 'database';

export interface FileStore {
  readonly kind: FileStoreKind;
  /** Stores the temporary file `tmpPath` (sha256 known) at `path`; the temporary file is consumed. */
  put(path: string, tmpPath: string, sha256: string): Promise<void>;
  /** The file's bytes, or null when it is not stored. */
  get(path: string): Promise<Buffer | null>;
  /** Removes a file nobody refers to (a lost race); only the disk store has such leftovers. */
  discard(path: string): Promise<void>;
}

export class DiskFileStore implements FileStore {
  readonly kind = 'disk' as const;
  constructor(readonly dir: string) {}
  async put(path: string, tmpPath: string): Promise<void> {
    await moveIntoPlace(tmpPath, join(this.dir, path));
  }
  async get(path: string): Promise<Buffer | null> {
    try {
      return await readFile(join(this.dir, path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
  async discard(path: string): Promise<void> {
    await unlink(join(this.dir, path)).catch(() => {});
  }
}

export class DatabaseFileStore implements FileStore {
  readonly kind = 'database' as const;
  /** `legacyDir`: where files were kept before (read when a path is not in the database). */
  constructor(private readonly db: SqlDriver, private readonly legacyDir: string | null) {}

  async put(path: string, tmpPath: string, sha256: string): Promise<void> {
    await this.store(path, tmpPath, sha256);
    await unlink(tmpPath).catch(() => {});
  }

  /** Copies `file` in chunks under `path` (once; a path already stored is left as it is). `expect`: its sha256, checked while reading. */
  private async store(path: string, file: string, expect: string | null): Promise<void> {
    if (await this.has(path)) return;
    await this.db.transaction(async (q) => {
      // Two processes storing the same path: the second waits here, then sees it stored.
      await q('SELECT pg_advisory_xact_lock(727274002, hashtext($1))', [path]);
      if ((await q('SELECT 1 FROM evidence_file_sums WHERE path = $1', [path])).length > 0) return;
      const hash = createHash('sha256');
      let part = 0;
      let size = 0;
      for await (const chunk of createReadStream(file, { highWaterMark: FILE_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        await q('INSERT INTO evidence_files (path, part, bytes) VALUES ($1, $2, $3)', [path, part++, chunk]);
      }
      const got = hash.digest('hex');
      if (expect !== null && got !== expect) throw new Error(`file ${path} changed while it was stored (sha256 ${got})`);
      await q('INSERT INTO evidence_file_sums (path, sha256, size, parts, stored_at) VALUES ($1, $2, $3, $4, $5)', [path, got, size, part, new Date().toISOString()]);
    });
  }

  private async has(path: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM evidence_file_sums WHERE path = $1', [path])).length > 0;
  }

  async get(path: string): Promise<Buffer | null> {
    const sums = await this.db.query<{ sha256: string; parts: number }>('SELECT sha256, parts FROM evidence_file_sums WHERE path = $1', [path]);
    const sum = sums[0];
    if (!sum) return this.legacyDir ? new DiskFileStore(this.legacyDir).get(path) : null;
    const rows = await this.db.query<{ part: number; bytes: Uint8Array }>('SELECT part, bytes FROM evidence_files WHERE path = $1 ORDER BY part', [path]);
    const buf = Buffer.concat(rows.map((r) => Buffer.from(r.bytes)));
    // A row lost or changed in the database is not served as if it were the evidence.
    if (rows.length !== Number(sum.parts) || createHash('sha256').update(buf).digest('hex') !== sum.sha256) {
      throw new Error(`stored file ${path} does not match its sha256`);
    }
    return buf;
  }

  async discard(): Promise<void> {
    // Nothing to clean: a path is stored once and the row that lost the race names the same bytes.
  }

  /** Copies the files of every stored record that are only on disk (before migration 4) into the database. */
  async importFromDisk(dir: string): Promise<number> {
    const rows = await this.db.query<{ p: string }>(
      `SELECT p FROM (
         SELECT screenshot_path AS p FROM evidence UNION SELECT full_path FROM evidence UNION SELECT source_path FROM evidence
       ) x WHERE p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM evidence_file_sums s WHERE s.path = x.p)`,
    );
    let copied = 0;
    for (const { p } of rows) {
      const file = join(dir, p);
      try {
        await stat(file);
      } catch {
        continue;
      }
      // stored as it is on disk (hashed once, while it is read); the disk copy stays
      await this.store(p, file, null);
      copied++;
    }
    return copied;
  }
}

export function openFileStore(kind: FileStoreKind, db: SqlDriver, dir: string): FileStore {
  return kind === 'disk' ? new DiskFileStore(dir) : new DatabaseFileStore(db, dir);
}
