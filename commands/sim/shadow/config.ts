/**
 * Shadow configuration from an expanded scenario: `shadow.yaml` (general, network, hosts with
 * their processes) and `network.gml`, with the field names and units of Shadow's config spec
 * (https://shadow.github.io/docs/guide/shadow_config_spec.html).
 *
 * Every host runs `monerod` (flags from {@link monerodArgs}); `user` hosts also run
 * `monero-wallet-rpc`; agents run as `hive sim agent <kind> ...`. Shadow's topology is static,
 * so a partition is realised by `hive sim agent attacker --mode partition` processes that ban
 * the other group through monerod's `set_bans` RPC from `start` to `end`. A double spend runs
 * as `hive sim agent attacker --mode double_spend` on the attacker's host in place of its
 * miner: it mines there, isolates the node with bans and releases its private chain.
 *
 * @module
 */
import { stringify } from "yaml";
import { type SimHost, type SimModel } from "../../../adapters/engine/types.ts";
import {
  addEngineFlags,
  AGENT_DELAY_S,
  durationArg,
  monerodArgs,
  type MonerodArgsOptions,
  UPGRADE_GAP_S,
  upgradedHost,
  userPatternFlags,
} from "../../../adapters/engine/monerod.ts";
import type { LoadedScenario } from "../scenario/load.ts";
import { writeGml } from "../scenario/gml.ts";
import { formatBandwidth, formatLatency, formatSeconds } from "../scenario/units.ts";

export { AGENT_DELAY_S, WALLET_DELAY_S } from "../../../adapters/engine/monerod.ts";
/** Seconds a user agent waits for its funding to unlock before it sends anyway. */
export const FUND_WAIT_S = 900;

/** Options for {@link buildShadowConfig}. */
export interface ShadowConfigOptions {
  /** Path of the `hive` executable Shadow runs for agents. */
  hiveBin: string;
  /** Path of monerod (bare names are looked up on Shadow's PATH). */
  monerodBin?: string;
  /** Path of monero-wallet-rpc. */
  walletRpcBin?: string;
  /** Called after each host is built (for progress). */
  onHost?: (done: number, total: number) => void;
}

/** One Shadow host entry. */
export interface ShadowHost {
  network_node_id: number;
  ip_addr: string;
  bandwidth_down: string;
  bandwidth_up: string;
  processes: ShadowProcess[];
}

/** The `shadow.yaml` document. */
export interface ShadowDocument {
  general: {
    stop_time: string;
    seed: number;
    parallelism: number;
    bootstrap_end_time: string;
    model_unblocked_syscall_latency: boolean;
    log_level?: string;
    progress?: boolean;
  };
  experimental?: { runahead?: string; native_preemption_enabled?: boolean };
  network: { graph: { type: "gml"; file: { path: string } }; use_shortest_path: boolean };
  hosts: Record<string, ShadowHost>;
}

/** Counts reported after generation. */
export interface ShadowSummary {
  hosts: number;
  processes: number;
  /** Peer links in the model. */
  edges: number;
  /** Nodes and edges of `network.gml`. */
  graph_nodes: number;
  graph_edges: number;
  /** Processes per program: monerod, monero-wallet-rpc, and each agent kind. */
  by_program: Record<string, number>;
}

/** The built configuration: documents ready to write, and counts. */
export interface ShadowConfig {
  document: ShadowDocument;
  yaml: string;
  gml: string;
  summary: ShadowSummary;
}

/** Name of the graph file beside `shadow.yaml` (Shadow resolves it from its working dir). */
export const GML_FILE = "network.gml";

import {
  attackProcesses,
  chunks as _chunks,
  doubleSpendArgs,
  fundingProcesses,
  named as _named,
  rpcUrl as _rpc,
  type ShadowProcess,
  TARGETS_PER_PROCESS,
  threadFlags,
  walletProcess,
} from "./processes.ts";

export { type ShadowProcess, TARGETS_PER_PROCESS };

/**
 * The Shadow document in parts, so a writer can stream it: everything but the hosts, the hosts
 * one at a time (built when asked for, in model order), and the counts once every host was
 * built.
 */
export interface ShadowParts {
  head: Omit<ShadowDocument, "hosts">;
  hosts(): Generator<[string, ShadowHost]>;
  summary(): ShadowSummary;
}

/** Build the Shadow document for an expanded scenario. Pure: same input, same bytes. */
export function buildShadowDocument(
  loaded: LoadedScenario,
  options: ShadowConfigOptions,
): { document: ShadowDocument; summary: ShadowSummary } {
  const parts = shadowParts(loaded, options);
  const hosts: Record<string, ShadowHost> = {};
  for (const [name, host] of parts.hosts()) hosts[name] = host;
  return { document: { ...parts.head, hosts }, summary: parts.summary() };
}

/** The parts of the Shadow document ({@link ShadowParts}); hosts are built lazily. */
export function shadowParts(loaded: LoadedScenario, options: ShadowConfigOptions): ShadowParts {
  const { model, network } = loaded;
  const shadow = loaded.scenario.shadow;
  const monerod = options.monerodBin ?? "monerod";
  const walletRpc = options.walletRpcBin ?? "monero-wallet-rpc";
  const byName = new Map(model.hosts.map((h) => [h.name, h]));
  const byProgram: Record<string, number> = {};
  const count = (program: string) => byProgram[program] = (byProgram[program] ?? 0) + 1;
  const agent = (kind: string, args: string[], startS: number): ShadowProcess => {
    count(`hive sim agent ${kind}`);
    return {
      path: options.hiveBin,
      args: ["sim", "agent", kind, ...args],
      start_time: formatSeconds(startS),
      expected_final_state: "running",
    };
  };
  const argsOptions: MonerodArgsOptions = { dataDir: "monerod", peerMode: model.peerMode };
  // shadow.process_threads: thread counts of monerod and wallet RPC (1 keeps runs repeatable).
  const threads = threadFlags(shadow.process_threads);
  const daemonArgs = (h: SimHost) =>
    addEngineFlags(monerodArgs(h, model, argsOptions), h, threads.monerod);
  const extra = attackProcesses(model, byName, agent);
  fundingProcesses(model, byName, agent, extra);
  const doubleSpenders = new Set(
    model.attacks.flatMap((a) => a.kind === "double_spend" ? [a.attacker] : []),
  );
  const agentProcesses = (h: SimHost) =>
    _agentProcesses({ model, byName, agent, doubleSpenders, walletRpc, count, threads }, h);
  const buildHost = (h: SimHost): ShadowHost => {
    const processes: ShadowProcess[] = [{
      path: h.monerodBin ?? monerod,
      args: daemonArgs(h),
      start_time: formatSeconds(h.startTimeS),
      expected_final_state: "running",
    }];
    count("monerod");
    for (const [k, up] of (h.upgrades ?? []).entries()) {
      // The running monerod gets SIGTERM and closes its database; the next opens the same data.
      const last = processes[processes.length - 1];
      last.shutdown_time = formatSeconds(up.atS);
      last.expected_final_state = { exited: 0 };
      const next = upgradedHost(h, k + 1);
      processes.push({
        path: next.monerodBin ?? monerod,
        args: daemonArgs(next),
        start_time: formatSeconds(up.atS + UPGRADE_GAP_S),
        expected_final_state: "running",
      });
      count("monerod");
    }
    processes.push(...agentProcesses(h));
    processes.push(...(extra.get(h.name) ?? []));
    if (shadow.environment) {
      for (const p of processes) p.environment = { ...shadow.environment };
    }
    return {
      network_node_id: network.nodeOf[h.name],
      ip_addr: h.ip,
      bandwidth_down: formatBandwidth(h.bandwidthDownBps),
      bandwidth_up: formatBandwidth(h.bandwidthUpBps),
      processes,
    };
  };
  const head: Omit<ShadowDocument, "hosts"> = {
    general: {
      stop_time: formatSeconds(model.stopTimeS),
      seed: model.seed,
      parallelism: model.parallelism,
      bootstrap_end_time: formatSeconds(model.bootstrapEndTimeS),
      // monerod polls in tight loops; without modelled syscall latency Shadow can stall on them.
      model_unblocked_syscall_latency: shadow.model_unblocked_syscall_latency,
      ...(shadow.log_level !== undefined ? { log_level: shadow.log_level } : {}),
      ...(shadow.progress !== undefined ? { progress: shadow.progress } : {}),
    },
    ...(shadow.runahead !== undefined || shadow.native_preemption !== undefined
      ? {
        experimental: {
          ...(shadow.runahead !== undefined ? { runahead: formatLatency(shadow.runahead) } : {}),
          ...(shadow.native_preemption !== undefined
            ? { native_preemption_enabled: shadow.native_preemption }
            : {}),
        },
      }
      : {}),
    network: { graph: { type: "gml", file: { path: GML_FILE } }, use_shortest_path: true },
  };
  const summary = (): ShadowSummary => ({
    hosts: model.hosts.length,
    processes: Object.values(byProgram).reduce((s, n) => s + n, 0),
    edges: model.edges.length,
    graph_nodes: network.graph.nodes.length,
    graph_edges: network.graph.edges.length,
    by_program: Object.fromEntries(Object.entries(byProgram).sort(([a], [b]) => a < b ? -1 : 1)),
  });
  function* hosts(): Generator<[string, ShadowHost]> {
    for (const [i, h] of model.hosts.entries()) {
      yield [h.name, buildHost(h)];
      options.onHost?.(i + 1, model.hosts.length);
    }
  }
  return { head, hosts, summary };
}

/** What {@link _agentProcesses} builds from. */
interface _AgentContext {
  model: SimModel;
  byName: Map<string, SimHost>;
  agent: (kind: string, args: string[], startS: number) => ShadowProcess;
  doubleSpenders: Set<string>;
  walletRpc: string;
  count: (program: string) => void;
  threads: { monerod: string[]; wallet: string[] };
}

/**
 * The processes a host runs beside its monerod: its miner (or double-spend attacker), its
 * wallet RPC and user, or its monitors.
 */
function _agentProcesses(ctx: _AgentContext, h: SimHost): ShadowProcess[] {
  const { model, byName, agent, doubleSpenders, walletRpc, count, threads } = ctx;
  const out: ShadowProcess[] = [];
  const common = ["--host", h.name, "--seed", String(model.seed)];
  const at = h.startTimeS + AGENT_DELAY_S;
  if (h.behavior && !doubleSpenders.has(h.name)) {
    // A behaviour plugin runs in place of the kind's agent (beside the user's wallet RPC).
    const wallet = h.kind === "user" && h.walletRpcPort !== undefined;
    if (wallet) {
      out.push(walletProcess(h, h.walletRpcBin ?? walletRpc, threads.wallet));
      count("monero-wallet-rpc");
    }
    out.push(agent("behavior", [
      "--module",
      h.behavior.module,
      "--rpc",
      _rpc(h),
      ...(wallet ? ["--wallet-rpc", `http://${h.ip}:${h.walletRpcPort}`] : []),
      "--behavior-config",
      JSON.stringify(h.behavior.config),
      ...common,
    ], at));
  } else if (doubleSpenders.has(h.name)) {
    // Its double-spend agent mines on this node (honestly, then in secret): no miner agent.
    out.push(agent("attacker", doubleSpendArgs(model, h, byName, common), at));
  } else if (h.kind === "miner" || (h.kind === "attacker" && h.hashrate > 0)) {
    out.push(
      agent("miner", ["--rpc", _rpc(h), "--hashrate", String(h.hashrate), ...common], at),
    );
  } else if (h.kind === "user" && h.tx && h.walletRpcPort !== undefined) {
    out.push(walletProcess(h, h.walletRpcBin ?? walletRpc, threads.wallet));
    count("monero-wallet-rpc");
    const amount = h.tx.amount.kind === "fixed"
      ? String(h.tx.amount.value)
      : `${h.tx.amount.min}..${h.tx.amount.max}`;
    out.push(agent("user", [
      "--wallet-rpc",
      `http://${h.ip}:${h.walletRpcPort}`,
      "--daemon-rpc",
      _rpc(h),
      "--interval-mean",
      durationArg(h.tx.intervalMeanS),
      "--amount",
      amount,
      "--fund-wait",
      durationArg(FUND_WAIT_S),
      ...userPatternFlags(h.tx),
      ...common,
    ], at));
  } else if (h.kind === "monitor") {
    for (const part of _chunks(model.hosts, TARGETS_PER_PROCESS)) {
      out.push(agent("monitor", [
        "--rpc",
        part.map(_named).join(","),
        "--interval",
        durationArg(h.monitorIntervalS ?? 10),
        ...(part.some((x) => x.zmq)
          ? [
            "--zmq",
            part.flatMap((x) => x.zmq ? [`${x.name}=tcp://${x.ip}:${x.zmq.pubPort}`] : []).join(
              ",",
            ),
          ]
          : []),
        ...common,
      ], at));
    }
  }
  return out;
}

/** Build `shadow.yaml` and `network.gml` text for an expanded scenario. */
export function buildShadowConfig(
  loaded: LoadedScenario,
  options: ShadowConfigOptions,
): ShadowConfig {
  const { document, summary } = buildShadowDocument(loaded, options);
  return {
    document,
    yaml: shadowYamlHeader(loaded) + stringify(document, { lineWidth: 0 }),
    gml: writeGml(loaded.network.graph),
    summary,
  };
}

/** The comment lines that open `shadow.yaml`. */
export function shadowYamlHeader(loaded: LoadedScenario): string {
  return `# Shadow configuration for scenario "${loaded.model.name}" (seed ${loaded.model.seed}),\n` +
    `# written by hive sim generate. Run it from this folder: shadow shadow.yaml\n`;
}
