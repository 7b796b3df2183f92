/**
 * ZIP entry streams for fflate's `Zip`, written against its public `ZipInputFile` interface:
 * - StoredFile: no compression (PNGs, report.html with embedded images), fast CRC-32;
 * - DeflatedFile: DEFLATE; native zlib in Node (each chunk sync-flushed, which yields one valid
 *   deflate stream), fflate's streaming Deflate elsewhere (the extension).
 * fflate's own ZipPassThrough/ZipDeflate compute CRC-32 a byte at a time, which on a 700 MB
 * bundle costs more than the rest of the export.
 */
import { Deflate, type ZipInputFile } from 'fflate';
import { createCrc32 } from './crc32';
import { nodeBuiltin } from './sha256';

type OnData = NonNullable<ZipInputFile['ondata']>;

export class StoredFile implements ZipInputFile {
  size = 0;
  crc = 0;
  readonly compression = 0;
  ondata?: OnData;
  private c = createCrc32();
  constructor(public filename: string, public mtime?: Date) {}
  push(chunk: Uint8Array, final: boolean): void {
    if (!this.ondata) throw new Error('StoredFile: add it to a Zip first');
    this.c.p(chunk);
    this.size += chunk.length;
    if (final) this.crc = this.c.d();
    this.ondata(null, chunk as Uint8Array<ArrayBuffer>, final);
  }
}

interface NodeZlib {
  deflateRawSync(buf: Uint8Array, opts: { level: number; finishFlush?: number }): Uint8Array;
  constants: { Z_SYNC_FLUSH: number; Z_FINISH: number };
}
let zlib: NodeZlib | null | undefined;
function nodeZlib(): NodeZlib | null {
  if (zlib === undefined) {
    const z = nodeBuiltin<NodeZlib>('node:zlib');
    zlib = z && typeof z.deflateRawSync === 'function' ? z : null;
  }
  return zlib;
}

export class DeflatedFile implements ZipInputFile {
  size = 0;
  crc = 0;
  readonly compression = 8;
  ondata?: OnData;
  private c = createCrc32();
  private z: NodeZlib | null;
  private d: Deflate | null = null;
  constructor(public filename: string, public mtime: Date | undefined, private level: number, opts: { impl?: 'auto' | 'js' } = {}) {
    this.z = opts.impl === 'js' ? null : nodeZlib();
  }
  push(chunk: Uint8Array, final: boolean): void {
    const ondata = this.ondata;
    if (!ondata) throw new Error('DeflatedFile: add it to a Zip first');
    this.c.p(chunk);
    this.size += chunk.length;
    if (final) this.crc = this.c.d();
    if (this.z) {
      const out = this.z.deflateRawSync(chunk, {
        level: this.level,
        finishFlush: final ? this.z.constants.Z_FINISH : this.z.constants.Z_SYNC_FLUSH,
      });
      ondata(null, new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength), final);
      return;
    }
    this.d ??= new Deflate({ level: this.level as 6 }, (dat, fin) => ondata(null, dat, fin));
    this.d.push(chunk as Uint8Array<ArrayBuffer>, final);
  }
}
