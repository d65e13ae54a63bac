/**
 * Per-block arrays of a discrete-event run (parent, height, miner, time, reach and the
 * 50/90/100 % times, tip counts), typed and grown by doubling as blocks are mined.
 *
 * @module
 */

/** The per-block arrays {@link growBlockArrays} grows. */
export interface DesBlockArrays {
  bParent: Int32Array;
  bHeight: Int32Array;
  bMiner: Int32Array;
  bTime: Float64Array;
  bReach: Int32Array;
  bT50: Float64Array;
  bT90: Float64Array;
  bT100: Float64Array;
  bTipCount: Int32Array;
}

/** Double the capacity of every per-block array, keeping their contents. */
export function growBlockArrays(s: DesBlockArrays): void {
  const cap = s.bParent.length * 2;
  const g = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
    const x = make(cap);
    x.set(a);
    return x;
  };
  s.bParent = g(s.bParent, (n) => new Int32Array(n));
  s.bHeight = g(s.bHeight, (n) => new Int32Array(n));
  s.bMiner = g(s.bMiner, (n) => new Int32Array(n));
  s.bTime = g(s.bTime, (n) => new Float64Array(n));
  s.bReach = g(s.bReach, (n) => new Int32Array(n));
  s.bT50 = g(s.bT50, (n) => new Float64Array(n));
  s.bT90 = g(s.bT90, (n) => new Float64Array(n));
  s.bT100 = g(s.bT100, (n) => new Float64Array(n));
  s.bTipCount = g(s.bTipCount, (n) => new Int32Array(n));
}
