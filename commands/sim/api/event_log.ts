/**
 * The numbered event log behind `/api/events`, cheap enough to sit beside a DES run that
 * emits a million events a second: lines are kept as they came (no copy per event) and
 * sealed into UTF-8 buffers, whose bytes live outside the JavaScript heap: kept as strings,
 * every line was copied by each young-generation collection and then promoted, and the
 * collector's work tripled the API's cost to a fast run (V8 profile of the sim API bench: GC
 * ticks 97 without the API, 280 with string chunks). An engine that writes the same lines to
 * its events file hands its encoded buffer over ({@link EventLog.adopt}), so each line is
 * encoded once (encoding it a second time here was the largest cost left: CPU profile of the
 * bench, `encode` 379 ms with the API against 224 ms without). The `{"seq":N,...}` form is
 * made only for the lines a client asks for. The oldest chunks are dropped past the cap.
 *
 * @module
 */

/** Lines per chunk the log seals itself (when no engine hands its bytes over). */
const _CHUNK = 1024;
/** Open lines at most while an engine hands bytes over (a safety bound; it flushes sooner). */
const _SHARED_CHUNK = 1 << 16;
const _encoder = new TextEncoder();
const _decoder = new TextDecoder();

/** A sealed chunk: `count` lines from `first`, UTF-8, each ended or separated by "\n". */
interface _Chunk {
  first: number;
  count: number;
  bytes: Uint8Array;
}

/** Event lines numbered from 1. */
export class EventLog {
  readonly #max: number;
  /** Sealed chunks, oldest first. */
  readonly #chunks: _Chunk[] = [];
  /** Lines in the sealed chunks. */
  #sealed = 0;
  /** The last chunk read back, split (a client reading on asks for the same one again). */
  #read: { chunk: _Chunk; lines: string[] } | null = null;
  /** The open chunk's lines, filled in place and reused. */
  readonly #open: string[] = new Array(_CHUNK).fill("");
  /** Lines in the open chunk. */
  #n = 0;
  /** Lines sealed on their own before the log seals a chunk itself. */
  #cap = _CHUNK;
  #last = 0;

  /** Keep at least `max` lines (whole chunks are dropped). */
  constructor(max: number) {
    this.#max = Math.max(_CHUNK, max);
  }

  /** Sequence number of the newest line (0 before any). */
  get last(): number {
    return this.#last;
  }

  /** Sequence number of the oldest line kept. */
  get first(): number {
    return this.#chunks.length > 0 ? this.#chunks[0].first : this.#last - this.#n + 1;
  }

  /** Add one line (JSON of an object); returns its sequence number. */
  append(line: string): number {
    this.#open[this.#n++] = line;
    const seq = ++this.#last;
    if (this.#n === this.#cap) this.#seal(_encoder.encode(this.#open.slice(0, this.#n).join("\n")));
    return seq;
  }

  /**
   * The newest `lines` lines, as UTF-8 (each followed by "\n"), exactly as an engine wrote them
   * to its events file: kept instead of encoding them again. From the first call on, the log
   * seals no chunk itself, so the open lines are those of the engine's next buffer. When the
   * count does not match the open lines (lines appended before the handover), the open lines
   * are encoded here instead.
   */
  adopt(bytes: Uint8Array, lines: number): void {
    this.#cap = _SHARED_CHUNK;
    if (this.#n === 0) return;
    if (lines === this.#n) this.#seal(bytes);
    else this.#seal(_encoder.encode(this.#open.slice(0, this.#n).join("\n")));
  }

  #seal(bytes: Uint8Array): void {
    const count = this.#n;
    this.#chunks.push({ first: this.#last - count + 1, count, bytes });
    // Drop the references now: kept until overwritten, the lines would outlive a young
    // collection and be promoted.
    this.#open.fill("", 0, count);
    this.#n = 0;
    this.#sealed += count;
    while (this.#sealed - this.#chunks[0].count >= this.#max) {
      this.#sealed -= this.#chunks.shift()!.count;
    }
  }

  /** Lines after `since` (at most `limit`) as `{"seq":N,...}`, oldest first. */
  since(since: number, limit: number): string[] {
    const out: string[] = [];
    let seq = Math.max(since + 1, this.first);
    let k = 0;
    while (k < this.#chunks.length && seq >= this.#chunks[k].first + this.#chunks[k].count) k++;
    while (out.length < limit && seq <= this.#last) {
      const sealed = k < this.#chunks.length;
      const first = sealed ? this.#chunks[k].first : this.#last - this.#n + 1;
      const lines = sealed ? this.#lines(this.#chunks[k]) : this.#open;
      const end = sealed ? this.#chunks[k].count : this.#n;
      for (let i = seq - first; i < end && out.length < limit; i++, seq++) {
        out.push(`{"seq":${seq},${lines[i].slice(1)}`);
      }
      k++;
    }
    return out;
  }

  #lines(chunk: _Chunk): string[] {
    if (this.#read?.chunk !== chunk) {
      this.#read = { chunk, lines: _decoder.decode(chunk.bytes).split("\n") };
    }
    return this.#read.lines;
  }
}
