/**
 * A SOCKS gate: the one way out of a local monerod that has no exclusive nodes. monerod 0.18
 * dials Monero's public seed nodes (hard-coded mainnet IPs, regtest included) whenever a round
 * of its connection maker adds no outgoing connection, unless it has an exclusive node or is
 * offline, and no flag turns that off. With `--proxy IP:PORT` every outgoing P2P connection
 * goes through a SOCKS server instead (`node_server::init`, src/p2p/net_node.inl: the public
 * zone's connect becomes `socks_connect`, SOCKS 4a, and DNS seed lookups are disabled unless
 * `--proxy-allow-dns-leaks`). The gate is that server: it relays a connection only to an
 * address its `route` accepts (the run's own nodes) and refuses every other one, counting the
 * refusals by destination. Listening is unchanged, so the node still takes inbound peers.
 *
 * Speaks SOCKS 4/4a (what monerod sends) and SOCKS 5 without authentication (CONNECT only),
 * so another monerod version pointed at it works too. Names (4a, 5 domains) are refused: the
 * gate never resolves anything.
 *
 * @example
 * ```ts
 * const gate = SocksGate.listen({
 *   hostname: "127.0.0.2",
 *   route: (dest) => dest === "127.0.0.3:18080" ? dest : undefined,
 * });
 * // monerod ... --proxy=127.0.0.2:${gate.port}
 * gate.record(); // { relayed: 3, refused: { "176.9.0.187:18080": 2 } }
 * await gate.close();
 * ```
 * @module
 */
import { ConnReader } from "../../../core/conn_reader.ts";

/** Options for {@link SocksGate.listen}. */
export interface SocksGateOptions {
  /** Address to listen on (a loopback address). */
  hostname: string;
  /** Port; 0 (default) takes a free one. */
  port?: number;
  /**
   * Where a connection to `destination` (`ip:port`) goes: an `ip:port` to connect to, or
   * undefined to refuse it.
   */
  route(destination: string): string | undefined;
  /** Called on each refusal (after it is counted). */
  onRefuse?(destination: string): void;
}

/** What a gate did: connections relayed, and refusals by destination. */
export interface SocksGateRecord {
  relayed: number;
  /** Refused connections by destination (`ip:port`, or `name:port` for names). */
  refused: Record<string, number>;
  /** Route accepted but the target did not answer. */
  failed: number;
}

// Bytes a SOCKS request may take before the gate gives up on it (4a user id and name).
const _MAX_REQUEST = 1024;

/** A SOCKS server that relays only what its route accepts; see the module doc. */
export class SocksGate {
  readonly #listener: Deno.TcpListener;
  readonly #o: SocksGateOptions;
  readonly #conns = new Set<Deno.TcpConn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  #relayed = 0;
  #failed = 0;
  readonly #refused = new Map<string, number>();

  private constructor(listener: Deno.TcpListener, options: SocksGateOptions) {
    this.#listener = listener;
    this.#o = options;
    this.#accepting = this.#accept();
  }

  /** Start listening. */
  static listen(options: SocksGateOptions): SocksGate {
    const listener = Deno.listen({ hostname: options.hostname, port: options.port ?? 0 });
    return new SocksGate(listener, options);
  }

  /** Where the gate listens, as monerod's `--proxy` takes it. */
  get address(): string {
    return `${this.#o.hostname}:${this.port}`;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** What it relayed and refused so far. */
  record(): SocksGateRecord {
    return {
      relayed: this.#relayed,
      refused: Object.fromEntries([...this.#refused].sort(([a], [b]) => a.localeCompare(b))),
      failed: this.#failed,
    };
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    try {
      this.#listener.close();
    } catch { /* closed */ }
    for (const c of this.#conns) _close(c);
    await this.#accepting;
    await Promise.allSettled([...this.#tasks]);
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#conns.add(conn);
        const task = this.#serve(conn).catch(() => {}).finally(() => {
          this.#conns.delete(conn);
          _close(conn);
          this.#tasks.delete(task);
        });
        this.#tasks.add(task);
      }
    } catch { /* listener closed */ }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const reader = new _Reader(conn);
    const version = (await reader.take(1))[0];
    let request: _Request | undefined;
    if (version === 4) request = await _socks4(reader);
    else if (version === 5) request = await _socks5(reader, conn);
    if (!request) return; // not SOCKS, or a command other than CONNECT: just close
    const target = request.name ? undefined : this.#o.route(request.destination);
    if (!target) {
      this.#refused.set(request.destination, (this.#refused.get(request.destination) ?? 0) + 1);
      this.#o.onRefuse?.(request.destination);
      await _write(conn, request.reply(false));
      return;
    }
    const colon = target.lastIndexOf(":");
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect({
        hostname: target.slice(0, colon),
        port: Number(target.slice(colon + 1)),
      });
    } catch {
      this.#failed++;
      await _write(conn, request.reply(false));
      return;
    }
    this.#conns.add(upstream);
    try {
      this.#relayed++;
      await _write(conn, request.reply(true));
      const rest = reader.rest();
      if (rest.length > 0) await _write(upstream, rest);
      // Either side ending ends the other (monerod speaks only after the handshake, so
      // half-closed streams never matter here).
      await Promise.race([
        conn.readable.pipeTo(upstream.writable).catch(() => {}),
        upstream.readable.pipeTo(conn.writable).catch(() => {}),
      ]);
    } finally {
      this.#conns.delete(upstream);
      _close(upstream);
    }
  }
}

interface _Request {
  destination: string;
  /** True when the request named a host instead of an address (never resolved). */
  name: boolean;
  reply(ok: boolean): Uint8Array;
}

/** A SOCKS request's bytes off a connection, bounded by {@link _MAX_REQUEST}. */
class _Reader {
  readonly #bytes: ConnReader;
  constructor(readonly conn: Deno.TcpConn) {
    this.#bytes = new ConnReader(conn, 512);
  }

  async take(n: number): Promise<Uint8Array> {
    if (this.#bytes.bytesRead > _MAX_REQUEST) throw new Error("SOCKS request too long");
    const out = await this.#bytes.exactly(n);
    if (out === null) throw new Error("closed during the SOCKS request");
    return out;
  }

  /** Bytes up to and excluding the next NUL. */
  async untilNul(): Promise<Uint8Array> {
    const out: number[] = [];
    for (;;) {
      const b = (await this.take(1))[0];
      if (b === 0) return new Uint8Array(out);
      out.push(b);
    }
  }

  /** What was read past the request (a client that did not wait for the reply). */
  rest(): Uint8Array {
    return this.#bytes.rest();
  }
}

async function _socks4(r: _Reader): Promise<_Request | undefined> {
  const head = await r.take(7); // command, port, ip
  await r.untilNul(); // user id
  const port = (head[1] << 8) | head[2];
  const ip = [...head.subarray(3, 7)];
  const reply = (ok: boolean) => new Uint8Array([0, ok ? 90 : 91, 0, 0, 0, 0, 0, 0]);
  // 4a: 0.0.0.x (x != 0) means a host name follows the user id.
  const named = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;
  const host = named ? new TextDecoder().decode(await r.untilNul()) : ip.join(".");
  if (head[0] !== 1) return undefined;
  return { destination: `${host}:${port}`, name: named, reply };
}

async function _socks5(r: _Reader, conn: Deno.TcpConn): Promise<_Request | undefined> {
  const methods = await r.take((await r.take(1))[0]);
  if (!methods.includes(0)) {
    await _write(conn, new Uint8Array([5, 0xff]));
    return undefined;
  }
  await _write(conn, new Uint8Array([5, 0]));
  const [, command, , type] = await r.take(4);
  let host: string;
  let name = false;
  if (type === 1) host = [...await r.take(4)].join(".");
  else if (type === 4) {
    const b = await r.take(16);
    const groups = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
    host = `[${groups.join(":")}]`;
  } else if (type === 3) {
    host = new TextDecoder().decode(await r.take((await r.take(1))[0]));
    name = true;
  } else return undefined;
  const p = await r.take(2);
  const reply = (ok: boolean) => new Uint8Array([5, ok ? 0 : 2, 0, 1, 0, 0, 0, 0, 0, 0]);
  if (command !== 1) {
    await _write(conn, new Uint8Array([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
    return undefined;
  }
  return { destination: `${host}:${(p[0] << 8) | p[1]}`, name, reply };
}

async function _write(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function _close(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch { /* closed */ }
}
