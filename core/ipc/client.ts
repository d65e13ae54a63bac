/**
 * IPC client: one persistent WebSocket carrying many concurrent requests, correlated by id, plus
 * pushed events. Reconnects with exponential backoff and replays requests marked `restore`
 * (such as subscriptions) once back.
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import { openTransport, type Transport } from "./transport.ts";
import {
  type ErrorFrame,
  IpcError,
  PROTOCOL_VERSION,
  type RequestId,
  type ServerFrame,
} from "./protocol.ts";

/** Options for {@link IpcClient.connect}. */
export interface IpcClientOptions {
  /** `ws://127.0.0.1:PORT/`. */
  url: string;
  /** Token for the server. */
  token: string;
  /** Give up on a connection attempt after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Default per-request timeout. Default 10000 ms. */
  requestTimeoutMs?: number;
  /** Reconnect after the connection drops. Default true. */
  reconnect?: boolean;
  /** First reconnect delay; doubles up to `backoffMaxMs`. Default 100 ms. */
  backoffInitialMs?: number;
  /** Largest reconnect delay. Default 5000 ms. */
  backoffMaxMs?: number;
  /** Logger for connection changes. */
  logger?: Logger;
}

/** Per-request options. */
export interface RequestOptions {
  /** Override the client's request timeout. */
  timeoutMs?: number;
  /** Remember this request under a key and replay it after every reconnect. */
  restore?: string;
  /** Stop replaying the request remembered under this key. */
  forget?: string;
}

/** Connection status changes reported to {@link IpcClient.onStatus}. */
export type ClientStatus = "disconnected" | "reconnected" | "closed";

/** Handler for pushed events. */
export type EventHandler = (data: unknown, event: string) => void;

interface _Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  type: string;
  deadline: number;
  limitMs: number;
}

/** How often pending requests are checked for timeouts; one timer serves all of them. */
const _SWEEP_MS = 25;

/** A connected IPC client. */
export class IpcClient {
  readonly #options: Required<Omit<IpcClientOptions, "logger">> & IpcClientOptions;
  readonly #pending = new Map<RequestId, _Pending>();
  readonly #handlers = new Map<string, Set<EventHandler>>();
  readonly #statusHandlers = new Set<(status: ClientStatus) => void>();
  readonly #restore = new Map<string, { type: string; params: Record<string, unknown> }>();
  #socket: Transport | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #nextId = 1;
  #closed = false;
  #reconnects = 0;

  private constructor(options: IpcClientOptions) {
    this.#options = {
      connectTimeoutMs: 5000,
      requestTimeoutMs: 10_000,
      reconnect: true,
      backoffInitialMs: 100,
      backoffMaxMs: 5000,
      ...options,
    };
  }

  /** Connect; rejects with an `IpcError` (`unauthorized`, `unavailable`, `timeout`). */
  static async connect(options: IpcClientOptions): Promise<IpcClient> {
    const client = new IpcClient(options);
    client.#attach(
      await openTransport({
        url: options.url,
        token: options.token,
        timeoutMs: client.#options.connectTimeoutMs,
      }),
    );
    return client;
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.#socket?.open ?? false;
  }

  /** Successful reconnects so far. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Requests awaiting replies. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Send a request and wait for its reply's `data`; error frames reject with `IpcError`. */
  request<T = unknown>(
    type: string,
    params: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<T> {
    if (options.forget) this.#restore.delete(options.forget);
    if (!options.restore) return this.#send<T>(type, params, options.timeoutMs);
    const key = options.restore;
    this.#restore.set(key, { type, params });
    return this.#send<T>(type, params, options.timeoutMs).catch((error) => {
      if (!(error instanceof IpcError && _transient(error))) this.#restore.delete(key);
      throw error;
    });
  }

  /** Listen for an event by name, or `*` for all. Returns an unsubscribe function. */
  on(event: string, handler: EventHandler): () => void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, set = new Set());
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Listen for connection status changes. */
  onStatus(handler: (status: ClientStatus) => void): () => void {
    this.#statusHandlers.add(handler);
    return () => this.#statusHandlers.delete(handler);
  }

  /** Close for good: no reconnects, pending requests reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopSweeper();
    this.#failPending(new IpcError("unavailable", "client closed"));
    try {
      this.#socket?.close(1000);
    } catch { /* already closed */ }
    this.#emitStatus("closed");
  }

  #send<T>(type: string, params: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    if (this.#closed) return Promise.reject(new IpcError("unavailable", "client closed"));
    if (!this.connected) {
      return Promise.reject(new IpcError("unavailable", `not connected to ${this.#options.url}`));
    }
    const id = this.#nextId++;
    const limitMs = timeoutMs ?? this.#options.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        type,
        deadline: performance.now() + limitMs,
        limitMs,
      });
      if (this.#sweeper === undefined) {
        // One unref'd timer for all requests: creating a timer per request costs more than
        // the round trip itself, and an idle client must not keep the process alive.
        const sweeper = setInterval(() => this.#sweep(), _SWEEP_MS);
        Deno.unrefTimer(sweeper);
        this.#sweeper = sweeper;
      }
      this.#socket!.send(JSON.stringify({ v: PROTOCOL_VERSION, id, type, ...params }));
    });
  }

  #sweep(): void {
    const now = performance.now();
    for (const [id, pending] of this.#pending) {
      if (pending.deadline > now) continue;
      this.#pending.delete(id);
      pending.reject(
        new IpcError("timeout", `${pending.type} got no reply within ${pending.limitMs} ms`),
      );
    }
  }

  #stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #attach(socket: Transport): void {
    this.#socket = socket;
    socket.onMessage((text) => this.#onMessage(text));
    socket.onClose((code, reason) => {
      if (this.#socket !== socket) return;
      const why = reason ? ` ${reason}` : "";
      this.#failPending(new IpcError("unavailable", `connection closed (${code}${why})`));
      if (this.#closed) return;
      this.#options.logger?.warn("ipc connection lost", { url: this.#options.url, code });
      this.#emitStatus("disconnected");
      if (this.#options.reconnect) void this.#reconnectLoop();
    });
  }

  async #reconnectLoop(): Promise<void> {
    let delay = this.#options.backoffInitialMs;
    while (!this.#closed) {
      const jitter = delay * (0.8 + Math.random() * 0.4);
      await new Promise((r) => setTimeout(r, jitter));
      if (this.#closed) return;
      try {
        const socket = await openTransport({
          url: this.#options.url,
          token: this.#options.token,
          timeoutMs: this.#options.connectTimeoutMs,
        });
        if (this.#closed) {
          socket.close();
          return;
        }
        this.#attach(socket);
        this.#reconnects++;
        await this.#replay();
        this.#options.logger?.info("ipc reconnected", {
          url: this.#options.url,
          restored: this.#restore.size,
        });
        this.#emitStatus("reconnected");
        return;
      } catch {
        delay = Math.min(delay * 2, this.#options.backoffMaxMs);
      }
    }
  }

  async #replay(): Promise<void> {
    for (const [key, { type, params }] of this.#restore) {
      try {
        await this.#send(type, params);
      } catch (error) {
        this.#options.logger?.warn("ipc restore failed", { key, error });
      }
    }
  }

  #onMessage(data: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data);
    } catch {
      this.#options.logger?.warn("ipc: server sent non-JSON frame");
      return;
    }
    if (frame.type === "event") {
      this.#dispatch(frame.event, frame.data);
      return;
    }
    if (frame.id === undefined) {
      if (frame.type === "error") {
        this.#options.logger?.warn("ipc error without id", {
          code: frame.code,
          message: frame.message,
        });
      }
      return;
    }
    const pending = this.#pending.get(frame.id);
    if (!pending) return;
    this.#pending.delete(frame.id);
    if (frame.type === "error") {
      const error = frame as ErrorFrame;
      pending.reject(new IpcError(error.code, error.message));
    } else pending.resolve(frame.data);
  }

  #dispatch(event: string, data: unknown): void {
    for (const key of [event, "*"]) {
      for (const handler of this.#handlers.get(key) ?? []) {
        try {
          handler(data, event);
        } catch (error) {
          this.#options.logger?.error("ipc event handler failed", { event, error });
        }
      }
    }
  }

  #emitStatus(status: ClientStatus): void {
    for (const handler of this.#statusHandlers) {
      try {
        handler(status);
      } catch { /* status listeners must not break the client */ }
    }
  }

  #failPending(error: IpcError): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

function _transient(error: IpcError): boolean {
  return error.code === "unavailable" || error.code === "timeout";
}
