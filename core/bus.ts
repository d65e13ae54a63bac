/**
 * Typed in-process event bus. Handlers run synchronously inside `publish` and are isolated from
 * each other; async handlers are not awaited, so a slow subscriber never blocks a publisher.
 * Iterator subscribers get a bounded buffer with an overflow policy.
 *
 * @example
 * ```ts
 * import { Bus } from "./bus.ts";
 * const bus = new Bus();
 * bus.on("agent_*", (payload, topic) => console.log(topic, payload));
 * bus.publish("agent_loaded", { name: "chat", source: "builtin" });
 * ```
 * @module
 */

/** Events every subcommand may publish, with their payloads. */
export interface SystemEvents {
  /** An agent module was loaded and started. */
  agent_loaded: { name: string; source: string };
  /** An agent stopped (by request, on shutdown, or after a failure). */
  agent_stopped: { name: string; reason: string };
  /** The host is shutting down; agents stop after this. */
  host_shutdown: { reason: string };
  /** The P2P daemon is reachable. */
  daemon_up: { peerId: string; url: string; restarts: number };
  /** The P2P daemon went away. */
  daemon_down: { code: number | null; signal: string | null; restarts: number };
}

/** Map of topic name to payload type. */
export type EventMap = { [topic: string]: unknown };

/** Handler for one event. A returned promise is observed for rejections, never awaited. */
export type Handler<P> = (payload: P, topic: string) => unknown;

/** What an iterator subscriber receives. */
export interface BusEvent<P = unknown> {
  topic: string;
  payload: P;
}

/** What to drop when an iterator's buffer is full. */
export type OverflowPolicy = "drop-oldest" | "drop-newest";

/** Options for {@link Bus.subscribe}. */
export interface SubscribeOptions {
  /** Buffered events before the overflow policy applies. Default 1024. */
  bufferSize?: number;
  /** Default `drop-oldest`. */
  overflow?: OverflowPolicy;
}

/** An async-iterator subscription with its own bounded buffer. */
export interface BusSubscription<P> extends AsyncIterableIterator<BusEvent<P>> {
  /** Events discarded by the overflow policy so far. */
  readonly dropped: number;
  /** Events waiting in the buffer. */
  readonly buffered: number;
  /** End the subscription; pending `next()` calls resolve as done. */
  close(): void;
}

/** Options for {@link Bus}. */
export interface BusOptions {
  /** Called when a handler throws or rejects. Default: ignore. */
  onHandlerError?: (error: unknown, topic: string) => void;
}

interface _Sub {
  pattern: string;
  matcher: RegExp | null;
  /** Handler or iterator feed; a returned thenable is watched for rejection. */
  deliver: (payload: unknown, topic: string) => unknown;
}

/** True when `pattern` contains wildcards (`*` within a segment, `**` across segments). */
export function isPattern(pattern: string): boolean {
  return pattern.includes("*");
}

/** Compile a wildcard pattern; `*` matches within a `.`/`/` segment, `**` matches anything. */
export function compilePattern(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        source += ".*";
        i++;
      } else source += "[^./]*";
    } else source += ch.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** The event bus. Topics are strings; payload types come from `E`. */
export class Bus<E extends EventMap = SystemEvents & EventMap> {
  readonly #exact = new Map<string, Set<_Sub>>();
  readonly #wild = new Set<_Sub>();
  readonly #cache = new Map<string, _Sub["deliver"][]>();
  readonly #onError: (error: unknown, topic: string) => void;
  #published = 0;
  #handlerErrors = 0;

  constructor(options: BusOptions = {}) {
    this.#onError = options.onHandlerError ?? (() => {});
  }

  /** Counters: events published and handler failures. */
  get stats(): { published: number; handlerErrors: number; subscribers: number } {
    let subscribers = this.#wild.size;
    for (const set of this.#exact.values()) subscribers += set.size;
    return { published: this.#published, handlerErrors: this.#handlerErrors, subscribers };
  }

  /** Deliver `payload` to every handler and iterator whose pattern matches `topic`. */
  publish<K extends keyof E & string>(topic: K, payload: E[K]): void {
    this.#published++;
    const targets = this.#cache.get(topic) ?? this.#resolve(topic);
    // One try block around the loop (resumed after a throw) keeps the hot path lean.
    let i = 0;
    while (i < targets.length) {
      try {
        for (; i < targets.length; i++) {
          const result = targets[i](payload, topic);
          if (result != null) this.#watch(result, topic);
        }
      } catch (error) {
        this.#failed(error, topic);
        i++;
      }
    }
  }

  #watch(result: unknown, topic: string): void {
    if (typeof (result as Promise<void>).then === "function") {
      (result as Promise<void>).then(undefined, (error) => this.#failed(error, topic));
    }
  }

  /** Call `handler` for each matching event. Returns a function that unsubscribes. */
  on<K extends keyof E & string>(pattern: K, handler: Handler<E[K]>): () => void;
  on(pattern: string, handler: Handler<unknown>): () => void;
  on(pattern: string, handler: Handler<never>): () => void {
    const sub: _Sub = {
      pattern,
      matcher: isPattern(pattern) ? compilePattern(pattern) : null,
      deliver: handler as (payload: unknown, topic: string) => unknown,
    };
    this.#add(sub);
    return () => this.#remove(sub);
  }

  /** Call `handler` for the next matching event only. */
  once<K extends keyof E & string>(pattern: K, handler: Handler<E[K]>): () => void {
    const off = this.on(pattern, (payload: E[K], topic: string) => {
      off();
      return handler(payload, topic);
    });
    return off;
  }

  /** Subscribe as an async iterator with a bounded buffer. */
  subscribe<K extends keyof E & string>(
    pattern: K,
    options?: SubscribeOptions,
  ): BusSubscription<E[K]>;
  subscribe(pattern: string, options?: SubscribeOptions): BusSubscription<unknown>;
  subscribe(pattern: string, options: SubscribeOptions = {}): BusSubscription<unknown> {
    const capacity = Math.max(1, options.bufferSize ?? 1024);
    const overflow = options.overflow ?? "drop-oldest";
    const buffer: BusEvent[] = [];
    let head = 0;
    let dropped = 0;
    let closed = false;
    let waiter: ((r: IteratorResult<BusEvent>) => void) | undefined;

    const sub: _Sub = {
      pattern,
      matcher: isPattern(pattern) ? compilePattern(pattern) : null,
      deliver: (payload, topic) => {
        const event = { topic, payload };
        if (waiter) {
          const resolve = waiter;
          waiter = undefined;
          resolve({ value: event, done: false });
          return;
        }
        if (buffer.length - head >= capacity) {
          dropped++;
          if (overflow === "drop-newest") return;
          head++;
        }
        buffer.push(event);
        if (head > 1024 && head * 2 > buffer.length) {
          buffer.splice(0, head);
          head = 0;
        }
      },
    };
    this.#add(sub);

    const close = () => {
      if (closed) return;
      closed = true;
      this.#remove(sub);
      buffer.length = 0;
      head = 0;
      if (waiter) {
        const resolve = waiter;
        waiter = undefined;
        resolve({ value: undefined, done: true });
      }
    };

    const iterator: BusSubscription<unknown> = {
      get dropped() {
        return dropped;
      },
      get buffered() {
        return buffer.length - head;
      },
      close,
      next(): Promise<IteratorResult<BusEvent>> {
        if (head < buffer.length) {
          const value = buffer[head++];
          return Promise.resolve({ value, done: false });
        }
        if (closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiter = resolve);
      },
      return(): Promise<IteratorResult<BusEvent>> {
        close();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  #failed(error: unknown, topic: string): void {
    this.#handlerErrors++;
    try {
      this.#onError(error, topic);
    } catch { /* an error reporter must not break delivery */ }
  }

  #resolve(topic: string): _Sub["deliver"][] {
    const targets = [...(this.#exact.get(topic) ?? [])].map((sub) => sub.deliver);
    for (const sub of this.#wild) if (sub.matcher!.test(topic)) targets.push(sub.deliver);
    // Bound the cache so a stream of unique topics cannot grow it forever.
    if (this.#cache.size >= 4096) this.#cache.clear();
    this.#cache.set(topic, targets);
    return targets;
  }

  #add(sub: _Sub): void {
    if (sub.matcher) this.#wild.add(sub);
    else {
      let set = this.#exact.get(sub.pattern);
      if (!set) this.#exact.set(sub.pattern, set = new Set());
      set.add(sub);
    }
    this.#cache.clear();
  }

  #remove(sub: _Sub): void {
    if (sub.matcher) this.#wild.delete(sub);
    else {
      const set = this.#exact.get(sub.pattern);
      set?.delete(sub);
      if (set?.size === 0) this.#exact.delete(sub.pattern);
    }
    this.#cache.clear();
  }
}
