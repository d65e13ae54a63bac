/**
 * A model of what a cl-hive node checks on anti-entropy messages, written from reading
 * lightning-goats/cl-hive (cl-hive.py: `handle_full_sync`, `handle_state_hash`) and the protocol
 * functions it imports (`validate_full_sync`, `compute_states_hash`, `compute_members_hash`,
 * `get_full_sync_signing_payload`, `_valid_pubkey`), and of `StateManager._validate_state_entry`
 * and `_apply_membership_sync`. It is kept apart from our implementation (`sync.ts`) on purpose,
 * so tests compare two readings of cl-hive instead of one with itself. Verification is
 * `checkmessage` without a pubkey, as cl-hive calls it: the recovered key must be sender_id.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { recoverSigner } from "../../../adapters/lightning/signmessage.ts";
import { pyDumps } from "../../../commands/hive/canonical.ts";

const _sortedDumps = (v: unknown) => pyDumps(v, { sortKeys: true });
const _sha = (t: string) => createHash("sha256").update(t, "utf8").digest("hex");
const _isInt = (v: unknown) =>
  (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
type Dict = Record<string, unknown>;

/** `_valid_pubkey`. */
export function clValidPubkey(v: unknown): boolean {
  return typeof v === "string" && v.length === 66 && (v.startsWith("02") || v.startsWith("03")) &&
    /^[0-9a-f]+$/.test(v);
}

/** `validate_full_sync`. */
export function clValidateFullSync(p: Dict): boolean {
  if (!clValidPubkey(p.sender_id)) return false;
  if (typeof p.fleet_hash !== "string") return false;
  if (!_isInt(p.timestamp) || Number(p.timestamp) < 0) return false;
  if (typeof p.signature !== "string" || p.signature.length < 10) return false;
  if (!Array.isArray(p.states)) return false;
  return p.states.length <= 500;
}

/** `compute_states_hash`. */
export function clComputeStatesHash(states: Dict[]): string {
  if (states.length === 0) return "";
  const rows = states.map((s) => ({
    peer_id: s.peer_id ?? "",
    version: s.version ?? 0,
    timestamp: "last_update" in s ? s.last_update : (s.timestamp ?? 0),
  }));
  rows.sort((a, b) => (String(a.peer_id) < String(b.peer_id) ? -1 : 1));
  return _sha(_sortedDumps(rows));
}

/** `compute_members_hash`. */
export function clComputeMembersHash(members: Dict[]): string {
  if (members.length === 0) return "";
  const rows = members.map((m) => ({
    peer_id: m.peer_id ?? "",
    tier: m.tier ?? "",
    joined_at: m.joined_at ?? 0,
  }));
  rows.sort((a, b) => (String(a.peer_id) < String(b.peer_id) ? -1 : 1));
  return _sha(_sortedDumps(rows));
}

/** `get_full_sync_signing_payload`. */
export function clFullSyncSigningPayload(p: Dict): string {
  return _sortedDumps({
    sender_id: p.sender_id ?? "",
    fleet_hash: p.fleet_hash ?? "",
    members_hash: clComputeMembersHash((p.members as Dict[] | undefined) ?? []),
    timestamp: p.timestamp ?? 0,
  });
}

/** `get_state_hash_signing_payload`. */
export function clStateHashSigningPayload(p: Dict): string {
  return _sortedDumps({
    sender_id: p.sender_id ?? "",
    fleet_hash: p.fleet_hash ?? "",
    timestamp: p.timestamp ?? 0,
    peer_count: p.peer_count ?? 0,
  });
}

/** `StateManager._validate_state_entry`. */
export function clValidateStateEntry(d: Dict): boolean {
  const id = d.peer_id;
  if (typeof id !== "string" || !id || id.length > 128) return false;
  const cap = d.capacity_sats ?? 0, avail = d.available_sats ?? 0, ver = d.version ?? 0;
  const ts = "timestamp" in d ? d.timestamp : (d.last_update ?? 0);
  const sh = d.state_hash ?? "";
  if (!_isInt(cap) || Number(cap) < 0 || !_isInt(avail) || Number(avail) < 0) return false;
  if (!_isInt(ver) || Number(ver) < 0 || Number(ver) > 2 ** 31) return false;
  if (!_isInt(ts) || Number(ts) < 0) return false;
  if (typeof sh !== "string" || sh.length > 128) return false;
  const fee = d.fee_policy ?? {};
  if (typeof fee !== "object" || fee === null || Array.isArray(fee)) return false;
  if (Object.keys(fee).length > 20) return false;
  for (const [k, v] of Object.entries(fee as Dict)) {
    const n = Number(v);
    if (k.length > 64 || typeof v === "string" || Number.isNaN(n) || n < 0 || n > 10_000_000) {
      return false;
    }
  }
  const topo = d.topology ?? [];
  if (!Array.isArray(topo) || topo.length > 200) return false;
  if (!topo.every((t) => typeof t === "string" && t && t.length <= 128)) return false;
  const caps = d.capabilities ?? [];
  if (!Array.isArray(caps) || caps.length > 20) return false;
  return BigInt(avail as number) <= BigInt(cap as number);
}

/** What a cl-hive node would do with one FULL_SYNC from `peerId`. */
export interface ClOutcome {
  accepted: boolean;
  reason: string;
  /** States that pass `_validate_state_entry` (what `apply_full_sync` would merge). */
  states: Dict[];
  /** Member rows as `_apply_membership_sync` would store them (tier coerced). */
  members: { peer_id: string; tier: string }[];
}

/** `handle_full_sync`, up to what it would merge. */
export function clHandleFullSync(
  peerId: string,
  p: Dict,
  isMember: (id: string) => boolean,
): ClOutcome {
  const no = (reason: string): ClOutcome => ({ accepted: false, reason, states: [], members: [] });
  if (!clValidateFullSync(p)) return no("invalid payload structure");
  const signer = recoverSigner(clFullSyncSigningPayload(p), p.signature as string);
  if (signer !== p.sender_id) return no("signature invalid");
  if (p.sender_id !== peerId) return no("sender mismatch");
  const states = p.states as Dict[];
  if (states.length > 0 && p.fleet_hash !== "") {
    if (clComputeStatesHash(states) !== p.fleet_hash) return no("states hash mismatch");
  }
  if (!isMember(peerId)) return no("non-member");
  const members = Array.isArray(p.members) ? (p.members as Dict[]) : [];
  return {
    accepted: true,
    reason: "",
    states: states.filter((s) => typeof s.peer_id === "string" && clValidateStateEntry(s)),
    members: members.filter((m) => typeof m.peer_id === "string").map((m) => ({
      peer_id: m.peer_id as string,
      tier: m.tier === "member" || m.tier === "neophyte" ? m.tier : "neophyte",
    })),
  };
}
