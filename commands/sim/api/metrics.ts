/**
 * `GET /api/metrics`: the run in Prometheus text format (version 0.0.4), so a running
 * Prometheus can scrape a long simulation like any service: heights, blocks, forks, reorgs and
 * their depths, transactions sent and confirmed, propagation quantiles, agents by state and
 * check results.
 *
 * @module
 */
import type { EngineRunControl } from "../../../adapters/engine/types.ts";
import { quantile, type RunState } from "./state.ts";
import { agentViews } from "./views.ts";

function _label(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** Render the metrics. Per-host heights are left out above 500 hosts (cardinality). */
export function prometheusText(state: RunState, control: EngineRunControl | null): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, rows: [string, number | null][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) {
      if (value !== null) out.push(`${name}${labels} ${value}`);
    }
  };
  const run = `{scenario="${_label(state.meta.scenario)}",engine="${_label(state.meta.engine)}"}`;
  const heights = state.heights();
  metric("hive_sim_time_seconds", "gauge", "Simulated seconds reached.", [[run, state.lastTs]]);
  metric("hive_sim_height_max", "gauge", "Highest chain height of any node.", [[run, heights.max]]);
  metric("hive_sim_height_min", "gauge", "Lowest chain height of any node.", [[run, heights.min]]);
  const agents = agentViews(state, control);
  if (agents.length <= 500) {
    metric(
      "hive_sim_node_height",
      "gauge",
      "Chain height per node.",
      agents.map((a) => [`{host="${_label(a.host)}"}`, a.height]),
    );
  }
  const byState = new Map<string, number>();
  for (const a of agents) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
  metric(
    "hive_sim_agents",
    "gauge",
    "Agents by state.",
    [...byState].map(([s, n]) => [`{state="${_label(s)}"}`, n]),
  );
  metric("hive_sim_blocks_mined_total", "counter", "Blocks mined.", [[run, state.blocksMined]]);
  metric("hive_sim_orphans_total", "counter", "Blocks that forked an existing height.", [
    [run, state.forkCount],
  ]);
  metric("hive_sim_reorgs_total", "counter", "Chain reorganisations at any node.", [
    [run, state.reorgCount],
  ]);
  metric(
    "hive_sim_reorg_depth",
    "gauge",
    "Reorganisations by depth (blocks rolled back).",
    [...state.reorgDepths].sort((a, b) => a[0] - b[0]).map(([d, n]) => [`{depth="${d}"}`, n]),
  );
  metric("hive_sim_tx_sent_total", "counter", "Transactions sent.", [[run, state.tx.sent]]);
  metric("hive_sim_tx_confirmed_total", "counter", "Transactions confirmed.", [
    [run, state.tx.confirmed],
  ]);
  const delays = state.delays();
  metric(
    "hive_sim_propagation_seconds",
    "summary",
    "Seconds from mining to a node's receipt of a block.",
    [
      ...[0.5, 0.9, 0.99].map((q): [string, number | null] => [
        `{quantile="${q}"}`,
        quantile(delays, q),
      ]),
      // A name suffix, not a label set: the line reads `hive_sim_propagation_seconds_count N`.
      ["_count", delays.length],
    ],
  );
  metric(
    "hive_sim_check_pass",
    "gauge",
    "Check results (1 pass, 0 fail).",
    state.checks.map((c) => [`{check="${_label(c.check)}"}`, c.pass ? 1 : 0]),
  );
  metric("hive_sim_events_total", "counter", "Run events recorded.", [[run, state.lastSeq]]);
  return out.join("\n") + "\n";
}
