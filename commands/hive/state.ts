/**
 * The HiveMap: what each member last said about itself (capacity, available, fee policy,
 * topology), versioned per peer; a higher version replaces a lower one. The fleet hash is
 * cl-hive's: sha256 of the sorted compact JSON of `[{peer_id, timestamp, version}]` sorted by
 * peer_id. It is cached and recomputed only after a change.
 *
 * Beyond cl-hive, STATE_HASH and FULL_SYNC may carry `buckets`: the same hash over the states of
 * each of 256 buckets (by the id's first byte after the 02/03 prefix), so a sync after a
 * partition sends only the buckets that differ instead of the whole fleet (which would not fit
 * in one 65535-byte message past about 200 members). cl-hive ignores the extra field.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson, numberOf, pyString } from "./canonical.ts";

/** Bounds from cl-hive's state manager. */
export const MAX_TOPOLOGY_ENTRIES = 200;
/** Most fee policy keys accepted. */
export const MAX_FEE_POLICY_KEYS = 20;
/** Number of digest buckets. */
export const BUCKETS = 256;

/**
 * An amount as it came: a number while it is a safe integer, a bigint beyond 2^53 (cl-hive is
 * Python, whose ints have no bound, and msat totals pass 2^53 at about 90 BTC).
 */
export type Sats = number | bigint;

/** An amount as a number for ratios and comparisons (precision there does not matter). */
export function satsNumber(a: Sats): number {
  return typeof a === "bigint" ? Number(a) : a;
}

/** Exact sum: a number while it stays safe, else a bigint. */
export function sumSats(values: Iterable<Sats>): Sats {
  let n = 0, big: bigint | null = null;
  for (const v of values) {
    if (big !== null) big += BigInt(v);
    else if (typeof v === "bigint" || !Number.isSafeInteger(n + v)) big = BigInt(n) + BigInt(v);
    else n += v;
  }
  return big === null ? n : big;
}

/** One member's state. */
export interface PeerState {
  peer_id: string;
  capacity_sats: Sats;
  available_sats: Sats;
  fee_policy: Record<string, unknown>;
  topology: string[];
  version: number;
  last_update: number;
  state_hash: string;
  /** Idle on-chain sats the member offers for fleet expansions (cl-hive's budget field). */
  budget_available_sats: Sats;
}

function _sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The JSON cl-hive hashes for the fleet hash: `[{peer_id, timestamp, version}]` sorted by
 * peer_id, keys sorted, compact. Written directly (the general canonicaliser gives the same
 * bytes, as the tests check) because it runs on every hash of a 1000-member fleet.
 */
export function fleetHashJson(states: Iterable<PeerState>): string {
  const list = [...states];
  list.sort((a, b) => (a.peer_id < b.peer_id ? -1 : a.peer_id > b.peer_id ? 1 : 0));
  return "[" + list.map(_tupleJson).join(",") + "]";
}

function _tupleJson(s: PeerState): string {
  return `{"peer_id":${pyString(s.peer_id)},"timestamp":${s.last_update},"version":${s.version}}`;
}

/** cl-hive's fleet hash of a list of states. */
export function fleetHashOf(states: Iterable<PeerState>): string {
  return _sha256Hex(fleetHashJson(states));
}

/** Bucket of a peer id. */
export function bucketOf(peerId: string): number {
  const b = parseInt(peerId.slice(2, 4), 16);
  return Number.isNaN(b) ? 0 : b;
}

function _isUint(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

function _isSats(v: unknown): v is Sats {
  return _isUint(v) || (typeof v === "bigint" && v >= 0n);
}

/** Validate a state entry from the wire (cl-hive's rules); null when invalid. */
export function parseState(data: Record<string, unknown>): PeerState | null {
  const peerId = data.peer_id;
  if (typeof peerId !== "string" || !/^0[23][0-9a-f]{64}$/.test(peerId)) return null;
  const capacity = data.capacity_sats ?? 0, available = data.available_sats ?? 0;
  const version = data.version ?? 0, ts = data.timestamp ?? data.last_update ?? 0;
  const stateHash = data.state_hash ?? "";
  if (!_isSats(capacity) || !_isSats(available) || !_isUint(version) || !_isUint(ts)) return null;
  if (typeof stateHash !== "string" || stateHash.length > 128) return null;
  const fee = data.fee_policy ?? {};
  if (typeof fee !== "object" || fee === null || Array.isArray(fee)) return null;
  if (Object.keys(fee).length > MAX_FEE_POLICY_KEYS) return null;
  const topo = data.topology ?? [];
  if (!Array.isArray(topo) || topo.length > MAX_TOPOLOGY_ENTRIES) return null;
  if (!topo.every((t) => typeof t === "string" && t.length > 0 && t.length <= 128)) return null;
  return {
    peer_id: peerId,
    capacity_sats: capacity,
    available_sats: available,
    fee_policy: fee as Record<string, unknown>,
    topology: topo as string[],
    version,
    last_update: ts,
    state_hash: stateHash,
    budget_available_sats: _isSats(data.budget_available_sats) ? data.budget_available_sats : 0,
  };
}

/** The local view of the fleet. */
export class HiveMap {
  #states = new Map<string, PeerState>();
  #hash: string | null = null;
  // Sorted ids change only when a peer appears or goes; updates reuse the order.
  #sortedIds: string[] | null = null;
  // Each member's `{"peer_id":..,"timestamp":..,"version":..}` text, made once per change.
  #tuple = new Map<string, string>();
  #bucketHash: (string | null)[] = new Array(BUCKETS).fill(null);
  #buckets: Map<string, PeerState>[] = Array.from({ length: BUCKETS }, () => new Map());
  /** Called after every accepted change (for persistence). */
  onChange?: (state: PeerState) => void;
  /**
   * More to fold into a bucket's digest (the node adds its member rows, so membership syncs by
   * the same buckets); call {@link touchBucket} when that changes.
   */
  bucketExtra?: (bucket: number) => unknown;

  /** Number of peers known. */
  get size(): number {
    return this.#states.size;
  }

  /** State of one peer. */
  get(peerId: string): PeerState | undefined {
    return this.#states.get(peerId);
  }

  /** All states. */
  all(): PeerState[] {
    return [...this.#states.values()];
  }

  /** Accept `state` if newer than ours; returns whether it changed anything. */
  merge(state: PeerState): boolean {
    const old = this.#states.get(state.peer_id);
    if (old && old.version >= state.version) return false;
    this.#put(state);
    return true;
  }

  /** Replace unconditionally (loading from the store, our own updates). */
  #put(state: PeerState): void {
    if (!this.#states.has(state.peer_id)) this.#sortedIds = null;
    this.#states.set(state.peer_id, state);
    this.#tuple.set(state.peer_id, _tupleJson(state));
    const b = bucketOf(state.peer_id);
    this.#buckets[b].set(state.peer_id, state);
    this.#bucketHash[b] = null;
    this.#digest = null;
    this.#hash = null;
    this.onChange?.(state);
  }

  /** Load without notifying (from the store). */
  load(state: PeerState): void {
    const cb = this.onChange;
    this.onChange = undefined;
    this.#put(state);
    this.onChange = cb;
  }

  /** Drop a peer (after a ban or leave). */
  remove(peerId: string): boolean {
    const had = this.#states.delete(peerId);
    if (had) {
      this.#sortedIds = null;
      this.#tuple.delete(peerId);
      const b = bucketOf(peerId);
      this.#buckets[b].delete(peerId);
      this.#bucketHash[b] = null;
      this.#digest = null;
      this.#hash = null;
    }
    return had;
  }

  /** Record our own new state: version one above what we had. */
  updateLocal(
    peerId: string,
    fields: Pick<
      PeerState,
      "capacity_sats" | "available_sats" | "fee_policy" | "topology" | "budget_available_sats"
    >,
    now: number,
    version?: number,
  ): PeerState {
    const old = this.#states.get(peerId);
    const state: PeerState = {
      peer_id: peerId,
      ...fields,
      version: version ?? (old ? old.version + 1 : 1),
      last_update: now,
      state_hash: "",
    };
    this.#put(state);
    return state;
  }

  /** cl-hive's fleet hash (cached). */
  fleetHash(): string {
    if (this.#hash === null) {
      this.#sortedIds ??= [...this.#states.keys()].sort();
      const parts = this.#sortedIds.map((id) => this.#tuple.get(id)!);
      this.#hash = _sha256Hex("[" + parts.join(",") + "]");
    }
    return this.#hash;
  }

  /** Mark a bucket's digest stale (its extra content changed). */
  touchBucket(bucket: number): void {
    this.#bucketHash[bucket] = null;
    this.#digest = null;
  }

  #digest: string[] | null = null;

  /** Per-bucket digests: 16 hex chars each (the same array until something changes). */
  bucketDigest(): string[] {
    if (this.#digest) return this.#digest;
    const out: string[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      if (this.#bucketHash[b] === null) {
        const extra = this.bucketExtra?.(b) ?? null;
        const text = fleetHashJson(this.#buckets[b].values()) + canonicalJson(extra);
        this.#bucketHash[b] = _sha256Hex(text).slice(0, 16);
      }
      out.push(this.#bucketHash[b]!);
    }
    this.#digest = out;
    return out;
  }

  /** Buckets whose digest differs from `remote` (all, when `remote` is not a digest). */
  differingBuckets(remote: unknown): number[] {
    const local = this.bucketDigest();
    if (!Array.isArray(remote) || remote.length !== BUCKETS) {
      return local.map((_, i) => i);
    }
    return local.map((h, i) => (h !== remote[i] ? i : -1)).filter((i) => i >= 0);
  }

  /** States in the given buckets, in FULL_SYNC's dict form. */
  statesIn(buckets: number[]): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const b of buckets) for (const s of this.#buckets[b].values()) out.push(stateToWire(s));
    return out;
  }

  /** Whether {@link applyFullSync} of `states` would replace any of ours (nothing is changed). */
  wouldMerge(states: unknown[]): boolean {
    return states.some((raw) => {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
      const s = parseState(raw as Record<string, unknown>);
      const old = s && this.#states.get(s.peer_id);
      return s !== null && (!old || old.version < s.version);
    });
  }

  /** Merge a FULL_SYNC's states; returns how many replaced ours. Invalid entries are skipped. */
  applyFullSync(states: unknown[]): number {
    let n = 0;
    for (const raw of states) {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) continue;
      const s = parseState(raw as Record<string, unknown>);
      if (s && this.merge(s)) n++;
    }
    return n;
  }

  /** cl-hive's `get_fleet_stats`. */
  stats(): Record<string, unknown> {
    const states = this.all();
    const external = new Set<string>();
    for (const s of states) for (const t of s.topology) external.add(t);
    return {
      peer_count: states.length,
      total_capacity_sats: sumSats(states.map((s) => s.capacity_sats)),
      total_available_sats: sumSats(states.map((s) => s.available_sats)),
      unique_external_peers: external.size,
      fleet_hash: this.fleetHash(),
    };
  }
}

/** A state as cl-hive's `HivePeerState.to_dict` writes it. */
export function stateToWire(s: PeerState): Record<string, unknown> {
  return {
    peer_id: s.peer_id,
    capacity_sats: s.capacity_sats,
    available_sats: s.available_sats,
    fee_policy: s.fee_policy,
    topology: s.topology,
    version: s.version,
    last_update: s.last_update,
    state_hash: s.state_hash,
    budget_available_sats: s.budget_available_sats,
  };
}

/** A fee policy's fields that count as a change (cl-hive's list). */
export const FEE_KEYS = ["base_fee", "fee_rate", "min_htlc", "max_htlc", "cltv_delta"];

/** Whether two fee policies differ in any field cl-hive compares. */
export function feePolicyChanged(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return FEE_KEYS.some((k) => (numberOf(a[k]) ?? a[k]) !== (numberOf(b[k]) ?? b[k]));
}
