/**
 * One global queue for `tabs.captureVisibleTab`. Chrome allows about 2 calls per second per
 * extension (MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND) and failed calls count too, so every call
 * goes through here and starts at least `minIntervalMs` after the previous one started.
 */
export class CaptureScheduler {
  private last = -Infinity;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly minIntervalMs = 550,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Runs `fn` when its turn comes; calls never overlap and never start closer than the interval. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => {
      const wait = this.last + this.minIntervalMs - this.now();
      if (wait > 0) await this.sleep(wait);
      this.last = this.now();
      return fn();
    });
    // Keep the chain alive whether this call succeeds or fails.
    this.chain = next.catch(() => undefined);
    return next;
  }
}
