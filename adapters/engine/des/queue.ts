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
 * - events of the next 4,095 buckets sit unsorted in a ring of buckets, each a list of chunks
 *   of 16 records written one after the other (a push is an append);
 * - events further ahead sit in the far heap.
 * When the near heap is empty the queue moves to the earliest non-empty bucket (the ring's
 * next, or the far heap's top, whichever is earlier) and copies its records into the near
 * store, a small array reused for every bucket, heaped by (time, sequence). A block crossing
 * 100,000 nodes keeps ~100 k deliveries in flight: a single heap over all of them pays ~10
 * levels of cache misses per pop plus one for the event's scattered payload; here a bucket is
 * read sequentially (the prefetcher streams it) and the near heap holds one millisecond's worth
 * (~100) in cache. Each event is one 32-byte record (time; sequence and kind in one float;
 * node, item, sender). No object is allocated per event.
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

// Buckets per second and the ring's length (a power of two): a 4 s window of 1 ms buckets
// covers a block's whole flood at any latency the scenarios use; later events (the next
// block, samples) go to the far heap.
const _SCALE = 1024;
const _RING = 4096;
const _MASK = _RING - 1;
// Records per ring chunk (512 bytes).
const _CHUNK = 16;

/**
 * Records are 32 bytes: float64 words [4r] time, [4r+1] sequence * 16 + kind (exact below 2^49
 * events; ties on time compare it, which orders by sequence); int32 words [8r+4] node, [8r+5]
 * item, [8r+6] from. A store is a Float64Array with an Int32Array view of the same buffer;
 * records are copied as int32 words (a float copy could change a payload that reads as NaN).
 */
interface _Store {
  f: Float64Array;
  i: Int32Array;
}

function _store(records: number): _Store {
  const f = new Float64Array(4 * records);
  return { f, i: new Int32Array(f.buffer) };
}

function _grownStore(s: _Store, records: number): _Store {
  const b = _store(records);
  b.i.set(s.i);
  return b;
}

/** Events keyed by (time, sequence): a bucket ring in front of two 4-ary heaps. */
export class DesQueue {
  #size = 0;
  #nextSeq = 0;
  // Near: records of the current bucket (and anything earlier), reused from index 0 at every
  // move to a new bucket, and a heap of (time, record index) over them.
  #near: _Store = _store(1024);
  #nearUsed = 0;
  #nt = new Float64Array(1024);
  #ns = new Int32Array(1024);
  #nSize = 0;
  // Far: records by slot (with a free list) and a heap of (time, slot), for events at or past
  // the end of the ring's window when pushed.
  #far: _Store = _store(64);
  #farFree = Int32Array.from({ length: 64 }, (_, k) => 63 - k);
  #farFreeTop = 64;
  #ft = new Float64Array(64);
  #fs = new Int32Array(64);
  #fSize = 0;
  // Ring: a pool of chunks (records), each chunk's successor, a free-chunk stack; per bucket
  // its first and last chunk (-1 when empty) and the records in its last chunk.
  #pool: _Store;
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
    this.#pool = _store(chunks * _CHUNK);
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
   * Bytes held per queued event: its record in a ring chunk, or (current bucket) in the near
   * store plus 12 in the near heap.
   */
  static readonly BYTES_PER_EVENT = 32;

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    if (this.#size === 0) return Infinity;
    if (this.#nSize === 0) this.#advance();
    return this.#nt[0];
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
      _write(this.#pool, c * _CHUNK + fill, time, sk, node, item, from);
    } else if (d <= 0) {
      _write(this.#nearStore(), this.#nearUsed, time, sk, node, item, from);
      this.#nearPush(time, this.#nearUsed++);
    } else {
      if (this.#farFreeTop === 0) this.#growFar();
      const slot = this.#farFree[--this.#farFreeTop];
      _write(this.#far, slot, time, sk, node, item, from);
      if (this.#fSize === this.#ft.length) {
        this.#ft = _grown(this.#ft, new Float64Array(2 * this.#fSize));
        this.#fs = _grown(this.#fs, new Int32Array(2 * this.#fSize));
      }
      _siftUp(this.#ft, this.#fs, this.#far.f, this.#fSize++, time, slot);
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
    const near = this.#near;
    const sk = near.f[(top << 2) + 1];
    cur.kind = sk - Math.floor(sk * 0.0625) * 16;
    const o = top << 3;
    cur.node = near.i[o + 4];
    cur.item = near.i[o + 5];
    cur.from = near.i[o + 6];
    this.#size--;
    const size = --this.#nSize;
    if (size > 0) _siftDown(ht, hl, near.f, size);
    return true;
  }

  /** The near heap is empty and events are pending: make the earliest bucket current. */
  #advance(): void {
    const head = this.#head;
    this.#nearUsed = 0;
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
        for (let j = 0; j < count; j++, r++) {
          const at = this.#nearUsed++;
          _copy(pool.i, r, near.i, at);
          this.#nearPush(pool.f[r << 2], at);
        }
        moved += count;
        this.#chunkFree[this.#chunkFreeTop++] = c;
        if (c === last) break;
        c = this.#chunkNext[c];
      }
      this.#ringCount -= moved;
    }
    while (this.#fSize > 0 && Math.floor(this.#ft[0] * _SCALE) === k) this.#farToNear();
    // Only a time that is not a number gets here with nothing moved: take it as it comes.
    if (this.#nSize === 0) this.#farToNear();
  }

  /** Move the far heap's top into the near store and heap. */
  #farToNear(): void {
    const slot = this.#fs[0];
    const t = this.#ft[0];
    const size = --this.#fSize;
    if (size > 0) _siftDown(this.#ft, this.#fs, this.#far.f, size);
    const at = this.#nearUsed++;
    _copy(this.#far.i, slot, this.#nearStore().i, at);
    this.#farFree[this.#farFreeTop++] = slot;
    this.#nearPush(t, at);
  }

  /** The near store, with room for `more` records past those used. */
  #nearStore(more = 1): _Store {
    const need = this.#nearUsed + more;
    if (need * 4 > this.#near.f.length) {
      this.#near = _grownStore(this.#near, Math.max(need, this.#near.f.length >> 1));
    }
    return this.#near;
  }

  #nearPush(time: number, at: number): void {
    if (this.#nSize === this.#nt.length) {
      this.#nt = _grown(this.#nt, new Float64Array(2 * this.#nSize));
      this.#ns = _grown(this.#ns, new Int32Array(2 * this.#nSize));
    }
    _siftUp(this.#nt, this.#ns, this.#near.f, this.#nSize++, time, at);
  }

  #newChunk(): number {
    if (this.#chunkFreeTop === 0) {
      const old = this.#chunkNext.length;
      const cap = old * 2;
      this.#pool = _grownStore(this.#pool, cap * _CHUNK);
      this.#chunkNext = _grown(this.#chunkNext, new Int32Array(cap));
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
    this.#far = _grownStore(this.#far, cap);
    // Every old slot is in use when the store grows: the free ones are exactly old..cap-1.
    const free = new Int32Array(cap);
    for (let s = cap - 1; s >= old; s--) free[this.#farFreeTop++] = s;
    this.#farFree = free;
  }
}

function _write(
  s: _Store,
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
function _copy(src: Int32Array, r: number, dst: Int32Array, at: number): void {
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

function _grown<T extends Float64Array | Int32Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

/**
 * Insert (time, slot) at position i of a 4-ary heap and sift it up. `rec` holds each slot's
 * sequence (times 16, plus kind) at [4 * slot + 1].
 */
function _siftUp(
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
function _siftDown(ht: Float64Array, hl: Int32Array, rec: Float64Array, size: number): void {
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
