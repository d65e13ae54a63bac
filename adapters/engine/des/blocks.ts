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

/** A row of one bit per node (which nodes hold a block). */
export function newBitRow(n: number): Uint32Array {
  return new Uint32Array((n + 31) >>> 5);
}

/** 1 when node i's bit is set in `row`, else 0. */
export function bit(row: Uint32Array, i: number): number {
  return (row[i >>> 5] >>> (i & 31)) & 1;
}

/** Set node i's bit in `row`. */
export function setBit(row: Uint32Array, i: number): void {
  row[i >>> 5] |= 1 << (i & 31);
}

/** What {@link schedRow} and {@link dropSchedRow} use: each block's schedule row, and spares. */
export interface DesScheduleRows {
  readonly n: number;
  readonly bSched: (Float64Array | null)[];
  /** Rows of blocks no longer relayed, kept for the next block (a fresh row page-faults). */
  readonly spareRows: Float64Array[];
}

const _SPARE_ROWS = 4;

/** Block b's schedule row: each node's earliest pending delivery, Infinity for none. */
export function schedRow(s: DesScheduleRows, b: number): Float64Array {
  let row = s.bSched[b];
  if (row === null) {
    row = s.spareRows.pop() ?? new Float64Array(s.n);
    row.fill(Infinity);
    s.bSched[b] = row;
  }
  return row;
}

/** Block b is no longer relayed to anyone who lacks it: its row becomes a spare. */
export function dropSchedRow(s: DesScheduleRows, b: number): void {
  const row = s.bSched[b];
  if (row === null) return;
  s.bSched[b] = null;
  if (s.spareRows.length < _SPARE_ROWS) s.spareRows.push(row);
}
