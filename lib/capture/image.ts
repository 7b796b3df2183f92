/**
 * Crop, stitch and outline screenshots in the background (OffscreenCanvas works in Chrome's
 * service worker and Firefox's background page). The source PNGs are kept byte-for-byte; the
 * crop is a new PNG whose own bytes are hashed.
 */
import type { Box } from '../record/schema';
import type { Viewport } from './plan';

export interface Segment {
  /** PNG bytes as returned by captureVisibleTab. */
  png: Blob;
  /** The document's scrollY when it was captured (CSS px). */
  scrollY: number;
}

export interface Region {
  /** Left edge, viewport CSS px (horizontal scroll does not change between segments). */
  x: number;
  /** Top edge, document CSS px. */
  docTop: number;
  width: number;
  height: number;
}

export interface RenderedImage { png: Blob; width: number; height: number; scale: number }

export const OUTLINE_COLOR = '#e11d48';

/**
 * Compose `region` of the document from one or more viewport captures and outline `outline`
 * (document CSS px). With one segment this is a plain crop.
 */
export async function composeRegion(
  segments: Segment[],
  vp: Viewport,
  region: Region,
  outline: Box | null,
): Promise<RenderedImage> {
  if (segments.length === 0) throw new Error('no capture to compose');
  const bitmaps = await Promise.all(segments.map((s) => createImageBitmap(s.png)));
  try {
    const first = bitmaps[0]!;
    const scale = first.width / vp.width;
    const outW = Math.max(1, Math.round(region.width * scale));
    const outH = Math.max(1, Math.round(region.height * scale));
    const canvas = new OffscreenCanvas(outW, outH);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2d canvas unavailable');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, outW, outH);
    let coveredUntil = region.docTop; // document y already drawn
    const regionBottom = region.docTop + region.height;
    segments.forEach((seg, i) => {
      const bmp = bitmaps[i]!;
      const a = Math.max(coveredUntil, seg.scrollY, region.docTop);
      const b = Math.min(regionBottom, seg.scrollY + vp.height);
      if (b - a <= 0) return;
      const sy = Math.round((a - seg.scrollY) * scale);
      const sh = Math.min(bmp.height - sy, Math.round((b - a) * scale));
      const sx = Math.max(0, Math.round(region.x * scale));
      const sw = Math.min(bmp.width - sx, outW);
      if (sh <= 0 || sw <= 0) return;
      ctx.drawImage(bmp, sx, sy, sw, sh, 0, Math.round((a - region.docTop) * scale), sw, sh);
      coveredUntil = b;
    });
    if (outline) {
      const lw = Math.max(2, Math.round(3 * scale));
      ctx.strokeStyle = OUTLINE_COLOR;
      ctx.lineWidth = lw;
      ctx.strokeRect(
        (outline.x - region.x) * scale + lw / 2,
        (outline.y - region.docTop) * scale + lw / 2,
        Math.max(1, outline.width * scale - lw),
        Math.max(1, outline.height * scale - lw),
      );
    }
    const png = await canvas.convertToBlob({ type: 'image/png' });
    return { png, width: outW, height: outH, scale };
  } finally {
    for (const b of bitmaps) b.close();
  }
}

export async function pngSize(png: Blob): Promise<{ width: number; height: number }> {
  // Read IHDR directly: cheaper than decoding and works without a canvas.
  return pngSizeOf(new Uint8Array(await png.slice(0, 24).arrayBuffer()));
}

/** Width and height from a PNG's IHDR, read from its bytes (synchronous). */
export function pngSizeOf(bytes: Uint8Array): { width: number; height: number } {
  const head = new DataView(bytes.buffer, bytes.byteOffset, Math.min(24, bytes.byteLength));
  if (head.byteLength < 24 || head.getUint32(0) !== 0x89504e47) throw new Error('not a PNG');
  return { width: head.getUint32(16), height: head.getUint32(20) };
}

/** The exact bytes a data: URL carries (what captureVisibleTab returns), and their type. */
export function dataUrlToBytes(dataUrl: string): { type: string; bytes: Uint8Array<ArrayBuffer> } {
  const m = /^data:([^;,]+)(;base64)?,/.exec(dataUrl);
  if (!m) throw new Error('capture returned no image');
  const body = dataUrl.slice(m[0].length);
  if (!m[2]) return { type: m[1]!, bytes: new TextEncoder().encode(decodeURIComponent(body)) };
  return { type: m[1]!, bytes: fromBase64(body) };
}

type FromBase64 = (s: string) => Uint8Array<ArrayBuffer>;

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  // Native decoding where the browser has it (Chrome 140+, Firefox 133+): no binary string.
  const native = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
  if (native) return native(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export async function dataUrlToBlob(dataUrl: string): Promise<Blob> {
  const { type, bytes } = dataUrlToBytes(dataUrl);
  return new Blob([bytes], { type });
}
