/**
 * The bridge between `node:http`'s request/response objects and fetch's `Request`/`Response`
 * for `serveHttp` (server.ts): a request body stream that counts bytes against the limit as it reads,
 * a Response written with backpressure (one write for one-chunk answers), and answers written
 * straight onto a socket where node's response object does not exist (refused connections,
 * timeouts, refused WebSocket upgrades).
 *
 * @module
 */
import http from "node:http";
import type { Socket } from "node:net";

/**
 * A request's body as a fetch stream that reads the socket only as fast as the handler takes it,
 * and errors (calling `onOverflow`) as soon as more than `limit` bytes have come.
 */
export function limitedBody(
  req: http.IncomingMessage,
  limit: number,
  onOverflow: () => void,
): ReadableStream<Uint8Array> {
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

/** Fetch headers from node's raw header list (repeated names kept). */
export function headersFrom(raw: string[]): Headers {
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

/** Answer with a JSON error on a raw socket (before or outside node's response object) and close it. */
export function writeRaw(socket: Socket, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: `http_${status}`, message } });
  socket.end(
    `HTTP/1.1 ${status} ${_reason(status)}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref?.();
}

/** Send a handler's refusal of an upgrade (401, 403, ...) on the raw socket; bodies are short. */
export async function writeRawResponse(socket: Socket, response: Response): Promise<void> {
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

/** Send a fetch Response through node's response object, with backpressure. */
export async function writeResponse(
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

/**
 * The URL of a request: the client's Host (routers and the cross-site guard read it) and the
 * path. A malformed Host leaves `origin` in the URL and stays in the header for the guard.
 * @throws TypeError on a target that is not a path (absolute-form, as sent to proxies).
 */
export function requestUrl(req: http.IncomingMessage, origin: string): string {
  const target = req.url ?? "/";
  if (!target.startsWith("/")) throw new TypeError("request target must be a path");
  const host = req.headers.host;
  let base = origin.startsWith("http+unix") ? "http://localhost" : origin;
  if (host) {
    try {
      base = new URL(`http://${host}`).origin;
    } catch { /* kept in the header */ }
  }
  return base + target;
}

/** The client's address in `Deno.serve`'s shape. */
export function remoteAddrOf(
  socket: Socket,
  local: Deno.NetAddr | Deno.UnixAddr,
): Deno.NetAddr | Deno.UnixAddr {
  if (local.transport !== "tcp") return { transport: "unix", path: (local as Deno.UnixAddr).path };
  return {
    transport: "tcp",
    hostname: socket.remoteAddress ?? "",
    port: socket.remotePort ?? 0,
  };
}
