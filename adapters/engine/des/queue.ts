/**
 * The discrete-event engine's priority queue: a binary min-heap over typed arrays.
 *
 * Events are ordered by time, then by insertion order, so runs are deterministic even when
 * many events share a timestamp. Payload fields live in parallel typed arrays indexed by a
 * slot number; the heap itself only moves slot numbers, which keeps sifting cheap and avoids
 * allocating an object per event (millions of events per second matter for large runs).
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

/** Binary min-heap of events keyed by (time, sequence). */
export class DesQueue {
  #heap: Int32Array;
  #time: Float64Array;
  #seq: Float64Array;
  #kind: Uint8Array;
  #node: Int32Array;
  #item: Int32Array;
  #from: Int32Array;
  #free: Int32Array;
  #freeTop = 0;
  #size = 0;
  #capacity: number;
  #nextSeq = 0;
  /** Fields of the event last popped. */
  readonly current: DesEventView = { time: 0, kind: 0, node: 0, item: 0, from: 0 };

  constructor(initialCapacity = 1024) {
    this.#capacity = Math.max(16, initialCapacity);
    this.#heap = new Int32Array(this.#capacity);
    this.#time = new Float64Array(this.#capacity);
    this.#seq = new Float64Array(this.#capacity);
    this.#kind = new Uint8Array(this.#capacity);
    this.#node = new Int32Array(this.#capacity);
    this.#item = new Int32Array(this.#capacity);
    this.#from = new Int32Array(this.#capacity);
    this.#free = new Int32Array(this.#capacity);
    for (let i = 0; i < this.#capacity; i++) this.#free[i] = this.#capacity - 1 - i;
    this.#freeTop = this.#capacity;
  }

  /** Number of pending events. */
  get size(): number {
    return this.#size;
  }

  /** Events pushed so far (a run's event count). */
  get pushed(): number {
    return this.#nextSeq;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#time[this.#heap[0]];
  }

  /** Schedule an event. */
  push(time: number, kind: number, node: number, item: number, from: number): void {
    if (this.#freeTop === 0) this.#grow();
    const slot = this.#free[--this.#freeTop];
    this.#time[slot] = time;
    this.#seq[slot] = this.#nextSeq++;
    this.#kind[slot] = kind;
    this.#node[slot] = node;
    this.#item[slot] = item;
    this.#from[slot] = from;
    // Sift up.
    const heap = this.#heap;
    const times = this.#time;
    const seqs = this.#seq;
    let i = this.#size++;
    const seq = seqs[slot];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  /** Remove the earliest event into {@link current}; false when the queue is empty. */
  pop(): boolean {
    if (this.#size === 0) return false;
    const heap = this.#heap;
    const times = this.#time;
    const seqs = this.#seq;
    const top = heap[0];
    const cur = this.current;
    cur.time = times[top];
    cur.kind = this.#kind[top];
    cur.node = this.#node[top];
    cur.item = this.#item[top];
    cur.from = this.#from[top];
    this.#free[this.#freeTop++] = top;
    const size = --this.#size;
    if (size > 0) {
      const last = heap[size];
      const lt = times[last];
      const ls = seqs[last];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        let c = heap[child];
        let ct = times[c];
        const right = child + 1;
        if (right < size) {
          const r = heap[right];
          const rt = times[r];
          if (rt < ct || (rt === ct && seqs[r] < seqs[c])) {
            child = right;
            c = r;
            ct = rt;
          }
        }
        if (lt < ct || (lt === ct && ls < seqs[c])) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
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
    this.#heap = grow(this.#heap, (n) => new Int32Array(n));
    this.#time = grow(this.#time, (n) => new Float64Array(n));
    this.#seq = grow(this.#seq, (n) => new Float64Array(n));
    this.#kind = grow(this.#kind, (n) => new Uint8Array(n));
    this.#node = grow(this.#node, (n) => new Int32Array(n));
    this.#item = grow(this.#item, (n) => new Int32Array(n));
    this.#from = grow(this.#from, (n) => new Int32Array(n));
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
