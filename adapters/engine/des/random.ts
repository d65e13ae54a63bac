/**
 * Seeded pseudo-random numbers for the discrete-event engine: the same seed gives the same
 * stream on every machine, so a run is reproducible from its scenario alone.
 *
 * @module
 */

/**
 * SFC32 ("small fast counting") generator seeded through SplitMix32. 128 bits of state, passes
 * PractRand to large sizes, and needs only 32-bit integer arithmetic, which V8 runs fast.
 */
export class DesRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // Warm up so nearby seeds decorrelate.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** An exponentially distributed value with the given mean (0 when the mean is 0). */
  exponential(mean: number): number {
    if (mean <= 0) return 0;
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.next()) * mean;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * The stream of a run's setup draws (node regions first, then hidden nodes, the peer graph and
 * mining weights), apart from the main stream so runs without a `des:` section are unchanged.
 * Validation draws the simblock preset's placement from it too, to check a latency matrix.
 */
export function desSetupRandom(seed: number): DesRandom {
  return new DesRandom((seed ^ 0x6e657477) >>> 0);
}

/** A 64-bit-looking hex id (16 digits) derived from a seed and a counter, for block/tx hashes. */
export function desHashId(seed: number, kind: number, n: number): string {
  let h1 = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(kind + 1, 0x85ebca77)) >>> 0;
  let h2 = (n ^ 0x27d4eb2f) >>> 0;
  for (let i = 0; i < 3; i++) {
    h1 = Math.imul(h1 ^ (h2 >>> 15), 0x2c1b3c6d) >>> 0;
    h2 = Math.imul(h2 ^ (h1 >>> 13), 0x297a2d39) >>> 0;
    h1 = (h1 ^ n) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
