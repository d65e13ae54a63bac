/**
 * A client connection that follows the daemon across restarts. `IpcClient`'s own reconnect
 * dials the same URL again, which fails when the daemon comes back on a new IPC port (the
 * default `--ipc-port 0` picks a fresh one each start). This wrapper re-resolves the endpoint
 * (re-reading `<data-dir>/daemon.json` and the token file) before every reconnect attempt, and
 * replays remembered requests such as subscriptions once back.
 *
 * @example
 * ```ts
 * const daemon = await FollowedDaemon.connect({ endpoint: { dataDir: "/tmp/b" } });
 * daemon.on("message_received", (data) => console.log(data));
 * await daemon.request("subscribe", { topic: "chat" }, { restore: "sub:chat" });
 * // ... the daemon restarts on another port; messages keep coming ...
 * daemon.close();
 * ```
 * @module
 */
import type { EventHandler, IpcClient } from "../../core/ipc/mod.ts";
import type { Logger } from "../../core/logger.ts";
import { callDaemon, connectDaemon, type EndpointOptions, resolveEndpoint } from "./client.ts";

/** Options for {@link FollowedDaemon.connect}. */
export interface FollowOptions {
  /** Where to find the daemon; without `url` and `tokenFile`, `daemon.json` decides. */
  endpoint: EndpointOptions;
  /** Connect and request time limit. Default 10000 ms. */
  timeoutMs?: number;
  /** First reconnect delay; doubles up to `backoffMaxMs`. Default 100 ms. */
  backoffInitialMs?: number;
  /** Largest reconnect delay. Default 2000 ms. */
  backoffMaxMs?: number;
  /** Logger for losses and reconnects. */
  logger?: Logger;
}

/** Connection changes reported to {@link FollowedDaemon.onStatus}. */
export type FollowStatus = "disconnected" | "reconnected";

/** A daemon connection that survives daemon restarts, including ones on a new IPC port. */
export class FollowedDaemon {
  readonly #options: FollowOptions;
  readonly #handlers: [string, EventHandler][] = [];
  readonly #statusHandlers = new Set<(status: FollowStatus, url: string) => void>();
  readonly #restore = new Map<string, { type: string; params: Record<string, unknown> }>();
  #client: IpcClient;
  #url: string;
  #closed = false;
  #reconnects = 0;
  #wake: (() => void) | undefined;

  private constructor(options: FollowOptions, client: IpcClient, url: string) {
    this.#options = options;
    this.#client = client;
    this.#url = url;
    this.#watch(client);
  }

  /** Connect for the first time; failures throw `HiveError`s as `connectDaemon` does. */
  static async connect(options: FollowOptions): Promise<FollowedDaemon> {
    const endpoint = await resolveEndpoint(options.endpoint);
    const client = await connectDaemon(endpoint, {
      reconnect: false,
      timeoutMs: options.timeoutMs,
      logger: options.logger,
    });
    return new FollowedDaemon(options, client, endpoint.url);
  }

  /** The IPC URL currently in use. */
  get url(): string {
    return this.#url;
  }

  /** Successful reconnects so far. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Listen for an event on this and every later connection. */
  on(event: string, handler: EventHandler): void {
    this.#handlers.push([event, handler]);
    this.#client.on(event, handler);
  }

  /** Listen for losses and reconnects (with the URL reached). */
  onStatus(handler: (status: FollowStatus, url: string) => void): () => void {
    this.#statusHandlers.add(handler);
    return () => this.#statusHandlers.delete(handler);
  }

  /**
   * Run a request now; with `restore`, also replay it after every reconnect (subscriptions).
   * IPC errors become `HiveError`s, as with `callDaemon`.
   */
  async request<T>(
    type: string,
    params: Record<string, unknown> = {},
    options: { restore?: string } = {},
  ): Promise<T> {
    const reply = await callDaemon<T>(this.#client, type, params);
    if (options.restore) this.#restore.set(options.restore, { type, params });
    return reply;
  }

  /** Close for good. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
    this.#client.close();
  }

  #watch(client: IpcClient): void {
    client.onStatus((status) => {
      if (status !== "disconnected" || this.#closed || client !== this.#client) return;
      this.#options.logger?.warn("daemon connection lost; following daemon.json", {
        url: this.#url,
      });
      this.#emit("disconnected");
      void this.#follow();
    });
  }

  async #follow(): Promise<void> {
    const initial = this.#options.backoffInitialMs ?? 100;
    const max = this.#options.backoffMaxMs ?? 2000;
    let delay = initial;
    for (let attempt = 1; !this.#closed; attempt++) {
      await this.#sleep(delay * (0.8 + Math.random() * 0.4));
      if (this.#closed) return;
      let client: IpcClient;
      let url: string;
      try {
        // Re-read daemon.json each time: a restarted daemon announces its new port there.
        const endpoint = await resolveEndpoint(this.#options.endpoint);
        url = endpoint.url;
        client = await connectDaemon(endpoint, {
          reconnect: false,
          timeoutMs: this.#options.timeoutMs,
          logger: this.#options.logger,
        });
      } catch (error) {
        this.#options.logger?.debug("daemon not reachable yet", {
          attempt,
          error: (error as Error).message,
        });
        delay = Math.min(delay * 2, max);
        continue;
      }
      if (this.#closed) {
        client.close();
        return;
      }
      this.#client.close();
      this.#client = client;
      this.#url = url;
      for (const [event, handler] of this.#handlers) client.on(event, handler);
      this.#watch(client);
      for (const [key, { type, params }] of this.#restore) {
        await callDaemon(client, type, params).catch((error) =>
          this.#options.logger?.warn("restore after reconnect failed", {
            key,
            error: (error as Error).message,
          })
        );
      }
      this.#reconnects++;
      this.#options.logger?.info("daemon reconnected", {
        url,
        attempt,
        restored: this.#restore.size,
      });
      this.#emit("reconnected");
      return;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #emit(status: FollowStatus): void {
    for (const handler of this.#statusHandlers) {
      try {
        handler(status, this.#url);
      } catch { /* a status listener must not stop the follower */ }
    }
  }
}
