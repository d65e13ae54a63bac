/**
 * Rate limit for failed authentication, per source address. Without it, 1,000 wrong tokens a
 * second cost 1,000 log lines and no slowdown, so a token could be guessed as fast as the server
 * answers and a flood hides every other log line. Each source has a bucket of `burst` failures
 * that refills at `refillPerMinute`; a source whose bucket is empty gets 429 (with Retry-After)
 * WITHOUT its token being checked, until a failure's worth has refilled. The first failure of a
 * source is logged at once; later ones are counted and logged as one summary line per source
 * every `summaryIntervalMs`.
 *
 * On loopback every client is 127.0.0.1, so during a flood a legitimate local client is
 * throttled too; that is the price of making guessing slow, and it ends `60 / refillPerMinute`
 * seconds after the flood stops.
 *
 * @example In a token check
 * ```ts
 * const throttle = new AuthThrottle({ logger, what: "host api" });
 * function authorize(request: Request, source: string): Response | null {
 *   const limited = throttle.check(source);
 *   if (limited) return limited;                       // 429, token not even compared
 *   if (!tokenOk(request)) {
 *     throttle.failed(source, "wrong token");
 *     return new Response("wrong token", { status: 401 });
 *   }
 *   return null;
 * }
 * ```
 *
 * @module
 */
import type { Logger } from "../logger.ts";

/** Options for {@link AuthThrottle}. */
export interface AuthThrottleOptions {
  /** Failures a source may make in a burst before it is throttled. Default 10. */
  burst?: number;
  /** Failures per minute a source regains. Default 30 (one every 2 s). */
  refillPerMinute?: number;
  /** Interval of the per-source summary log line. Default 10 s. */
  summaryIntervalMs?: number;
  /** Sources remembered at once; the least recently failing are forgotten first. Default 10,000. */
  maxSources?: number;
  /** Where the first failure and the summaries go (warn level). */
  logger?: Logger;
  /** Names the server in log lines, e.g. `ipc` or `host api`. */
  what?: string;
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number;
}

interface _Source {
  tokens: number;
  updatedAt: number;
  /** Failures since the last log line for this source. */
  unlogged: number;
  /** Requests refused with 429 since the last log line. */
  throttled: number;
  lastReason: string;
}

/** Counters of an {@link AuthThrottle}. */
export interface AuthThrottleStats {
  /** Failed attempts recorded. */
  failures: number;
  /** Requests answered 429. */
  throttled: number;
  /** Sources remembered now. */
  sources: number;
}

/** Failed-auth rate limit per source; see the module doc. */
export class AuthThrottle {
  readonly #burst: number;
  readonly #refillPerMs: number;
  readonly #summaryMs: number;
  readonly #maxSources: number;
  readonly #logger: Logger | undefined;
  readonly #what: string;
  readonly #now: () => number;
  readonly #sources = new Map<string, _Source>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #stats = { failures: 0, throttled: 0 };

  constructor(options: AuthThrottleOptions = {}) {
    this.#burst = options.burst ?? 10;
    this.#refillPerMs = (options.refillPerMinute ?? 30) / 60_000;
    this.#summaryMs = options.summaryIntervalMs ?? 10_000;
    this.#maxSources = options.maxSources ?? 10_000;
    this.#logger = options.logger;
    this.#what = options.what ?? "auth";
    this.#now = options.now ?? Date.now;
  }

  /**
   * `null` when `source` may try to authenticate; otherwise a 429 Response to send (the
   * request's credentials must then not be checked).
   */
  check(source: string): Response | null {
    const wait = this.retryAfterMs(source);
    if (wait === 0) return null;
    this.#stats.throttled++;
    const entry = this.#sources.get(source)!;
    entry.throttled++;
    this.#arm();
    const seconds = Math.ceil(wait / 1000);
    return Response.json({
      error: {
        code: "too_many_requests",
        message: `too many failed authentication attempts; retry in ${seconds} s`,
      },
    }, { status: 429, headers: { "retry-after": String(seconds) } });
  }

  /** Milliseconds until `source` may try again (0: now). */
  retryAfterMs(source: string): number {
    const entry = this.#sources.get(source);
    if (!entry) return 0;
    this.#refill(entry);
    return entry.tokens >= 1 ? 0 : Math.ceil((1 - entry.tokens) / this.#refillPerMs);
  }

  /** Record a failed attempt from `source` (e.g. `"wrong token"`). */
  failed(source: string, reason: string): void {
    this.#stats.failures++;
    let entry = this.#sources.get(source);
    if (entry) {
      this.#refill(entry);
      // Most recently failing last: the first key is the one to forget when full.
      this.#sources.delete(source);
    } else {
      if (this.#sources.size >= this.#maxSources) {
        this.#sources.delete(this.#sources.keys().next().value!);
      }
      entry = {
        tokens: this.#burst,
        updatedAt: this.#now(),
        unlogged: 0,
        throttled: 0,
        lastReason: reason,
      };
      this.#logger?.warn(`${this.#what}: authentication failed`, { source, reason });
      entry.unlogged = -1; // this one is logged already
    }
    this.#sources.set(source, entry);
    entry.tokens = Math.max(0, entry.tokens - 1);
    entry.unlogged++;
    entry.lastReason = reason;
    this.#arm();
  }

  /** Log the pending summary lines now (also runs every `summaryIntervalMs`). */
  flush(): void {
    for (const [source, entry] of this.#sources) {
      if (entry.unlogged === 0 && entry.throttled === 0) continue;
      this.#logger?.warn(`${this.#what}: authentication failures (summary)`, {
        source,
        failures: entry.unlogged,
        throttled: entry.throttled,
        last_reason: entry.lastReason,
        interval_s: this.#summaryMs / 1000,
      });
      entry.unlogged = 0;
      entry.throttled = 0;
    }
  }

  /** Counters since start. */
  stats(): AuthThrottleStats {
    return { ...this.#stats, sources: this.#sources.size };
  }

  /** Log what is pending and stop the summary timer. */
  close(): void {
    this.flush();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #refill(entry: _Source): void {
    const now = this.#now();
    entry.tokens = Math.min(
      this.#burst,
      entry.tokens + (now - entry.updatedAt) * this.#refillPerMs,
    );
    entry.updatedAt = now;
  }

  #arm(): void {
    if (this.#timer !== undefined || !this.#logger) return;
    this.#timer = setInterval(() => {
      this.flush();
      // Forget sources that are whole again and have nothing to report; stop when none is left.
      for (const [source, entry] of this.#sources) {
        this.#refill(entry);
        if (entry.tokens >= this.#burst && entry.unlogged === 0) this.#sources.delete(source);
      }
      if (this.#sources.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }, this.#summaryMs);
    // A pending summary must not keep a process alive.
    Deno.unrefTimer(this.#timer as unknown as number);
  }
}

/**
 * The source key of a request: the client's IP from the second argument of a fetch handler
 * (`Deno.serve` or {@link serveHttp}; in Hono that is `c.env`), `unix` for unix sockets.
 *
 * @example Hono on serveHttp or Deno.serve
 * ```ts
 * const source = sourceOf(c.env);
 * ```
 */
export function sourceOf(info: unknown): string {
  const addr = (info as { remoteAddr?: { transport?: string; hostname?: string } } | undefined)
    ?.remoteAddr;
  if (!addr) return "unknown";
  return addr.transport === "unix" ? "unix" : addr.hostname ?? "unknown";
}
