/**
 * The server side of one WebSocket accepted by {@link serveHttp}: the subset of the browser
 * `WebSocket` API that our servers use (`onopen`, `onmessage`, `onclose`, `onerror`, `send`,
 * `close`, `readyState`, `bufferedAmount`), so code written for `Deno.upgradeWebSocket` moves
 * over by changing one call. Underneath is the npm `ws` package, which reads each frame's
 * length field before its payload and refuses a message over the limit with close code 1009,
 * a protocol violation with 1002 and bad UTF-8 in a text frame with 1007.
 *
 * @module
 */
// @ts-types="@types/ws"
import type { WebSocket as WsSocket } from "ws";

/** Options for {@link upgradeWebSocket}. */
export interface UpgradeWebSocketOptions {
  /**
   * Seconds between pings; a client that has not answered the previous ping by the next one is
   * disconnected. 0 (default) sends none. Same meaning as in `Deno.upgradeWebSocket`.
   */
  idleTimeout?: number;
  /** Largest message for this socket in bytes; default the server's `maxMessageBytes`. */
  maxMessageBytes?: number;
  /** Subprotocol to accept (must be one the client offered). */
  protocol?: string;
}

/** Close codes of the violations `ws` reports, by its error code (the rest are 1002). */
const _VIOLATION_CODES: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
};

/** Close code for a message over the size limit. */
export const CLOSE_TOO_BIG = 1009;
/** Close code for a WebSocket protocol violation. */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** Close code for a text frame that is not valid UTF-8. */
export const CLOSE_INVALID_DATA = 1007;

/**
 * One accepted WebSocket, shaped like the browser's. Text messages arrive as strings, binary
 * ones as `ArrayBuffer`. `readyState` uses the standard numbers, so `WebSocket.OPEN` works.
 */
export class ServerWebSocket {
  /** Standard readyState numbers. */
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  /** Called once the handshake is done. */
  onopen: ((event: Event) => void) | null = null;
  /** Called for each message: `event.data` is a string (text) or an ArrayBuffer (binary). */
  onmessage: ((event: MessageEvent) => void) | null = null;
  /** Called once when the connection ends, with the close code and reason. */
  onclose: ((event: CloseEvent) => void) | null = null;
  /** Called when the connection fails (a close event follows). */
  onerror: ((event: Event) => void) | null = null;

  /** The accepted subprotocol, or "". */
  readonly protocol: string;
  /** Options given at upgrade. */
  readonly options: Readonly<UpgradeWebSocketOptions>;
  #ws: WsSocket | null = null;
  #state = ServerWebSocket.CONNECTING;
  #pendingClose: { code?: number; reason?: string } | null = null;
  #pingTimer: ReturnType<typeof setInterval> | undefined;

  /** Made by {@link upgradeWebSocket}; not for direct use. */
  constructor(options: UpgradeWebSocketOptions = {}) {
    this.options = options;
    this.protocol = options.protocol ?? "";
  }

  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  get readyState(): number {
    if (this.#state === ServerWebSocket.CLOSED || !this.#ws) return this.#state;
    return this.#ws.readyState;
  }

  /** Bytes queued for sending but not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /** Send a text (string) or binary message. Throws unless open. */
  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (!this.#ws || this.#ws.readyState !== ServerWebSocket.OPEN) {
      throw new DOMException("WebSocket is not open", "InvalidStateError");
    }
    this.#ws.send(data as string);
  }

  /** Start the closing handshake (code default 1000). */
  close(code?: number, reason?: string): void {
    if (!this.#ws) {
      this.#pendingClose = { code, reason };
      return;
    }
    this.#ws.close(code, reason);
  }

  /** @internal The server hands over the `ws` socket once the handshake is written. */
  _attach(ws: WsSocket): void {
    this.#ws = ws;
    ws.binaryType = "arraybuffer";
    ws.on("message", (data: ArrayBuffer | Buffer, isBinary: boolean) => {
      const payload = isBinary ? data : (data as Buffer).toString("utf8");
      this.onmessage?.(new MessageEvent("message", { data: payload }));
    });
    ws.on("error", (error: Error & { code?: string }) => {
      this.onerror?.(new ErrorEvent("error", { message: error.message, error }));
      // A violation: `ws` has sent its close frame and the server stops reading the socket, so
      // the connection is over for the application now, not when the socket is torn down.
      this.#closed(
        _VIOLATION_CODES[error.code ?? ""] ?? CLOSE_PROTOCOL_ERROR,
        error.message,
        false,
      );
    });
    ws.on("close", (code: number, reason: Buffer) => {
      this.#closed(code, reason.toString(), code !== 1006);
    });
    const idle = this.options.idleTimeout ?? 0;
    if (idle > 0) {
      let answered = true;
      ws.on("pong", () => answered = true);
      this.#pingTimer = setInterval(() => {
        if (!answered) return ws.terminate();
        answered = false;
        ws.ping();
      }, idle * 1000);
    }
    this.onopen?.(new Event("open"));
    if (this.#pendingClose) ws.close(this.#pendingClose.code, this.#pendingClose.reason);
  }

  #closed(code: number, reason: string, wasClean: boolean): void {
    if (this.#state === ServerWebSocket.CLOSED) return;
    clearInterval(this.#pingTimer);
    this.#state = ServerWebSocket.CLOSED;
    this.onclose?.(new CloseEvent("close", { code, reason, wasClean }));
  }

  /** @internal The handshake did not happen (the handler's response was not the upgrade). */
  _abandon(): void {
    this.#state = ServerWebSocket.CLOSED;
  }
}

/** An upgrade request waiting for its handler; the server made it with {@link offerUpgrade}. */
export interface UpgradeSlot {
  /** Set by {@link upgradeWebSocket}: the socket to attach and the marker response. */
  upgraded?: { ws: ServerWebSocket; response: Response };
}

const _slots = new WeakMap<Request, UpgradeSlot>();

/** @internal The server registers an upgrade request before its handler runs. */
export function offerUpgrade(request: Request): UpgradeSlot {
  const slot: UpgradeSlot = {};
  _slots.set(request, slot);
  return slot;
}

/**
 * Accept a WebSocket upgrade inside a `serveHttp` fetch handler; the drop-in for
 * `Deno.upgradeWebSocket`. Return `response` from the handler; `socket` opens right after.
 *
 * @example
 * ```ts
 * const { socket, response } = upgradeWebSocket(request, { idleTimeout: 60 });
 * socket.onopen = () => socket.send("hello");
 * return response;
 * ```
 * @throws TypeError when the request is not a WebSocket upgrade received by `serveHttp`.
 */
export function upgradeWebSocket(
  request: Request,
  options: UpgradeWebSocketOptions = {},
): { socket: ServerWebSocket; response: Response } {
  const slot = _slots.get(request);
  if (!slot) {
    throw new TypeError(
      "upgradeWebSocket: not a WebSocket upgrade received by serveHttp (is the request a copy?)",
    );
  }
  if (slot.upgraded) throw new TypeError("upgradeWebSocket: this request was already upgraded");
  const ws = new ServerWebSocket(options);
  // A marker: the server sees this object come back from the handler and does the handshake.
  const response = new Response(null, { status: 200, headers: { "x-hive-upgrade": "1" } });
  slot.upgraded = { ws, response };
  return { socket: ws, response };
}
