/** SHA-256 of exact bytes, lower-case hex (the form `sha256sum` prints). */
export async function sha256Hex(data: ArrayBuffer | Uint8Array | Blob): Promise<string> {
  let buf: ArrayBuffer | Uint8Array<ArrayBuffer>;
  if (data instanceof Blob) buf = await data.arrayBuffer();
  // A view over an ordinary buffer is hashed in place (digest copies what it hashes anyway).
  else if (data instanceof Uint8Array) buf = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : data.slice();
  else buf = data;
  const digest = await crypto.subtle.digest('SHA-256', buf);
  return hex(new Uint8Array(digest));
}

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
