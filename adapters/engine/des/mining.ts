/**
 * Who finds the next block in the discrete-event engine. The network finds blocks as one
 * Poisson process; each block goes to a miner chosen by hashrate share. This is exactly the
 * superposition of per-miner Poisson processes with rates scaled by share, at one event per
 * block instead of one per miner.
 *
 * @module
 */

/** The miners of a run and their cumulative shares. */
export class DesMiners {
  readonly #idx: Int32Array;
  readonly #cum: Float64Array;
  /** Nodes with hashrate (they keep a mempool and include its txs). */
  readonly isMiner: Uint8Array;

  /** @param weights mining weight per node (0: not a miner) */
  constructor(weights: number[]) {
    const miners: number[] = [];
    const cum: number[] = [];
    let total = 0;
    weights.forEach((w, i) => {
      if (w > 0) {
        total += w;
        miners.push(i);
        cum.push(total);
      }
    });
    this.#idx = new Int32Array(miners);
    this.isMiner = new Uint8Array(weights.length);
    for (const m of miners) this.isMiner[m] = 1;
    this.#cum = new Float64Array(cum.map((c) => c / total));
  }

  /** Number of miners. */
  get count(): number {
    return this.#idx.length;
  }

  /** The miner of a block, for a uniform draw `u` in [0, 1) (binary search over the shares). */
  pick(u: number): number {
    const cum = this.#cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return this.#idx[lo];
  }
}
