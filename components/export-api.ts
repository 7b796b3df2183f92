import { browser } from 'wxt/browser';
import { base64Bytes } from '../lib/export/base64';
import type { BundleSource, ToBackgroundExport } from '../lib/export-protocol';

/** Send a typed export/verify/import message to the background from an extension page. */
export async function sendExport<T>(msg: ToBackgroundExport): Promise<T> {
  return (await browser.runtime.sendMessage(msg)) as T;
}

/** Bytes per chunk: 24 MiB of file = 32 MiB of base64, under Chrome's 64 MiB message limit. */
const CHUNK = 24 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(base64Bytes(bytes));
}

/**
 * Hand a bundle file to the background: inline when small, else in chunks first. Returns what
 * to put in the verify/import message. Throws when the background refuses a chunk.
 */
export async function uploadBundle(file: Blob): Promise<BundleSource> {
  if (file.size <= CHUNK) return { bytes: toBase64(new Uint8Array(await file.arrayBuffer())) };
  const uploadId = crypto.randomUUID();
  for (let i = 0, index = 0; i < file.size; i += CHUNK, index++) {
    const data = toBase64(new Uint8Array(await file.slice(i, i + CHUNK).arrayBuffer()));
    const r = await sendExport<{ ok: boolean; message?: string }>({ type: 'bundle-chunk', uploadId, index, data });
    if (!r?.ok) throw new Error(r?.message ?? 'upload refused');
  }
  return { uploadId };
}
