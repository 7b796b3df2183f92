/** Validation of gesture marks against the record's screenshot (background side; uses zod). */
import '../zod-config';
import { z } from 'zod';
import { gestureSchema } from '../record/schema';
import { boxInside, type Size } from './geometry';

export const MAX_GESTURES = 50;

/** Gestures for a screenshot of `size`: every box must lie inside the image. */
export function gesturesSchemaFor(size: Size) {
  return z
    .array(
      gestureSchema.refine((g) => boxInside(g.box, size), {
        message: `box must lie inside the screenshot (${size.width} x ${size.height} px)`,
        path: ['box'],
      }),
    )
    .max(MAX_GESTURES);
}
