/**
 * {@link serveHttp}: the HTTP + WebSocket server under every local server of hive (host, the
 * daemon's IPC, and the coming hap, proxy and `sim --api`). It takes the same fetch handler as
 * `Deno.serve` (so a Hono app's `app.fetch` plugs in as is) and {@link upgradeWebSocket} stands in
 * for `Deno.upgradeWebSocket`, but it enforces {@link HttpLimits} BEFORE anything is buffered:
 *
 * - `Deno.serve` + `Deno.upgradeWebSocket` accept a WebSocket message of up to 64 MiB into memory
 *   before a handler can look at its size (8 senders of 60 MiB took a daemon to 825 MB). Here the
 *   npm `ws` package parses frames and refuses one whose length field exceeds the limit with
 *   close code 1009, before reading its payload; protocol violations close with 1002 and bad
 *   UTF-8 with 1007, never a silently dropped TCP connection.
 * - A request whose Content-Length exceeds `maxBodyBytes` gets 413 at once, unread; a chunked
 *   body is counted while the handler reads it and cut off with 413 when it passes the limit.
 * - Headers must arrive within `headersTimeoutMs` and a declared body within `bodyTimeoutMs`
 *   (408), so a client that sends `Content-Length: 100000` and nothing else is cut off (slowloris).
 *   Deno's `node:http` takes `headersTimeout`/`requestTimeout` but does not enforce them, so
 *   the timers are our own.
 * - At most `maxConnections` connections are open; one more gets 503 and is closed.
 *
 * It is built on `node:http` (which Deno 2 runs on its own sockets, `upgrade` events included)
 * because `Deno.serve` offers no hook between reading a frame header and buffering its payload.
 *
 * @example A Hono app with a chat WebSocket, guarded against other websites
 * ```ts
 * import { Hono } from "hono";
 * import { crossSiteGuard, crossSiteMiddleware } from "./guard.ts";
 * import { serveHttp, upgradeWebSocket } from "./server.ts";
 *
 * const app = new Hono();
 * const server = await serveHttp({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
 * app.use(crossSiteMiddleware(crossSiteGuard({ hostname: "127.0.0.1", port: server.port })));
 * app.get("/ws", (c) => {
 *   const { socket, response } = upgradeWebSocket(c.req.raw, { idleTimeout: 60 });
 *   socket.onmessage = (event) => socket.send(`echo ${event.data}`);
 *   return response;
 * });
 * ```
 *
 * @module
 */
import http from "node:http";
import type { Socket } from "node:net";
// @ts-types="@types/ws"
import { WebSocketServer } from "ws";
import type { Logger } from "../logger.ts";
import { type HttpLimits, resolveLimits } from "./limits.ts";
import { ServerWebSocket, type UpgradeWebSocketOptions } from "./websocket.ts";

export { ServerWebSocket, type UpgradeWebSocketOptions } from "./websocket.ts";

/** What the fetch handler gets besides the request; the same shape as `Deno.serve`'s. */
export interface ServeInfo {
  /** The client's address (`{transport: "tcp", hostname, port}` or `{transport: "unix", path}`). */
  remoteAddr: Deno.NetAddr | Deno.UnixAddr;
}

/** A fetch handler, as for `Deno.serve` (a Hono app's `app.fetch` fits). */
export type FetchHandler = (request: Request, info: ServeInfo) => Response | Promise<Response>;

/** Options for {@link serveHttp}. */
export interface ServeHttpOptions {
  /** Answers every request and WebSocket upgrade. */
  fetch: FetchHandler;
  /** Address to bind. Default 127.0.0.1. */
  hostname?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Listen on this unix socket instead of TCP (a stale socket file is removed first). */
  path?: string;
  /** Limits; missing fields take {@link DEFAULT_HTTP_LIMITS}. */
  limits?: Partial<HttpLimits>;
  /**
   * Runs before `fetch` on every request and upgrade; a Response it returns is sent instead
   * (e.g. `guard.check` of a cross-site guard, for servers without Hono middleware).
   */
  before?: (request: Request, info: ServeInfo) => Response | null;
  /** Where refused requests and handler failures are logged (debug/warn/error). */
  logger?: Logger;
}

/** Counters of a running server. */
export interface ServeStats {
  /** Connections open now. */
  connections: number;
  /** WebSockets open now. */
  websockets: number;
  /** Requests refused by a limit, by reason. */
  refused: Record<"body_too_large" | "body_timeout" | "headers_timeout" | "busy", number>;
}

/** A running server from {@link serveHttp}. */
export interface HttpServerHandle {
  /** The bound address. */
  readonly addr: Deno.NetAddr | Deno.UnixAddr;
  /** Bound TCP port (0 on a unix socket). */
  readonly port: number;
  /** `http://host:port` (IPv6 in brackets) or `http+unix://path`. */
  readonly origin: string;
  /** The limits in force. */
  readonly limits: Readonly<HttpLimits>;
  /** Counters. */
  stats(): ServeStats;
  /** Stop listening, close WebSockets with 1001, drop every connection. */
  shutdown(): Promise<void>;
}

interface _Pending {
  socket: Socket;
  head: Buffer;
  req: http.IncomingMessage;
  server: _Server;
  upgraded?: { ws: ServerWebSocket; response: Response };
}

const _pending = new WeakMap<Request, _Pending>();
/** How long a WebSocket that broke a limit or the protocol keeps its connection after the close frame. */
const _CLOSE_GRACE_MS = 1000;

/**
 * Accept a WebSocket upgrade inside a {@link serveHttp} fetch handler; the drop-in for
 * `Deno.upgradeWebSocket`. Return `response` from the handler; `socket` opens right after.
 *
 * @example
 * ```ts
 * const { socket, response } = upgradeWebSocket(request, { idleTimeout: 60 });
 * socket.onopen = () => socket.send("hello");
 * return response;
 * ```
 * @throws TypeError when the request is not a WebSocket upgrade received by {@link serveHttp}.
 */
export function upgradeWebSocket(
  request: Request,
  options: UpgradeWebSocketOptions = {},
): { socket: ServerWebSocket; response: Response } {
  const pending = _pending.get(request);
  if (!pending) {
    throw new TypeError(
      "upgradeWebSocket: not a WebSocket upgrade received by serveHttp (is the request a copy?)",
    );
  }
  if (pending.upgraded) throw new TypeError("upgradeWebSocket: this request was already upgraded");
  const ws = new ServerWebSocket(options);
  // A marker: the server sees this object come back from the handler and does the handshake.
  const response = new Response(null, { status: 200, headers: { "x-hive-upgrade": "1" } });
  pending.upgraded = { ws, response };
  return { socket: ws, response };
}

/**
 * Start a server; resolves once it listens. See the module doc for what it enforces.
 *
 * @example
 * ```ts
 * const server = await serveHttp({ port: 0, fetch: () => new Response("ok") });
 * console.log(server.origin); // http://127.0.0.1:PORT
 * await server.shutdown();
 * ```
 */
export async function serveHttp(options: ServeHttpOptions): Promise<HttpServerHandle> {
  const server = new _Server(options);
  await server.listen();
  return server;
}

class _Server implements HttpServerHandle {
  readonly limits: Readonly<HttpLimits>;
  readonly #options: ServeHttpOptions;
  readonly #http: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #websockets = new Set<ServerWebSocket>();
  readonly #wss = new Map<number, WebSocketServer>();
  readonly #refused: ServeStats["refused"] = {
    body_too_large: 0,
    body_timeout: 0,
    headers_timeout: 0,
    busy: 0,
  };
  readonly #headerTimers = new WeakMap<Socket, ReturnType<typeof setTimeout>>();
  #addr: Deno.NetAddr | Deno.UnixAddr | undefined;

  constructor(options: ServeHttpOptions) {
    this.#options = options;
    this.limits = Object.freeze(resolveLimits(options.limits));
    this.#http = http.createServer({ maxHeaderSize: this.limits.maxHeaderBytes });
    this.#http.on("connection", (socket: Socket) => this.#onConnection(socket));
    this.#http.on("request", (req, res) => void this.#onRequest(req, res));
    this.#http.on("upgrade", (req, socket: Socket, head: Buffer) => {
      void this.#onUpgrade(req, socket, head);
    });
    this.#http.on("clientError", (error: Error & { code?: string }, socket: Socket) => {
      const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
      _writeRaw(socket, status, `${_reason(status)}: ${error.code ?? "malformed request"}`);
    });
  }

  get addr(): Deno.NetAddr | Deno.UnixAddr {
    return this.#addr!;
  }

  get port(): number {
    return this.#addr?.transport === "tcp" ? this.#addr.port : 0;
  }

  get origin(): string {
    const addr = this.addr;
    if (addr.transport !== "tcp") return `http+unix://${(addr as Deno.UnixAddr).path}`;
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    return `http://${host}:${addr.port}`;
  }

  stats(): ServeStats {
    return {
      connections: this.#sockets.size,
      websockets: this.#websockets.size,
      refused: { ...this.#refused },
    };
  }

  async listen(): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#http.once("error", reject);
    if (this.#options.path) {
      try {
        await Deno.remove(this.#options.path);
      } catch { /* no stale socket */ }
      this.#http.listen(this.#options.path, () => resolve());
    } else {
      this.#http.listen(
        this.#options.port ?? 0,
        this.#options.hostname ?? "127.0.0.1",
        () => resolve(),
      );
    }
    await promise;
    this.#http.off("error", reject);
    const bound = this.#http.address();
    this.#addr = typeof bound === "string" || bound === null
      ? { transport: "unix", path: this.#options.path ?? String(bound) }
      : { transport: "tcp", hostname: bound.address, port: bound.port };
  }

  async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    for (const ws of this.#websockets) ws.close(1001, "server shutting down");
    // Give close frames a moment to leave, then drop whatever is still open.
    if (this.#websockets.size > 0) await new Promise((r) => setTimeout(r, 50));
    for (const socket of this.#sockets) socket.destroy();
    for (const wss of this.#wss.values()) wss.close();
    await closed;
  }

  #onConnection(socket: Socket): void {
    if (this.#sockets.size >= this.limits.maxConnections) {
      this.#refused.busy++;
      this.#options.logger?.warn("http connection refused: too many connections", {
        limit: this.limits.maxConnections,
      });
      _writeRaw(socket, 503, `server busy: ${this.limits.maxConnections} connections are open`);
      return;
    }
    this.#sockets.add(socket);
    // Small answers go out at once, not after the peer's delayed ACK (~40 ms).
    socket.setNoDelay(true);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => {});
    this.#armHeaderTimer(socket);
  }

  /** Headers of the next request must arrive in time (also the keep-alive idle limit). */
  #armHeaderTimer(socket: Socket): void {
    clearTimeout(this.#headerTimers.get(socket));
    this.#headerTimers.set(
      socket,
      setTimeout(() => {
        this.#refused.headers_timeout++;
        _writeRaw(
          socket,
          408,
          `request headers not received within ${this.limits.headersTimeoutMs} ms`,
        );
      }, this.limits.headersTimeoutMs),
    );
  }

  #info(socket: Socket): ServeInfo {
    if (this.#addr?.transport === "unix") {
      return { remoteAddr: { transport: "unix", path: this.#addr.path } };
    }
    return {
      remoteAddr: {
        transport: "tcp",
        hostname: socket.remoteAddress ?? "",
        port: socket.remotePort ?? 0,
      },
    };
  }

  async #onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const socket = req.socket;
    clearTimeout(this.#headerTimers.get(socket));
    res.on("finish", () => {
      if (!socket.destroyed) this.#armHeaderTimer(socket);
    });
    let failed = false;
    const fail = (status: number, code: string, message: string) => {
      if (failed) return;
      failed = true;
      this.#options.logger?.debug("http request refused", { status, code });
      if (!res.headersSent) {
        const body = JSON.stringify({ error: { code, message } });
        res.writeHead(status, {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          connection: "close",
        });
        res.end(body, () => socket.destroy());
      } else socket.destroy();
    };

    const declared = req.headers["content-length"];
    const hasBody = declared !== undefined
      ? declared !== "0"
      : req.headers["transfer-encoding"] !== undefined;
    if (declared !== undefined && Number(declared) > this.limits.maxBodyBytes) {
      this.#refused.body_too_large++;
      return fail(
        413,
        "body_too_large",
        `request body of ${declared} bytes exceeds the limit of ${this.limits.maxBodyBytes}`,
      );
    }
    let bodyTimer: ReturnType<typeof setTimeout> | undefined;
    let body: ReadableStream<Uint8Array> | null = null;
    if (hasBody) {
      bodyTimer = setTimeout(() => {
        this.#refused.body_timeout++;
        fail(
          408,
          "body_timeout",
          `request body not received within ${this.limits.bodyTimeoutMs} ms`,
        );
      }, this.limits.bodyTimeoutMs);
      req.on("end", () => clearTimeout(bodyTimer));
      req.on("close", () => clearTimeout(bodyTimer));
      body = this.#limitedBody(req, () => {
        this.#refused.body_too_large++;
        fail(
          413,
          "body_too_large",
          `request body exceeds the limit of ${this.limits.maxBodyBytes} bytes`,
        );
      });
    }

    const aborter = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    let request: Request;
    try {
      request = new Request(this.#url(req), {
        method: req.method,
        headers: _headers(req.rawHeaders),
        body: req.method === "GET" || req.method === "HEAD" ? null : body,
        signal: aborter.signal,
        duplex: "half",
      } as RequestInit);
    } catch (error) {
      clearTimeout(bodyTimer);
      return fail(400, "bad_request", `malformed request: ${(error as Error).message}`);
    }
    const info = this.#info(socket);
    let response: Response;
    try {
      response = this.#options.before?.(request, info) ?? await this.#options.fetch(request, info);
    } catch (error) {
      this.#options.logger?.error("http handler failed", { path: req.url, error });
      response = Response.json({ error: { code: "internal", message: "internal error" } }, {
        status: 500,
      });
    }
    if (failed) return;
    // A handler that answered without reading the body: let the rest drain (or time out).
    if (hasBody && !req.readableEnded) req.resume();
    await _writeResponse(res, response, req.method === "HEAD");
  }

  #limitedBody(req: http.IncomingMessage, onOverflow: () => void): ReadableStream<Uint8Array> {
    const limit = this.limits.maxBodyBytes;
    let seen = 0;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > limit) {
            controller.error(new RangeError(`request body exceeds ${limit} bytes`));
            req.pause();
            onOverflow();
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          // Backpressure: stop reading the socket until the handler takes what is queued.
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.on("end", () => {
          try {
            controller.close();
          } catch { /* errored already */ }
        });
        req.on("error", (error) => {
          try {
            controller.error(error);
          } catch { /* closed already */ }
        });
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        req.resume();
      },
    }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  }

  #url(req: http.IncomingMessage): string {
    const target = req.url ?? "/";
    if (!target.startsWith("/")) throw new TypeError("request target must be a path");
    const host = req.headers.host;
    let base = this.origin.startsWith("http+unix") ? "http://localhost" : this.origin;
    if (host) {
      // Keep the client's Host in the URL (routers and guards read it) when it parses.
      try {
        base = new URL(`http://${host}`).origin;
      } catch { /* a malformed Host stays in the header, for the guard to refuse */ }
    }
    return base + target;
  }

  async #onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    clearTimeout(this.#headerTimers.get(socket));
    let request: Request;
    try {
      request = new Request(this.#url(req), {
        method: req.method,
        headers: _headers(req.rawHeaders),
      });
    } catch (error) {
      return _writeRaw(socket, 400, `malformed request: ${(error as Error).message}`);
    }
    const pending: _Pending = { socket, head, req, server: this };
    _pending.set(request, pending);
    const info = this.#info(socket);
    let response: Response;
    try {
      response = this.#options.before?.(request, info) ?? await this.#options.fetch(request, info);
    } catch (error) {
      this.#options.logger?.error("http upgrade handler failed", { path: req.url, error });
      response = Response.json({ error: { code: "internal", message: "internal error" } }, {
        status: 500,
      });
    }
    const upgraded = pending.upgraded;
    if (!upgraded || response !== upgraded.response) {
      upgraded?.ws._abandon();
      return _writeRawResponse(socket, response);
    }
    const ws = upgraded.ws;
    const limit = ws.options.maxMessageBytes ?? this.limits.maxMessageBytes;
    const wss = this.#wssFor(limit, ws.protocol);
    wss.handleUpgrade(req, socket, head, (accepted) => {
      this.#websockets.add(ws);
      accepted.on("close", () => this.#websockets.delete(ws));
      accepted.on("error", () => {
        // On a violation `ws` sends the close frame (1009/1002/1007), then drains the sender's
        // remaining bytes into garbage while it waits 30 s for the closing handshake: 8 senders
        // of 60 MiB still took the heap to ~290 MB. Stop reading instead (the kernel's window
        // then holds the sender back) and drop the connection once the close frame is out.
        setTimeout(() => socket.pause(), 0);
        setTimeout(() => socket.destroy(), _CLOSE_GRACE_MS).unref?.();
      });
      ws._attach(accepted);
    });
  }

  #wssFor(maxPayload: number, protocol: string): WebSocketServer {
    const key = protocol ? -maxPayload : maxPayload;
    let wss = this.#wss.get(key);
    if (!wss) {
      wss = new WebSocketServer({
        noServer: true,
        maxPayload,
        perMessageDeflate: false,
        clientTracking: false,
        handleProtocols: protocol
          ? (offered: Set<string>) => offered.has(protocol) ? protocol : false
          : undefined,
      });
      this.#wss.set(key, wss);
    }
    return wss;
  }
}

function _headers(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

const _REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};

function _reason(status: number): string {
  return _REASONS[status] ?? http.STATUS_CODES[status] ?? "Error";
}

/** Answer on a raw socket (before or outside node's response object) and close it. */
function _writeRaw(socket: Socket, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: `http_${status}`, message } });
  socket.end(
    `HTTP/1.1 ${status} ${_reason(status)}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref?.();
}

/** Send a handler's refusal of an upgrade (401, 403, ...) on the raw socket; bodies are short. */
async function _writeRawResponse(socket: Socket, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  let head = `HTTP/1.1 ${response.status} ${_reason(response.status)}\r\n`;
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") head += `${name}: ${value}\r\n`;
  });
  head += `Content-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n`;
  if (socket.destroyed) return;
  socket.write(head);
  socket.end(body);
  setTimeout(() => socket.destroy(), 1000).unref?.();
}

async function _writeResponse(
  res: http.ServerResponse,
  response: Response,
  headOnly: boolean,
): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body || headOnly) {
    res.end();
    await response.body?.cancel().catch(() => {});
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    // Most answers are one chunk: send those with a Content-Length in one write (chunked
    // encoding costs a second write and ~0.5 ms). A stream whose next chunk is not ready at
    // once (server-sent events) is streamed as it comes.
    const first = await reader.read();
    if (first.done) return void res.end();
    let next: Promise<ReadableStreamReadResult<Uint8Array>> | null = reader.read();
    const second = await Promise.race([next, new Promise<null>((r) => setTimeout(r, 0, null))]);
    if (second?.done && !res.hasHeader("content-length")) {
      res.setHeader("content-length", String(first.value.byteLength));
      return void res.end(first.value);
    }
    res.write(first.value);
    while (true) {
      const { done, value } = next ? await next : await reader.read();
      next = null;
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}
