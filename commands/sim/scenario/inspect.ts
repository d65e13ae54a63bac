/**
 * What `hive sim inspect` reports about an expanded scenario: hosts by kind and region, the peer
 * graph's shape (degrees, diameter, connectivity), link latencies and the attacks.
 *
 * @module
 */
import type { SimModel } from "../../../adapters/engine/types.ts";
import {
  flagName,
  fundingPlan,
  hostProcesses,
  monerodArgs,
  REPEATABLE_FLAGS,
  upgradedHost,
} from "../../../adapters/engine/monerod.ts";
import type { PhysicalNetwork } from "./physical.ts";
import { type Edge, type GraphMetrics, graphMetrics } from "./graph.ts";

/** The inspection report. */
export interface InspectReport {
  name: string;
  seed: number;
  stop_time_s: number;
  peer_mode: SimModel["peerMode"];
  network: PhysicalNetwork["kind"];
  hosts: number;
  edges: number;
  by_kind: Record<string, number>;
  by_region: Record<string, number>;
  hashrate_total: number;
  graph: GraphMetrics;
  latency_ms: { min: number; mean: number; max: number };
  attacks: Array<{ kind: string; hosts: number }>;
  /**
   * Each distinct monerod command line (scenario flags merged over hive's by name), without
   * the per-host binds and peer flags: the first host using it, how many do, and the flags.
   */
  daemons: Array<
    { first: string; hosts: number; binary: string; args: string[]; peer_flags: number }
  >;
  /** The funding step of user wallets, when there are users. */
  funding: {
    host: string;
    at_s: number;
    users: number;
    blocks_per_user: { min: number; max: number };
    unlock_blocks: number;
  } | null;
  /**
   * Upgrade rounds: the Nth upgrade of every host that has one, how many hosts, when the
   * first and last of them stop their monerod, and the binaries they switch to.
   */
  upgrades: Array<
    { step: number; hosts: number; first_s: number; last_s: number; binaries: string[] }
  >;
  /** Reachability: DNS on, the fallback seeds, hidden nodes (--hide-my-port). */
  reachability: { dns_server: boolean; fallback_seeds: string[]; hidden: number };
  /** When the last process of any host starts (simulated seconds). */
  last_process_start_s: number;
  /** Shadow's bootstrap end (computed when the scenario says auto). */
  bootstrap_end_s: number;
  /** Poll interval of each monitor host (computed when the scenario says auto). */
  monitor_interval_s: Record<string, number>;
}

const _PER_HOST = new Set(["--data-dir", "--p2p-bind-ip", "--rpc-bind-ip"]);

function _daemons(model: SimModel): InspectReport["daemons"] {
  const groups = new Map<string, InspectReport["daemons"][number]>();
  for (const h of model.hosts) {
    const all = monerodArgs(h, model, { dataDir: "monerod", peerMode: model.peerMode });
    const args = all.filter((f) =>
      !_PER_HOST.has(flagName(f)) && !REPEATABLE_FLAGS.has(flagName(f))
    );
    const peers = all.length - args.length - _PER_HOST.size;
    const binary = h.monerodBin ?? "monerod";
    const key = `${binary} ${args.join(" ")}`;
    const g = groups.get(key);
    if (g) g.hosts++;
    else groups.set(key, { first: h.name, hosts: 1, binary, args, peer_flags: peers });
  }
  return [...groups.values()];
}

function _countBy(values: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}

/** Build the report for a model and its physical network. */
export function inspectModel(model: SimModel, network: PhysicalNetwork): InspectReport {
  const index = new Map(model.hosts.map((h, i) => [h.name, i]));
  const edges: Edge[] = model.edges.map((e) => [index.get(e.a)!, index.get(e.b)!]);
  const lat = model.edges.map((e) => e.latencyMs);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    name: model.name,
    seed: model.seed,
    stop_time_s: model.stopTimeS,
    peer_mode: model.peerMode,
    network: network.kind,
    hosts: model.hosts.length,
    edges: model.edges.length,
    by_kind: _countBy(model.hosts.map((h) => h.kind)),
    by_region: _countBy(model.hosts.map((h) => h.region)),
    hashrate_total: round(model.hosts.reduce((s, h) => s + h.hashrate, 0)),
    graph: graphMetrics(model.hosts.length, edges),
    latency_ms: lat.length === 0 ? { min: 0, mean: 0, max: 0 } : {
      min: round(Math.min(...lat)),
      mean: round(lat.reduce((s, x) => s + x, 0) / lat.length),
      max: round(Math.max(...lat)),
    },
    attacks: model.attacks.map((a) => ({
      kind: a.kind,
      hosts: a.kind === "sybil"
        ? a.attackers.length
        : a.kind === "eclipse"
        ? a.attackers.length + 1
        : a.kind === "partition"
        ? a.groupA.length + a.groupB.length
        : 2,
    })),
    daemons: _daemons(model),
    funding: _funding(model),
    upgrades: _upgrades(model),
    reachability: {
      dns_server: model.dnsServer === true,
      fallback_seeds: model.fallbackSeeds ?? [],
      hidden: model.hosts.filter((h) => h.daemonArgs.includes("--hide-my-port")).length,
    },
    bootstrap_end_s: model.bootstrapEndTimeS,
    monitor_interval_s: Object.fromEntries(
      model.hosts.flatMap((h) =>
        h.monitorIntervalS !== undefined ? [[h.name, h.monitorIntervalS]] : []
      ),
    ),
    last_process_start_s: Math.max(
      0,
      ...model.hosts.flatMap((h) => hostProcesses(h).map((p) => p.startS)),
      fundingPlan(model)?.atS ?? 0,
    ),
  };
}

function _upgrades(model: SimModel): InspectReport["upgrades"] {
  const out: InspectReport["upgrades"] = [];
  for (const h of model.hosts) {
    for (const [k, u] of (h.upgrades ?? []).entries()) {
      const binary = upgradedHost(h, k + 1).monerodBin ?? "monerod";
      const r = out[k] ??= { step: k + 1, hosts: 0, first_s: u.atS, last_s: u.atS, binaries: [] };
      r.hosts++;
      r.first_s = Math.min(r.first_s, u.atS);
      r.last_s = Math.max(r.last_s, u.atS);
      if (!r.binaries.includes(binary)) r.binaries.push(binary);
    }
  }
  return out;
}

function _funding(model: SimModel): InspectReport["funding"] {
  const plan = fundingPlan(model);
  if (!plan) return null;
  const blocks = Object.values(plan.blocks);
  return {
    host: plan.host,
    at_s: plan.atS,
    users: blocks.length,
    blocks_per_user: { min: Math.min(...blocks), max: Math.max(...blocks) },
    unlock_blocks: plan.unlockBlocks,
  };
}

/** Human rendering of a report. */
export function formatInspectReport(r: InspectReport): string {
  const g = r.graph;
  const kv = (o: Record<string, number>) =>
    Object.entries(o).map(([k, v]) => `${k}=${v}`).join(" ") || "-";
  const lines = [
    `scenario:     ${r.name} (seed ${r.seed}, stop ${r.stop_time_s} s)`,
    `network:      ${r.network}, peer mode ${r.peer_mode}`,
    `hosts:        ${r.hosts} (${kv(r.by_kind)})`,
    `regions:      ${kv(r.by_region)}`,
    `edges:        ${r.edges}`,
    `connected:    ${g.connected ? "yes" : `no (${g.components} components)`}`,
    `degree:       min ${g.degree.min}, mean ${g.degree.mean}, max ${g.degree.max}`,
    `diameter:     ${g.diameter} hops${g.diameter_exact ? "" : " (double-sweep lower bound)"}`,
    `latency:      min ${r.latency_ms.min} ms, mean ${r.latency_ms.mean} ms, max ${r.latency_ms.max} ms`,
    `hashrate:     ${r.hashrate_total} %`,
    `attacks:      ${r.attacks.map((a) => `${a.kind}(${a.hosts} hosts)`).join(", ") || "none"}`,
    `funding:      ${
      r.funding
        ? `at ${r.funding.at_s} s on ${r.funding.host}: ${r.funding.users} user${
          r.funding.users === 1 ? "" : "s"
        }, ${
          r.funding.blocks_per_user.min === r.funding.blocks_per_user.max
            ? r.funding.blocks_per_user.min
            : `${r.funding.blocks_per_user.min}..${r.funding.blocks_per_user.max}`
        } blocks each, then ${r.funding.unlock_blocks} unlock blocks`
        : "none (no users)"
    }`,
    ...r.upgrades.map((u) =>
      `upgrade ${u.step}:    ${u.hosts} host${u.hosts === 1 ? "" : "s"} from ${u.first_s} s to ` +
      `${u.last_s} s, to ${u.binaries.join(", ")}`
    ),
    `reachability: DNS ${r.reachability.dns_server ? "on" : "off"}, fallback seeds ${
      r.reachability.fallback_seeds.join(", ") || "none"
    }, ${r.reachability.hidden} hidden`,
    `processes:    the last starts at ${r.last_process_start_s} s (stop ${r.stop_time_s} s), ` +
    `bootstrap ends at ${r.bootstrap_end_s} s`,
    `monitor poll: ${
      Object.entries(r.monitor_interval_s).map(([h, s]) => `${h} every ${s} s`).join(", ") || "-"
    }`,
    ...r.daemons.map((d) =>
      `monerod:      ${d.first}${d.hosts > 1 ? ` (+${d.hosts - 1} hosts)` : ""}: ${d.binary} ${
        d.args.join(" ")
      }${d.peer_flags > 0 ? ` (+${d.peer_flags} peer flags)` : ""}`
    ),
    "",
    "degree  hosts",
    ...Object.entries(g.degree_histogram).map(([d, c]) => `${d.padStart(6)}  ${c}`),
  ];
  return lines.join("\n") + "\n";
}
