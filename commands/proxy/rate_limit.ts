/**
 * The per-key rate limit of `hive proxy`: a fixed window per key name. Written here instead of
 * using `hono-rate-limiter` (which works under Deno) because that library's async store and
 * header building cost about 20 µs per request in the benchmark, more than authentication and
 * the agent listing together; the proxy needs one counter per key and a `Retry-After`.
 *
 * @module
 */

/** Fixed-window request counters, one per key. */
export class RateWindows {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #now: () => number;

  constructor(limit: number, windowMs: number, now: () => number = Date.now) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /**
   * Count one request of `key`. Returns 0 when it may go ahead, else the whole seconds until
   * its window resets (the `Retry-After` value, at least 1).
   */
  take(key: string): number {
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { count: 0, resetAt: now + this.#windowMs };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit) return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    window.count++;
    return 0;
  }

  /** Forget every window. */
  clear(): void {
    this.#windows.clear();
  }
}
