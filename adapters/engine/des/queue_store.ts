/**
 * Records and 4-ary heaps for the discrete-event queue (`queue.ts`): the storage layout of an
 * event and the sift routines its near and far heaps share, kept apart so the queue's own file
 * holds only its bucket logic.
 *
 * @module
 */

/**
 * Records are 32 bytes: float64 words [4r] time, [4r+1] sequence * 16 + kind (exact below 2^49
 * events; ties on time compare it, which orders by sequence); int32 words [8r+4] node, [8r+5]
 * item, [8r+6] from. A store is a Float64Array with an Int32Array view of the same buffer;
 * records are copied as int32 words (a float copy could change a payload that reads as NaN).
 */
export interface DesRecordStore {
  f: Float64Array;
  i: Int32Array;
}

/** A store with room for `records` records. */
export function recordStore(records: number): DesRecordStore {
  const f = new Float64Array(4 * records);
  return { f, i: new Int32Array(f.buffer) };
}

/** A copy of `s` with room for `records` records. */
export function grownStore(s: DesRecordStore, records: number): DesRecordStore {
  const b = recordStore(records);
  b.i.set(s.i);
  return b;
}

/** Write record `r` of store `s`. */
export function writeRecord(
  s: DesRecordStore,
  r: number,
  time: number,
  sk: number,
  node: number,
  item: number,
  from: number,
): void {
  s.f[r << 2] = time;
  s.f[(r << 2) + 1] = sk;
  const o = r << 3;
  s.i[o + 4] = node;
  s.i[o + 5] = item;
  s.i[o + 6] = from;
}

/** Copy record `r` of `src` to record `at` of `dst` (int32 words). */
export function copyRecord(src: Int32Array, r: number, dst: Int32Array, at: number): void {
  const a = r << 3;
  const b = at << 3;
  dst[b] = src[a];
  dst[b + 1] = src[a + 1];
  dst[b + 2] = src[a + 2];
  dst[b + 3] = src[a + 3];
  dst[b + 4] = src[a + 4];
  dst[b + 5] = src[a + 5];
  dst[b + 6] = src[a + 6];
}

/** `b` holding a copy of `a` at its start. */
export function grownArray<T extends Float64Array | Int32Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

/**
 * Insert (time, slot) at position i of a 4-ary heap and sift it up. `rec` holds each slot's
 * sequence (times 16, plus kind) at [4 * slot + 1].
 */
export function siftUp(
  ht: Float64Array,
  hl: Int32Array,
  rec: Float64Array,
  i: number,
  time: number,
  slot: number,
): void {
  // Events moved in from the ring or the far heap may be older than those here: ties compare
  // sequences.
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const pt = ht[parent];
    if (pt < time || (pt === time && rec[(hl[parent] << 2) + 1] < rec[(slot << 2) + 1])) break;
    ht[i] = pt;
    hl[i] = hl[parent];
    i = parent;
  }
  ht[i] = time;
  hl[i] = slot;
}

/**
 * Remove the root of a 4-ary heap whose last entry is now at position `size`: move the hole
 * at the root down to a leaf along the least children (no comparison with the moved entry on
 * the way: it nearly always belongs near the bottom), then sift that entry up from the leaf.
 */
export function siftDown(ht: Float64Array, hl: Int32Array, rec: Float64Array, size: number): void {
  const lt = ht[size];
  const ll = hl[size];
  let i = 0;
  for (;;) {
    const first = 4 * i + 1;
    if (first >= size) break;
    let c = first;
    let ct = ht[first];
    const last = first + 4 < size ? first + 4 : size;
    for (let k = first + 1; k < last; k++) {
      const kt = ht[k];
      if (kt < ct || (kt === ct && rec[(hl[k] << 2) + 1] < rec[(hl[c] << 2) + 1])) {
        c = k;
        ct = kt;
      }
    }
    ht[i] = ct;
    hl[i] = hl[c];
    i = c;
  }
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const pt = ht[parent];
    if (pt < lt || (pt === lt && rec[(hl[parent] << 2) + 1] < rec[(ll << 2) + 1])) break;
    ht[i] = pt;
    hl[i] = hl[parent];
    i = parent;
  }
  ht[i] = lt;
  hl[i] = ll;
}
