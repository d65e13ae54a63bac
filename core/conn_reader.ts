/**
 * Buffered reads of exact byte counts off a connection, for the binary protocols hive parses by
 * hand (SOCKS requests, ZMTP frames): read a header, then as many bytes as it names.
 *
 * Written here: `@std/io`'s readers are published on JSR, which these machines cannot reach, and
 * Deno's own `Deno.Conn` has no exact-length read.
 *
 * @example
 * ```ts
 * import { ConnReader } from "./conn_reader.ts";
 * const conn = await Deno.connect({ hostname: "127.0.0.1", port: 1080 });
 * const reader = new ConnReader(conn);
 * const head = await reader.exactly(2); // null once the peer closes first
 * ```
 * @module
 */

/** What a reader reads from: a `Deno.Conn` or anything with the same `read`. */
export interface ByteSource {
  read(into: Uint8Array): Promise<number | null>;
}

/** Exact-length reads with a buffer for what arrived beyond them. */
export class ConnReader {
  #buf = new Uint8Array(0);
  #read = 0;
  readonly #source: ByteSource;
  readonly #chunkBytes: number;

  /** `chunkBytes`: the most one read asks for beyond what is needed (bounds any overshoot). */
  constructor(source: ByteSource, chunkBytes = 4096) {
    this.#source = source;
    this.#chunkBytes = chunkBytes;
  }

  /** Bytes read off the connection so far, buffered or taken: what a caller bounds. */
  get bytesRead(): number {
    return this.#read;
  }

  /** The next `n` bytes, or null when the connection closes before they all arrive. */
  async exactly(n: number): Promise<Uint8Array | null> {
    while (this.#buf.length < n) {
      const chunk = new Uint8Array(Math.max(this.#chunkBytes, n - this.#buf.length));
      const got = await this.#source.read(chunk);
      if (got === null) return null;
      this.#read += got;
      const next = new Uint8Array(this.#buf.length + got);
      next.set(this.#buf);
      next.set(chunk.subarray(0, got), this.#buf.length);
      this.#buf = next;
    }
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }

  /** What was received past the bytes taken so far. */
  rest(): Uint8Array {
    return this.#buf;
  }
}
