/**
 * A ZeroMQ SUB socket over TCP, enough to follow monerod's `--zmq-pub` notifications
 * (`json-minimal-chain_main`, `json-full-txpool_add`...), which is what Monerosim's monitor
 * listens to. Written here: ZMTP 3.0 with the NULL mechanism is a 64-byte greeting, one READY
 * command each way and length-prefixed frames, and the npm `zeromq` package is a native addon
 * whose prebuilt binaries come from GitHub.
 *
 * The socket speaks ZMTP 3.0 (RFC 23/ZMTP), where a subscription is a message whose first byte
 * is 1; libzmq answers a 3.0 peer in 3.0.
 *
 * @example
 * ```ts
 * const sub = await ZmqSubscriber.connect("tcp://127.0.0.2:18084", ["json-minimal-chain_main"]);
 * for await (const m of sub.messages()) console.log(m.topic, m.body);
 * ```
 * @module
 */
import { ConnReader } from "../../../core/conn_reader.ts";

/** One notification: its topic (`json-minimal-chain_main`) and the JSON text after the `:`. */
export interface ZmqMessage {
  topic: string;
  body: string;
}

const _FLAG_MORE = 1;
const _FLAG_LONG = 2;
const _FLAG_COMMAND = 4;
/** Largest frame accepted: monerod's full block notifications stay far below. */
const _MAX_FRAME = 16 * 2 ** 20;

/** Parse `tcp://HOST:PORT`. */
export function parseZmqUrl(url: string): { hostname: string; port: number } {
  const m = /^tcp:\/\/([^:/]+):(\d{1,5})$/.exec(url);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new Error(`expected tcp://HOST:PORT, got "${url}"`);
  return { hostname: m[1], port };
}

/** The 64-byte ZMTP 3.0 greeting of a client with the NULL mechanism. */
function _greeting(): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3; // version 3.0
  g[11] = 0;
  g.set(new TextEncoder().encode("NULL"), 12);
  return g; // as-server 0, filler zeros
}

/** A frame: flags, then a 1-byte or 8-byte big-endian size, then the body. */
function _frame(flags: number, body: Uint8Array): Uint8Array {
  const long = body.length > 255;
  const head = new Uint8Array(long ? 9 : 2);
  head[0] = flags | (long ? _FLAG_LONG : 0);
  if (long) new DataView(head.buffer).setBigUint64(1, BigInt(body.length));
  else head[1] = body.length;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** The READY command announcing a SUB socket. */
function _ready(): Uint8Array {
  const enc = new TextEncoder();
  const name = enc.encode("Socket-Type");
  const value = enc.encode("SUB");
  const body = new Uint8Array(1 + 5 + 1 + name.length + 4 + value.length);
  let at = 0;
  body[at++] = 5;
  body.set(enc.encode("READY"), at);
  at += 5;
  body[at++] = name.length;
  body.set(name, at);
  at += name.length;
  new DataView(body.buffer).setUint32(at, value.length);
  body.set(value, at + 4);
  return _frame(_FLAG_COMMAND, body);
}

/** ZMTP frames off a connection. */
class _Reader extends ConnReader {
  /** The next frame, or null at the end of the stream. */
  async frame(): Promise<{ flags: number; body: Uint8Array } | null> {
    const head = await this.exactly(1);
    if (!head) return null;
    const flags = head[0];
    let size: number;
    if (flags & _FLAG_LONG) {
      const s = await this.exactly(8);
      if (!s) return null;
      size = Number(new DataView(s.buffer, s.byteOffset, 8).getBigUint64(0));
    } else {
      const s = await this.exactly(1);
      if (!s) return null;
      size = s[0];
    }
    if (size > _MAX_FRAME) throw new Error(`zmq: frame of ${size} bytes is too large`);
    const body = await this.exactly(size);
    return body ? { flags, body } : null;
  }
}

/** A connected SUB socket; {@link messages} yields until the peer closes or `close()`. */
export class ZmqSubscriber {
  readonly #conn: Deno.Conn;
  readonly #reader: _Reader;
  #closed = false;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#reader = new _Reader(conn);
  }

  /**
   * Connect to a PUB socket, complete the NULL handshake and subscribe to each topic prefix
   * (`""` for everything). Rejects when the peer is not a ZMTP 3 PUB socket.
   */
  static async connect(url: string, topics: string[]): Promise<ZmqSubscriber> {
    const conn = await Deno.connect({ ...parseZmqUrl(url), transport: "tcp" });
    const sub = new ZmqSubscriber(conn);
    try {
      await conn.write(_greeting());
      const greeting = await sub.#reader.exactly(64);
      if (!greeting || greeting[0] !== 0xff || greeting[9] !== 0x7f || greeting[10] < 3) {
        throw new Error(`zmq ${url}: not a ZMTP 3 peer`);
      }
      await conn.write(_ready());
      const ready = await sub.#reader.frame();
      const text = ready ? new TextDecoder().decode(ready.body) : "";
      if (!ready || !(ready.flags & _FLAG_COMMAND) || !text.startsWith("\x05READY")) {
        throw new Error(`zmq ${url}: no READY from the peer`);
      }
      if (!text.includes("PUB")) {
        throw new Error(`zmq ${url}: the peer is not a PUB socket`);
      }
      const enc = new TextEncoder();
      for (const topic of topics) {
        const t = enc.encode(topic);
        const body = new Uint8Array(1 + t.length);
        body[0] = 1; // subscribe
        body.set(t, 1);
        await conn.write(_frame(0, body));
      }
      return sub;
    } catch (error) {
      sub.close();
      throw error;
    }
  }

  /** Messages as they come: `topic:body` split at the first `:` (monerod's format). */
  async *messages(): AsyncGenerator<ZmqMessage> {
    const dec = new TextDecoder();
    while (!this.#closed) {
      let parts: Uint8Array[] = [];
      let frame;
      try {
        frame = await this.#reader.frame();
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
      if (!frame) return;
      if (frame.flags & _FLAG_COMMAND) continue; // PING and the like
      parts.push(frame.body);
      while (frame && frame.flags & _FLAG_MORE) {
        frame = await this.#reader.frame();
        if (frame) parts.push(frame.body);
      }
      const text = parts.map((p) => dec.decode(p)).join("");
      parts = [];
      const colon = text.indexOf(":");
      yield colon < 0
        ? { topic: text, body: "" }
        : { topic: text.slice(0, colon), body: text.slice(colon + 1) };
    }
  }

  /** Close the connection (ends {@link messages}). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }
}
