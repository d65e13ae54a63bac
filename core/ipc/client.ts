/**
 * IPC client: one persistent WebSocket carrying many concurrent requests, correlated by id, plus
 * pushed events. One client is one connection: when it drops, pending requests reject and
 * `onStatus` says `disconnected`. Reconnecting, and restoring what the old connection had
 * (subscriptions), is the caller's job, because only the caller knows where the server went
 * (the P2P port's daemon client re-reads `daemon.json` and subscribes again).
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
  /** Logger for connection changes. */
  logger?: Logger;
}

/** Per-request options. */
export interface RequestOptions {
  /** Override the client's request timeout. */
  timeoutMs?: number;
}

/** Connection status changes reported to {@link IpcClient.onStatus}. */
export type ClientStatus = "disconnected" | "closed";

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
  #socket: Transport | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #nextId = 1;
  #closed = false;

  private constructor(options: IpcClientOptions) {
    // `??`, not a spread: an option passed as undefined means "the default".
    this.#options = {
      ...options,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
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
    return this.#send<T>(type, params, options.timeoutMs);
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

  /** Close: pending requests reject. */
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
      this.#stopSweeper();
      this.#options.logger?.warn("ipc connection lost", { url: this.#options.url, code });
      this.#emitStatus("disconnected");
    });
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
