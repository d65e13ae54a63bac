/**
 * A bounded table keyed by the content of short byte strings (public keys, multihashes), for
 * per-message lookups on the daemon's hot path. Keying a `Map` by a string made from the bytes
 * (`String.fromCharCode(...raw)`) allocated ~2 KB per lookup (the spread argument list plus the
 * string); here a lookup hashes the bytes into a small integer and compares the stored bytes, so
 * a hit allocates nothing. When full, the oldest hash bucket is dropped.
 *
 * @example
 * ```ts
 * import { BytesTable } from "./bytes_table.ts";
 * const names = new BytesTable<string>(1024);
 * names.set(new Uint8Array([1, 2, 3]), "one-two-three");
 * names.get(new Uint8Array([1, 2, 3])); // "one-two-three"
 * ```
 * @module
 */

interface _Entry<V> {
  bytes: Uint8Array;
  value: V;
  next: _Entry<V> | undefined;
}

/** FNV-1a over every byte, folded into 30 bits so the key stays a small integer (no boxing). */
function _hash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 2;
}

function _equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Values by byte content, at most `limit` of them. */
export class BytesTable<V> {
  readonly #buckets = new Map<number, _Entry<V>>();
  readonly #limit: number;
  #size = 0;

  /** A table that keeps at most `limit` entries. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Entries held now. */
  get size(): number {
    return this.#size;
  }

  /** The value stored for these bytes, if any. Allocates nothing. */
  get(bytes: Uint8Array): V | undefined {
    for (let e = this.#buckets.get(_hash(bytes)); e; e = e.next) {
      if (_equal(e.bytes, bytes)) return e.value;
    }
    return undefined;
  }

  /** Store `value` for a copy of `bytes` (replacing an earlier value for the same bytes). */
  set(bytes: Uint8Array, value: V): void {
    const h = _hash(bytes);
    const head = this.#buckets.get(h);
    for (let e = head; e; e = e.next) {
      if (_equal(e.bytes, bytes)) {
        e.value = value;
        return;
      }
    }
    if (this.#size >= this.#limit) this.#dropOldest();
    // The bucket may just have been dropped: read it again.
    const current = this.#buckets.get(h);
    this.#buckets.set(h, { bytes: bytes.slice(), value, next: current });
    this.#size++;
  }

  /** Forget everything. */
  clear(): void {
    this.#buckets.clear();
    this.#size = 0;
  }

  #dropOldest(): void {
    // A Map iterates in insertion order, so the first bucket is the oldest one.
    const first = this.#buckets.entries().next();
    if (first.done) return;
    const [h, entry] = first.value;
    this.#buckets.delete(h);
    for (let e: _Entry<V> | undefined = entry; e; e = e.next) this.#size--;
  }
}
