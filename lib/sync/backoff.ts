/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * delay = random() * min(cap, base * 2^(attempt-1)). Jitter spreads the retries of many monitors'
 * browsers after an office network or the server comes back, instead of all hitting it at once.
 */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. Default 1 s. */
  baseMs?: number;
  /** Largest delay ever returned. Default 5 min. */
  capMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 1000, capMs: 300_000 };

/**
 * @param attempt how many attempts have failed so far (1 after the first failure). Values < 1 are
 *   treated as 1.
 * @param random a function returning [0, 1); stub it in tests.
 * @returns whole milliseconds in [0, min(capMs, baseMs * 2^(attempt-1))].
 */
export function backoffDelay(
  attempt: number,
  { baseMs = DEFAULT_BACKOFF.baseMs, capMs = DEFAULT_BACKOFF.capMs }: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const base = Math.max(0, baseMs);
  const cap = Math.max(0, capMs);
  // 2 ** 1100 is Infinity; min() keeps that harmless.
  const ceiling = Math.min(cap, base * 2 ** Math.min(n - 1, 1023));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  return Math.floor(unit * ceiling);
}
