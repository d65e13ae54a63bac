/**
 * Compact copies of the per-(block, node) state the relay loop reads at every peer of every
 * node that relays a block (2.4 G reads for 100,000 nodes × 1,000 blocks, each at a random
 * peer, so each read is a likely cache miss):
 *
 * - who holds the block, one bit per node instead of a byte (12.5 kB at 100,000 nodes, so it
 *   stays in the first-level caches);
 * - each node's earliest pending delivery rounded up to a float32 (4 bytes instead of 8). A
 *   value at least the exact time decides exactly every "this send cannot beat the earliest
 *   delivery" skip it can; only sends that come within float32 precision of it, or beat it,
 *   read the exact Float64 time. Writers keep it at least the exact time; a stale one that is
 *   too high only sends the loop to the exact time more often.
 *
 * The relay's outcome is the same as reading the exact arrays. Both are dropped with the
 * block's pending-delivery table and rebuilt from the exact arrays if needed again.
 *
 * @module
 */

const _f32 = new Float32Array(1);
const _u32 = new Uint32Array(_f32.buffer);

/** The least float32 at least `t` (t >= 0; Infinity stays Infinity). */
export function ceilFloat32(t: number): number {
  const f = Math.fround(t);
  if (f >= t) return f;
  _f32[0] = f;
  _u32[0]++;
  return _f32[0];
}

/** The relay's compact per-block arrays (see the module doc). */
export class DesRelayFilter {
  readonly #n: number;
  #has: (Int32Array | null)[] = [];
  #sched: (Float32Array | null)[] = [];
  /** Blocks with arrays, to drop them once their exact table is gone. */
  #live: number[] = [];

  constructor(n: number) {
    this.#n = n;
  }

  /** Holders of block b as a bitset, built from `bHas` on first use. */
  holders(b: number, bHas: Uint8Array): Int32Array {
    let bits = this.#has[b];
    if (bits === undefined || bits === null) {
      bits = new Int32Array((this.#n + 31) >>> 5);
      for (let i = 0; i < this.#n; i++) if (bHas[i] === 1) bits[i >>> 5] |= 1 << (i & 31);
      this.#has[b] = bits;
      this.#track(b);
    }
    return bits;
  }

  /** Node i now holds block b (call beside every write of `bHas[b][i] = 1`). */
  markHas(b: number, i: number): void {
    const bits = this.#has[b];
    if (bits) bits[i >>> 5] |= 1 << (i & 31);
  }

  /**
   * The float32 earliest deliveries of block b. `fresh`: the exact table was just created
   * (all Infinity), so this one starts over too.
   */
  sched(b: number, fresh: boolean): Float32Array {
    let s = this.#sched[b];
    if (fresh || s === undefined || s === null) {
      s = new Float32Array(this.#n).fill(Infinity);
      this.#sched[b] = s;
      this.#track(b);
    }
    return s;
  }

  /** Drop the arrays of blocks whose exact pending-delivery table is gone. */
  prune(bSched: readonly (Float64Array | null)[]): void {
    let k = 0;
    for (const b of this.#live) {
      if (bSched[b] === null) {
        this.#has[b] = null;
        this.#sched[b] = null;
      } else {
        this.#live[k++] = b;
      }
    }
    this.#live.length = k;
  }

  #track(b: number): void {
    if (!this.#live.includes(b)) this.#live.push(b);
  }
}
