/**
 * Test support for core/http: raw TCP clients on loopback that send exactly the bytes a test
 * needs (forged Host headers, a Content-Length with no body, a WebSocket frame header that
 * announces 60 MiB), and a deadline wrapper so every wait fails instead of hanging.
 *
 * @module
 */
import { deadline } from "../../_helpers.ts";

/** Reject with `what` when `promise` has not settled within `ms` (the suite-wide helper). */
export { deadline };

/** Read from `conn` until the peer closes (or `ms` passes: then reject). */
export async function readUntilClosed(conn: Deno.Conn, ms: number, what: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        n = null;
      }
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
  })();
  try {
    await deadline(reading, ms, what);
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
  return new TextDecoder().decode(_concat(chunks));
}

/** Send `text` on a new connection to 127.0.0.1:`port` and return all it answers until close. */
export async function rawExchange(port: number, text: string, ms = 5000): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(text));
  return await readUntilClosed(conn, ms, `answer to ${JSON.stringify(text.slice(0, 40))}`);
}

/** Status code of a raw HTTP answer, or 0 when there was none. */
export function statusOf(answer: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return match ? Number(match[1]) : 0;
}

function _concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A WebSocket client on a raw socket, for sending frames a real client never would. */
export class RawWebSocket {
  readonly conn: Deno.Conn;
  /** Reason of the last close frame read by {@link closeCode}. */
  lastCloseReason = "";
  #buffer: Uint8Array = new Uint8Array(0);

  private constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  /** Connect and finish the handshake; rejects unless the server answers 101. */
  static async open(
    port: number,
    path = "/",
    headers: Record<string, string> = {},
  ): Promise<RawWebSocket> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const socket = new RawWebSocket(conn);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    await conn.write(new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
        `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
    ));
    const head = await deadline(socket.#readHead(), 5000, "handshake answer");
    if (!head.startsWith("HTTP/1.1 101")) {
      conn.close();
      throw new Error(`handshake refused: ${head.split("\r\n")[0]}`);
    }
    return socket;
  }

  async #fill(): Promise<boolean> {
    const buf = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(buf);
    } catch {
      n = null;
    }
    if (n === null) return false;
    this.#buffer = _concat([this.#buffer, buf.slice(0, n)]);
    return true;
  }

  async #readHead(): Promise<string> {
    while (true) {
      const text = new TextDecoder().decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        this.#buffer = this.#buffer.slice(new TextEncoder().encode(text.slice(0, end + 4)).length);
        return text.slice(0, end);
      }
      if (!await this.#fill()) return text;
    }
  }

  /** Write raw bytes. */
  async write(bytes: Uint8Array): Promise<void> {
    await this.conn.write(bytes);
  }

  /** Send one masked frame (`opcode` 1 text, 2 binary) holding `payload`. */
  async send(opcode: number, payload: Uint8Array, options: { mask?: boolean } = {}): Promise<void> {
    await this.write(frame(opcode, payload, options));
  }

  /** Next frame from the server, or null when the connection closed first. */
  async readFrame(): Promise<{ opcode: number; payload: Uint8Array } | null> {
    while (true) {
      const b = this.#buffer;
      if (b.length >= 2) {
        let len = b[1] & 0x7f;
        let at = 2;
        if (len === 126 && b.length >= 4) {
          len = (b[2] << 8) | b[3];
          at = 4;
        } else if (len === 127 && b.length >= 10) {
          len = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(2));
          at = 10;
        }
        if ((len < 126 || at > 2) && b.length >= at + len) {
          this.#buffer = b.slice(at + len);
          return { opcode: b[0] & 0x0f, payload: b.slice(at, at + len) };
        }
      }
      if (!await this.#fill()) return null;
    }
  }

  /** Read frames until a close frame; its code (0 when the connection dropped without one). */
  async closeCode(ms = 5000): Promise<number> {
    return await deadline(
      (async () => {
        while (true) {
          const f = await this.readFrame();
          if (f === null) return 0;
          if (f.opcode === 8) {
            this.lastCloseReason = new TextDecoder().decode(f.payload.subarray(2));
            return f.payload.length >= 2 ? (f.payload[0] << 8) | f.payload[1] : 1005;
          }
        }
      })(),
      ms,
      "close frame",
    );
  }

  /** Close the TCP connection. */
  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

/** Encode one client frame; `length` overrides the announced payload length (to lie). */
export function frame(
  opcode: number,
  payload: Uint8Array,
  options: { mask?: boolean; length?: number; fin?: boolean } = {},
): Uint8Array {
  const mask = options.mask ?? true;
  const length = options.length ?? payload.length;
  const head: number[] = [((options.fin ?? true) ? 0x80 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigUint64(0, BigInt(length));
    head.push(...big);
  }
  const key = [0x11, 0x22, 0x33, 0x44];
  if (mask) head.push(...key);
  const body = mask ? payload.map((byte, i) => byte ^ key[i % 4]) : payload;
  return _concat([new Uint8Array(head), body]);
}
