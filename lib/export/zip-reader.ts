/**
 * A defensive, random-access ZIP reader for the verifier and the importer.
 *
 * It reads the central directory first (so names can be checked before any byte is inflated),
 * streams each entry in small slices (memory stays near one slice), inflates with fflate's
 * streaming Inflate in 16 KB input steps (a deflate bomb cannot produce more than ~16 MB per step
 * before the size cap stops it), and checks CRC-32 and size against the directory.
 */
import { Inflate } from 'fflate';
import { createCrc32 } from './crc32';

export interface RandomAccessReader {
  /** total size in bytes */
  readonly size: number;
  /** exactly `length` bytes from `offset` (fewer only at end of file) */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesReader(bytes: Uint8Array): RandomAccessReader {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.byteLength, offset + length)),
  };
}

export function blobReader(blob: Blob): RandomAccessReader {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + length)).arrayBuffer()),
  };
}

export function toReader(input: Uint8Array | Blob | RandomAccessReader): RandomAccessReader {
  if (input instanceof Uint8Array) return bytesReader(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobReader(input);
  return input as RandomAccessReader;
}

export type ZipErrorCode = 'empty' | 'not_zip' | 'truncated' | 'zip64' | 'multi_disk' | 'corrupt' | 'too_many_entries';

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
  constructor(public code: ZipErrorCode, message: string, public messageId: string) {
    super(message);
  }
}

export class ZipEntryError extends Error {
  override name = 'ZipEntryError';
  constructor(
    public code: 'truncated' | 'bad_local_header' | 'crc_mismatch' | 'size_mismatch' | 'inflate_error' | 'too_large' | 'unsupported_method' | 'encrypted',
    message: string,
    public messageId: string,
  ) {
    super(message);
  }
}

export interface ZipEntry {
  name: string;
  /** false when the name bytes are not valid UTF-8 (shown with replacement characters) */
  nameValid: boolean;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** index in the central directory */
  index: number;
  rawName: Uint8Array;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** where the central directory starts (entry data must end before it) */
  cdOffset: number;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

export const MAX_ENTRIES = 200_000;

export async function readDirectory(reader: RandomAccessReader, opts: { maxEntries?: number } = {}): Promise<ZipDirectory> {
  const size = reader.size;
  if (size === 0) throw new ZipFormatError('empty', 'the file is empty (0 bytes)', 'berkas kosong (0 bita)');
  const tailLen = Math.min(size, 22 + 65535);
  const tail = await reader.read(size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) {
      const commentLen = u16(tail, i + 20);
      if (i + 22 + commentLen === tail.length) { eocd = i; break; }
      if (eocd < 0 && i + 22 + commentLen <= tail.length) eocd = i;
    }
  }
  if (eocd < 0) {
    const head = await reader.read(0, Math.min(4, size));
    if (head.length >= 4 && u32(head, 0) === 0x04034b50) {
      throw new ZipFormatError('truncated',
        `the ZIP is truncated: its end (the central directory) is missing, so the file was cut off - download or copy it again (${size} bytes present)`,
        `ZIP terpotong: bagian akhirnya (direktori pusat) tidak ada, jadi berkas terpotong - unduh atau salin ulang (${size} bita tersedia)`);
    }
    throw new ZipFormatError('not_zip', 'not a ZIP file (no ZIP signature found)', 'bukan berkas ZIP (tanda tangan ZIP tidak ditemukan)');
  }
  const eocdPos = size - tailLen + eocd;
  const disk = u16(tail, eocd + 4), cdDisk = u16(tail, eocd + 6);
  const countDisk = u16(tail, eocd + 8), count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12), cdOffset = u32(tail, eocd + 16);
  if (disk !== 0 || cdDisk !== 0 || countDisk !== count) {
    throw new ZipFormatError('multi_disk', 'multi-part (split) ZIP archives are not supported', 'ZIP multi-bagian (terpecah) tidak didukung');
  }
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipFormatError('zip64', 'ZIP64 archives are not produced by the extension and are not supported', 'arsip ZIP64 tidak dibuat oleh ekstensi dan tidak didukung');
  }
  if (count > (opts.maxEntries ?? MAX_ENTRIES)) {
    throw new ZipFormatError('too_many_entries', `too many files in the ZIP (${count})`, `terlalu banyak berkas di dalam ZIP (${count})`);
  }
  if (cdOffset + cdSize > eocdPos) {
    throw new ZipFormatError('truncated',
      `the ZIP is truncated or damaged: its directory points past the end of the data (${cdOffset + cdSize} > ${eocdPos})`,
      `ZIP terpotong atau rusak: direktorinya menunjuk melewati akhir data (${cdOffset + cdSize} > ${eocdPos})`);
  }
  const cd = await reader.read(cdOffset, cdSize);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const lax = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) {
      throw new ZipFormatError('corrupt', `the ZIP directory is damaged at entry ${i + 1}`, `direktori ZIP rusak pada entri ${i + 1}`);
    }
    const flags = u16(cd, p + 8), method = u16(cd, p + 10);
    const crc = u32(cd, p + 16), csize = u32(cd, p + 20), usize = u32(cd, p + 24);
    const n = u16(cd, p + 28), m = u16(cd, p + 30), k = u16(cd, p + 32);
    const off = u32(cd, p + 42);
    if (p + 46 + n + m + k > cd.length) {
      throw new ZipFormatError('corrupt', `the ZIP directory is damaged at entry ${i + 1}`, `direktori ZIP rusak pada entri ${i + 1}`);
    }
    const rawName = cd.slice(p + 46, p + 46 + n);
    let name: string, nameValid = true;
    try { name = dec.decode(rawName); } catch { name = lax.decode(rawName); nameValid = false; }
    if (csize === 0xffffffff || usize === 0xffffffff || off === 0xffffffff) {
      throw new ZipFormatError('zip64', 'ZIP64 entries are not supported', 'entri ZIP64 tidak didukung');
    }
    entries.push({ name, nameValid, flags, method, crc, compressedSize: csize, uncompressedSize: usize, localHeaderOffset: off, index: i, rawName });
    p += 46 + n + m + k;
  }
  return { entries, cdOffset };
}

/** Where the entry's data starts and ends; checks the local header against the directory. */
export async function locateEntry(reader: RandomAccessReader, dir: ZipDirectory, e: ZipEntry): Promise<{ start: number; end: number }> {
  if (e.localHeaderOffset + 30 > dir.cdOffset) {
    throw new ZipEntryError('truncated', 'its data lies outside the archive (truncated or damaged ZIP)', 'datanya berada di luar arsip (ZIP terpotong atau rusak)');
  }
  const h = await reader.read(e.localHeaderOffset, 30);
  if (h.length < 30 || u32(h, 0) !== 0x04034b50) {
    throw new ZipEntryError('bad_local_header', 'its local header is missing or damaged', 'header lokalnya tidak ada atau rusak');
  }
  const n = u16(h, 26), m = u16(h, 28);
  const name = await reader.read(e.localHeaderOffset + 30, n);
  if (name.length !== e.rawName.length || name.some((b, i) => b !== e.rawName[i])) {
    throw new ZipEntryError('bad_local_header', 'its local header names a different file than the ZIP directory (possible manipulation)', 'header lokalnya menyebut nama berkas yang berbeda dari direktori ZIP (mungkin dimanipulasi)');
  }
  const start = e.localHeaderOffset + 30 + n + m;
  const end = start + e.compressedSize;
  if (end > dir.cdOffset) {
    throw new ZipEntryError('truncated', 'its data runs past the end of the archive (truncated or damaged ZIP)', 'datanya melewati akhir arsip (ZIP terpotong atau rusak)');
  }
  return { start, end };
}

/**
 * The entry's uncompressed bytes as a stream of chunks. Throws ZipEntryError on damage, on
 * exceeding `maxBytes`, and (after the last chunk) on a CRC-32 or size mismatch.
 */
export async function* readEntry(
  reader: RandomAccessReader, dir: ZipDirectory, e: ZipEntry, opts: { maxBytes: number; sliceSize?: number },
): AsyncGenerator<Uint8Array> {
  if (e.flags & 1) throw new ZipEntryError('encrypted', 'it is encrypted', 'berkas ini dienkripsi');
  if (e.method !== 0 && e.method !== 8) {
    throw new ZipEntryError('unsupported_method', `unsupported compression method ${e.method}`, `metode kompresi ${e.method} tidak didukung`);
  }
  if (e.uncompressedSize > opts.maxBytes) {
    throw new ZipEntryError('too_large', `it declares ${e.uncompressedSize} bytes, more than the limit of ${opts.maxBytes}`, `ukurannya ${e.uncompressedSize} bita, melebihi batas ${opts.maxBytes}`);
  }
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize) {
    throw new ZipEntryError('size_mismatch', 'stored entry with different sizes in the directory', 'entri tanpa kompresi dengan ukuran yang tidak konsisten di direktori');
  }
  const { start, end } = await locateEntry(reader, dir, e);
  const crc = createCrc32();
  const slice = opts.sliceSize ?? 1024 * 1024;
  let total = 0;
  const tooLarge = () => new ZipEntryError('too_large', `it inflates beyond its declared size or the limit (${Math.min(e.uncompressedSize, opts.maxBytes)} bytes): possible ZIP bomb`, `hasil ekstraknya melebihi ukuran yang dinyatakan atau batas (${Math.min(e.uncompressedSize, opts.maxBytes)} bita): kemungkinan bom ZIP`);

  if (e.method === 0) {
    for (let o = start; o < end; o += slice) {
      const chunk = await reader.read(o, Math.min(slice, end - o));
      if (chunk.length !== Math.min(slice, end - o)) {
        throw new ZipEntryError('truncated', 'its data is cut off', 'datanya terpotong');
      }
      crc.p(chunk);
      total += chunk.length;
      yield chunk;
    }
  } else {
    let out: Uint8Array[] = [];
    let outBytes = 0;
    let failed: Error | null = null;
    const inf = new Inflate((d) => {
      outBytes += d.length;
      if (total + outBytes > e.uncompressedSize || total + outBytes > opts.maxBytes) failed ??= tooLarge();
      else out.push(d);
    });
    const step = 16 * 1024;
    if (start === end) {
      try { inf.push(new Uint8Array(0), true); } catch (err) {
        throw new ZipEntryError('inflate_error', `its compressed data is damaged (${(err as Error).message})`, `data terkompresinya rusak (${(err as Error).message})`);
      }
    }
    for (let o = start; o < end; o += slice) {
      const buf = await reader.read(o, Math.min(slice, end - o));
      if (buf.length !== Math.min(slice, end - o)) throw new ZipEntryError('truncated', 'its data is cut off', 'datanya terpotong');
      for (let q = 0; q < buf.length; q += step) {
        const last = o + q + step >= end;
        try {
          inf.push(buf.subarray(q, Math.min(buf.length, q + step)), last);
        } catch (err) {
          throw new ZipEntryError('inflate_error', `its compressed data is damaged (${(err as Error).message})`, `data terkompresinya rusak (${(err as Error).message})`);
        }
        if (failed) throw failed;
        for (const d of out) { crc.p(d); total += d.length; yield d; }
        out = [];
        outBytes = 0;
      }
    }
  }
  if (total !== e.uncompressedSize) {
    throw new ZipEntryError('size_mismatch', `its size is ${total} bytes, the ZIP directory says ${e.uncompressedSize}`, `ukurannya ${total} bita, direktori ZIP menyebut ${e.uncompressedSize}`);
  }
  if (crc.d() !== e.crc) {
    throw new ZipEntryError('crc_mismatch', 'its CRC-32 does not match: the file is damaged', 'CRC-32 tidak cocok: berkas rusak');
  }
}

/** Read a whole (small) entry into memory. */
export async function readEntryBytes(reader: RandomAccessReader, dir: ZipDirectory, e: ZipEntry, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of readEntry(reader, dir, e, { maxBytes })) { parts.push(c); n += c.length; }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
