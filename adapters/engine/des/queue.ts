/**
 * The discrete-event engine's priority queue: a bucket queue over event times in front of small
 * 4-ary heaps, all over typed arrays.
 *
 * Events are ordered by time, then by insertion order, so runs are deterministic even when
 * many events share a timestamp. The order is exactly that of a single heap keyed by (time,
 * sequence) (`heap_queue.ts`, which the tests pop side by side): time is cut into buckets of
 * 1/1024 s (`floor(time * 1024)`, monotone in time, so every event of a bucket comes before
 * every event of a later one), and
 * - events of the current bucket (or earlier) sit in the near store: sorted, or in a heap;
 * - events of the next 4,095 buckets sit unsorted in a ring of buckets, each a list of chunks
 *   of 16 records written one after the other (a push is an append);
 * - events further ahead sit in the far heap.
 * When the current bucket is used up the queue moves to the earliest non-empty bucket (the
 * ring's next, or the far heap's top, whichever is earlier) and copies its records into the
 * near store, a small array reused for every bucket. There they are sorted once by (time,
 * sequence) in about linear time ({@link BucketSorter}), and popped in order;
 * events pushed into the current bucket while it drains go to the near heap, and a pop takes
 * the earlier head. Buckets of a few records are heaped instead. A block crossing
 * 100,000 nodes keeps ~100 k deliveries in flight: a single heap over all of them pays ~10
 * levels of cache misses per pop plus one for the event's scattered payload; here a bucket is
 * read sequentially (the prefetcher streams it) and sorted in cache. Each event is one 32-byte
 * record (time; sequence and kind in one float; node, item, sender). No object is allocated
 * per event.
 *
 * @module
 */

import { BucketSorter } from "./queue_sort.ts";
import {
  copyRecord,
  type DesRecordStore,
  grownArray,
  grownStore,
  recordStore,
  siftDown,
  siftUp,
  writeRecord,
} from "./queue_store.ts";

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

// Buckets per second and the ring's length (a power of two): a 4 s window of 1 ms buckets
// covers a block's whole flood at any latency the scenarios use; later events (the next
// block, samples) go to the far heap.
const _SCALE = 1024;
const _RING = 4096;
const _MASK = _RING - 1;
// Records per ring chunk (512 bytes).
const _CHUNK = 16;
// Fewer records than this in a bucket are heaped: a sort call costs more than a few sifts.
const _RUN_MIN = 8;

/** Events keyed by (time, sequence): a bucket ring in front of two 4-ary heaps. */
export class DesQueue {
  #size = 0;
  #nextSeq = 0;
  // Near: records of the current bucket (and anything earlier), reused from index 0 at every
  // move to a new bucket, and a heap of (time, record index) over them.
  #near: DesRecordStore = recordStore(1024);
  #nearUsed = 0;
  #nt = new Float64Array(1024);
  #ns = new Int32Array(1024);
  #nSize = 0;
  // Run: the current bucket's records (those present when it became current) sorted once into
  // `runIdx` (near-store indices), popped in order from `runPos`. Pushes made while it drains
  // go to the near heap, and pop takes the earlier of the two heads.
  readonly #sorter = new BucketSorter();
  #runIdx: Int32Array = new Int32Array(0);
  #runPos = 0;
  #runLen = 0;
  // Far: records by slot (with a free list) and a heap of (time, slot), for events at or past
  // the end of the ring's window when pushed.
  #far: DesRecordStore = recordStore(64);
  #farFree = Int32Array.from({ length: 64 }, (_, k) => 63 - k);
  #farFreeTop = 64;
  #ft = new Float64Array(64);
  #fs = new Int32Array(64);
  #fSize = 0;
  // Ring: a pool of chunks (records), each chunk's successor, a free-chunk stack; per bucket
  // its first and last chunk (-1 when empty) and the records in its last chunk.
  #pool: DesRecordStore;
  #chunkNext: Int32Array;
  #chunkFree: Int32Array;
  #chunkFreeTop = 0;
  readonly #head = new Int32Array(_RING).fill(-1);
  readonly #tail = new Int32Array(_RING).fill(-1);
  readonly #tailFill = new Int32Array(_RING);
  #ringCount = 0;
  // The current bucket's number and its ring index.
  #cur = -Infinity;
  #curIdx = 0;
  /** Fields of the event last popped. */
  readonly current: DesEventView = { time: 0, kind: 0, node: 0, item: 0, from: 0 };

  /** `initialCapacity`: events expected in flight (storage grows past it). */
  constructor(initialCapacity = 1024) {
    const chunks = Math.max(64, Math.ceil(initialCapacity / _CHUNK));
    this.#pool = recordStore(chunks * _CHUNK);
    this.#chunkNext = new Int32Array(chunks);
    this.#chunkFree = new Int32Array(chunks);
    for (let c = 0; c < chunks; c++) this.#chunkFree[c] = chunks - 1 - c;
    this.#chunkFreeTop = chunks;
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

  /**
   * Bytes held per queued event: its record in a ring chunk, or (current bucket) its copy in
   * the near store, plus 8-16 of the bucket's sort or 12 in the near heap.
   */
  static readonly BYTES_PER_EVENT = 32;

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    if (this.#size === 0) return Infinity;
    if (this.#nSize === 0 && this.#runPos === this.#runLen) this.#advance();
    if (this.#runPos === this.#runLen) return this.#nt[0];
    const t = this.#near.f[this.#runIndex() << 2];
    return this.#nSize > 0 && this.#nt[0] < t ? this.#nt[0] : t;
  }

  /** Near-store index of the run's next record. */
  #runIndex(): number {
    return this.#runIdx[this.#runPos];
  }

  /** Schedule an event (`kind` is a small whole number, below 16, as in {@link K}). */
  push(time: number, kind: number, node: number, item: number, from: number): void {
    if (this.#trace !== null) this.#trace.push(time);
    const sk = this.#nextSeq++ * 16 + kind;
    this.#size++;
    const d = Math.floor(time * _SCALE) - this.#cur;
    if (d < _RING && d > 0) {
      const idx = (this.#curIdx + d) & _MASK;
      let c = this.#tail[idx];
      let fill = this.#tailFill[idx];
      if (c === -1 || fill === _CHUNK) {
        const fresh = this.#newChunk();
        if (c === -1) this.#head[idx] = fresh;
        else this.#chunkNext[c] = fresh;
        this.#tail[idx] = fresh;
        c = fresh;
        fill = 0;
      }
      this.#tailFill[idx] = fill + 1;
      this.#ringCount++;
      writeRecord(this.#pool, c * _CHUNK + fill, time, sk, node, item, from);
    } else if (d <= 0) {
      writeRecord(this.#nearStore(), this.#nearUsed, time, sk, node, item, from);
      this.#nearPush(time, this.#nearUsed++);
    } else {
      if (this.#farFreeTop === 0) this.#growFar();
      const slot = this.#farFree[--this.#farFreeTop];
      writeRecord(this.#far, slot, time, sk, node, item, from);
      if (this.#fSize === this.#ft.length) {
        this.#ft = grownArray(this.#ft, new Float64Array(2 * this.#fSize));
        this.#fs = grownArray(this.#fs, new Int32Array(2 * this.#fSize));
      }
      siftUp(this.#ft, this.#fs, this.#far.f, this.#fSize++, time, slot);
    }
  }

  /** Remove the earliest event into {@link current}; false when the queue is empty. */
  pop(): boolean {
    if (this.#size === 0) return false;
    if (this.#trace !== null) this.#trace.push(-1);
    if (this.#nSize === 0 && this.#runPos === this.#runLen) this.#advance();
    const near = this.#near;
    const ht = this.#nt;
    const hl = this.#ns;
    let top = -1;
    let fromRun = false;
    if (this.#runPos < this.#runLen) {
      top = this.#runIndex();
      // The run's records were pushed before any record in the near heap of this bucket, so
      // on equal times the run's comes first; the sequence check covers earlier pushes too.
      fromRun = this.#nSize === 0 || near.f[top << 2] < ht[0] ||
        (near.f[top << 2] === ht[0] && near.f[(top << 2) + 1] < near.f[(hl[0] << 2) + 1]);
    }
    if (fromRun) this.#runPos++;
    else top = hl[0];
    const cur = this.current;
    cur.time = near.f[top << 2];
    const sk = near.f[(top << 2) + 1];
    cur.kind = sk - Math.floor(sk * 0.0625) * 16;
    const o = top << 3;
    cur.node = near.i[o + 4];
    cur.item = near.i[o + 5];
    cur.from = near.i[o + 6];
    this.#size--;
    if (!fromRun) {
      const size = --this.#nSize;
      if (size > 0) siftDown(ht, hl, near.f, size);
    }
    return true;
  }

  /**
   * The near heap and the run are empty and events are pending: make the earliest bucket
   * current. Its far-heap records come first in the near store (each was pushed while the
   * bucket lay past the ring's window, so before any ring record of it), in the far heap's
   * (time, sequence) order, then its ring records in push order: index order is sequence order.
   */
  #advance(): void {
    const head = this.#head;
    this.#nearUsed = 0;
    this.#runPos = 0;
    this.#runLen = 0;
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
    const fromRing = this.#ringCount > 0 && kRing === k;
    this.#curIdx = this.#ringCount > 0 ? (this.#curIdx + (k - this.#cur)) & _MASK : 0;
    this.#cur = k;
    // (Both are Infinity when only events at time Infinity are left: the ring is empty then.)
    while (this.#fSize > 0 && Math.floor(this.#ft[0] * _SCALE) === k) this.#farToNear();
    if (fromRing) {
      const idx = this.#curIdx;
      const last = this.#tail[idx];
      const lastFill = this.#tailFill[idx];
      let c = head[idx];
      head[idx] = -1;
      this.#tail[idx] = -1;
      let moved = 0;
      for (;;) {
        const count = c === last ? lastFill : _CHUNK;
        const near = this.#nearStore(count);
        const pool = this.#pool;
        let r = c * _CHUNK;
        for (let j = 0; j < count; j++, r++) copyRecord(pool.i, r, near.i, this.#nearUsed++);
        moved += count;
        this.#chunkFree[this.#chunkFreeTop++] = c;
        if (c === last) break;
        c = this.#chunkNext[c];
      }
      this.#ringCount -= moved;
    }
    // Only a time that is not a number gets here with nothing moved: take it as it comes.
    if (this.#nearUsed === 0) this.#farToNear();
    if (!this.#sortRun(k)) {
      const f = this.#near.f;
      for (let at = 0; at < this.#nearUsed; at++) this.#nearPush(f[at << 2], at);
    }
  }

  /** Sort the current bucket into the run; false when the heap should take it. */
  #sortRun(k: number): boolean {
    const m = this.#nearUsed;
    if (m < _RUN_MIN || !Number.isFinite(k)) return false;
    this.#runIdx = this.#sorter.sort(this.#near.f, m, k / _SCALE, _SCALE);
    this.#runLen = m;
    return true;
  }

  /** Move the far heap's top into the near store (not heaped: see {@link #advance}). */
  #farToNear(): void {
    const slot = this.#fs[0];
    const size = --this.#fSize;
    if (size > 0) siftDown(this.#ft, this.#fs, this.#far.f, size);
    const at = this.#nearUsed++;
    copyRecord(this.#far.i, slot, this.#nearStore().i, at);
    this.#farFree[this.#farFreeTop++] = slot;
  }

  /** The near store, with room for `more` records past those used. */
  #nearStore(more = 1): DesRecordStore {
    const need = this.#nearUsed + more;
    if (need * 4 > this.#near.f.length) {
      this.#near = grownStore(this.#near, Math.max(need, this.#near.f.length >> 1));
    }
    return this.#near;
  }

  #nearPush(time: number, at: number): void {
    if (this.#nSize === this.#nt.length) {
      this.#nt = grownArray(this.#nt, new Float64Array(2 * this.#nSize));
      this.#ns = grownArray(this.#ns, new Int32Array(2 * this.#nSize));
    }
    siftUp(this.#nt, this.#ns, this.#near.f, this.#nSize++, time, at);
  }

  #newChunk(): number {
    if (this.#chunkFreeTop === 0) {
      const old = this.#chunkNext.length;
      const cap = old * 2;
      this.#pool = grownStore(this.#pool, cap * _CHUNK);
      this.#chunkNext = grownArray(this.#chunkNext, new Int32Array(cap));
      // Every old chunk is in use when the pool grows: the free ones are exactly old..cap-1.
      const free = new Int32Array(cap);
      for (let c = cap - 1; c >= old; c--) free[this.#chunkFreeTop++] = c;
      this.#chunkFree = free;
    }
    return this.#chunkFree[--this.#chunkFreeTop];
  }

  #growFar(): void {
    const old = this.#farFree.length;
    const cap = old * 2;
    this.#far = grownStore(this.#far, cap);
    // Every old slot is in use when the store grows: the free ones are exactly old..cap-1.
    const free = new Int32Array(cap);
    for (let s = cap - 1; s >= old; s--) free[this.#farFreeTop++] = s;
    this.#farFree = free;
  }
}
