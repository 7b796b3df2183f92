/**
 * Reading one upload (multipart/form-data) without holding it in memory: the body streams through
 * @fastify/busboy; file parts (`screenshot`, `full`, `source`) go to temporary files under
 * <data>/tmp, hashed (SHA-256) while they stream; the small JSON parts (`record`, `custody`, `keys`)
 * are kept in memory, each capped at JSON_PART_MAX_BYTES. The caller moves the temporary files into
 * place only when the record is accepted (`moveIntoPlace`) and removes them on every other path
 * (`removeFiles`); `readUpload` itself removes them when it fails.
 *
 * The whole body is read to its end, also after a problem with one part (the reply then waits for
 * it), so that a client can read the answer instead of seeing its upload cut off. The one exception
 * is a body over maxBytes: 413 and the connection is closed.
 */
import Busboy from '@fastify/busboy';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-error';

/** Each of the JSON parts (`record`, `custody`, `keys`) at most this many bytes (4 MiB). */
export const JSON_PART_MAX_BYTES = 4 * 1024 * 1024;
export const FILE_PARTS: ReadonlySet<string> = new Set(['screenshot', 'full', 'source']);
export const JSON_PARTS: ReadonlySet<string> = new Set(['record', 'custody', 'keys']);
/** More parts than this (including unknown ones) is not an upload: 400. */
const MAX_PARTS = 16;
const PNG_HEAD = 8;

export interface FilePart {
  kind: 'file';
  /** the temporary file */
  path: string;
  bytes: number;
  sha256: string;
  /** the first bytes (for the PNG signature) */
  head: Buffer;
}
export interface TextPart { kind: 'text'; text: string }
/** A file part sent as a plain form field (no filename): refused by the caller. */
export interface FieldPart { kind: 'field' }
export type Part = FilePart | TextPart | FieldPart;

export interface Upload {
  parts: Map<string, Part>;
  /** every temporary file made for this upload (moved ones included: removing is idempotent) */
  files: string[];
}

export const tooLarge = (maxBytes: number) => new HttpError(413, `request larger than ${maxBytes} bytes`);
const cutShort = () => new HttpError(400, 'malformed multipart/form-data body (a part was cut short)');

/** Removes files, ignoring those already gone (moved into place, or never written). */
export async function removeFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => unlink(p).catch(() => {})));
}

/** Makes the temporary folder; removes what an earlier process left there more than an hour ago. */
export async function prepareTempDir(tmpDir: string): Promise<void> {
  await mkdir(tmpDir, { recursive: true, mode: 0o750 });
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of await readdir(tmpDir)) {
    const p = join(tmpDir, name);
    const st = await stat(p).catch(() => null);
    if (st?.isFile() && st.mtimeMs < cutoff) await unlink(p).catch(() => {});
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* some filesystems refuse fsync on directories; the rename is still atomic */
  }
}

/**
 * Moves an accepted temporary file to `dest`: fsync, rename (atomic; a copy then rename when the
 * temporary folder is on another filesystem), fsync of the folder, so that the row that points at
 * the file is never committed before the file is durable.
 */
export async function moveIntoPlace(tmp: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const fh = await open(tmp, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const staged = `${dest}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await copyFile(tmp, staged);
      const sh = await open(staged, 'r+');
      try {
        await sh.sync();
      } finally {
        await sh.close();
      }
      await rename(staged, dest);
    } catch (err) {
      await unlink(staged).catch(() => {});
      throw err;
    }
    await unlink(tmp).catch(() => {});
  }
  await syncDir(dirname(dest));
}

/**
 * Reads the whole multipart body of `req`. Resolves with the parts once the body has ended and
 * every file part is on disk; rejects with an HttpError (400 malformed or client gone, 413 too
 * large or a JSON part too large) or the disk's error, after removing its temporary files. A
 * problem with one part (too large, sent twice) is answered once the body has ended. When the
 * parser fails (not multipart after all) or the body passes maxBytes, it stops reading: the
 * caller discards the rest (400) or closes the connection (413).
 */
export function readUpload(
  req: IncomingMessage,
  opts: { contentType: string; maxBytes: number; tmpDir: string },
): Promise<Upload> {
  const { contentType, maxBytes, tmpDir } = opts;
  return new Promise<Upload>((resolve, reject) => {
    const parts = new Map<string, Part>();
    const files: string[] = [];
    const writes: Promise<void>[] = [];
    const openStreams = new Set<{ destroy(e?: Error): void }>();
    let problem: Error | null = null;
    let settled = false;
    let total = 0;
    let watchdog: NodeJS.Timeout | undefined;

    const note = (e: Error) => {
      if (!problem) problem = e;
    };

    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({
        headers: { 'content-type': contentType },
        limits: { fieldSize: JSON_PART_MAX_BYTES, fileSize: maxBytes, parts: MAX_PARTS, headerPairs: 32 },
      });
    } catch {
      reject(new HttpError(400, 'malformed multipart/form-data body (no boundary)'));
      return;
    }

    const detach = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
    };

    /** Ends the read: waits for the file writes, removes the temporary files on failure, settles. */
    const settle = (failure: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      detach();
      if (failure) {
        for (const s of openStreams) s.destroy();
      }
      void Promise.allSettled(writes).then(async (results) => {
        const err = failure ?? problem ?? (results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined)?.reason as Error | undefined ?? null;
        if (err) {
          await removeFiles(files);
          reject(err);
        } else {
          resolve({ parts, files });
        }
      });
    };

    function onData(chunk: Buffer) {
      total += chunk.length;
      if (total > maxBytes) {
        // Stop reading; the reply (413) closes the connection.
        req.pause();
        settle(tooLarge(maxBytes));
        return;
      }
      if (!bb.write(chunk)) {
        req.pause();
        bb.once('drain', () => {
          if (!settled) req.resume();
        });
      }
    }
    function onEnd() {
      bb.end();
      // The parser answers the end of the body with 'finish' or 'error'; should it ever do neither,
      // the upload must not hold its slot forever.
      watchdog = setTimeout(() => settle(new HttpError(400, 'malformed multipart/form-data body (no end)')), 60_000);
      watchdog.unref();
    }
    function onAbort() {
      settle(new HttpError(400, 'the client closed the connection during the upload'));
    }
    function onClose() {
      if (!req.complete) onAbort();
    }

    bb.on('file', (name: string, stream: Readable) => {
      const discard = () => {
        stream.on('error', () => {});
        stream.resume();
      };
      if (problem || settled) return discard();
      if (!FILE_PARTS.has(name) && !JSON_PARTS.has(name)) return discard(); // unknown parts are ignored
      if (parts.has(name)) {
        note(new HttpError(400, `part "${name}" sent twice`));
        return discard();
      }
      if (JSON_PARTS.has(name)) {
        const chunks: Buffer[] = [];
        let size = 0;
        let over = false;
        parts.set(name, { kind: 'text', text: '' });
        const guard = { destroy: () => stream.destroy() };
        openStreams.add(guard);
        writes.push(new Promise<void>((done) => {
          const finish = () => {
            openStreams.delete(guard);
            done();
          };
          stream.on('data', (c: Buffer) => {
            if (over) return;
            size += c.length;
            if (size > JSON_PART_MAX_BYTES) {
              over = true;
              chunks.length = 0;
              note(new HttpError(413, `part "${name}" is larger than ${JSON_PART_MAX_BYTES} bytes`, {}, 'part_too_large'));
              return;
            }
            chunks.push(c);
          });
          stream.on('error', () => {
            settle(cutShort());
            finish();
          });
          stream.on('end', () => {
            if (!over) parts.set(name, { kind: 'text', text: Buffer.concat(chunks).toString('utf8') });
            finish();
          });
          // destroyed when the upload ends early (client gone, too large): 'end' never comes
          stream.on('close', finish);
        }));
        return;
      }
      // A file part: hashed on its way to a temporary file.
      const path = join(tmpDir, `${randomUUID()}.${name}.part`);
      files.push(path);
      const hash = createHash('sha256');
      let bytes = 0;
      let head = Buffer.alloc(0);
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          bytes += chunk.length;
          if (head.length < PNG_HEAD) head = Buffer.concat([head, chunk.subarray(0, PNG_HEAD - head.length)]);
          cb(null, chunk);
        },
      });
      const out = createWriteStream(path, { flags: 'wx', mode: 0o640 });
      const guard = { destroy: (e?: Error) => tap.destroy(e ?? new Error('upload ended')) };
      openStreams.add(guard);
      const entry: FilePart = { kind: 'file', path, bytes: 0, sha256: '', head };
      parts.set(name, entry);
      stream.on('limit', () => note(tooLarge(maxBytes)));
      writes.push(
        pipeline(stream, tap, out)
          .then(() => {
            entry.bytes = bytes;
            entry.sha256 = hash.digest('hex');
            entry.head = head;
          })
          .catch((e: Error) => {
            // The disk failed (a 500), or the part was cut short (400): stop now, the parser would
            // wait for this part forever.
            const err = (e as NodeJS.ErrnoException).syscall ? e : cutShort();
            settle(err);
            throw err;
          })
          .finally(() => openStreams.delete(guard)),
      );
    });

    bb.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (problem || settled) return;
      if (!FILE_PARTS.has(name) && !JSON_PARTS.has(name)) return;
      if (parts.has(name)) return note(new HttpError(400, `part "${name}" sent twice`));
      if (FILE_PARTS.has(name)) {
        parts.set(name, { kind: 'field' });
        return;
      }
      if (valueTruncated) return note(new HttpError(413, `part "${name}" is larger than ${JSON_PART_MAX_BYTES} bytes`, {}, 'part_too_large'));
      parts.set(name, { kind: 'text', text: value });
    });
    bb.on('partsLimit', () => note(new HttpError(400, `more than ${MAX_PARTS} parts`)));
    bb.on('error', () => {
      // The parser gave up (not multipart after all, cut short): the rest of the body is the caller's to discard.
      settle(new HttpError(400, 'malformed multipart/form-data body'));
    });
    bb.on('finish', () => settle(null));

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
    req.resume();
  });
}

/**
 * Reads and discards the rest of a request body, so that a refused client can read the answer
 * instead of having its upload cut off (EPIPE/ECONNRESET). Resolves true when the body ended;
 * false (and the request stays paused: the caller closes the connection) after `limit` more bytes,
 * `ms` milliseconds, or an error.
 */
export function discardRest(req: IncomingMessage, limit: number, ms: number): Promise<boolean> {
  return new Promise<boolean>((done) => {
    if (req.complete) return done(true);
    if (req.destroyed) return done(false);
    let n = 0;
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onError);
      if (!ok) req.pause();
      done(ok);
    };
    const onData = (c: Buffer) => {
      n += c.length;
      if (n > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(req.complete);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onError);
    req.resume();
  });
}

/** Seconds a client waits after a 429 (Retry-After). */
export const UPLOAD_RETRY_AFTER_S = 5;

/** Bounds the uploads being received at once: per token (monitor) and overall. */
export class UploadSlots {
  private readonly perMonitor = new Map<string, number>();
  private total = 0;

  constructor(readonly overall: number, readonly perToken: number) {}

  get active(): number {
    return this.total;
  }

  /** Takes a slot for `monitor` or throws 429 (code too_many_uploads, Retry-After). Returns the release (idempotent). */
  acquire(monitor: string): () => void {
    const mine = this.perMonitor.get(monitor) ?? 0;
    const headers = { 'Retry-After': String(UPLOAD_RETRY_AFTER_S) };
    if (mine >= this.perToken) {
      throw new HttpError(429, `at most ${this.perToken} uploads at a time per token: retry when the others are done`, headers, 'too_many_uploads');
    }
    if (this.total >= this.overall) {
      throw new HttpError(429, `the server is receiving ${this.overall} uploads already: retry shortly`, headers, 'too_many_uploads');
    }
    this.perMonitor.set(monitor, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perMonitor.get(monitor) ?? 1) - 1;
      if (left > 0) this.perMonitor.set(monitor, left);
      else this.perMonitor.delete(monitor);
    };
  }
}
