/**
 * Geometry of gesture boxes. Boxes are stored in SCREENSHOT PIXELS (the PNG's natural pixels,
 * record.screenshot.width x height), never in the CSS pixels of the image as displayed. Pure.
 */
import type { Box } from '../record/schema';

export interface Size { width: number; height: number }
export interface Point { x: number; y: number }

/** A point on the displayed image (CSS px from its top-left) -> screenshot px, clamped to the image. */
export function toNatural(p: Point, displayed: Size, natural: Size): Point {
  const sx = displayed.width > 0 ? natural.width / displayed.width : 1;
  const sy = displayed.height > 0 ? natural.height / displayed.height : 1;
  return {
    x: Math.min(natural.width, Math.max(0, p.x * sx)),
    y: Math.min(natural.height, Math.max(0, p.y * sy)),
  };
}

/** The box spanned by two corners (any drag direction), whole pixels, inside the image; null if too small. */
export function boxFromCorners(a: Point, b: Point, natural: Size, minSize = 4): Box | null {
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x)));
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y)));
  const x1 = Math.min(natural.width, Math.ceil(Math.max(a.x, b.x)));
  const y1 = Math.min(natural.height, Math.ceil(Math.max(a.y, b.y)));
  if (x1 - x0 < minSize || y1 - y0 < minSize) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** True when the box lies entirely inside a screenshot of the given size. */
export function boxInside(b: Box, natural: Size): boolean {
  return b.x >= 0 && b.y >= 0 && b.width > 0 && b.height > 0
    && b.x + b.width <= natural.width && b.y + b.height <= natural.height;
}

/** CSS percentages of a box over the image (for overlays that scale with the displayed image). */
export function boxPercent(b: Box, natural: Size): { left: string; top: string; width: string; height: string } {
  const pct = (v: number, of: number) => `${Math.max(0, Math.min(100, (v / of) * 100)).toFixed(3)}%`;
  return {
    left: pct(b.x, natural.width), top: pct(b.y, natural.height),
    width: pct(b.width, natural.width), height: pct(b.height, natural.height),
  };
}
