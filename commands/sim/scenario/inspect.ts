/**
 * What `hive sim inspect` reports about an expanded scenario: hosts by kind and region, the peer
 * graph's shape (degrees, diameter, connectivity), link latencies and the attacks.
 *
 * @module
 */
import type { SimModel } from "../../../adapters/engine/types.ts";
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
    `diameter:     ${g.diameter} hops${g.diameterExact ? "" : " (double-sweep lower bound)"}`,
    `latency:      min ${r.latency_ms.min} ms, mean ${r.latency_ms.mean} ms, max ${r.latency_ms.max} ms`,
    `hashrate:     ${r.hashrate_total} %`,
    `attacks:      ${r.attacks.map((a) => `${a.kind}(${a.hosts} hosts)`).join(", ") || "none"}`,
    "",
    "degree  hosts",
    ...Object.entries(g.degreeHistogram).map(([d, c]) => `${d.padStart(6)}  ${c}`),
  ];
  return lines.join("\n") + "\n";
}
