import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../../lib/sync/backoff';

describe('backoffDelay (full jitter)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-11-27T01:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('upper bound doubles per attempt from baseMs (random -> just under 1)', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, {}, top)).toBe(999);
    expect(backoffDelay(2, {}, top)).toBe(1999);
    expect(backoffDelay(3, {}, top)).toBe(3999);
    expect(backoffDelay(9, {}, top)).toBe(255_999);
  });

  it('never exceeds capMs, even for huge attempt numbers', () => {
    for (const attempt of [10, 20, 100, 5000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(attempt, {}, () => 0.999999)).toBeLessThanOrEqual(300_000);
      expect(backoffDelay(attempt, {}, () => 0.999999)).toBeGreaterThan(299_000);
    }
    expect(backoffDelay(50, { baseMs: 500, capMs: 10_000 }, () => 1)).toBe(10_000);
  });

  it('lower bound is 0 (full jitter) and random scales linearly', () => {
    expect(backoffDelay(5, {}, () => 0)).toBe(0);
    expect(backoffDelay(5, {}, () => 0.5)).toBe(8000);
    expect(backoffDelay(1, { baseMs: 2000 }, () => 0.25)).toBe(500);
  });

  it('treats attempt < 1, NaN and fractions sanely and tolerates a broken random', () => {
    expect(backoffDelay(0, {}, () => 0.5)).toBe(500);
    expect(backoffDelay(-3, {}, () => 0.5)).toBe(500);
    expect(backoffDelay(Number.NaN, {}, () => 0.5)).toBe(500);
    expect(backoffDelay(2.7, {}, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, {}, () => Number.NaN)).toBe(0);
    expect(backoffDelay(3, {}, () => 7)).toBe(4000);
  });

  it('with Math.random stays within [0, ceiling] over many draws', () => {
    for (let attempt = 1; attempt <= 15; attempt++) {
      const ceiling = Math.min(300_000, 1000 * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('uses the stubbed global Math.random by default', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.75);
    expect(backoffDelay(4)).toBe(6000);
  });
});
