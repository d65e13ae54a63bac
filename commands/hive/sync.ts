/**
 * FULL_SYNC as cl-hive builds and checks it, so that what we send passes a cl-hive node's
 * checks and what it sends passes ours. cl-hive's `handle_full_sync` (cl-hive.py) refuses a
 * FULL_SYNC unless `validate_full_sync` holds (sender_id a 66-hex 02/03 key, fleet_hash a string,
 * timestamp a non-negative int, signature a string of 10+ characters, states a list of at most
 * 500), the signature over `get_full_sync_signing_payload` is the sender's, sender_id is the
 * direct peer, and, when both states and fleet_hash are non-empty, `compute_states_hash(states)`
 * equals fleet_hash. That last check means a chunk must carry the hash of its own states, not the
 * hash of the whole fleet: {@link chunkFullSync} cuts the states and member rows into messages
 * under 65535 bytes and 500 states, each with `fleet_hash` = {@link statesHash} of its states.
 *
 * Member rows travel as cl-hive's `{peer_id, tier, joined_at}`; cl-hive's
 * `_apply_membership_sync` turns any tier but member/neophyte into neophyte, so toward a node
 * that is not known to be a hive node the admin tier is sent as member, and bans travel in a
 * field of their own (`banned`, ignored by cl-hive) instead of a member row.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson, compareCodePoints, pyDumpsCompact, pyString } from "./canonical.ts";
import { MAX_MESSAGE_BYTES } from "./protocol.ts";

/** cl-hive's `validate_full_sync` limit on states per message. */
export const MAX_FULL_SYNC_STATES = 500;

const _PUBKEY = /^0[23][0-9a-f]{64}$/;

/** cl-hive's `_valid_pubkey`: 66 lowercase hex starting 02 or 03. */
export function isPubkey(v: unknown): v is string {
  return typeof v === "string" && _PUBKEY.test(v);
}

function _isNonNegInt(v: unknown): boolean {
  return (typeof v === "number" && Number.isInteger(v) && v >= 0) ||
    (typeof v === "bigint" && v >= 0n);
}

/**
 * cl-hive's `compute_states_hash`: "" for no states, else sha256 of the sorted compact JSON of
 * `{peer_id, timestamp, version}` per state, timestamp taken from `last_update`, else
 * `timestamp`, else 0 (Python's `s.get("last_update", s.get("timestamp", 0))`), sorted by peer_id.
 */
export function statesHash(states: readonly unknown[]): string {
  if (states.length === 0) return "";
  const tuples = states.map((raw) => {
    const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    return {
      peer_id: "peer_id" in s ? s.peer_id : "",
      version: "version" in s ? s.version : 0,
      timestamp: "last_update" in s ? s.last_update : ("timestamp" in s ? s.timestamp : 0),
    };
  });
  tuples.sort((a, b) => compareCodePoints(String(a.peer_id), String(b.peer_id)));
  // The usual tuple (string id, integer version and timestamp) is written directly; anything
  // else goes through the general canonicaliser. Both give Python's bytes.
  const plain = tuples.every((t) =>
    typeof t.peer_id === "string" && Number.isSafeInteger(t.version) &&
    Number.isSafeInteger(t.timestamp)
  );
  const text = plain
    ? "[" + tuples.map((t) =>
      `{"peer_id":${
        pyString(t.peer_id as string)
      },"timestamp":${t.timestamp},"version":${t.version}}`
    ).join(",") + "]"
    : canonicalJson(tuples);
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Why a FULL_SYNC payload fails cl-hive's `validate_full_sync`, or null when it passes. */
export function fullSyncShapeError(p: Record<string, unknown>): string | null {
  if (!isPubkey(p.sender_id)) return "sender_id";
  if (typeof p.fleet_hash !== "string") return "fleet_hash";
  if (!_isNonNegInt(p.timestamp)) return "timestamp";
  if (typeof p.signature !== "string" || p.signature.length < 10) return "signature";
  if (!Array.isArray(p.states)) return "states";
  if (p.states.length > MAX_FULL_SYNC_STATES) return "too_many_states";
  return null;
}

/** Why a STATE_HASH payload fails cl-hive's `validate_state_hash`, or null when it passes. */
export function stateHashShapeError(p: Record<string, unknown>): string | null {
  if (!isPubkey(p.sender_id)) return "sender_id";
  if (typeof p.fleet_hash !== "string" || p.fleet_hash === "") return "fleet_hash";
  if (!_isNonNegInt(p.timestamp)) return "timestamp";
  if (typeof p.signature !== "string" || p.signature.length < 10) return "signature";
  return null;
}

/**
 * The cl-hive states check on a FULL_SYNC: when both states and fleet_hash are non-empty, the
 * states must hash to fleet_hash.
 */
export function statesMatchFleetHash(p: Record<string, unknown>): boolean {
  const states = Array.isArray(p.states) ? p.states : [];
  const fleetHash = typeof p.fleet_hash === "string" ? p.fleet_hash : "";
  if (states.length === 0 || fleetHash === "") return true;
  return statesHash(states) === fleetHash;
}

/** One FULL_SYNC message's content before signing. */
export interface FullSyncChunk {
  /** States in cl-hive's `HivePeerState.to_dict` form. */
  states: Record<string, unknown>[];
  /** Member rows `{peer_id, tier, joined_at}`. */
  members: Record<string, unknown>[];
  /** Banned ids (our field; cl-hive ignores it). */
  banned: string[];
  /** cl-hive's fleet_hash for this chunk: {@link statesHash} of its states. */
  fleet_hash: string;
}

/** Options of {@link chunkFullSync}. */
export interface ChunkOptions {
  /** Bytes of the other fields (envelope, ids, signature, buckets), beyond the lists. */
  overhead: number;
  /** Largest whole message; default cl-hive's 65535. */
  maxBytes?: number;
  /** Most states per message; default cl-hive's 500. */
  maxStates?: number;
}

/**
 * Cut states, member rows and bans into FULL_SYNC chunks that each fit one message and each
 * hash to their own fleet_hash. Always returns at least one chunk (possibly empty), so a sync
 * that has nothing to send still carries its metadata.
 */
export function chunkFullSync(
  states: Record<string, unknown>[],
  members: Record<string, unknown>[],
  banned: string[],
  options: ChunkOptions,
): FullSyncChunk[] {
  // The lists' own keys and the chunk's fleet_hash: `"states":[],"members":[],"banned":[],
  // "fleet_hash":"<64 hex>"` with separators.
  const limit = (options.maxBytes ?? MAX_MESSAGE_BYTES) - options.overhead - 120;
  const maxStates = options.maxStates ?? MAX_FULL_SYNC_STATES;
  const chunks: FullSyncChunk[] = [];
  let cur: Omit<FullSyncChunk, "fleet_hash"> = { states: [], members: [], banned: [] };
  let size = 0;
  const flush = () => {
    chunks.push({ ...cur, fleet_hash: statesHash(cur.states) });
    cur = { states: [], members: [], banned: [] };
    size = 0;
  };
  const add = (kind: "states" | "members" | "banned", v: never, bytes: number) => {
    const full = size + bytes > limit || (kind === "states" && cur.states.length >= maxStates);
    if (full && size > 0) flush();
    (cur[kind] as unknown[]).push(v);
    size += bytes;
  };
  // +1 for the separating comma; ids are ASCII, so characters are bytes.
  for (const s of states) add("states", s as never, pyDumpsCompact(s).length + 1);
  for (const m of members) add("members", m as never, pyDumpsCompact(m).length + 1);
  for (const b of banned) add("banned", b as never, b.length + 3);
  if (size > 0 || chunks.length === 0) flush();
  return chunks;
}
