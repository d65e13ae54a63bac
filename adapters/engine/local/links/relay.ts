/**
 * A userspace link between two real processes: a TCP listener that forwards every connection
 * it accepts to one target, holding each chunk until its {@link Shaper} says it would have
 * arrived. It gives monerod nodes on loopback the latency, jitter, loss and bandwidth of the
 * scenario's links without root or `netem` (this machine's kernel has no `netem`).
 *
 * Memory is bounded: each direction of each connection holds at most `maxBufferedBytes`;
 * past that the relay stops reading and TCP's own flow control pushes back on the sender.
 * When one side ends, the relay delivers what it holds and ends the other side; when both
 * have ended (or either fails) it closes both.
 *
 * @example
 * ```ts
 * const relay = LinkRelay.start({
 *   listen: { hostname: "127.0.0.3", port: 0 },
 *   target: { hostname: "127.0.0.3", port: 18080 },
 *   forward: { shape: { latencyMs: 100 } },
 *   backward: { shape: { latencyMs: 100 } },
 * });
 * // a peer dialling relay.port sees 200 ms round trips to the target
 * await relay.close();
 * ```
 * @module
 */
import { connect as nodeConnect, type Socket } from "node:net";
import { type LinkShape, type Pacer, Shaper } from "./shape.ts";

/** One direction of a relay: its shape and the host links it shares. */
export interface RelayDirection {
  shape: LinkShape;
  /** Uplink of the sending host. */
  up?: Pacer;
  /** Downlink of the receiving host. */
  down?: Pacer;
}

/** The link one connection belongs to: where it connects from, how each direction is shaped. */
export interface RelayLink {
  /**
   * Local address of the connections to the target (the namespace path's relay alias of the
   * dialler, so the target's kernel tells the link apart). Default: the kernel's choice.
   */
  source?: string;
  /** Bytes from the dialler to the target. */
  forward: RelayDirection;
  /** Bytes from the target back to the dialler. */
  backward: RelayDirection;
}

/** Where a relay listens and forwards to, and what every connection shares. */
interface _RelayPlace {
  /** Where the relay listens (port 0: a free one). */
  listen: { hostname: string; port: number };
  /** Where it forwards each connection. */
  target: { hostname: string; port: number };
  /** Most bytes one direction of one connection holds. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Seed of jitter and loss draws (each connection and direction derives its own). */
  seed?: number;
}

/**
 * Options for {@link LinkRelay.start}: one link for every connection, or `choose`, which picks
 * each connection's link by the dialler's address, or returns null to close it unserved. One
 * relay then serves every link into a node (the namespace path, where peers dial a node at the
 * address its other peers saw it at).
 */
export type LinkRelayOptions =
  & _RelayPlace
  & (RelayLink | { choose: (dialler: string) => RelayLink | null });

/** Counters of a relay, over all its connections. */
export interface RelayStats {
  connections: number;
  /** Connections open now. */
  open: number;
  bytesForward: number;
  bytesBackward: number;
  /** Segments lost and retransmitted, both directions. */
  segmentsLost: number;
  /** Most bytes one direction of one connection ever held. */
  peakBufferedBytes: number;
  /** Connections closed unserved: `choose` named no link for their dialler. */
  refused: number;
}

const _READ_BYTES = 16 * 1024;

/** A relay for one directed link; see the module doc. */
export class LinkRelay {
  readonly #listener: Deno.TcpListener;
  readonly #o: LinkRelayOptions;
  readonly #conns = new Set<_Conn>();
  readonly #pumps = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  #closed = false;
  readonly stats: RelayStats = {
    connections: 0,
    open: 0,
    bytesForward: 0,
    bytesBackward: 0,
    segmentsLost: 0,
    peakBufferedBytes: 0,
    refused: 0,
  };

  private constructor(options: LinkRelayOptions) {
    this.#o = options;
    this.#listener = Deno.listen({ ...options.listen, transport: "tcp" });
    this.#accepting = this.#accept();
  }

  /** Listen now (synchronously, so the port is known at once) and start forwarding. */
  static start(options: LinkRelayOptions): LinkRelay {
    return new LinkRelay(options);
  }

  /** The address diallers use. */
  get hostname(): string {
    return (this.#listener.addr as Deno.NetAddr).hostname;
  }

  /** The port diallers use. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch { /* already closed */ }
    for (const c of this.#conns) _close(c);
    await this.#accepting;
    await Promise.allSettled([...this.#pumps]);
  }

  async #accept(): Promise<void> {
    // Bounded by the listener: it ends when close() closes it.
    while (!this.#closed) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // closed
      }
      const link = "choose" in this.#o ? this.#o.choose(conn.remoteAddr.hostname) : this.#o;
      if (link === null) {
        this.stats.refused++;
        _close(conn);
        continue;
      }
      const n = this.stats.connections++;
      const pump = this.#serve(conn, n, link).finally(() => this.#pumps.delete(pump));
      this.#pumps.add(pump);
    }
  }

  async #serve(inbound: Deno.TcpConn, n: number, link: RelayLink): Promise<void> {
    this.#conns.add(inbound);
    this.stats.open++;
    inbound.setNoDelay(true);
    const seed = ((this.#o.seed ?? 1) * 1_000_003 + n * 2) >>> 0;
    const forward = new _Direction(link.forward, seed, this.#o.maxBufferedBytes, this.stats);
    const backward = new _Direction(
      link.backward,
      seed + 1,
      this.#o.maxBufferedBytes,
      this.stats,
    );
    // The dialler's bytes are read (and timed) from now on; the target sees the connection one
    // latency later, as it would see the SYN.
    const outbound = _later(link.forward.shape.latencyMs).then((): Promise<_Conn> =>
      link.source === undefined
        ? Deno.connect({ ...this.#o.target, transport: "tcp" })
        : _NodeConn.connect(this.#o.target, link.source)
    );
    const fail = () => {
      forward.fail();
      backward.fail();
      _close(inbound);
      outbound.then(_close, () => {});
    };
    try {
      const readIn = forward.read(inbound, "bytesForward").catch(fail);
      const target = await outbound.catch((error) => {
        fail();
        throw error;
      });
      if (this.#closed) _close(target);
      this.#conns.add(target);
      target.setNoDelay(true);
      await Promise.all(
        [
          forward.write(target),
          backward.read(target, "bytesBackward"),
          backward.write(inbound),
        ].map((p) => p.catch(fail)).concat(readIn),
      );
      this.#conns.delete(target);
      _close(target);
    } catch { /* the target refused: the dialler sees its connection closed */ }
    this.#conns.delete(inbound);
    _close(inbound);
    this.stats.open--;
  }
}

/** One direction of one connection: a bounded queue between a reader and a timed writer. */
class _Direction {
  readonly #shaper: Shaper;
  readonly #max: number;
  readonly #queue: { at: number; data: Uint8Array }[] = [];
  #buffered = 0;
  #ended = false;
  #failed = false;
  #wakeWriter: (() => void) | null = null;
  #wakeReader: (() => void) | null = null;

  constructor(
    direction: RelayDirection,
    seed: number,
    max: number | undefined,
    readonly stats: RelayStats,
  ) {
    this.#shaper = new Shaper({ ...direction, seed });
    this.#max = max ?? 2 ** 20;
  }

  fail(): void {
    this.#failed = true;
    this.#wake();
  }

  #wake(): void {
    this.#wakeWriter?.();
    this.#wakeReader?.();
  }

  /** Read `from` until it ends, queueing each chunk with its delivery time. */
  async read(from: _Conn, counter: "bytesForward" | "bytesBackward"): Promise<void> {
    // Bounded by the connection: it ends at EOF or on an error.
    while (!this.#failed) {
      while (this.#buffered >= this.#max && !this.#failed) {
        await new Promise<void>((r) => this.#wakeReader = r);
        this.#wakeReader = null;
      }
      if (this.#failed) return;
      const room = Math.min(_READ_BYTES, this.#max - this.#buffered);
      const buf = new Uint8Array(room);
      const n = await from.read(buf);
      if (n === null) break;
      const plan = this.#shaper.schedule(performance.now(), n);
      this.stats[counter] += n;
      this.stats.segmentsLost += plan.lost;
      this.#queue.push({ at: plan.deliverAtMs, data: buf.subarray(0, n) });
      this.#buffered += n;
      this.stats.peakBufferedBytes = Math.max(this.stats.peakBufferedBytes, this.#buffered);
      this.#wakeWriter?.();
    }
    this.#ended = true;
    this.#wakeWriter?.();
  }

  /** Write queued chunks to `to` at their times; end its write side after the last. */
  async write(to: _Conn): Promise<void> {
    // Bounded by read(): it ends once the reader has ended and the queue is empty.
    while (!this.#failed) {
      const head = this.#queue[0];
      if (!head) {
        if (this.#ended) break;
        await new Promise<void>((r) => this.#wakeWriter = r);
        this.#wakeWriter = null;
        continue;
      }
      const wait = head.at - performance.now();
      if (wait > 0) await _later(wait);
      if (this.#failed) return;
      let off = 0;
      while (off < head.data.length) off += await to.write(head.data.subarray(off));
      this.#queue.shift();
      this.#buffered -= head.data.length;
      this.#wakeReader?.();
    }
    if (!this.#failed) await to.closeWrite().catch(() => {});
  }
}

function _later(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function _close(conn: _Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** What the relay uses of a connection. */
type _Conn = Pick<Deno.TcpConn, "read" | "write" | "closeWrite" | "close" | "setNoDelay">;

/**
 * A connection from a chosen local address (`Deno.connect` cannot bind one; `node:net` can),
 * with the few `Deno.TcpConn` methods the relay uses. Reading pauses the socket while a chunk
 * waits, so TCP flow control still pushes back on the target.
 */
class _NodeConn implements _Conn {
  readonly #socket: Socket;
  readonly #chunks: Uint8Array[] = [];
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (data: Uint8Array) => {
      this.#chunks.push(data);
      socket.pause();
      this.#wake?.();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#wake?.();
    });
    socket.on("error", (error: Error) => {
      this.#error = error;
      this.#wake?.();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wake?.();
    });
  }

  static connect(target: { hostname: string; port: number }, source: string): Promise<_NodeConn> {
    return new Promise((resolve, reject) => {
      const socket = nodeConnect({
        host: target.hostname,
        port: target.port,
        localAddress: source,
      });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new _NodeConn(socket));
      });
    });
  }

  async read(buf: Uint8Array): Promise<number | null> {
    // Bounded by the socket: data, end, close or error each wake it.
    while (this.#chunks.length === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((r) => this.#wake = r);
      this.#wake = null;
    }
    const head = this.#chunks[0];
    const n = Math.min(buf.length, head.length);
    buf.set(head.subarray(0, n));
    if (n < head.length) this.#chunks[0] = head.subarray(n);
    else {
      this.#chunks.shift();
      if (this.#chunks.length === 0) this.#socket.resume();
    }
    return n;
  }

  write(data: Uint8Array): Promise<number> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) =>
      this.#socket.write(data, (error) => error ? reject(error) : resolve(data.length))
    );
  }

  closeWrite(): Promise<void> {
    return new Promise((resolve) => this.#socket.end(() => resolve()));
  }

  close(): void {
    this.#socket.destroy();
  }

  setNoDelay(noDelay?: boolean): void {
    this.#socket.setNoDelay(noDelay);
  }
}
