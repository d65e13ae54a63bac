/**
 * The discrete-event engine's priority queue: a bucket queue over event times in front of small
 * 4-ary heaps, all over typed arrays.
 *
 * Events are ordered by time, then by insertion order, so runs are deterministic even when
 * many events share a timestamp. The order is exactly that of a single heap keyed by (time,
 * sequence) (`heap_queue.ts`, which the tests pop side by side): time is cut into buckets of
 * 1/1024 s (`floor(time * 1024)`, monotone in time, so every event of a bucket comes before
 * every event of a later one), and
 * - events of the current bucket (or earlier) sit in the near heap, ordered by (time, sequence);
 * - events of the next 4,095 buckets sit unsorted in a ring of lists, one per bucket (a push is
 *   O(1));
 * - events further ahead sit in the far heap.
 * When the near heap is empty the queue moves to the earliest non-empty bucket (the ring's
 * next, or the far heap's top, whichever is earlier) and fills the near heap from it. A block
 * crossing 100,000 nodes keeps ~100 k deliveries in flight; a single heap over all of them pays
 * ~10 levels of cache misses per pop, the near heap holds one millisecond's worth (~100) in
 * cache. Payload fields live in one packed record per slot. No object is allocated per event.
 *
 * @module
 */

/** Event kinds in the queue. */
export const K = {
  mine: 1,
  block: 2,
  txNew: 3,
  txStem: 4,
  txFluff: 5,
  embargo: 6,
  sample: 7,
  attack: 8,
  nodeStart: 9,
  /** simblock relay: an `inv` reaches a peer. */
  inv: 10,
  /** simblock relay: a `getdata` reaches the block's holder. */
  getdata: 11,
  /** simblock relay: a compact block reaches a peer. */
  compact: 12,
  /** simblock relay: a `getblocktxn` (after a failed compact block) reaches the holder. */
  getblocktxn: 13,
} as const;

/** A popped event: read its fields right after {@link DesQueue.pop} returns true. */
export interface DesEventView {
  time: number;
  kind: number;
  node: number;
  item: number;
  from: number;
}

/** A popped event: read its fields right after {@link DesQueue.pop} returns true. */
export interface DesEventView {
  time: number;
  kind: number;
  node: number;
  item: number;
  from: number;
}

// Buckets per second and the ring's length (a power of two): a 4 s window of 1 ms buckets
// covers a block's whole flood at any latency the scenarios use; later events (the next
// block, samples) go to the far heap.
const _SCALE = 1024;
const _RING = 4096;
const _MASK = _RING - 1;

/** Events keyed by (time, sequence): a bucket ring in front of two 4-ary heaps. */
export class DesQueue {
  // By slot: time, insertion sequence (read only on time ties), the payload as one packed
  // record of four int32s (kind, node, item, from), and the next slot in its ring bucket.
  #time: Float64Array;
  #seq: Float64Array;
  #rec: Int32Array;
  #next: Int32Array;
  #free: Int32Array;
  #freeTop = 0;
  #capacity: number;
  #size = 0;
  #nextSeq = 0;
  // Near heap: time and slot of each position (the current bucket and anything earlier).
  #nt: Float64Array;
  #ns: Int32Array;
  #nSize = 0;
  // Far heap: events at or past the end of the ring's window when pushed.
  #ft: Float64Array;
  #fs: Int32Array;
  #fSize = 0;
  // Ring: first slot of each bucket's list (-1 when empty), events held, current bucket
  // number and its ring index.
  readonly #head = new Int32Array(_RING).fill(-1);
  #ringCount = 0;
  #cur = -Infinity;
  #curIdx = 0;
  /** Fields of the event last popped. */
  readonly current: DesEventView = { time: 0, kind: 0, node: 0, item: 0, from: 0 };

  constructor(initialCapacity = 1024) {
    this.#capacity = Math.max(16, initialCapacity);
    const c = this.#capacity;
    this.#time = new Float64Array(c);
    this.#seq = new Float64Array(c);
    this.#rec = new Int32Array(4 * c);
    this.#next = new Int32Array(c);
    this.#free = new Int32Array(c);
    for (let i = 0; i < c; i++) this.#free[i] = c - 1 - i;
    this.#freeTop = c;
    this.#nt = new Float64Array(1024);
    this.#ns = new Int32Array(1024);
    this.#ft = new Float64Array(1024);
    this.#fs = new Int32Array(1024);
  }

  #trace: number[] | null = null;

  /**
   * Record every push (its time) and pop (-1) from now on, so a benchmark can replay the same
   * operations on a bare queue. Returns the log, which keeps growing until {@link stopTrace}.
   */
  startTrace(): number[] {
    this.#trace = [];
    return this.#trace;
  }

  /** Stop recording. */
  stopTrace(): void {
    this.#trace = null;
  }

  /** Number of pending events. */
  get size(): number {
    return this.#size;
  }

  /** Events pushed so far (a run's event count). */
  get pushed(): number {
    return this.#nextSeq;
  }

  /** Bytes held per queued event (time, sequence, payload, ring link, free list; 12 more in a heap). */
  static readonly BYTES_PER_EVENT = 8 + 8 + 16 + 4 + 4;

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    if (this.#size === 0) return Infinity;
    if (this.#nSize === 0) this.#advance();
    return this.#nt[0];
  }

  /** Schedule an event. */
  push(time: number, kind: number, node: number, item: number, from: number): void {
    if (this.#freeTop === 0) this.#grow();
    if (this.#trace !== null) this.#trace.push(time);
    const slot = this.#free[--this.#freeTop];
    const rec = this.#rec;
    const o = slot << 2;
    rec[o] = kind;
    rec[o + 1] = node;
    rec[o + 2] = item;
    rec[o + 3] = from;
    this.#seq[slot] = this.#nextSeq++;
    this.#time[slot] = time;
    this.#size++;
    const d = Math.floor(time * _SCALE) - this.#cur;
    if (d < _RING && d > 0) {
      const idx = (this.#curIdx + d) & _MASK;
      this.#next[slot] = this.#head[idx];
      this.#head[idx] = slot;
      this.#ringCount++;
    } else if (d <= 0) {
      this.#nearPush(time, slot);
    } else {
      this.#farPush(time, slot);
    }
  }

  /** Remove the earliest event into {@link current}; false when the queue is empty. */
  pop(): boolean {
    if (this.#size === 0) return false;
    if (this.#trace !== null) this.#trace.push(-1);
    if (this.#nSize === 0) this.#advance();
    const ht = this.#nt;
    const hl = this.#ns;
    const top = hl[0];
    const cur = this.current;
    cur.time = ht[0];
    const rec = this.#rec;
    const o = top << 2;
    cur.kind = rec[o];
    cur.node = rec[o + 1];
    cur.item = rec[o + 2];
    cur.from = rec[o + 3];
    this.#free[this.#freeTop++] = top;
    this.#size--;
    const size = --this.#nSize;
    if (size > 0) _siftDown(ht, hl, this.#seq, size);
    return true;
  }

  /** The near heap is empty and events are pending: make the earliest bucket current. */
  #advance(): void {
    const head = this.#head;
    let kRing = Infinity;
    if (this.#ringCount > 0) {
      const base = this.#curIdx;
      let d = 1;
      while (head[(base + d) & _MASK] === -1) d++;
      kRing = this.#cur + d;
    }
    const kFar = this.#fSize > 0 ? Math.floor(this.#ft[0] * _SCALE) : Infinity;
    const k = kRing < kFar ? kRing : kFar;
    // Ring events lie within the window of k (k is at most the earliest of them), so only the
    // index moves; an empty ring can restart anywhere.
    this.#curIdx = this.#ringCount > 0 ? (this.#curIdx + (k - this.#cur)) & _MASK : 0;
    this.#cur = k;
    if (kRing === k) {
      const idx = this.#curIdx;
      const next = this.#next;
      const time = this.#time;
      let s = head[idx];
      head[idx] = -1;
      let moved = 0;
      while (s !== -1) {
        this.#nearPush(time[s], s);
        s = next[s];
        moved++;
      }
      this.#ringCount -= moved;
    }
    while (this.#fSize > 0 && Math.floor(this.#ft[0] * _SCALE) === k) {
      const slot = this.#fs[0];
      const t = this.#ft[0];
      const size = --this.#fSize;
      if (size > 0) _siftDown(this.#ft, this.#fs, this.#seq, size);
      this.#nearPush(t, slot);
    }
    // Only a time that is not a number gets here with nothing moved: take it as it comes.
    if (this.#nSize === 0) {
      const slot = this.#fs[0];
      const t = this.#ft[0];
      const size = --this.#fSize;
      if (size > 0) _siftDown(this.#ft, this.#fs, this.#seq, size);
      this.#nearPush(t, slot);
    }
  }

  #nearPush(time: number, slot: number): void {
    if (this.#nSize === this.#nt.length) {
      this.#nt = _grown(this.#nt, new Float64Array(2 * this.#nSize));
      this.#ns = _grown(this.#ns, new Int32Array(2 * this.#nSize));
    }
    _siftUp(this.#nt, this.#ns, this.#seq, this.#nSize++, time, slot);
  }

  #farPush(time: number, slot: number): void {
    if (this.#fSize === this.#ft.length) {
      this.#ft = _grown(this.#ft, new Float64Array(2 * this.#fSize));
      this.#fs = _grown(this.#fs, new Int32Array(2 * this.#fSize));
    }
    _siftUp(this.#ft, this.#fs, this.#seq, this.#fSize++, time, slot);
  }

  #grow(): void {
    const old = this.#capacity;
    const cap = old * 2;
    this.#time = _grown(this.#time, new Float64Array(cap));
    this.#seq = _grown(this.#seq, new Float64Array(cap));
    this.#next = _grown(this.#next, new Int32Array(cap));
    this.#rec = _grown(this.#rec, new Int32Array(4 * cap));
    const free = new Int32Array(cap);
    free.set(this.#free.subarray(0, this.#freeTop));
    // Every old slot is in use when we grow, so the new free slots are exactly old..cap-1.
    let top = this.#freeTop;
    for (let s = cap - 1; s >= old; s--) free[top++] = s;
    this.#free = free;
    this.#freeTop = top;
    this.#capacity = cap;
  }
}

function _grown<T extends Float64Array | Int32Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

/** Insert (time, slot) at position i of a 4-ary heap and sift it up. */
function _siftUp(
  ht: Float64Array,
  hl: Int32Array,
  seq: Float64Array,
  i: number,
  time: number,
  slot: number,
): void {
  // Events moved in from the ring or the far heap may be older than those here: ties compare
  // sequences.
  const s = seq[slot];
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const pt = ht[parent];
    if (pt < time || (pt === time && seq[hl[parent]] < s)) break;
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
function _siftDown(ht: Float64Array, hl: Int32Array, seq: Float64Array, size: number): void {
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
      if (kt < ct || (kt === ct && seq[hl[k]] < seq[hl[c]])) {
        c = k;
        ct = kt;
      }
    }
    ht[i] = ct;
    hl[i] = hl[c];
    i = c;
  }
  const ls = seq[ll];
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const pt = ht[parent];
    if (pt < lt || (pt === lt && seq[hl[parent]] < ls)) break;
    ht[i] = pt;
    hl[i] = hl[parent];
    i = parent;
  }
  ht[i] = lt;
  hl[i] = ll;
}
