/**
 * {@link serveHttp}: the HTTP + WebSocket server under every local server of hive (host, the
 * daemon's IPC, the coming hap, proxy and `sim --api`). It takes `Deno.serve`'s fetch handler (a
 * Hono app's `app.fetch` plugs in as is), {@link upgradeWebSocket} replaces
 * `Deno.upgradeWebSocket`, and it enforces {@link HttpLimits} BEFORE anything is buffered:
 *
 * - WebSocket: `Deno.upgradeWebSocket` takes a message of up to 64 MiB into memory before a
 *   handler sees its size (8 senders of 60 MiB took a daemon to 825 MB). Here the npm `ws`
 *   parser refuses a frame whose length field is over the limit with close code 1009 before
 *   reading its payload; protocol violations close with 1002, bad UTF-8 with 1007.
 * - Bodies: a Content-Length over `maxBodyBytes` gets 413 at once, unread; a chunked body is
 *   counted as the handler reads it and cut off with 413 past the limit.
 * - Slow clients: headers within `headersTimeoutMs`, a declared body within `bodyTimeoutMs`, else
 *   408 (Deno's `node:http` accepts `requestTimeout` but does not enforce it: the timers are ours).
 * - At most `maxConnections` connections; one more gets 503 and is closed.
 *
 * Built on `node:http` (Deno 2 runs it on its own sockets, `upgrade` events included) because
 * `Deno.serve` has no hook between reading a frame header and buffering its payload.
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
import {
  headersFrom,
  limitedBody,
  remoteAddrOf,
  requestUrl,
  writeRaw,
  writeRawResponse,
  writeResponse,
} from "./bridge.ts";
import { type HttpLimits, resolveLimits } from "./limits.ts";
import type { HttpServerHandle, ServeHttpOptions, ServeStats } from "./types.ts";
import { offerUpgrade, type ServerWebSocket } from "./websocket.ts";

export { ServerWebSocket, upgradeWebSocket, type UpgradeWebSocketOptions } from "./websocket.ts";
export type {
  FetchHandler,
  HttpServerHandle,
  ServeHttpOptions,
  ServeInfo,
  ServeStats,
} from "./types.ts";

function _closeReason(code: number | undefined, limit: number): string | undefined {
  if (code === 1009) return `message exceeds ${limit} bytes`;
  if (code === 1002) return "WebSocket protocol error";
  if (code === 1007) return "text frame is not valid UTF-8";
  return undefined;
}

/** How long a WebSocket that broke a limit or the protocol keeps its connection after the close frame. */
const _CLOSE_GRACE_MS = 1000;

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
      writeRaw(
        socket,
        status,
        `${http.STATUS_CODES[status]}: ${error.code ?? "malformed request"}`,
      );
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
    const { promise, resolve, reject: fail } = Promise.withResolvers<void>();
    // The same error class as Deno.serve, so callers' `instanceof Deno.errors.AddrInUse` holds.
    const reject = (error: Error & { code?: string }) =>
      fail(error.code === "EADDRINUSE" ? new Deno.errors.AddrInUse(error.message) : error);
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
      // Logged at the 1st, 2nd, 4th, 8th... refusal: a flood of connections is not a flood of lines.
      if ((++this.#refused.busy & (this.#refused.busy - 1)) === 0) {
        this.#options.logger?.warn("http connection refused: too many connections", {
          limit: this.limits.maxConnections,
          refused: this.#refused.busy,
        });
      }
      writeRaw(socket, 503, `server busy: ${this.limits.maxConnections} connections are open`);
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
        writeRaw(
          socket,
          408,
          `request headers not received within ${this.limits.headersTimeoutMs} ms`,
        );
      }, this.limits.headersTimeoutMs),
    );
  }

  /** The guard's refusal, or the handler's answer; a handler that throws gets a bare 500. */
  async #answer(request: Request, socket: Socket): Promise<Response> {
    const info = { remoteAddr: remoteAddrOf(socket, this.#addr!) };
    try {
      return this.#options.before?.(request, info) ?? await this.#options.fetch(request, info);
    } catch (error) {
      this.#options.logger?.error("http handler failed", {
        path: new URL(request.url).pathname,
        error,
      });
      return Response.json({ error: { code: "internal", message: "internal error" } }, {
        status: 500,
      });
    }
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
      body = limitedBody(req, this.limits.maxBodyBytes, () => {
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
      request = new Request(requestUrl(req, this.origin), {
        method: req.method,
        headers: headersFrom(req.rawHeaders),
        body: req.method === "GET" || req.method === "HEAD" ? null : body,
        signal: aborter.signal,
        duplex: "half",
      } as RequestInit);
    } catch (error) {
      clearTimeout(bodyTimer);
      return fail(400, "bad_request", `malformed request: ${(error as Error).message}`);
    }
    const response = await this.#answer(request, socket);
    if (failed) return;
    // A handler that answered without reading the body: let the rest drain (or time out).
    if (hasBody && !req.readableEnded) req.resume();
    await writeResponse(res, response, req.method === "HEAD");
  }

  async #onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    clearTimeout(this.#headerTimers.get(socket));
    let request: Request;
    try {
      request = new Request(requestUrl(req, this.origin), {
        method: req.method,
        headers: headersFrom(req.rawHeaders),
      });
    } catch (error) {
      return writeRaw(socket, 400, `malformed request: ${(error as Error).message}`);
    }
    const pending = offerUpgrade(request);
    const response = await this.#answer(request, socket);
    const upgraded = pending.upgraded;
    if (!upgraded || response !== upgraded.response) {
      upgraded?.ws._abandon();
      return writeRawResponse(socket, response);
    }
    const ws = upgraded.ws;
    const limit = ws.options.maxMessageBytes ?? this.limits.maxMessageBytes;
    const wss = this.#wssFor(limit, ws.protocol);
    wss.handleUpgrade(req, socket, head, (accepted) => {
      this.#websockets.add(ws);
      accepted.on("close", () => this.#websockets.delete(ws));
      accepted.on("error", () => {
        this.#websockets.delete(ws);
        // On a violation `ws` sends the close frame (1009/1002/1007), then drains the sender's
        // remaining bytes into garbage while it waits 30 s for the closing handshake: 8 senders
        // of 60 MiB still took the heap to ~290 MB. Stop reading instead (the kernel's window
        // then holds the sender back) and drop the connection once the close frame is out.
        setTimeout(() => socket.pause(), 0);
        setTimeout(() => socket.destroy(), _CLOSE_GRACE_MS).unref?.();
      });
      // `ws` closes a violation with a bare code; say what was wrong (the instance's own close).
      const close = accepted.close.bind(accepted);
      accepted.close = (code?: number, reason?: string | Buffer) =>
        close(code, reason ?? _closeReason(code, limit));
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
