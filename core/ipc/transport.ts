/**
 * Client-side connections for the IPC client. TCP URLs use Deno's built-in WebSocket (fastest
 * here); `ws+unix://` URLs use the `ws` package, which can dial unix sockets.
 *
 * @module
 */
// @ts-types="@types/ws"
import { WebSocket as WsSocket } from "ws";
import { IpcError } from "./protocol.ts";

/** An open connection carrying text frames. */
export interface Transport {
  /** True while frames can be sent. */
  readonly open: boolean;
  /** Send one text frame. */
  send(text: string): void;
  /** Close with a WebSocket close code. */
  close(code?: number): void;
  /** Called for each text frame received. */
  onMessage(handler: (text: string) => void): void;
  /** Called once when the connection closes. */
  onClose(handler: (code: number, reason: string) => void): void;
}

/** Options for {@link openTransport}. */
export interface OpenTransportOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

/** Open a connection to an IPC server; rejects with `unauthorized`, `unavailable` or `timeout`. */
export function openTransport(options: OpenTransportOptions): Promise<Transport> {
  return options.url.startsWith("ws+unix://") ? _openWs(options) : _openNative(options);
}

const _NAGLE_LOW = 1024;
const _NAGLE_HIGH = 65535;

/** UTF-8 length of `text` without allocating. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/**
 * Deno's WebSocket client writes the header and the payload of a frame between 1025 and 65534
 * bytes separately and without TCP_NODELAY, so the payload waits for the server's delayed ACK
 * (~44 ms on Linux). JSON allows trailing whitespace, so such frames are padded past the range;
 * a 2 KB request then costs well under a millisecond instead of 44 ms.
 */
export function padFrame(text: string): string {
  if (text.length > _NAGLE_HIGH || text.length * 3 <= _NAGLE_LOW) return text;
  const bytes = utf8Length(text);
  if (bytes <= _NAGLE_LOW || bytes >= _NAGLE_HIGH) return text;
  return text + " ".repeat(_NAGLE_HIGH - bytes);
}

function _openNative({ url, token, timeoutMs }: OpenTransportOptions): Promise<Transport> {
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } } as never);
    } catch (error) {
      reject(new IpcError("unavailable", `cannot connect to ${url}: ${(error as Error).message}`));
      return;
    }
    const timer = setTimeout(() => {
      socket.onopen = socket.onerror = null;
      socket.close();
      reject(new IpcError("timeout", `connecting to ${url} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.onopen = () => {
      clearTimeout(timer);
      socket.onopen = null;
      socket.onerror = () => {};
      resolve({
        get open() {
          return socket.readyState === WebSocket.OPEN;
        },
        send: (text) => socket.send(padFrame(text)),
        close: (code = 1000) => socket.close(code),
        onMessage: (handler) => {
          socket.onmessage = (event) => {
            if (typeof event.data === "string") handler(event.data);
          };
        },
        onClose: (handler) => {
          socket.onclose = (event) => handler(event.code, event.reason);
        },
      });
    };
    socket.onerror = (event) => {
      clearTimeout(timer);
      socket.onopen = socket.onerror = null;
      const message = (event as ErrorEvent).message ?? "connection failed";
      if (/\b401\b/.test(message)) {
        reject(new IpcError("unauthorized", `${url} refused the token (HTTP 401)`));
      } else reject(new IpcError("unavailable", `cannot connect to ${url}: ${message}`));
    };
  });
}

function _openWs({ url, token, timeoutMs }: OpenTransportOptions): Promise<Transport> {
  // The server prints `ws+unix:///path`; `ws` wants `ws+unix:///path:/request-path`.
  const target = url.includes(":/", "ws+unix://".length) ? url : `${url}:/`;
  return new Promise((resolve, reject) => {
    const socket = new WsSocket(target, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
    });
    const fail = (error: IpcError) => {
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.terminate();
      reject(error);
    };
    socket.once("unexpected-response", (_req, res) => {
      fail(
        res.statusCode === 401
          ? new IpcError("unauthorized", `${url} refused the token (HTTP 401)`)
          : new IpcError("unavailable", `${url} answered HTTP ${res.statusCode}`),
      );
    });
    socket.once("error", (error: Error) => {
      fail(new IpcError("unavailable", `cannot connect to ${url}: ${error.message}`));
    });
    socket.once("open", () => {
      socket.removeAllListeners();
      socket.on("error", () => {});
      resolve({
        get open() {
          return socket.readyState === WsSocket.OPEN;
        },
        send: (text) => socket.send(text),
        close: (code = 1000) => socket.close(code),
        onMessage: (handler) => {
          socket.on("message", (data: Buffer, isBinary: boolean) => {
            if (!isBinary) handler(data.toString());
          });
        },
        onClose: (handler) => {
          socket.on("close", (code: number, reason: Buffer) => handler(code, reason.toString()));
        },
      });
    });
  });
}
