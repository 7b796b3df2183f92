/**
 * Incremental SHA-256 that works in the extension (no Node) and in Node.
 *
 * crypto.subtle.digest() only hashes a whole buffer; the bundle writer and the verifier must hash
 * files of hundreds of MB while they stream, so they need update()/digest(). In Node (>= 20.16,
 * `process.getBuiltinModule`) the native node:crypto hash is used; everywhere else the audited
 * @noble/hashes implementation (it replaced a hand-written FIPS 180-4 one). Nothing here is
 * imported statically from node:*, so the extension bundler never sees a Node module.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

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
  return new NobleSha256();
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

/** @noble/hashes' incremental SHA-256 (also synchronous: usable inside an IndexedDB transaction). */
export class NobleSha256 implements Sha256Stream {
  private h = nobleSha256.create();
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digestHex(): string {
    return toHex(this.h.digest());
  }
}

/** Synchronous SHA-256 of a UTF-8 string, lower-case hex. */
export function sha256HexOfText(text: string): string {
  return toHex(nobleSha256(new TextEncoder().encode(text)));
}
