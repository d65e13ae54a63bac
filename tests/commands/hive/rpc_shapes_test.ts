/**
 * Every `hive hive` command with a cl-hive RPC counterpart returns that RPC's result shape:
 * the field names and JSON types below are read from cl-hive (modules/rpc_commands.py: status,
 * members, pending_actions, reject_action, _approve_all_actions, _reject_all_actions,
 * _execute_channel_open, set_mode, topology, intent_status; modules/intent_manager.py:
 * Intent.to_dict, get_intent_stats; cl-hive.py: hive-invite, hive-join, hive-vouch, hive-ban).
 * Our results may carry more fields; they must carry these, with these types.
 */
import { equal, ok } from "@std/assert";
import { runHiveOp } from "../../../commands/hive/run.ts";
import { hiveFleetConfigSchema } from "../../../commands/hive/config.ts";
import { withDeadline } from "./_deadline.ts";

type T = "string" | "number" | "boolean" | "array" | "object" | "null";
type Shape = { [k: string]: T | T[] | Shape };

const _type = (v: unknown): T => v === null ? "null" : Array.isArray(v) ? "array" : typeof v as T;

/** Assert `value` has every field of `shape` with its type; returns the problems. */
function mismatches(value: unknown, shape: Shape, path = ""): string[] {
  if (typeof value !== "object" || value === null) return [`${path || "result"}: not an object`];
  const out: string[] = [];
  for (const [k, want] of Object.entries(shape)) {
    const v = (value as Record<string, unknown>)[k], at = path ? `${path}.${k}` : k;
    if (!(k in (value as object))) out.push(`${at}: missing`);
    else if (typeof want === "object" && !Array.isArray(want)) out.push(...mismatches(v, want, at));
    else if (![want].flat().includes(_type(v))) out.push(`${at}: ${_type(v)}, want ${want}`);
  }
  return out;
}

const CL_HIVE: Record<string, Shape> = {
  // rpc_commands.status
  status: {
    status: "string",
    governance_mode: "string",
    membership: { tier: ["string", "null"], joined_at: ["number", "null"], pubkey: "string" },
    members: { total: "number", member: "number", neophyte: "number" },
    limits: { max_members: "number", market_share_cap: "number" },
    version: "string",
  },
  members: { count: "number", members: "array" }, // rpc_commands.members
  invite: { status: "string", ticket: "string", valid_hours: "number", instructions: "string" },
  join: { status: "string", target_peer: "string", hive_id: "string", message: "string" },
  join_refused: { error: "string" },
  vouch: {
    status: "string",
    peer_id: "string",
    request_id: "string",
    vouch_count: "number",
    quorum_needed: "number",
    quorum_reached: "boolean",
  },
  ban: {
    status: "string",
    peer_id: "string",
    reason: "string",
    reporter: "string",
    expires_at: "number",
  },
  topology: {
    saturated_targets: "array",
    saturated_count: "number",
    ignored_peers: "array",
    ignored_count: "number",
    network_cache_size: "number",
    network_cache_age_seconds: "number",
    config: {
      market_share_cap_pct: "number",
      planner_interval_seconds: "number",
      expansions_enabled: "boolean",
      governance_mode: "string",
    },
  },
  intents: {
    local_pending: "number",
    local_intents: "array",
    remote_cached: "number",
    remote_intents: "array",
    stats: {
      hold_seconds: "number",
      our_pubkey: ["string", "null"],
      remote_intents_cached: "number",
      registered_callbacks: "array",
    },
  },
  intent_row: {
    intent_type: "string",
    target: "string",
    initiator: "string",
    timestamp: "number",
    expires_at: "number",
    status: "string",
  },
  actions: { count: "number", actions: "array" }, // rpc_commands.pending_actions
  approve_executed: {
    status: "string",
    action_id: "number",
    action_type: "string",
    target: "string",
    channel_size_sats: "number",
    proposed_size_sats: "number",
    channel_id: "string",
    txid: "string",
    broadcast_count: "number",
    sizing_reasoning: "string",
  },
  reject: { status: "string", action_id: "number", action_type: "string" },
  all_none: { status: "string", message: "string" },
  set_mode: { status: "string", previous_mode: "string", current_mode: "string" },
};

Deno.test("--json results carry cl-hive's RPC result shapes, command by command", () =>
  withDeadline(60_000, async () => {
    const dir = await Deno.makeTempDir({ prefix: "hive-shapes-" });
    const config = hiveFleetConfigSchema.parse({ simnet_nodes: 4 });
    const run = (node: number, op: Parameters<typeof runHiveOp>[2], advance = 0) =>
      runHiveOp(dir, node, op, config, advance);
    const check = (name: string, r: unknown) => {
      const bad = mismatches(r, CL_HIVE[name]);
      equal(bad.join("; "), "", `${name}: ${JSON.stringify(r).slice(0, 300)}`);
    };
    try {
      const g = await run(0, { op: "genesis", hiveId: "hive_shapes" });
      const inv = await run(0, { op: "invite", validHours: 24, requirements: 0 });
      check("invite", inv);
      equal(inv.status, "ticket_generated");
      const j = await run(2, { op: "join", ticket: String(inv.ticket) });
      check("join", j);
      equal(j.status, "join_requested");
      equal(j.target_peer, String(g.admin_pubkey).slice(0, 16) + "...");
      const again = await run(3, { op: "join", ticket: String(inv.ticket) });
      check("join_refused", again);
      ok(String(again.error).includes("ticket_replayed"));
      check("status", await run(2, { op: "status" }));
      check("members", await run(0, { op: "members" }));

      const v = await run(0, { op: "vouch", peer: "2" });
      check("vouch", v);
      equal(v.quorum_reached, true); // the admin alone is 51 % of one voter

      const plan = await run(0, { op: "topology" });
      check("topology", plan);
      const k = (plan.expansions as { member: string }[])[0].member === g.admin_pubkey ? 0 : 2;
      await run(k, { op: "topology" });
      const intents = await run(k, { op: "intents" });
      check("intents", intents);
      equal(intents.local_pending, 1);
      check("intent_row", (intents.local_intents as unknown[])[0]);
      const acts = await run(k, { op: "actions" }, 70);
      check("actions", acts);
      const id = String((acts.actions as { id: number }[])[0].id);
      const approved = await run(k, { op: "approve", id });
      check("approve_executed", approved);
      equal(approved.status, "executed");
      check("all_none", await run(k, { op: "reject", id: "all" }));

      const mode = await run(0, { op: "set-mode", mode: "autonomous" });
      check("set_mode", mode);
      equal(mode.previous_mode, "advisor");
      equal(mode.current_mode, "autonomous");

      const ban = await run(0, { op: "ban", peer: "2", reason: "test" });
      check("ban", ban);
      ok(["proposed", "banned"].includes(String(ban.status)));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }));

Deno.test("the shape checker itself reports missing fields and wrong types", () => {
  equal(mismatches({ a: 1 }, { a: "string" }).join(), "a: number, want string");
  equal(mismatches({}, { a: "number" }).join(), "a: missing");
  equal(mismatches({ c: { d: null } }, { c: { d: ["string", "null"] } }).length, 0);
});
