/**
 * Incremental SHA-256 that works in the extension (no Node) and in Node.
 *
 * crypto.subtle.digest() only hashes a whole buffer; the bundle writer and the verifier must hash
 * files of hundreds of MB while they stream, so they need update()/digest(). In Node (>= 20.16,
 * `process.getBuiltinModule`) the native node:crypto hash is used; everywhere else a small
 * pure-TypeScript implementation (FIPS 180-4) does the work. Nothing here is imported statically
 * from node:*, so the extension bundler never sees a Node module.
 */

export interface Sha256Stream {
  update(data: Uint8Array): void;
  /** Lower-case hex, the form `sha256sum` prints. The stream cannot be used afterwards. */
  digestHex(): string;
}

interface NodeHash { update(d: Uint8Array): NodeHash; digest(enc: 'hex'): string }
interface NodeCrypto { createHash(alg: string): NodeHash }

type BuiltinLoader = (id: string) => unknown;

/** node:* modules when running under Node (no static import, so browser bundles stay clean). */
export function nodeBuiltin<T>(id: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process;
  try {
    const mod = proc?.getBuiltinModule?.(id);
    return (mod as T | undefined) ?? null;
  } catch {
    return null;
  }
}

let nodeCrypto: NodeCrypto | null | undefined;
function getNodeCrypto(): NodeCrypto | null {
  if (nodeCrypto === undefined) {
    const c = nodeBuiltin<NodeCrypto>('node:crypto');
    nodeCrypto = c && typeof c.createHash === 'function' ? c : null;
  }
  return nodeCrypto;
}

export function createSha256(opts: { impl?: 'auto' | 'js' } = {}): Sha256Stream {
  const c = opts.impl === 'js' ? null : getNodeCrypto();
  if (c) {
    const h = c.createHash('sha256');
    return {
      update(d) { h.update(d); },
      digestHex() { return h.digest('hex'); },
    };
  }
  return new JsSha256();
}

/** One-shot hash: native in both environments (node:crypto or crypto.subtle). */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const c = getNodeCrypto();
  if (c) return c.createHash('sha256').update(data).digest('hex');
  const view = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer
    ? data.buffer
    : data.slice().buffer;
  const digest = await crypto.subtle.digest('SHA-256', view as ArrayBuffer);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Pure-TypeScript SHA-256 (exported for tests; use createSha256()). */
export class JsSha256 implements Sha256Stream {
  private h = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  private w = new Int32Array(64);
  private buf = new Uint8Array(64);
  private bufLen = 0;
  private total = 0;
  private done = false;

  update(d: Uint8Array): void {
    if (this.done) throw new Error('sha256: update after digest');
    const n = d.length;
    this.total += n;
    let i = 0;
    if (this.bufLen > 0) {
      const take = Math.min(64 - this.bufLen, n);
      this.buf.set(d.subarray(0, take), this.bufLen);
      this.bufLen += take;
      i = take;
      if (this.bufLen < 64) return;
      this.block(this.buf, 0);
      this.bufLen = 0;
    }
    for (; i + 64 <= n; i += 64) this.block(d, i);
    if (i < n) {
      this.buf.set(d.subarray(i), 0);
      this.bufLen = n - i;
    }
  }

  digestHex(): string {
    if (this.done) throw new Error('sha256: digest called twice');
    const bits = this.total * 8;
    const pad = new Uint8Array(((this.bufLen + 9 + 63) >> 6) * 64 - this.bufLen);
    pad[0] = 0x80;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    const L = pad.length;
    pad[L - 8] = hi >>> 24; pad[L - 7] = hi >>> 16; pad[L - 6] = hi >>> 8; pad[L - 5] = hi;
    pad[L - 4] = lo >>> 24; pad[L - 3] = lo >>> 16; pad[L - 2] = lo >>> 8; pad[L - 1] = lo;
    const total = this.total;
    this.update(pad);
    this.total = total;
    this.done = true;
    const out = new Uint8Array(32);
    for (let j = 0; j < 8; j++) {
      const v = this.h[j]!;
      out[j * 4] = v >>> 24; out[j * 4 + 1] = v >>> 16; out[j * 4 + 2] = v >>> 8; out[j * 4 + 3] = v;
    }
    return toHex(out);
  }

  private block(d: Uint8Array, off: number): void {
    const w = this.w;
    for (let t = 0; t < 16; t++) {
      const p = off + t * 4;
      w[t] = (d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!, b = w[t - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const h = this.h;
    let a = h[0]!, b = h[1]!, c = h[2]!, dd = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t]! + w[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + dd) | 0;
    h[4] = (h[4]! + e) | 0; h[5] = (h[5]! + f) | 0; h[6] = (h[6]! + g) | 0; h[7] = (h[7]! + hh) | 0;
  }
}
