/**
 * Circuit breaker: after `failureThreshold` consecutive failures calls fail fast for
 * `openMs`; then a limited number of trial calls (half-open) decide whether to close again.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from "./breaker.ts";
 * const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 });
 * const data = await breaker.call(() => fetch("http://127.0.0.1:8787/healthz"));
 * ```
 * @module
 */
import { HiveError } from "./errors.ts";

/** Breaker states. */
export type BreakerState = "closed" | "open" | "half-open";

/** Options for {@link CircuitBreaker}. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before trying again. Default 5000 ms. */
  openMs?: number;
  /** Successful trial calls in half-open state needed to close. Default 1. */
  successThreshold?: number;
  /** Trial calls allowed at once while half-open. Default 1. */
  halfOpenMaxCalls?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Called on every state change. */
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/** Counters kept by a breaker. */
export interface BreakerCounters {
  calls: number;
  successes: number;
  failures: number;
  /** Calls refused without running because the breaker was open. */
  rejected: number;
  /** Times the breaker opened. */
  opened: number;
}

/** Thrown by {@link CircuitBreaker.call} when the breaker refuses a call. */
export class BreakerOpenError extends HiveError {
  /** Milliseconds until a trial call is allowed. */
  readonly retryInMs: number;
  constructor(retryInMs: number) {
    super(`circuit open: failing fast, next try in ${Math.max(0, Math.ceil(retryInMs))} ms`, {
      code: "circuit_open",
    });
    this.retryInMs = retryInMs;
  }
}

/** A circuit breaker around calls to one unreliable dependency. */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #openMs: number;
  readonly #successThreshold: number;
  readonly #halfOpenMaxCalls: number;
  readonly #now: () => number;
  readonly #onStateChange?: (from: BreakerState, to: BreakerState) => void;
  #state: BreakerState = "closed";
  #consecutiveFailures = 0;
  #halfOpenSuccesses = 0;
  #halfOpenInFlight = 0;
  #openedAt = 0;
  #counters: BreakerCounters = { calls: 0, successes: 0, failures: 0, rejected: 0, opened: 0 };

  constructor(options: BreakerOptions = {}) {
    this.#failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.#openMs = Math.max(0, options.openMs ?? 5000);
    this.#successThreshold = Math.max(1, options.successThreshold ?? 1);
    this.#halfOpenMaxCalls = Math.max(1, options.halfOpenMaxCalls ?? 1);
    this.#now = options.now ?? Date.now;
    this.#onStateChange = options.onStateChange;
  }

  /** Current state; an open breaker whose wait is over reports `half-open`. */
  get state(): BreakerState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.#openMs) {
      this.#transition("half-open");
    }
    return this.#state;
  }

  /** Counters since creation. */
  get counters(): BreakerCounters {
    return { ...this.#counters };
  }

  /** Run `fn` through the breaker; throws {@link BreakerOpenError} when refused. */
  async call<T>(fn: () => Promise<T> | T): Promise<T> {
    const state = this.state;
    if (state === "open") {
      this.#counters.rejected++;
      throw new BreakerOpenError(this.#openMs - (this.#now() - this.#openedAt));
    }
    if (state === "half-open") {
      if (this.#halfOpenInFlight >= this.#halfOpenMaxCalls) {
        this.#counters.rejected++;
        throw new BreakerOpenError(0);
      }
      this.#halfOpenInFlight++;
    }
    this.#counters.calls++;
    try {
      const result = await fn();
      this.#succeeded(state);
      return result;
    } catch (error) {
      this.#failed(state);
      throw error;
    } finally {
      if (state === "half-open") this.#halfOpenInFlight--;
    }
  }

  /** Record an outcome observed elsewhere (e.g. a health probe). */
  record(ok: boolean): void {
    const state = this.state;
    this.#counters.calls++;
    if (ok) this.#succeeded(state);
    else this.#failed(state);
  }

  /** Force the breaker closed and clear the failure streak. */
  reset(): void {
    this.#consecutiveFailures = 0;
    this.#halfOpenSuccesses = 0;
    this.#transition("closed");
  }

  #succeeded(state: BreakerState): void {
    this.#counters.successes++;
    this.#consecutiveFailures = 0;
    if (state === "half-open" && ++this.#halfOpenSuccesses >= this.#successThreshold) {
      this.#transition("closed");
    }
  }

  #failed(state: BreakerState): void {
    this.#counters.failures++;
    this.#consecutiveFailures++;
    if (state === "half-open" || this.#consecutiveFailures >= this.#failureThreshold) {
      this.#open();
    }
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.#counters.opened++;
    this.#transition("open");
  }

  #transition(to: BreakerState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    if (to !== "half-open") this.#halfOpenSuccesses = 0;
    this.#onStateChange?.(from, to);
  }
}
