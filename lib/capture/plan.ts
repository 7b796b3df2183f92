/**
 * Geometry of a capture: where the flagged element is in the captured bitmap, how to crop it,
 * and how to cover an element taller than the viewport with several scrolled captures.
 * All inputs are CSS pixels; outputs for bitmaps are device pixels (CSS px * devicePixelRatio).
 */
import type { Box } from '../record/schema';

export interface Viewport { width: number; height: number }

/** Padding around the flagged element, in CSS px, so the outline and its context stay visible. */
export const CROP_PADDING = 12;
/** The tallest stitched screenshot, in CSS px; beyond it the capture is marked truncated. */
export const MAX_STITCH_HEIGHT = 6000;

export interface DeviceBox { x: number; y: number; width: number; height: number }

/** Clamp a CSS-px rect (viewport-relative) to the viewport; null when nothing is visible. */
export function clampToViewport(rect: Box, vp: Viewport): Box | null {
  const x1 = Math.max(0, rect.x);
  const y1 = Math.max(0, rect.y);
  const x2 = Math.min(vp.width, rect.x + rect.width);
  const y2 = Math.min(vp.height, rect.y + rect.height);
  if (x2 - x1 < 1 || y2 - y1 < 1) return null;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

export function pad(rect: Box, p = CROP_PADDING): Box {
  return { x: rect.x - p, y: rect.y - p, width: rect.width + 2 * p, height: rect.height + 2 * p };
}

/**
 * Convert a CSS-px box to device pixels inside a bitmap of the given size. The scale comes from
 * the bitmap itself (bitmapWidth / viewport.width), which is the effective devicePixelRatio even
 * when page zoom makes window.devicePixelRatio lie.
 */
export function toDevice(rect: Box, vp: Viewport, bitmap: { width: number; height: number }): DeviceBox {
  const sx = bitmap.width / vp.width;
  const sy = bitmap.height / vp.height;
  const x = Math.max(0, Math.floor(rect.x * sx));
  const y = Math.max(0, Math.floor(rect.y * sy));
  const x2 = Math.min(bitmap.width, Math.ceil((rect.x + rect.width) * sx));
  const y2 = Math.min(bitmap.height, Math.ceil((rect.y + rect.height) * sy));
  return { x, y, width: Math.max(1, x2 - x), height: Math.max(1, y2 - y) };
}

export interface StitchPlan {
  /** Document scrollY values to capture at, in order. */
  scrolls: number[];
  /** Total height covered, CSS px (capped). */
  height: number;
  truncated: boolean;
}

/**
 * Plan the scroll positions to cover [top, top+height) of the document (CSS px) with captures of
 * `viewportHeight`, never scrolling past `maxScrollY`.
 */
export function planStitch(
  docTop: number,
  height: number,
  viewportHeight: number,
  maxScrollY: number,
  maxHeight = MAX_STITCH_HEIGHT,
): StitchPlan {
  const truncated = height > maxHeight;
  const covered = Math.min(height, maxHeight);
  const scrolls: number[] = [];
  const step = Math.max(1, Math.floor(viewportHeight));
  for (let y = docTop; y < docTop + covered; y += step) {
    scrolls.push(Math.max(0, Math.min(Math.floor(y), Math.floor(maxScrollY))));
    if (y >= maxScrollY) break;
  }
  return { scrolls: [...new Set(scrolls)], height: covered, truncated };
}
