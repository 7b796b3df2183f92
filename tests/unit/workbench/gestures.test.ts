import { describe, expect, it } from 'vitest';
import { boxFromCorners, boxInside, boxPercent, toNatural } from '../../../lib/workbench/geometry';
import { gesturesSchemaFor } from '../../../lib/workbench/gestures';

const SIZE = { width: 584, height: 124 };

describe('gesture boxes in screenshot pixels', () => {
  it('scales a drag on the displayed image to natural pixels and clamps it to the image', () => {
    // image displayed at half size
    const shown = { width: 292, height: 62 };
    expect(toNatural({ x: 10, y: 5 }, shown, SIZE)).toEqual({ x: 20, y: 10 });
    expect(toNatural({ x: 400, y: -3 }, shown, SIZE)).toEqual({ x: 584, y: 0 });
    const a = toNatural({ x: 100, y: 40 }, shown, SIZE);
    const b = toNatural({ x: 50, y: 10 }, shown, SIZE); // dragged up-left
    expect(boxFromCorners(a, b, SIZE)).toEqual({ x: 100, y: 20, width: 100, height: 60 });
    expect(boxFromCorners({ x: 5, y: 5 }, { x: 6, y: 6 }, SIZE)).toBeNull(); // a click is not a box
    expect(boxPercent({ x: 146, y: 31, width: 292, height: 62 }, SIZE)).toEqual({ left: '25.000%', top: '25.000%', width: '50.000%', height: '50.000%' });
  });

  it('accepts boxes inside the screenshot and refuses boxes outside it', () => {
    const schema = gesturesSchemaFor(SIZE);
    expect(schema.safeParse([{ type: 'two_fingers', box: { x: 0, y: 0, width: 584, height: 124 } }]).success).toBe(true);
    expect(boxInside({ x: 500, y: 100, width: 85, height: 10 }, SIZE)).toBe(false);
    const out = schema.safeParse([{ type: 'two_fingers', box: { x: 500, y: 100, width: 85, height: 10 } }]);
    expect(out.success).toBe(false);
    expect(out.error?.issues[0]?.message).toMatch(/inside the screenshot \(584 x 124 px\)/);
    expect(schema.safeParse([{ type: 'ok', box: { x: 0, y: 120, width: 10, height: 5 } }]).success).toBe(false);
    expect(schema.safeParse([{ type: 'ok', box: { x: -1, y: 0, width: 10, height: 5 } }]).success).toBe(false);
    expect(schema.safeParse([{ type: 'saranghae', box: { x: 0, y: 0, width: 10, height: 5 } }]).success).toBe(false);
    expect(schema.safeParse([{ type: 'ok', box: { x: 0, y: 0, width: 0, height: 5 } }]).success).toBe(false);
  });
});
