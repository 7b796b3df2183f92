/**
 * Base64 straight to ASCII bytes (the report embeds screenshots as data: URIs). Going through a
 * JS string and TextEncoder, or Node's Buffer, is 3-6x slower for hundreds of MB.
 */
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const C = new Uint8Array(64);
for (let i = 0; i < 64; i++) C[i] = ALPHA.charCodeAt(i);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Two base64 characters for every 12-bit value, as one 16-bit store. */
const PAIR = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) {
  PAIR[i] = LITTLE ? C[i >> 6]! | (C[i & 63]! << 8) : (C[i >> 6]! << 8) | C[i & 63]!;
}

export function base64Bytes(d: Uint8Array): Uint8Array {
  const n = d.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const o16 = new Uint16Array(out.buffer, 0, out.length >> 1);
  let i = 0, j = 0;
  const L = n - 2;
  for (; i < L; i += 3) {
    const v = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
    o16[j] = PAIR[v >>> 12]!;
    o16[j + 1] = PAIR[v & 4095]!;
    j += 2;
  }
  j *= 2;
  if (i < n) {
    const two = i + 1 < n;
    const v = (d[i]! << 16) | ((two ? d[i + 1]! : 0) << 8);
    out[j] = C[v >>> 18]!;
    out[j + 1] = C[(v >>> 12) & 63]!;
    out[j + 2] = two ? C[(v >>> 6) & 63]! : 61;
    out[j + 3] = 61;
  }
  return out;
}

export function base64String(d: Uint8Array): string {
  const b = base64Bytes(d);
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return s;
}
