/**
 * The last step of expansion: turn checked agents, edges, links and attacks into the
 * {@link SimModel} engines run (addresses, ports, peer lists, monerod flags per peer mode).
 *
 * @module
 */
import type { HostKind, SimEdge, SimHost, SimModel } from "../../../adapters/engine/types.ts";
import { hostProcesses, mergeFlags } from "../../../adapters/engine/monerod.ts";
import { type ResolvedAttack, toSimAttack } from "./attacks.ts";
import type { Edge } from "./graph.ts";
import type { ExpandedAgent } from "./hosts.ts";
import type { PhysicalPlan } from "./physical.ts";
import { type ScenarioFile, upgradeList } from "./schema.ts";

/** monerod P2P port on every host (each host has its own IP). */
export const P2P_PORT = 18080;
/** monerod RPC port on every host. */
export const RPC_PORT = 18081;
/** monero-wallet-rpc port on `user` hosts. */
export const WALLET_RPC_PORT = 18083;
/** monerod's ZMQ RPC and publisher ports, when a monitor follows the publishers. */
export const ZMQ_PORTS = { rpcPort: 18082, pubPort: 18084 } as const;

/** Seconds a spent output's change stays locked: 10 blocks of 120 s. */
export const CHANGE_LOCK_S = 1200;

/**
 * Blocks to fund one user with, sized to its transfer plan: each transfer spends one coinbase
 * output and its change stays locked for {@link CHANGE_LOCK_S}, so the wallet needs one output
 * per transfer of that window (plus two spare), and never more than the run's transfers.
 *
 * @example
 * ```ts
 * autoFundBlocks(120, 3600); // 12: ten transfers per lock window, plus two
 * ```
 */
export function autoFundBlocks(intervalMeanS: number, activeS: number): number {
  const perWindow = Math.ceil(CHANGE_LOCK_S / intervalMeanS) + 2;
  const total = Math.ceil(Math.max(0, activeS) / intervalMeanS) + 2;
  return Math.max(1, Math.min(perWindow, total, 500));
}

/** `interval: auto` of a monitor: 1 s per 100 hosts, at least 1 s (about 100 RPC calls/s). */
export function autoMonitorInterval(hosts: number): number {
  return Math.max(1, Math.ceil(hosts / 100));
}

/**
 * `bootstrap_end_time: auto`: 20 % after the last process of any host starts (Monerosim's
 * margin), whole seconds, before `stop_time`.
 */
export function autoBootstrapEnd(hosts: readonly SimHost[], stopS: number): number {
  const last = Math.max(0, ...hosts.flatMap((h) => hostProcesses(h).map((p) => p.startS)));
  return Math.min(Math.ceil(last * 1.2), Math.max(0, Math.ceil(stopS) - 1));
}

/** How host IPs are chosen. */
export type Addressing = "shadow" | "loopback";

/** What {@link buildModel} assembles. */
export interface BuildModelInput {
  scenario: ScenarioFile;
  agents: ExpandedAgent[];
  edges: Edge[];
  links: Array<{ latencyMs: number; packetLoss: number }>;
  adj: number[][];
  seeds: number[];
  attacks: ResolvedAttack[];
  physical: PhysicalPlan;
  /** Model name when the scenario has none. */
  name: string;
  addressing: Addressing;
  /** Resolved behaviour module of each agent key that names one. */
  behaviors?: Map<string, string>;
  /** Hosts of `network.fallback_seeds`, by index. */
  fallbackSeeds?: number[];
}

function _ips(
  agents: ExpandedAgent[],
  attacks: ResolvedAttack[],
  addressing: Addressing,
): string[] {
  const ips = new Array<string>(agents.length);
  attacks.filter((a) => a.kind === "sybil").forEach((a, s) => {
    a.attackers.forEach((i, j) => {
      ips[i] ??= addressing === "loopback" ? `127.100.${s}.${j + 1}` : `12.0.${s}.${j + 1}`;
    });
  });
  let h = 0;
  for (let i = 0; i < agents.length; i++) {
    if (ips[i] !== undefined) continue;
    ips[i] = addressing === "loopback" ? _loopbackIp(h) : _shadowIp(h);
    h++;
  }
  return ips;
}

/**
 * Honest host `h` under Shadow: `11.H.L.1` for the first 65,536 (so existing configs keep their
 * addresses), then `13.H.L.1`, `14.H.L.1`... (12.0.0.0/8 is the sybil attackers').
 */
function _shadowIp(h: number): string {
  const block = h >>> 16;
  return `${block === 0 ? 11 : 12 + block}.${(h >> 8) & 255}.${h & 255}.1`;
}

/** Honest host `h` on loopback: 250 per /24 from 127.0.0.2, 64,000 per /16 (127.100/16 is sybils'). */
function _loopbackIp(h: number): string {
  const inBlock = h % 64_000;
  return `127.${Math.floor(h / 64_000)}.${Math.floor(inBlock / 250)}.${(inBlock % 250) + 2}`;
}

/** Assemble the {@link SimModel}: hosts with addresses, ports and peers, edges, attacks. */
export function buildModel(input: BuildModelInput): SimModel {
  const { scenario, agents, edges, links, adj, seeds, attacks, physical } = input;
  const { general, network } = scenario;
  const ips = _ips(agents, attacks, input.addressing);
  // Hashrates within 0.01 of 100 (three miners at 33.33) are scaled to sum to exactly 100.
  const total = agents.reduce((s, a) => s + (a.hashrate ?? 0), 0);
  const scale = total > 0 && total !== 100 ? 100 / total : 1;
  const name = (i: number) => agents[i].name;
  const endpoint = (i: number) => `${ips[i]}:${P2P_PORT}`;
  const byIndex = (list: number[]) => [...list].sort((x, y) => x - y);
  const zmq = agents.some((a) => a.spec.kind === "monitor" && a.spec.zmq);
  const hosts: SimHost[] = agents.map((a, i) => {
    const neighbours = byIndex(adj[i]);
    const peers = network.peer_mode === "dynamic"
      ? seeds.filter((s) => s !== i).map(name)
      : neighbours.map(name);
    const daemonArgs: string[] = [];
    if (network.peer_mode === "hybrid") {
      for (const s of seeds) if (s !== i) daemonArgs.push(`--seed-node=${endpoint(s)}`);
    }
    // Fallback seeds: where a node asks for peer addresses when it knows too few.
    for (const s of input.fallbackSeeds ?? []) {
      const flag = `--seed-node=${endpoint(s)}`;
      if (s !== i && !daemonArgs.includes(flag)) daemonArgs.push(flag);
    }
    const host: SimHost = {
      name: a.name,
      kind: a.spec.kind as HostKind,
      region: physical.regionOf[i],
      ip: ips[i],
      p2pPort: P2P_PORT,
      rpcPort: RPC_PORT,
      hashrate: (a.hashrate ?? 0) * scale,
      startTimeS: a.startS,
      bandwidthUpBps: physical.bandwidth[i].up,
      bandwidthDownBps: physical.bandwidth[i].down,
      daemonArgs,
      peers,
    };
    if (a.spec.kind === "user") {
      host.walletRpcPort = WALLET_RPC_PORT;
      const amount = a.spec.amount ?? 0.1;
      const intervalMeanS = a.spec.interval_mean ?? 60;
      host.tx = {
        intervalMeanS,
        ...(a.spec.interval_kind === "fixed" ? { intervalKind: "fixed" as const } : {}),
        ...(a.spec.tx_send_probability !== 1
          ? { sendProbability: a.spec.tx_send_probability }
          : {}),
        ...(a.spec.activity_start_time !== undefined
          ? { activityStartS: a.spec.activity_start_time }
          : {}),
        fundBlocks: a.spec.fund_blocks === "auto"
          ? autoFundBlocks(intervalMeanS, general.stop_time - a.startS)
          : a.spec.fund_blocks,
        amount: typeof amount === "number"
          ? { kind: "fixed", value: amount }
          : { kind: "uniform", min: amount.min, max: amount.max },
      };
    }
    if (a.spec.kind === "monitor") {
      host.monitorIntervalS = a.spec.interval === "auto"
        ? autoMonitorInterval(agents.length)
        : a.spec.interval ?? 10;
    }
    if (zmq) host.zmq = { ...ZMQ_PORTS };
    if (a.spec.daemon_binary !== undefined) host.monerodBin = a.spec.daemon_binary;
    if (a.upgradesAtS !== undefined) {
      // Earliest first: validate refuses a list whose times are not in order.
      host.upgrades = upgradeList(a.spec).map((u, k) => ({
        atS: a.upgradesAtS![k],
        ...(u.daemon_binary ? { monerodBin: u.daemon_binary } : {}),
        daemonArgs: u.daemon_args,
      }));
    }
    if (a.spec.wallet_binary !== undefined) host.walletRpcBin = a.spec.wallet_binary;
    const walletArgs = mergeFlags(scenario.wallet_defaults, a.spec.wallet_args);
    if (a.spec.kind === "user" && walletArgs.length > 0) host.walletArgs = walletArgs;
    // Hidden: peers never learn its port, so it only has the connections it makes.
    if (a.spec.hidden) host.daemonArgs.push("--hide-my-port");
    const behavior = input.behaviors?.get(a.key);
    if (behavior) host.behavior = { module: behavior, config: a.spec.behavior_config ?? {} };
    return host;
  });
  for (const a of attacks) {
    if (a.kind !== "eclipse") continue;
    // The victim talks to its attackers only, whatever the peer mode, and hides its port, so no
    // peer list names it and nobody else dials it. Not `--in-peers=0`: monerod 0.18.0.0 checks
    // the inbound count on every new connection, its own outgoing ones too (`is_host_limit`),
    // so such a node never connects to anyone ("Exceeded max incoming connections").
    const victim = hosts[a.victim];
    victim.peers = a.attackers.map(name);
    victim.daemonArgs = [
      ...(network.peer_mode === "hardcoded"
        ? []
        : a.attackers.map((at) => `--add-exclusive-node=${endpoint(at)}`)),
      "--hide-my-port",
    ];
    for (const h of hosts) {
      if (!a.attackers.includes(hosts.indexOf(h))) {
        h.peers = h.peers.filter((p) => p !== victim.name);
      }
    }
  }
  // Scenario flags come last so a scenario can override what expansion chose: the global
  // daemon_defaults, then the group's daemon_args, merged by flag name.
  agents.forEach((a, i) => {
    hosts[i].daemonArgs = mergeFlags(
      hosts[i].daemonArgs,
      mergeFlags(scenario.daemon_defaults, a.spec.daemon_args),
    );
  });
  const jitter = _jitterOf(scenario.network);
  const simEdges: SimEdge[] = edges.map(([x, y], k) => {
    const edge: SimEdge = {
      a: name(x),
      b: name(y),
      latencyMs: links[k].latencyMs,
      packetLoss: links[k].packetLoss,
    };
    // Only scenarios that set a jitter carry it, so other models stay as they were.
    const jitterMs = jitter?.(hosts[x].region, hosts[y].region) ?? 0;
    if (jitterMs > 0) edge.jitterMs = jitterMs;
    return edge;
  });
  return {
    name: scenario.name ?? input.name,
    seed: general.seed,
    stopTimeS: general.stop_time,
    bootstrapEndTimeS: general.bootstrap_end_time === "auto"
      ? autoBootstrapEnd(hosts, general.stop_time)
      : general.bootstrap_end_time,
    parallelism: general.parallelism,
    peerMode: network.peer_mode,
    ...(network.dns_server ? { dnsServer: true } : {}),
    ...(input.fallbackSeeds?.length ? { fallbackSeeds: input.fallbackSeeds.map(name) } : {}),
    hosts,
    edges: simEdges,
    attacks: attacks.map((a) => toSimAttack(a, agents, ips)),
    ...(scenario.des ? { des: scenario.des } : {}),
  };
}

/**
 * A link's jitter (ms) from `network.jitter` and `regions.<r>.jitter`: a region's own inside it;
 * between two regions, independent draws on each side add, so their deviations combine as
 * sqrt(a² + b²). Null when the scenario sets no jitter anywhere.
 */
function _jitterOf(
  network: ScenarioFile["network"],
): ((ra: string, rb: string) => number) | null {
  const regions = network.regions ?? {};
  if (network.jitter === undefined && !Object.values(regions).some((r) => r.jitter !== undefined)) {
    return null;
  }
  const of = (r: string) => regions[r]?.jitter ?? network.jitter ?? 0;
  return (ra, rb) => ra === rb ? of(ra) : Math.hypot(of(ra), of(rb));
}
