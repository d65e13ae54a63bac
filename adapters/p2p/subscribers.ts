/**
 * Who wants which topic, and who listens for port events: the bookkeeping both implementations
 * of `P2P` share, so they subscribe a topic on the first handler, leave it after the
 * last, and isolate a throwing handler the same way.
 *
 * @example
 * ```ts
 * import { TopicHandlers } from "./subscribers.ts";
 * const handlers = new TopicHandlers();
 * const { first, remove } = handlers.add("chat", (m) => console.log(m.message));
 * // first: subscribe the topic on the backend
 * if (remove()) { // the last handler of "chat" is gone: leave the topic
 * }
 * ```
 * @module
 */
import type { P2PMessage, P2PPortEvent } from "./types.ts";

/** Called when a handler or listener throws. */
export type OnHandlerError = (error: unknown, what: string) => void;

/** Message handlers by topic. */
export class TopicHandlers {
  readonly #byTopic = new Map<string, Set<(m: P2PMessage) => void>>();
  readonly #onError: OnHandlerError;

  /** `onError` hears about handlers that throw; the other handlers still run. */
  constructor(onError: OnHandlerError = () => {}) {
    this.#onError = onError;
  }

  /**
   * Add a handler. `first` says the topic had none before (subscribe it now); `remove()` takes
   * the handler out once (later calls do nothing) and returns true when it was the topic's last
   * (leave the topic now).
   */
  add(topic: string, handler: (m: P2PMessage) => void): { first: boolean; remove: () => boolean } {
    let set = this.#byTopic.get(topic);
    const first = !set;
    if (!set) this.#byTopic.set(topic, set = new Set());
    set.add(handler);
    let removed = false;
    return {
      first,
      remove: () => {
        if (removed) return false;
        removed = true;
        set.delete(handler);
        if (set.size > 0 || this.#byTopic.get(topic) !== set) return false;
        this.#byTopic.delete(topic);
        return true;
      },
    };
  }

  /** Whether `topic` has a handler. */
  has(topic: string): boolean {
    return this.#byTopic.has(topic);
  }

  /** Topics with at least one handler. */
  topics(): string[] {
    return [...this.#byTopic.keys()];
  }

  /** Hand a message to every handler of its topic. */
  dispatch(message: P2PMessage): void {
    for (const handler of this.#byTopic.get(message.topic) ?? []) {
      try {
        handler(message);
      } catch (error) {
        this.#onError(error, `subscriber of ${message.topic}`);
      }
    }
  }

  /** Forget every handler. */
  clear(): void {
    this.#byTopic.clear();
  }
}

/** Listeners of {@link P2PPortEvent}s, as `P2P.on` registers them. */
export class PortListeners {
  readonly #listeners = new Set<(event: P2PPortEvent) => void>();
  readonly #onError: OnHandlerError;

  /** `onError` hears about listeners that throw; the other listeners still run. */
  constructor(onError: OnHandlerError = () => {}) {
    this.#onError = onError;
  }

  /** Add a listener; returns a function that removes it. */
  on(listener: (event: P2PPortEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tell every listener. */
  emit(event: P2PPortEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onError(error, `p2p listener of ${event.type}`);
      }
    }
  }
}
