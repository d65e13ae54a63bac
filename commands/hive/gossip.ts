/**
 * When to gossip and how gossip spreads. A member broadcasts GOSSIP when its capacity moved more
 * than 10 % since the last broadcast, on any fee policy change, on a status change, on a
 * topology change, and at least every heartbeat (300 s). GOSSIP is signed over cl-hive's
 * signing string (sender, timestamp, version, fleet hash and a hash of the data).
 *
 * Relay follows cl-hive's `relay.py`: `_relay` {msg_id, ttl, relay_path, origin, origin_ts};
 * the msg_id is the first 32 hex of sha256 over the payload without relay fields; a node
 * processes a msg_id once (dedup remembered 5 min, at most 10000) and forwards with ttl-1 to
 * connected members not on the path.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../../adapters/lightning/signmessage.ts";
import { canonicalJson } from "./canonical.ts";
import { feePolicyChanged, type Sats, satsNumber } from "./state.ts";

/** Capacity change that triggers gossip. */
export const CAPACITY_CHANGE_THRESHOLD = 0.10;
/** Default heartbeat (s). */
export const DEFAULT_HEARTBEAT_SECONDS = 300;
/** Default relay hops. */
export const DEFAULT_TTL = 3;
/** How long a seen msg_id is remembered (s). */
export const DEDUP_EXPIRY_SECONDS = 300;
/** Most msg_ids remembered. */
export const MAX_SEEN_MESSAGES = 10_000;
/** Longest relay path. */
export const MAX_RELAY_PATH_LENGTH = 10;

const _encoder = new TextEncoder();

/** What was last broadcast. */
export interface BroadcastState {
  capacity_sats: Sats;
  available_sats: Sats;
  fee_policy: Record<string, unknown>;
  topology: string[];
  last_broadcast: number;
}

/** Why a broadcast is due, or null. */
export type GossipTrigger = "status" | "heartbeat" | "capacity" | "fee" | "topology" | "first";

/** cl-hive's threshold rules; `heartbeatSeconds` 0 turns the heartbeat off. */
export function gossipTrigger(
  last: BroadcastState | null,
  next: Omit<BroadcastState, "last_broadcast">,
  now: number,
  options: { heartbeatSeconds: number; forceStatus?: boolean },
): GossipTrigger | null {
  if (options.forceStatus) return "status";
  if (!last) return "first";
  if (options.heartbeatSeconds > 0 && now - last.last_broadcast >= options.heartbeatSeconds) {
    return "heartbeat";
  }
  const lastCap = satsNumber(last.capacity_sats), nextCap = satsNumber(next.capacity_sats);
  if (lastCap > 0) {
    if (Math.abs(nextCap - lastCap) / lastCap > CAPACITY_CHANGE_THRESHOLD) return "capacity";
  } else if (nextCap > 0) return "first";
  if (feePolicyChanged(last.fee_policy, next.fee_policy)) return "fee";
  const a = new Set(last.topology), b = new Set(next.topology);
  if (a.size !== b.size || [...a].some((t) => !b.has(t))) return "topology";
  return null;
}

/** cl-hive's `compute_gossip_data_hash`. */
export function gossipDataHash(p: Record<string, unknown>): string {
  const topo = Array.isArray(p.topology) ? [...(p.topology as string[])].sort() : [];
  return toHex(sha256(_encoder.encode(canonicalJson({
    capacity_sats: p.capacity_sats ?? 0,
    available_sats: p.available_sats ?? 0,
    fee_policy: p.fee_policy ?? {},
    topology: topo,
  }))));
}

/** cl-hive's `get_gossip_signing_payload`. */
export function gossipSigningString(p: Record<string, unknown>): string {
  return canonicalJson({
    sender_id: p.sender_id ?? "",
    timestamp: p.timestamp ?? 0,
    version: p.version ?? 0,
    fleet_hash: p.fleet_hash ?? "",
    data_hash: gossipDataHash(p),
  });
}

/** cl-hive's `get_state_hash_signing_payload`. */
export function stateHashSigningString(p: Record<string, unknown>): string {
  return canonicalJson({
    sender_id: p.sender_id ?? "",
    fleet_hash: p.fleet_hash ?? "",
    timestamp: p.timestamp ?? 0,
    peer_count: p.peer_count ?? 0,
  });
}

/** cl-hive's `compute_members_hash`: "" for no members. */
export function membersHash(members: unknown): string {
  if (!Array.isArray(members) || members.length === 0) return "";
  const rows = members.map((m) => {
    const r = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
    return { peer_id: r.peer_id ?? "", tier: r.tier ?? "", joined_at: r.joined_at ?? 0 };
  });
  rows.sort((
    a,
    b,
  ) => (String(a.peer_id) < String(b.peer_id)
    ? -1
    : String(a.peer_id) > String(b.peer_id)
    ? 1
    : 0)
  );
  return toHex(sha256(_encoder.encode(canonicalJson(rows))));
}

/** cl-hive's `get_full_sync_signing_payload`. */
export function fullSyncSigningString(p: Record<string, unknown>): string {
  return canonicalJson({
    sender_id: p.sender_id ?? "",
    fleet_hash: p.fleet_hash ?? "",
    members_hash: membersHash(p.members ?? []),
    timestamp: p.timestamp ?? 0,
  });
}

/** Relay metadata carried in `_relay`. */
export interface RelayMeta {
  msg_id: string;
  ttl: number;
  relay_path: string[];
  origin: string;
  origin_ts: number;
}

const _RELAY_KEYS = new Set([
  "_relay",
  "msg_id",
  "ttl",
  "relay_path",
  "_envelope_version",
  "_event_id",
]);

/** cl-hive's `generate_msg_id`. */
export function messageId(payload: Record<string, unknown>): string {
  const eid = payload._event_id;
  if (typeof eid === "string" && eid.length === 32) return eid;
  const core: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) if (!_RELAY_KEYS.has(k)) core[k] = v;
  return toHex(sha256(_encoder.encode(canonicalJson(core)))).slice(0, 32);
}

/** Dedup and TTL bookkeeping of one node. */
export class Relay {
  readonly self: string;
  #seen = new Map<string, number>();
  /** Counters. */
  readonly stats = { processed: 0, deduplicated: 0, relayed: 0 };

  constructor(self: string) {
    this.self = self;
  }

  /** Add `_relay` to a payload we originate, and remember it as seen. */
  originate(
    payload: Record<string, unknown>,
    now: number,
    ttl = DEFAULT_TTL,
  ): Record<string, unknown> {
    const id = messageId(payload);
    this.#mark(id, now);
    return {
      ...payload,
      _relay: { msg_id: id, ttl, relay_path: [this.self], origin: this.self, origin_ts: now },
    };
  }

  /** True the first time a message is seen; false for a duplicate. */
  firstSight(payload: Record<string, unknown>, now: number): boolean {
    const meta = payload._relay as Partial<RelayMeta> | undefined;
    const id = typeof meta?.msg_id === "string" ? meta.msg_id : messageId(payload);
    this.#expire(now);
    if (this.#seen.has(id)) {
      this.stats.deduplicated++;
      return false;
    }
    this.#mark(id, now);
    this.stats.processed++;
    return true;
  }

  /**
   * The payload to forward (ttl-1, us appended to the path) and who to send it to, or null when
   * the TTL is spent or the path too long.
   */
  forward(
    payload: Record<string, unknown>,
    sender: string,
    members: readonly string[],
    options: { fanout?: number; rand?: () => number } = {},
  ): { payload: Record<string, unknown>; to: string[] } | null {
    const raw = payload._relay;
    if (typeof raw !== "object" || raw === null) return null;
    const meta = raw as Partial<RelayMeta>;
    const ttl = typeof meta.ttl === "number" ? meta.ttl : DEFAULT_TTL;
    const path = Array.isArray(meta.relay_path)
      ? meta.relay_path.filter((p) => typeof p === "string")
      : [];
    if (ttl - 1 <= 0 || path.length + 1 > MAX_RELAY_PATH_LENGTH) return null;
    const newPath = [...path, this.self];
    const skip = new Set([...newPath, sender]);
    let to = members.filter((m) => !skip.has(m));
    if (to.length === 0) return null;
    const fanout = options.fanout ?? Infinity;
    if (to.length > fanout) {
      // Beyond cl-hive: forward to a random subset, so a flood costs N * fanout messages
      // instead of the sum of all degrees (a hub joined by everyone would echo to all).
      const rand = options.rand ?? Math.random;
      to = [...to];
      for (let i = 0; i < fanout; i++) {
        const j = i + Math.floor(rand() * (to.length - i));
        [to[i], to[j]] = [to[j], to[i]];
      }
      to = to.slice(0, fanout);
    }
    this.stats.relayed++;
    return {
      payload: {
        ...payload,
        _relay: {
          msg_id: typeof meta.msg_id === "string" ? meta.msg_id : messageId(payload),
          ttl: ttl - 1,
          relay_path: newPath,
          origin: typeof meta.origin === "string" ? meta.origin : sender,
          origin_ts: typeof meta.origin_ts === "number" ? meta.origin_ts : 0,
        },
      },
      to,
    };
  }

  #mark(id: string, now: number): void {
    this.#seen.set(id, now);
    if (this.#seen.size > MAX_SEEN_MESSAGES) {
      // Keep the newer half (Map order is insertion order).
      const drop = this.#seen.size - MAX_SEEN_MESSAGES / 2;
      let i = 0;
      for (const k of this.#seen.keys()) {
        if (i++ >= drop) break;
        this.#seen.delete(k);
      }
    }
  }

  #expire(now: number): void {
    for (const [k, t] of this.#seen) {
      if (now - t <= DEDUP_EXPIRY_SECONDS) break; // insertion order ~ time order
      this.#seen.delete(k);
    }
  }
}
