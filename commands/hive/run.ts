/**
 * The actions of `hive hive <state command>` on a simnet workspace: each opens the workspace,
 * acts as one node, settles the network and returns a result shaped like cl-hive's RPC result
 * for the same command (`hive-status`, `hive-members`, `hive-genesis`, ...).
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../../adapters/lightning/signmessage.ts";
import { UsageError } from "../../core/errors.ts";
import type { HiveFleetConfig } from "./config.ts";
import { decodeTicket } from "./handshake.ts";
import { type Decision, GOVERNANCE_MODES, type GovernanceMode } from "./governance.ts";
import { plan, SATURATION_CAP, type Target } from "./planner.ts";
import { MIN_VOUCHES, quorum } from "./membership.ts";

/** How long cl-hive's hive-ban keeps a ban (1 year). */
const BAN_SECONDS = 365 * 86_400;
/** How long a ban proposal stays open for votes (cl-hive's BAN_PROPOSAL_TTL_SECONDS, 7 days). */
const BAN_PROPOSAL_SECONDS = 7 * 86_400;
import { satsNumber, sumSats } from "./state.ts";
import { msatToSats } from "../../adapters/lightning/types.ts";
import { Workspace } from "./workspace.ts";
import type { HiveNode } from "./node.ts";

/** The operations. */
export type HiveOp =
  | { op: "status" }
  | { op: "members" }
  | { op: "genesis"; hiveId?: string }
  | { op: "invite"; validHours: number; requirements: number }
  | { op: "join"; ticket: string; via?: number }
  | { op: "vouch"; peer: string }
  | { op: "ban"; peer: string; reason: string }
  | { op: "topology" }
  | { op: "intents" }
  | { op: "actions" }
  | { op: "approve"; id: string }
  | { op: "reject"; id: string }
  | { op: "set-mode"; mode: string };

/** Run one operation as node `node` of the workspace in `dir`. */
export async function runHiveOp(
  dir: string,
  node: number,
  op: HiveOp,
  config: HiveFleetConfig,
  advanceSeconds = 0,
): Promise<Record<string, unknown>> {
  const ws = await Workspace.open(dir, config);
  try {
    // Simulated time moves only while a command runs; --advance lets it run first (held
    // intents commit, anti-entropy rounds happen) in steps of the commit loop.
    for (let left = advanceSeconds; left > 0; left -= 5) await ws.settle(Math.min(5, left));
    const result = await _run(ws, node, op);
    // Deliver what is still in flight: the queue is not saved between commands.
    await ws.net.runUntil(ws.net.now + 5000);
    return result;
  } finally {
    await ws.close();
  }
}

/** External targets of a simnet workspace: 8 ids from the seed, 1..8 x 100 BTC public capacity. */
export function simnetTargets(seed: number): Target[] {
  return Array.from({ length: 8 }, (_, i) => ({
    id: "02" + toHex(sha256(new TextEncoder().encode(`hive-simnet-target:${seed}:${i}`))),
    public_capacity_sats: (i + 1) * 100 * 100_000_000,
  }));
}

/** This node's state for gossip, from its channels and funds. */
async function _publish(node: HiveNode, force = false): Promise<string | null> {
  const chans = (await node.ln.listchannels()).filter((c) => c.state === "CHANNELD_NORMAL");
  const funds = await node.ln.listfunds();
  const first = chans[0];
  return await node.publishState({
    capacity_sats: sumSats(chans.map((c) => msatToSats(c.total_msat))),
    available_sats: sumSats(chans.map((c) => msatToSats(c.to_us_msat))),
    fee_policy: first
      ? { base_fee: first.fee_base_msat, fee_rate: first.fee_proportional_millionths }
      : {},
    topology: [...new Set(chans.map((c) => c.peer_id))],
    budget_available_sats: funds.onchain_sats,
  }, { force });
}

function _peer(ws: Workspace, text: string): string {
  if (/^\d+$/.test(text)) return ws.node(Number(text)).id;
  if (!/^0[23][0-9a-f]{64}$/.test(text)) {
    throw new UsageError(
      `expected a node id (66 hex) or a node index, got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

/** One decision as cl-hive reports it: executed channel opens carry the channel. */
function _actionResult(ws: Workspace, i: number, d: Decision): Record<string, unknown> {
  const a = d.action, base = { action_id: a.id, action_type: a.action_type };
  if (d.outcome === "rejected") return { status: "rejected", ...base };
  const target = String(a.payload.target ?? "");
  const size = { target, channel_size_sats: a.amount_sats, proposed_size_sats: a.amount_sats };
  if (d.outcome === "failed") {
    return { status: "failed", ...base, ...size, error: d.note, broadcast_count: 0 };
  }
  const ch = ws.net.nodes[i].channels.findLast((c) => c.peer_id === target);
  return {
    status: "executed",
    ...base,
    ...size,
    channel_id: ch?.short_channel_id ?? "unknown",
    txid: "unknown", // simnet opens channels without transactions
    broadcast_count: 0, // the intent was announced when it was held, not on approval
    sizing_reasoning: String(a.payload.reason ?? "N/A"),
    note: d.note,
  };
}

async function _run(ws: Workspace, i: number, op: HiveOp): Promise<Record<string, unknown>> {
  const me = ws.node(i);
  const gov = () => ws.governance(i);
  switch (op.op) {
    case "status": {
      const all = me.membership.list();
      const mine = me.membership.members.get(me.id);
      return {
        status: all.length ? "active" : "no_members",
        hive_id: me.hiveId,
        governance_mode: gov().config.mode,
        membership: mine
          ? { tier: mine.tier, joined_at: mine.joined_at, pubkey: me.id }
          : { tier: null, joined_at: null },
        members: {
          total: all.length,
          admin: all.filter((m) => m.tier === "admin").length,
          member: all.filter((m) => m.tier === "member").length,
          neophyte: all.filter((m) => m.tier === "neophyte").length,
        },
        limits: { max_members: 50, market_share_cap: 0.2 },
        fleet: me.map.stats(),
        protocol: {
          passed: me.counters.passed,
          received: me.counters.received,
          dropped: me.counters.dropped,
          refused: me.refused,
        },
        backend: "simnet",
        node: { index: i, id: me.id, time: me.ln.now() },
        version: "0.1.0",
      };
    }
    case "members": {
      const members = me.membership.list().map((m) => {
        const c = me.ledger.report(m.peer_id, me.ln.now());
        return {
          ...m,
          contribution_ratio: c.ratio,
          forwarded_sats: c.forwarded_sats,
          received_sats: c.received_sats,
          throttle: c.throttle,
        };
      });
      return { count: members.length, members };
    }
    case "genesis": {
      const r = await me.genesis(op.hiveId);
      await _publish(me, true);
      await ws.settle(5);
      return r;
    }
    case "invite": {
      const ticket = await me.invite(op.validHours * 3600, op.requirements);
      // cl-hive's hive-invite result, plus the requirements mask.
      return {
        status: "ticket_generated",
        ticket,
        valid_hours: op.validHours,
        instructions:
          "Share this ticket with the candidate. They should use 'hive hive join <ticket>' to request membership.",
        requirements: op.requirements,
      };
    }
    case "join": {
      let t;
      try {
        t = decodeTicket(op.ticket);
      } catch (e) {
        throw new UsageError(`ticket: ${(e as Error).message}`);
      }
      const via = op.via !== undefined ? ws.node(op.via) : ws.nodes[ws.indexOf(t.admin_pubkey)];
      if (!via) throw new UsageError("ticket: its admin is not a node of this simnet; pass --via");
      if (me.tier) throw new UsageError(`node ${i} is already a ${me.tier} of ${me.hiveId}`);
      const refusedBefore = JSON.stringify(via.refused);
      await me.join(op.ticket, via.id);
      await ws.settle(10);
      // cl-hive's hive-join result: {status, target_peer, hive_id, message}, or {error}. Here
      // the whole handshake runs before the command returns, so it also says how it ended.
      const head = { target_peer: via.id.slice(0, 16) + "...", hive_id: t.hive_id };
      if (!me.tier) {
        const after = via.refused;
        const before = JSON.parse(refusedBefore) as Record<string, number>;
        const reason = Object.keys(after).find((k) => after[k] !== (before[k] ?? 0)) ?? "no answer";
        return { error: `join refused: ${reason}`, ...head, reason, via: via.id };
      }
      // Announce our state, then sync with the sponsor.
      await _publish(me, true);
      await me.antiEntropy();
      await ws.settle(10);
      return {
        status: "join_requested",
        ...head,
        message: `HELLO sent; CHALLENGE, ATTEST and WELCOME done: joined as ${me.tier}`,
        joined: true,
        tier: me.tier,
        via: via.id,
        member_count: me.membership.members.size,
      };
    }
    case "vouch": {
      const target = _peer(ws, op.peer);
      const before = me.membership.vouches.get(target);
      const count = (before?.size ?? 0) + (before?.has(me.id) ? 0 : 1);
      const needed = quorum(me.membership.voters().length, MIN_VOUCHES);
      const promoted = await me.vouch(target);
      await ws.settle(10);
      // cl-hive's hive-vouch result, plus whether this vouch promoted the target.
      return {
        status: "vouched",
        peer_id: target,
        request_id: "00",
        vouch_count: count,
        quorum_needed: needed,
        quorum_reached: count >= needed,
        promoted,
        tier: me.membership.members.get(target)?.tier ?? null,
      };
    }
    case "ban": {
      const target = _peer(ws, op.peer);
      const id = await me.proposeBan(target, op.reason);
      await ws.settle(10);
      const banned = me.membership.banned.has(target);
      // cl-hive's hive-ban result; status "proposed" while votes are missing (a ban needs 51 %).
      return {
        status: banned ? "banned" : "proposed",
        peer_id: target,
        reason: op.reason,
        reporter: me.id,
        expires_at: me.ln.now() + (banned ? BAN_SECONDS : BAN_PROPOSAL_SECONDS),
        proposal_id: id,
      };
    }
    case "topology": {
      const targets = simnetTargets(ws.seed);
      const channels = ws.net.nodes.flatMap((sn) =>
        sn.channels.map((c) => ({
          member: sn.id,
          target: c.peer_id,
          capacity_sats: Number(msatToSats(c.total_msat)), // planner shares need no exactness
        }))
      ).filter((c) => me.membership.has(c.member));
      const saturated = new Set(JSON.parse(ws.stores[i].getMeta("saturated") ?? "[]") as string[]);
      const candidates = me.map.all().filter((s) => me.membership.has(s.peer_id)).map((s) => ({
        peer_id: s.peer_id,
        // Ranking by idle funds needs no exactness beyond 2^53.
        onchain_sats: s.peer_id === me.id
          ? ws.net.nodes[i].onchainSats
          : satsNumber(s.budget_available_sats),
      }));
      const result = plan({ targets, channels, candidates, previouslySaturated: saturated });
      ws.stores[i].setMeta("saturated", JSON.stringify([...saturated]));
      ws.stores[i].logPlan(me.ln.now(), result);
      const announced = [];
      for (const e of result.expansions.filter((x) => x.member === me.id)) {
        announced.push(await me.announceIntent("channel_open", e.target));
      }
      await ws.settle(5);
      const saturatedRows = result.saturation.filter((s) => s.saturated).map((s) => ({
        target: s.target.slice(0, 16) + "...",
        target_full: s.target,
        hive_capacity_sats: s.fleet_capacity_sats,
        public_capacity_sats: s.public_capacity_sats,
        hive_share_pct: Math.round(s.share * 10_000) / 100,
      }));
      // cl-hive's hive-topology result, plus the planner run itself.
      return {
        saturated_targets: saturatedRows,
        saturated_count: saturatedRows.length,
        ignored_peers: [],
        ignored_count: 0,
        network_cache_size: targets.length,
        network_cache_age_seconds: 0,
        config: {
          market_share_cap_pct: SATURATION_CAP,
          planner_interval_seconds: 0, // the planner runs when this command runs
          expansions_enabled: true,
          governance_mode: gov().config.mode,
        },
        fleet: me.map.stats(),
        targets: result.saturation,
        expansions: result.expansions,
        intents_announced: announced,
      };
    }
    case "intents": {
      // cl-hive's hive-intent-status result.
      const all = me.intents.list();
      const local = all.filter((x) => x.scope === "local" && x.status === "pending");
      const remote = all.filter((x) => x.scope === "remote");
      const row = (x: (typeof all)[number]) => ({
        intent_type: x.intent_type,
        target: x.target,
        initiator: x.initiator,
        timestamp: x.timestamp,
        expires_at: x.expires_at,
        status: x.status,
      });
      return {
        local_pending: local.length,
        local_intents: local.map((x, k) => ({ id: k + 1, ...row(x) })),
        remote_cached: remote.length,
        remote_intents: remote.map(row),
        stats: {
          hold_seconds: me.intents.holdSeconds,
          our_pubkey: me.id.slice(0, 16) + "...",
          remote_intents_cached: remote.length,
          registered_callbacks: ["channel_open"],
        },
        count: all.length,
        intents: all,
      };
    }
    case "actions": {
      const actions = gov().pending();
      return { count: actions.length, actions };
    }
    case "approve":
    case "reject": {
      const g = gov();
      const ids = op.id === "all" ? g.pending().map((a) => a.id) : [Number(op.id)];
      if (op.id !== "all" && !/^\d+$/.test(op.id)) {
        throw new UsageError(
          `action id: expected an integer or "all", got ${JSON.stringify(op.id)}`,
        );
      }
      if (op.id === "all" && ids.length === 0) {
        return { status: "no_actions", message: `No pending actions to ${op.op}` };
      }
      // cl-hive's hive-approve-action / hive-reject-action results, one action or all.
      const done: Record<string, unknown>[] = [], errors: Record<string, unknown>[] = [];
      for (const id of ids) {
        try {
          const d = op.op === "approve" ? await g.approve(id) : g.reject(id);
          if (d.outcome === "executed") await _publish(me);
          done.push(_actionResult(ws, i, d));
        } catch (e) {
          errors.push({ action_id: id, error: (e as Error).message });
        }
      }
      if (op.id !== "all") {
        // No such action, or already decided: the operator's mistake (exit 2), said as cl-hive.
        if (errors.length) throw new UsageError(`action ${op.id}: ${errors[0].error}`);
        return done[0];
      }
      const key = op.op === "approve" ? "approved" : "rejected";
      return {
        status: `${key}_all`,
        [`${key}_count`]: done.length,
        [key]: done.map((r) => ({
          action_id: r.action_id,
          action_type: r.action_type,
          ...(op.op === "approve" ? { result: r.status } : {}),
        })),
        errors: errors.length ? errors : null,
      };
    }
    case "set-mode": {
      if (!(GOVERNANCE_MODES as readonly string[]).includes(op.mode)) {
        throw new UsageError(
          `mode: expected one of ${GOVERNANCE_MODES.join(", ")}, got ${JSON.stringify(op.mode)}`,
        );
      }
      const previous = gov().config.mode;
      ws.stores[i].setMeta("governance_mode", op.mode as GovernanceMode);
      return { status: "ok", previous_mode: previous, current_mode: op.mode };
    }
  }
}
