/**
 * Hand a Blob to the browser's downloads (a blob: URL where the page can make one, else a data:
 * URL), revoking the URL once the download ends. Used by the evidence manager's export and by the
 * form's "Salah baca?" fixture export.
 */
import { browser } from 'wxt/browser';
import { base64Bytes } from './base64';

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const dec = new TextDecoder('latin1');
  const STEP = 3 * 1024 * 1024; // a multiple of 3: no padding in between
  for (let i = 0; i < bytes.length; i += STEP) out += dec.decode(base64Bytes(bytes.subarray(i, i + STEP)));
  return out;
}

export async function downloadBlob(blob: Blob, filename: string): Promise<number> {
  const objectUrls = typeof URL.createObjectURL === 'function';
  const url = objectUrls
    ? URL.createObjectURL(blob)
    : `data:${blob.type || 'application/octet-stream'};base64,${bytesToBase64(new Uint8Array(await blob.arrayBuffer()))}`;
  try {
    const id = await browser.downloads.download({ url, filename, saveAs: false, conflictAction: 'uniquify' });
    if (objectUrls) revokeWhenDone(id, url);
    return id;
  } catch (e) {
    if (objectUrls) URL.revokeObjectURL(url);
    throw e;
  }
}

function revokeWhenDone(id: number, url: string): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = () => {
    try { browser.downloads.onChanged.removeListener(listener); } catch { /* not registered */ }
    if (timer) clearTimeout(timer);
    URL.revokeObjectURL(url);
  };
  const listener = (d: { id: number; state?: { current?: string } }) => {
    if (d.id === id && (d.state?.current === 'complete' || d.state?.current === 'interrupted')) done();
  };
  timer = setTimeout(done, 10 * 60_000);
  (timer as { unref?: () => void }).unref?.();
  try {
    browser.downloads.onChanged.addListener(listener);
  } catch {
    /* no download events: the timer revokes the URL */
  }
}
