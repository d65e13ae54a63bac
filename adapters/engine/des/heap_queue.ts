/**
 * The discrete-event engine's first priority queue, a 4-ary min-heap over typed arrays, kept as
 * the reference for the order {@link DesQueue} must reproduce (tests pop both side by side) and
 * as the benchmarks' bare-queue baseline. The engine itself runs on {@link DesQueue}.
 *
 * Events are ordered by time, then by insertion order (the order is total, so any heap shape
 * pops the same sequence). The heap holds each entry's time inline beside its slot, so sifting
 * reads contiguous memory and follows a slot only to break a tie on time; payloads live in one
 * packed record per slot. No object is allocated per event.
 *
 * @module
 */
import type { DesEventView } from "./queue.ts";
/** 4-ary min-heap of events keyed by (time, sequence): the order {@link DesQueue} must keep. */
export class DesHeapQueue {
  // Heap order: time and slot of each heap position.
  #hTime: Float64Array;
  #hSlot: Int32Array;
  // By slot: insertion sequence (read only on time ties) and the payload as one packed
  // record of four int32s (kind, node, item, from): a push writes and a pop reads one cache
  // line instead of four.
  #seq: Float64Array;
  #rec: Int32Array;
  #free: Int32Array;
  #freeTop = 0;
  #size = 0;
  #capacity: number;
  #nextSeq = 0;
  /** Fields of the event last popped. */
  readonly current: DesEventView = { time: 0, kind: 0, node: 0, item: 0, from: 0 };

  constructor(initialCapacity = 1024) {
    this.#capacity = Math.max(16, initialCapacity);
    const c = this.#capacity;
    this.#hTime = new Float64Array(c);
    this.#seq = new Float64Array(c);
    this.#hSlot = new Int32Array(c);
    this.#rec = new Int32Array(4 * c);
    this.#free = new Int32Array(c);
    for (let i = 0; i < c; i++) this.#free[i] = c - 1 - i;
    this.#freeTop = c;
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

  /** Bytes held per queued event (heap key and slot, payload, free list). */
  static readonly BYTES_PER_EVENT = 8 + 4 + 8 + 16 + 4;

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#hTime[0];
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
    // Sift up: a later sequence never beats an equal time.
    const ht = this.#hTime;
    const hl = this.#hSlot;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (ht[parent] <= time) break;
      ht[i] = ht[parent];
      hl[i] = hl[parent];
      i = parent;
    }
    ht[i] = time;
    hl[i] = slot;
  }

  /** Remove the earliest event into {@link current}; false when the queue is empty. */
  pop(): boolean {
    if (this.#size === 0) return false;
    if (this.#trace !== null) this.#trace.push(-1);
    const ht = this.#hTime;
    const hl = this.#hSlot;
    const seq = this.#seq;
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
    const size = --this.#size;
    if (size === 0) return true;
    const lt = ht[size];
    const ll = hl[size];
    // Bottom-up: move the hole at the root down to a leaf along the least children (no
    // comparison with the moved element on the way: it nearly always belongs near the
    // bottom), then sift that element up from the leaf.
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= size) break;
      // The least of up to four children.
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
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = ht[parent];
      if (pt < lt || (pt === lt && seq[hl[parent]] < seq[ll])) break;
      ht[i] = pt;
      hl[i] = hl[parent];
      i = parent;
    }
    ht[i] = lt;
    hl[i] = ll;
    return true;
  }

  #grow(): void {
    const old = this.#capacity;
    const cap = old * 2;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(
      a: T,
      make: (n: number) => T,
    ) => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#hTime = grow(this.#hTime, (n) => new Float64Array(n));
    this.#seq = grow(this.#seq, (n) => new Float64Array(n));
    this.#hSlot = grow(this.#hSlot, (n) => new Int32Array(n));
    const rec = new Int32Array(4 * cap);
    rec.set(this.#rec);
    this.#rec = rec;
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
