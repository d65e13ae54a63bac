/**
 * IPC server: WebSocket upgrade on `Deno.serve`, on 127.0.0.1 or a unix socket, with token auth,
 * frame size limits, schema-checked requests and bounded per-client outbound queues.
 *
 * @module
 */
import { z } from "zod";
import { clipText, formatIssues } from "../errors.ts";
import type { Logger } from "../logger.ts";
import {
  CLOSE_TOO_BIG,
  DEFAULT_MAX_FRAME_BYTES,
  errorFrame,
  IpcError,
  requestEnvelope,
  type RequestId,
  resultFrame,
} from "./protocol.ts";
import { tokensEqual } from "./token.ts";
import { IpcConnection } from "./connection.ts";

export { IpcConnection } from "./connection.ts";
import {
  type HttpServerHandle,
  serveHttp,
  type ServeInfo,
  upgradeWebSocket,
} from "../http/server.ts";
import { crossSiteGuard } from "../http/guard.ts";
import { AuthThrottle, sourceOf } from "../http/auth_throttle.ts";

/** Options for {@link IpcServer.listen}. */
export interface IpcServerOptions {
  /** Shared secret clients must present (Authorization: Bearer, or `?token=`). */
  token: string;
  /** TCP host. Default 127.0.0.1. */
  hostname?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Listen on this unix socket instead of TCP. */
  socketPath?: string;
  /** Largest accepted inbound frame in bytes. Default 1 MiB. */
  maxFrameBytes?: number;
  /** Bytes that may wait unsent per client before events are dropped. Default 4 MiB. */
  maxQueueBytes?: number;
  /** Audit logger. */
  logger?: Logger;
}

/** Handles one request type; the returned value becomes the reply's `data`. */
export type RequestHandler<P> = (params: P, connection: IpcConnection) => unknown;

interface _Route {
  schema: z.ZodType;
  handler: RequestHandler<never>;
}

const _encoder = new TextEncoder();

/** Longest error text a client gets back. */
const _MAX_ERROR_TEXT = 400;

/**
 * The common case of `requestEnvelope`, checked without allocating; frames that fail it go
 * through the schema, which produces the error message.
 */
function _wellFormed(frame: Record<string, unknown>): boolean {
  const { v, id, type } = frame;
  if (v !== 1 || typeof type !== "string" || type.length === 0 || type.length > 64) return false;
  if (id === undefined) return true;
  if (typeof id === "string") return id.length > 0 && id.length <= 128;
  return Number.isSafeInteger(id) && (id as number) >= 0;
}

/** Counters exposed by {@link IpcServer.stats}. */
export interface IpcServerStats {
  connections: number;
  requests: number;
  errors: number;
  dropped: number;
  rejectedAuth: number;
}

/** A running IPC server. */
export class IpcServer {
  readonly #routes = new Map<string, _Route>();
  readonly #connections = new Set<IpcConnection>();
  readonly #closeHooks: ((c: IpcConnection) => void)[] = [];
  readonly #openHooks: ((c: IpcConnection) => void)[] = [];
  readonly #options: Required<Omit<IpcServerOptions, "socketPath" | "logger">> & IpcServerOptions;
  #server: HttpServerHandle | undefined;
  #throttle: AuthThrottle;
  #stats: IpcServerStats = { connections: 0, requests: 0, errors: 0, dropped: 0, rejectedAuth: 0 };

  private constructor(options: IpcServerOptions) {
    this.#options = {
      hostname: "127.0.0.1",
      port: 0,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      maxQueueBytes: 4 * 1024 * 1024,
      ...options,
    };
    this.#throttle = new AuthThrottle({ logger: options.logger, what: "ipc" });
  }

  /** Start listening. Register handlers before clients send requests. */
  static async listen(options: IpcServerOptions): Promise<IpcServer> {
    const server = new IpcServer(options);
    await server.#start();
    return server;
  }

  /** `ws://host:port/` or `ws+unix://path`. */
  get url(): string {
    const addr = this.#server!.addr as Deno.Addr;
    if (addr.transport === "unix") return `ws+unix://${addr.path}`;
    if (addr.transport !== "tcp") throw new Error(`unexpected transport ${addr.transport}`);
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    return `ws://${host}:${addr.port}/`;
  }

  /** The bound TCP port (0 for unix sockets). */
  get port(): number {
    const addr = this.#server!.addr as Deno.Addr;
    return addr.transport === "tcp" ? addr.port : 0;
  }

  /** Live connections. */
  get connections(): ReadonlySet<IpcConnection> {
    return this.#connections;
  }

  /** Counters since start. */
  get stats(): IpcServerStats {
    return { ...this.#stats, connections: this.#connections.size };
  }

  /** Register the handler for one request type. `schema` validates the frame minus v/id/type. */
  handle<S extends z.ZodType>(type: string, schema: S, handler: RequestHandler<z.output<S>>): void {
    this.#routes.set(type, { schema, handler: handler as RequestHandler<never> });
  }

  /** Request types with handlers. */
  get types(): string[] {
    return [...this.#routes.keys()];
  }

  /** Called for each new authenticated connection. */
  onOpen(hook: (c: IpcConnection) => void): void {
    this.#openHooks.push(hook);
  }

  /** Called when a connection closes (clean up its state here). */
  onClose(hook: (c: IpcConnection) => void): void {
    this.#closeHooks.push(hook);
  }

  /** Push an event to every connection that passes `filter`. Returns how many got it. */
  broadcast(event: string, data: unknown, filter?: (c: IpcConnection) => boolean): number {
    let sent = 0;
    for (const c of this.#connections) {
      if (filter && !filter(c)) continue;
      if (c.sendEvent(event, data)) sent++;
    }
    return sent;
  }

  /** Stop accepting, close every connection and stop the listener. */
  async close(): Promise<void> {
    for (const c of this.#connections) c.close(1001, "server shutting down");
    this.#connections.clear();
    this.#throttle.close();
    await this.#server?.shutdown();
  }

  async #start(): Promise<void> {
    let port = 0;
    const guard = crossSiteGuard({ hostname: this.#options.hostname, port: () => port });
    this.#server = await serveHttp({
      ...(this.#options.socketPath
        ? { path: this.#options.socketPath }
        : { hostname: this.#options.hostname, port: this.#options.port }),
      before: this.#options.socketPath ? undefined : guard.check,
      fetch: (req, info) => this.#serve(req, info),
      limits: { maxMessageBytes: this.#options.maxFrameBytes },
      logger: this.#options.logger,
    });
    port = this.#server.port;
  }

  #serve(req: Request, info: ServeInfo): Response {
    const url = new URL(req.url);
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      if (url.pathname === "/healthz") return new Response("ok\n");
      return Response.json(
        errorFrame("bad_request", "this is a WebSocket IPC endpoint; connect with a WebSocket"),
        { status: 426 },
      );
    }
    const auth = req.headers.get("authorization");
    const given = auth?.startsWith("Bearer ")
      ? auth.slice(7).trim()
      : url.searchParams.get("token");
    const source = sourceOf(info);
    const limited = this.#throttle.check(source);
    if (limited) return limited;
    if (!given || !tokensEqual(given, this.#options.token)) {
      this.#stats.rejectedAuth++;
      if (given) this.#throttle.failed(source, "bad token");
      return Response.json(
        errorFrame("unauthorized", given ? "invalid token" : "missing token"),
        { status: 401 },
      );
    }
    const { socket, response } = upgradeWebSocket(req);
    const connection = new IpcConnection(
      socket,
      this.#options.maxQueueBytes,
      () => this.#stats.dropped++,
    );
    socket.onopen = () => {
      this.#connections.add(connection);
      for (const hook of this.#openHooks) this.#safely(() => hook(connection));
    };
    socket.onclose = () => {
      if (!this.#connections.delete(connection)) return;
      for (const hook of this.#closeHooks) this.#safely(() => hook(connection));
    };
    socket.onerror = () => {};
    socket.onmessage = (event) => this.#onFrame(connection, event.data);
    return response;
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.logger?.error("ipc hook failed", { error });
    }
  }

  #onFrame(connection: IpcConnection, data: unknown): void {
    if (typeof data !== "string") {
      const size = data instanceof ArrayBuffer ? data.byteLength : (data as Blob).size;
      if (size > this.#options.maxFrameBytes) return this.#tooBig(connection, size);
      this.#stats.errors++;
      connection.send(errorFrame("bad_frame", "expected a text frame holding JSON, got binary"));
      return;
    }
    if (data.length > this.#options.maxFrameBytes / 3) {
      const size = _encoder.encode(data).length;
      if (size > this.#options.maxFrameBytes) return this.#tooBig(connection, size);
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      this.#stats.errors++;
      connection.send(
        errorFrame("bad_json", `frame is not JSON: ${clipText((error as Error).message, 160)}`),
      );
      return;
    }
    if (frame === null || typeof frame !== "object" || Array.isArray(frame)) {
      this.#stats.errors++;
      connection.send(errorFrame("bad_frame", "frame must be a JSON object"));
      return;
    }
    if (_wellFormed(frame as Record<string, unknown>)) {
      this.#stats.requests++;
      this.#dispatch(
        connection,
        frame as { id?: RequestId; type: string },
        frame as Record<string, unknown>,
      );
      return;
    }
    const envelope = requestEnvelope.safeParse(frame, { reportInput: true });
    const rawId = (frame as { id?: unknown }).id;
    const echoId = typeof rawId === "string" || typeof rawId === "number"
      ? rawId as RequestId
      : undefined;
    if (!envelope.success) {
      this.#stats.errors++;
      connection.send(
        errorFrame("bad_frame", formatIssues(envelope.error.issues).join("; "), echoId),
      );
      return;
    }
    this.#stats.requests++;
    this.#dispatch(connection, envelope.data, frame as Record<string, unknown>);
  }

  #tooBig(connection: IpcConnection, size: number): void {
    this.#stats.errors++;
    this.#options.logger?.warn("ipc frame too big", {
      bytes: size,
      limit: this.#options.maxFrameBytes,
    });
    connection.close(
      CLOSE_TOO_BIG,
      `frame of ${size} bytes exceeds ${this.#options.maxFrameBytes}`,
    );
  }

  #dispatch(
    connection: IpcConnection,
    envelope: { id?: RequestId; type: string },
    frame: Record<string, unknown>,
  ): void {
    const { id, type } = envelope;
    const route = this.#routes.get(type);
    if (!route) {
      this.#stats.errors++;
      const known = [...this.#routes.keys()].join(", ");
      connection.send(errorFrame("unknown_type", `unknown type "${type}"; known: ${known}`, id));
      return;
    }
    const { v: _v, id: _id, type: _type, ...params } = frame;
    const parsed = route.schema.safeParse(params, { reportInput: true });
    if (!parsed.success) {
      this.#stats.errors++;
      connection.send(
        errorFrame("bad_request", `${type}: ${formatIssues(parsed.error.issues).join("; ")}`, id),
      );
      return;
    }
    let data: unknown;
    try {
      data = route.handler(parsed.data as never, connection);
    } catch (error) {
      return this.#failedHandler(connection, type, id, error);
    }
    if (data instanceof Promise) {
      data.then(
        (value) => this.#reply(connection, id, value),
        (error) => this.#failedHandler(connection, type, id, error),
      );
    } else this.#reply(connection, id, data);
  }

  #reply(connection: IpcConnection, id: RequestId | undefined, data: unknown): void {
    if (id !== undefined) connection.send(resultFrame(id, data ?? null));
  }

  #failedHandler(
    connection: IpcConnection,
    type: string,
    id: RequestId | undefined,
    error: unknown,
  ): void {
    this.#stats.errors++;
    // Handler errors may quote their input: never echo more than a short prefix of it.
    if (error instanceof IpcError) {
      connection.send(errorFrame(error.code, clipText(error.message, _MAX_ERROR_TEXT), id));
    } else {
      this.#options.logger?.error("ipc handler failed", { type, error });
      const text = clipText(`${type} failed: ${(error as Error).message}`, _MAX_ERROR_TEXT);
      connection.send(errorFrame("internal", text, id));
    }
  }
}
