/**
 * The P2P port as a client of a running `hive daemon`: requests and events over the daemon's
 * IPC (`../ipc_protocol.ts`). This is the one place that survives the daemon going away: after
 * a lost connection it asks its `endpoint` function again before every attempt (so a daemon
 * back on a new IPC port, announced in `daemon.json`, is found), reconnects with backoff, and
 * subscribes again to every topic that still has a handler. A supervisor that learns of a new
 * daemon itself hands the endpoint over with {@link DaemonP2P.use}.
 *
 * @example
 * ```ts
 * import { DaemonP2P } from "./client.ts";
 * import { resolveEndpoint } from "./endpoint.ts";
 * const p2p = await DaemonP2P.connect({ endpoint: () => resolveEndpoint({ dataDir: "/tmp/a" }) });
 * const off = await p2p.subscribe("chat", (m) => console.log(m.from, m.message));
 * await p2p.publish("chat", "hello");
 * await off();
 * await p2p.close();
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { formatIssues, HiveError } from "../../../core/errors.ts";
import type { IpcClient } from "../../../core/ipc/mod.ts";
import type { Logger } from "../../../core/logger.ts";
import { eventSchemas, type Reply, type Request, type RequestType } from "../ipc_protocol.ts";
import { PortListeners, TopicHandlers } from "../subscribers.ts";
import type { P2P, P2PMessage, P2PPortEvent, PeerEntry, Unsubscribe } from "../types.ts";
import { callDaemon, connectEndpoint, type Endpoint } from "./endpoint.ts";

/** Options for {@link DaemonP2P}. */
export interface DaemonP2POptions {
  /**
   * Where the daemon is now. Called for the first connection and again before every reconnect
   * attempt, e.g. `() => resolveEndpoint({ dataDir })`, which re-reads `daemon.json`.
   */
  endpoint?: () => Promise<Endpoint>;
  /**
   * Reconnect by itself after a loss (default true when `endpoint` is given). Without it the
   * client stays down until {@link DaemonP2P.use} hands it a new endpoint.
   */
  reconnect?: boolean;
  /** Connect and request time limit. Default 10000 ms. */
  timeoutMs?: number;
  /** First reconnect delay; doubles (with ±20% jitter) up to `backoffMaxMs`. Default 100 ms. */
  backoffInitialMs?: number;
  /** Largest reconnect delay. Default 2000 ms. */
  backoffMaxMs?: number;
  /** Logger for losses, reconnects and bad events. */
  logger?: Logger;
}

/** The daemon this client is connected to. */
export interface DaemonIdentity {
  /** The daemon's peer id. */
  peer_id: string;
  /** Its libp2p listen addresses. */
  addrs: string[];
  /** The IPC URL in use. */
  url: string;
}

/** Error codes of a daemon that is away rather than refusing (the request may work later). */
function _away(error: unknown): boolean {
  const code = (error as HiveError)?.code;
  return code === "ipc_unavailable" || code === "ipc_timeout" || code === "daemon_down";
}

/** {@link P2P} over a `hive daemon`'s IPC. */
export class DaemonP2P implements P2P {
  readonly #options: DaemonP2POptions;
  readonly #handlers: TopicHandlers;
  readonly #listeners: PortListeners;
  #client: IpcClient | undefined;
  #identity: DaemonIdentity | null = null;
  /** Bumped by every connection attempt; an older attempt that finishes late gives way. */
  #generation = 0;
  #reconnects = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  /** A client that is not connected yet; see {@link DaemonP2P.use} and {@link DaemonP2P.connect}. */
  constructor(options: DaemonP2POptions = {}) {
    this.#options = options;
    const onError = (error: unknown, what: string) =>
      options.logger?.error(`${what} failed`, { error });
    this.#handlers = new TopicHandlers(onError);
    this.#listeners = new PortListeners(onError);
  }

  /** Connect for the first time; failures throw `HiveError`s naming the daemon. */
  static async connect(
    options: DaemonP2POptions & { endpoint: () => Promise<Endpoint> },
  ): Promise<DaemonP2P> {
    const p2p = new DaemonP2P(options);
    await p2p.use(await options.endpoint());
    return p2p;
  }

  /** True while the IPC connection is open. */
  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** The daemon last reached (kept while it is down), or null before the first connection. */
  get identity(): DaemonIdentity | null {
    return this.#identity;
  }

  /** Successful connections after the first. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Topics with at least one handler (restored after every reconnect). */
  topics(): string[] {
    return this.#handlers.topics();
  }

  /**
   * Connect to `endpoint` now, replacing any current connection: identify the daemon,
   * subscribe again to every wanted topic, then report `up`. Throws (and keeps the old state)
   * when the daemon cannot be reached.
   */
  async use(endpoint: Endpoint): Promise<void> {
    const generation = ++this.#generation;
    this.#wake?.();
    const client = await connectEndpoint(endpoint, {
      timeoutMs: this.#options.timeoutMs,
      logger: this.#options.logger,
    });
    await this.#adopt(client, endpoint.url, generation);
  }

  peerId(): string | null {
    return this.connected ? this.#identity?.peer_id ?? null : null;
  }

  async publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }> {
    const params = typeof payload === "string"
      ? { topic, message: payload }
      : { topic, data_b64: Buffer.from(payload).toString("base64") };
    const reply = await this.request("publish", params);
    return { recipients: reply.recipients };
  }

  async subscribe(topic: string, handler: (message: P2PMessage) => void): Promise<Unsubscribe> {
    const { first, remove } = this.#handlers.add(topic, handler);
    if (first && this.connected) {
      try {
        await this.request("subscribe", { topic });
      } catch (error) {
        // Down right now: the topic is subscribed again when the daemon comes back.
        if (!_away(error)) {
          remove();
          throw new HiveError(`subscribe ${topic}: ${(error as Error).message}`, {
            code: (error as HiveError).code,
          });
        }
      }
    }
    return async () => {
      if (remove() && this.connected) {
        await this.request("unsubscribe", { topic }).catch(() => {});
      }
    };
  }

  async peers(topic?: string): Promise<PeerEntry[]> {
    const reply = await this.request("list_peers", topic ? { topic } : {});
    return reply.peers;
  }

  on(listener: (event: P2PPortEvent) => void): () => void {
    return this.#listeners.on(listener);
  }

  /**
   * Any request of the daemon's contract (status, identify, connect, ping, DHT ...), its reply
   * checked against the contract. Throws a `HiveError` coded `daemon_down` while disconnected.
   */
  async request<K extends RequestType>(
    type: K,
    params: Request<K>,
    options: { timeoutMs?: number } = {},
  ): Promise<Reply<K>> {
    const client = this.#client;
    if (!client?.connected) {
      throw new HiveError(`${type}: the P2P daemon is not connected`, { code: "daemon_down" });
    }
    return await callDaemon(client, type, params, options);
  }

  /** Disconnect for good; no more reconnects. */
  close(): Promise<void> {
    this.#closed = true;
    this.#generation++;
    this.#wake?.();
    this.#client?.close();
    this.#client = undefined;
    return Promise.resolve();
  }

  async #adopt(client: IpcClient, url: string, generation: number): Promise<void> {
    const { logger } = this.#options;
    const superseded = () => this.#closed || generation !== this.#generation;
    if (superseded()) {
      client.close();
      return;
    }
    let identity: Reply<"identify">;
    try {
      identity = await callDaemon(client, "identify", {});
    } catch (error) {
      client.close();
      throw error;
    }
    if (superseded()) {
      client.close();
      return;
    }
    const hadClient = this.#identity !== null;
    this.#client?.close();
    this.#client = client;
    this.#identity = { peer_id: identity.peer_id, addrs: identity.addrs, url };
    this.#listen(client);
    for (const topic of this.#handlers.topics()) {
      await callDaemon(client, "subscribe", { topic }).catch((error) =>
        logger?.warn("resubscribe failed", { topic, error: (error as Error).message })
      );
    }
    if (superseded() || this.#client !== client) return;
    if (hadClient) {
      this.#reconnects++;
      logger?.info("daemon reconnected", { url, restored: this.#handlers.topics().length });
    }
    this.#listeners.emit({ type: "up", peer_id: identity.peer_id, addrs: identity.addrs });
  }

  #listen(client: IpcClient): void {
    const { logger } = this.#options;
    client.on("message_received", (data) => {
      const parsed = eventSchemas.message_received.safeParse(data, { reportInput: true });
      if (!parsed.success) {
        logger?.warn("bad message_received event", { issues: formatIssues(parsed.error.issues) });
        return;
      }
      this.#handlers.dispatch(parsed.data);
    });
    client.on("peer_connected", (data) => {
      const parsed = eventSchemas.peer_connected.safeParse(data);
      if (parsed.success) this.#listeners.emit({ type: "peer_connected", ...parsed.data });
    });
    client.on("peer_disconnected", (data) => {
      const parsed = eventSchemas.peer_disconnected.safeParse(data);
      if (parsed.success) this.#listeners.emit({ type: "peer_disconnected", ...parsed.data });
    });
    client.onStatus((status) => {
      if (status !== "disconnected" || this.#closed || this.#client !== client) return;
      logger?.warn("daemon connection lost", { url: this.#identity?.url });
      this.#listeners.emit({ type: "down" });
      const reconnect = this.#options.reconnect ?? this.#options.endpoint !== undefined;
      if (reconnect && this.#options.endpoint) void this.#follow(this.#options.endpoint);
    });
  }

  async #follow(endpoint: () => Promise<Endpoint>): Promise<void> {
    const generation = ++this.#generation;
    const max = this.#options.backoffMaxMs ?? 2000;
    let delay = this.#options.backoffInitialMs ?? 100;
    for (let attempt = 1; generation === this.#generation && !this.#closed; attempt++) {
      await this.#sleep(delay * (0.8 + Math.random() * 0.4));
      if (generation !== this.#generation || this.#closed) return;
      try {
        const target = await endpoint();
        const client = await connectEndpoint(target, {
          timeoutMs: this.#options.timeoutMs,
          logger: this.#options.logger,
        });
        await this.#adopt(client, target.url, generation);
        return;
      } catch (error) {
        this.#options.logger?.debug("daemon not reachable yet", {
          attempt,
          error: (error as Error).message,
        });
        delay = Math.min(delay * 2, max);
      }
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
}
