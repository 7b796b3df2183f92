import { describe, expect, it } from 'vitest';
import { CaptureScheduler } from '../../../lib/capture/scheduler';
import { clampToViewport, pad, planStitch, toDevice } from '../../../lib/capture/plan';
import { dataUrlToBlob, dataUrlToBytes, pngSize, pngSizeOf } from '../../../lib/capture/image';
import { sha256Hex } from '../../../lib/hash';

describe('CaptureScheduler', () => {
  it('spaces calls at least 550 ms apart and never overlaps them, even when one fails', async () => {
    let clock = 0;
    const starts: number[] = [];
    let running = 0;
    const s = new CaptureScheduler(550, () => clock, async (ms) => { clock += ms; });
    const job = (fail = false) => s.run(async () => {
      expect(running).toBe(0);
      running++;
      starts.push(clock);
      clock += 70; // a capture takes time
      running--;
      if (fail) throw new Error('MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND');
      return clock;
    });
    const results = await Promise.allSettled([job(), job(true), job(), job()]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(550);
  });

  it('does not wait when the last capture was long ago', async () => {
    let clock = 10_000;
    let slept = 0;
    const s = new CaptureScheduler(550, () => clock, async (ms) => { slept += ms; clock += ms; });
    await s.run(async () => 1);
    clock += 2000;
    await s.run(async () => 2);
    expect(slept).toBe(0);
  });
});

describe('capture geometry', () => {
  const vp = { width: 1280, height: 800 };
  it('pads and clamps a rect to the viewport', () => {
    expect(clampToViewport(pad({ x: 316, y: 348, width: 560, height: 100 }), vp)).toEqual({ x: 304, y: 336, width: 584, height: 124 });
    expect(clampToViewport({ x: -50, y: 700, width: 200, height: 300 }, vp)).toEqual({ x: 0, y: 700, width: 150, height: 100 });
    expect(clampToViewport({ x: 0, y: 900, width: 10, height: 10 }, vp)).toBeNull();
  });

  it.each([1, 1.25, 2, 3])('maps CSS px to device px at devicePixelRatio %s', (dpr) => {
    const bitmap = { width: 1280 * dpr, height: 800 * dpr };
    const d = toDevice({ x: 304, y: 336, width: 584, height: 124 }, vp, bitmap);
    expect(d.x).toBe(Math.floor(304 * dpr));
    expect(d.width).toBe(Math.ceil((304 + 584) * dpr) - Math.floor(304 * dpr));
    expect(d.height).toBe(Math.ceil((336 + 124) * dpr) - Math.floor(336 * dpr));
  });

  it('plans scroll positions that cover a tall post, capped and marked truncated', () => {
    expect(planStitch(100, 2000, 800, 10_000)).toEqual({ scrolls: [100, 900, 1700], height: 2000, truncated: false });
    const capped = planStitch(0, 20_000, 800, 50_000, 6000);
    expect(capped.truncated).toBe(true);
    expect(capped.height).toBe(6000);
    expect(capped.scrolls).toHaveLength(8);
    // Near the end of the page the browser cannot scroll further: positions are clamped.
    expect(planStitch(1500, 1200, 800, 1800)).toEqual({ scrolls: [1500, 1800], height: 1200, truncated: false });
  });
});

describe('image bytes', () => {
  it('reads the PNG size from IHDR and hashes exact bytes', async () => {
    const png = Uint8Array.from(atob(
      'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAEUlEQVR4nGP4z8DwHxkzkC4AADxAE+2wthOrAAAAAElFTkSuQmCC',
    ), (c) => c.charCodeAt(0));
    const blob = await dataUrlToBlob(`data:image/png;base64,${btoa(String.fromCharCode(...png))}`);
    expect(blob.type).toBe('image/png');
    expect(await pngSize(blob)).toEqual({ width: 3, height: 2 });
    expect(await sha256Hex(blob)).toBe(await sha256Hex(png));
    await expect(pngSize(new Blob(['not a png at all, no way'.repeat(2)]))).rejects.toThrow(/not a PNG/);
    await expect(dataUrlToBlob('data:,')).rejects.toThrow();
  });
  it('hashes like sha256sum', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('hashes only the bytes a view shows, not the rest of its buffer', async () => {
    const whole = new TextEncoder().encode('xxabcyy');
    const view = whole.subarray(2, 5);
    expect(await sha256Hex(view)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(view)).toBe(await sha256Hex(new Blob([view])));
    expect(await sha256Hex(view.slice().buffer)).toBe(await sha256Hex(view));
  });
  it('gives the exact bytes of a capture, with or without native base64 decoding', async () => {
    const b64 = 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAEUlEQVR4nGP4z8DwHxkzkC4AADxAE+2wthOrAAAAAElFTkSuQmCC';
    const expected = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const ctor = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array };
    const had = Object.prototype.hasOwnProperty.call(ctor, 'fromBase64');
    const original = ctor.fromBase64;
    try {
      // Without Uint8Array.fromBase64 (older browsers): atob.
      delete ctor.fromBase64;
      const a = dataUrlToBytes(`data:image/png;base64,${b64}`);
      expect(a.type).toBe('image/png');
      expect([...a.bytes]).toEqual([...expected]);
      // With it: the native decoder is used, same bytes.
      let used = 0;
      ctor.fromBase64 = (s) => {
        used++;
        return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      };
      const b = dataUrlToBytes(`data:image/png;base64,${b64}`);
      expect(used).toBe(1);
      expect([...b.bytes]).toEqual([...expected]);
    } finally {
      if (had) ctor.fromBase64 = original;
      else delete ctor.fromBase64;
    }
    expect(pngSizeOf(expected)).toEqual({ width: 3, height: 2 });
    // IHDR read through a view that starts inside a larger buffer.
    const padded = new Uint8Array(expected.length + 7);
    padded.set(expected, 7);
    expect(pngSizeOf(padded.subarray(7))).toEqual({ width: 3, height: 2 });
    expect(() => pngSizeOf(new TextEncoder().encode('not a png at all, no way'))).toThrow(/not a PNG/);
    expect(() => pngSizeOf(expected.subarray(0, 20))).toThrow(/not a PNG/);
    // Not base64: percent-decoded text, as UTF-8 bytes.
    expect(new TextDecoder().decode(dataUrlToBytes('data:text/plain,a%20b').bytes)).toBe('a b');
    expect(() => dataUrlToBytes('data:,')).toThrow();
  });
});
