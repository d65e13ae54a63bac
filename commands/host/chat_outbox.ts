/**
 * The chat agent's outbox: every message a user sends ends in exactly one of two states the
 * sender is told about, `sent` (published to at least one peer of the room) or `not_delivered`
 * (with a reason). Between the two it is `pending`.
 *
 * Why: gossipsub publishes to zero peers without an error (`recipients: 0`), which is what
 * happens while the daemon is down and for the first tens of milliseconds after a restarted
 * daemon is up (its mesh has not heard the room's subscribers yet). A message published then is
 * gone. So a publish that reaches nobody, or fails because the daemon is away, is queued and
 * retried (with backoff, and at once when the daemon or a peer comes back) until it reaches a peer
 * or its deadline passes. Messages leave the queue in the order they were sent; a new message
 * waits behind older pending ones so a room never sees them out of order.
 *
 * @example
 * ```ts
 * const outbox = new ChatOutbox({
 *   publish: (topic, payload) => p2p.publish(topic, payload),
 *   onSettled: (entry, status, reason) => console.log(entry.key, status, reason),
 * });
 * const status = await outbox.submit({ key: "m1", topic: "/hive/chat/general", payload: "{}" });
 * ```
 *
 * @module
 */
import { HiveError } from "../../core/errors.ts";

/** Where a message stands for its sender. */
export type DeliveryStatus = "sent" | "pending" | "not_delivered";

/** One queued message. */
export interface OutboxEntry {
  /** The caller's id of the message (reported back in {@link OutboxOptions.onSettled}). */
  key: string;
  topic: string;
  payload: string;
}

/** Options for {@link ChatOutbox}. */
export interface OutboxOptions {
  /** Publish once; resolves to how many peers got it. */
  publish(topic: string, payload: string): Promise<{ recipients: number }>;
  /** Called once when a pending message is finally sent or given up. */
  onSettled(entry: OutboxEntry, status: "sent" | "not_delivered", reason?: string): void;
  /** Give up on a message this long after it was sent. Default 60 s. */
  deadlineMs?: number;
  /** Most messages pending at once; one more is refused at once. Default 1000. */
  maxPending?: number;
  /** First retry delay; doubles up to {@link OutboxOptions.maxRetryMs}. Default 100 ms. */
  retryMs?: number;
  /** Longest retry delay. Default 1000 ms. */
  maxRetryMs?: number;
}

/** Error codes meaning "the daemon is away right now": worth a retry. */
const _AWAY = new Set(["ipc_unavailable", "ipc_timeout", "daemon_down", "unavailable"]);

interface _Queued extends OutboxEntry {
  deadline: number;
}

/** Queue-and-retry delivery of chat messages (see the module doc). */
export class ChatOutbox {
  readonly #options: Required<OutboxOptions>;
  readonly #queue: _Queued[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay: number;
  #flushing = false;
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#options = {
      ...options,
      // `undefined` means the default, not "no limit".
      deadlineMs: options.deadlineMs ?? 60_000,
      maxPending: options.maxPending ?? 1000,
      retryMs: options.retryMs ?? 100,
      maxRetryMs: options.maxRetryMs ?? 1000,
    };
    this.#delay = this.#options.retryMs;
  }

  /** Messages waiting for a peer. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Send `entry`: `sent` when a peer got it now, `pending` when it was queued (the outcome comes
   * later through `onSettled`), `not_delivered` (with `reason`) when it cannot be sent at all.
   */
  async submit(entry: OutboxEntry): Promise<{ status: DeliveryStatus; reason?: string }> {
    if (this.#closed) return { status: "not_delivered", reason: "chat agent stopped" };
    if (this.#queue.length === 0) {
      const outcome = await this.#try(entry);
      if (outcome.status !== "pending") return outcome;
    }
    if (this.#queue.length >= this.#options.maxPending) {
      return {
        status: "not_delivered",
        reason: `${this.#options.maxPending} messages are already waiting for a peer`,
      };
    }
    this.#queue.push({ ...entry, deadline: Date.now() + this.#options.deadlineMs });
    this.#schedule();
    return { status: "pending" };
  }

  /** Retry now (the daemon came back, or a peer joined). */
  kick(): void {
    if (this.#queue.length === 0 || this.#closed) return;
    this.#delay = this.#options.retryMs;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#flush();
  }

  /** Stop retrying; every pending message is reported as not delivered. */
  close(reason = "chat agent stopped"): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const entry of this.#queue.splice(0)) {
      this.#options.onSettled(entry, "not_delivered", reason);
    }
  }

  async #try(entry: OutboxEntry): Promise<{ status: DeliveryStatus; reason?: string }> {
    try {
      const { recipients } = await this.#options.publish(entry.topic, entry.payload);
      return recipients > 0 ? { status: "sent" } : { status: "pending" };
    } catch (error) {
      const code = error instanceof HiveError ? error.code : undefined;
      if (code !== undefined && _AWAY.has(code)) return { status: "pending" };
      return { status: "not_delivered", reason: (error as Error).message };
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushing || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, this.#options.maxRetryMs);
  }

  async #flush(): Promise<void> {
    if (this.#flushing || this.#closed) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        this.#expire();
        const head = this.#queue[0];
        if (!head) break;
        const outcome = await this.#try(head);
        if (this.#closed) return;
        if (outcome.status === "pending") break;
        this.#queue.shift();
        this.#delay = this.#options.retryMs;
        this.#options.onSettled(head, outcome.status, outcome.reason);
      }
    } finally {
      this.#flushing = false;
    }
    if (this.#queue.length > 0) this.#schedule();
  }

  #expire(): void {
    const now = Date.now();
    for (let i = 0; i < this.#queue.length;) {
      const entry = this.#queue[i];
      if (entry.deadline > now) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      const ms = this.#options.deadlineMs;
      const within = ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
      this.#options.onSettled(entry, "not_delivered", `no peer in the room within ${within}`);
    }
  }
}
