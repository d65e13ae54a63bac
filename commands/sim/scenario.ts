/**
 * Scenario files: YAML -> validated {@link ScenarioFile} -> expanded {@link SimModel}.
 *
 * Expansion is deterministic: every random choice (topology, latencies, bandwidths) is drawn
 * from a PRNG seeded with `general.seed`, one stream per purpose. Problems are reported as
 * `path: message, got value` lines, all at once where possible.
 *
 * @example
 * ```ts
 * import { loadScenario } from "./scenario.ts";
 * const { model } = await loadScenario("fixtures/scenarios/ring.yaml");
 * console.log(model.hosts.length, model.edges.length);
 * ```
 * @module
 */
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import { Problems } from "./problems.ts";
import { applyEclipse, resolveAttacks, type ResolvedAttack, toSimAttack } from "./attacks.ts";
import type { HostKind, SimEdge, SimHost, SimModel } from "../../adapters/engine/types.ts";
export { sampleDist } from "./physical.ts";
import { createRng } from "./prng.ts";
import {
  type AgentSpec,
  attackSchemas,
  type AttackSpec,
  type ScenarioFile,
  scenarioSchema,
} from "./scenario_schema.ts";
import {
  adjacency,
  components,
  type Edge,
  generateTopology,
  parseTopology,
  topologyProblem,
  type TopologySpec,
} from "./topology.ts";
import { type PhysicalNetwork, type PhysicalPlan, resolvePhysical } from "./physical.ts";

export type { ScenarioFile } from "./scenario_schema.ts";
export type { PhysicalNetwork } from "./physical.ts";

/** Most hosts one scenario may expand to (the address plan has room for 65,536). */
export const MAX_HOSTS = 50_000;
/** monerod P2P port on every host (each host has its own IP). */
export const P2P_PORT = 18080;
/** monerod RPC port on every host. */
export const RPC_PORT = 18081;
/** monero-wallet-rpc port on `user` hosts. */
export const WALLET_RPC_PORT = 18083;

/** How host IPs are chosen. */
export type Addressing = "shadow" | "loopback";

/** Options for {@link parseScenario}. */
export interface ParseScenarioOptions {
  /** Folder relative paths in the scenario (e.g. `network.gml`) are resolved against. */
  baseDir: string;
  /** Model name when the scenario has no `name` (usually the file stem). */
  name: string;
  /**
   * `shadow` (default): honest hosts at `11.H.L.1`, one /24 each; sybil attackers share
   * `12.0.S.0/24`. `loopback`: `127.0.x.y` from 127.0.0.2 upwards for the local engine;
   * sybil attackers share `127.100.S.0/24`.
   */
  addressing?: Addressing;
  /** Label used in error messages (default: the name). */
  source?: string;
}

/** A loaded scenario: the validated file, the expanded model, and its physical network. */
export interface LoadedScenario {
  scenario: ScenarioFile;
  model: SimModel;
  network: PhysicalNetwork;
}

/** Read and expand a scenario file. */
export async function loadScenario(
  path: string,
  options: { addressing?: Addressing } = {},
): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`scenario ${path}: cannot read: ${(error as Error).message}`, {
      code: "scenario_unreadable",
    });
  }
  const slash = path.lastIndexOf("/");
  const baseDir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const file = path.slice(slash + 1);
  const name = file.replace(/\.(ya?ml|json)$/i, "");
  return await parseScenario(text, { baseDir, name, source: path, ...options });
}

/** Validate scenario text and expand it into a {@link SimModel}. */
export async function parseScenario(
  text: string,
  options: ParseScenarioOptions,
): Promise<LoadedScenario> {
  const problems = new Problems(options.source ?? options.name);
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0];
      const at = where ? ` at line ${where.line}, column ${where.col}` : "";
      throw new ConfigError(
        `scenario ${problems.source}: YAML syntax error${at}: ${
          error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")
        }`,
        { code: "scenario_invalid" },
      );
    }
    throw error;
  }
  const scenario = _validate(data, problems);
  const attacks = _validateAttacks(scenario, problems);
  const expanded = _expandAgents(scenario, problems);
  problems.check();
  return await _expand(scenario, attacks, expanded, options, problems);
}

/** Flatten union issues into the branch that fits the value best, so messages stay precise. */
function _flattenUnions(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && Array.isArray(issue.errors)) {
      // A branch that failed only because the value has another type is not the one meant.
      const fitting = issue.errors.filter((branch) =>
        !branch.every((i) => i.code === "invalid_type" && i.path.length === 0) &&
        !branch.every((i) => i.code === "invalid_union" && i.path.length === 0)
      );
      if (fitting.length >= 1) {
        out.push(..._flattenUnions(fitting[0], path));
        continue;
      }
    }
    out.push({ ...issue, path });
  }
  return out;
}

function _validate(data: unknown, problems: Problems): ScenarioFile {
  const result = scenarioSchema.safeParse(data ?? {}, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of _flattenUnions(result.error.issues)) problems.list.push(issue);
  problems.check();
  throw new Error("unreachable: check() throws when problems exist");
}

function _validateAttacks(scenario: ScenarioFile, problems: Problems): AttackSpec[] {
  const out: AttackSpec[] = [];
  scenario.attacks.forEach((raw, i) => {
    const schema = attackSchemas[raw.kind];
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) out.push(result.data);
    else {
      for (const issue of _flattenUnions(result.error.issues, ["attacks", i])) {
        problems.list.push(issue);
      }
    }
  });
  return out;
}

const _HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Expand one range in a name: `miner-{001..050}` gives miner-001 ... miner-050 (zero-padded to
 * the width of the bounds when either has a leading zero). Returns an error text when malformed.
 */
export function expandRange(pattern: string, limit = MAX_HOSTS): string[] | string {
  const open = pattern.indexOf("{");
  if (open < 0 && !pattern.includes("}")) return [pattern];
  const m = /^([^{}]*)\{([^{}]*)\}([^{}]*)$/.exec(pattern);
  if (!m) return `bad range in ${JSON.stringify(pattern)}: use one {A..B}`;
  const [, head, body, tail] = m;
  const r = /^(\d+)\.\.(\d+)$/.exec(body);
  if (!r) return `bad range ${JSON.stringify(body)}`;
  const [lo, hi] = [Number(r[1]), Number(r[2])];
  if (lo > hi) return `bad range ${JSON.stringify(body)}: start is after end`;
  if (hi - lo + 1 > limit) return `bad range ${JSON.stringify(body)}: more than ${limit} names`;
  const padded = (r[1].length > 1 && r[1][0] === "0") || (r[2].length > 1 && r[2][0] === "0");
  const width = padded ? Math.max(r[1].length, r[2].length) : 0;
  const names: string[] = [];
  for (let i = lo; i <= hi; i++) names.push(`${head}${String(i).padStart(width, "0")}${tail}`);
  return names;
}

/** An expanded agent: one host name and the spec (and key) it came from. */
interface _Agent {
  name: string;
  key: string;
  spec: AgentSpec;
}

function _expandAgents(scenario: ScenarioFile, problems: Problems): _Agent[] {
  const out: _Agent[] = [];
  const seen = new Map<string, string>();
  const keys = Object.keys(scenario.agents);
  if (keys.length === 0) problems.add(["agents"], "expected at least one agent");
  for (const key of keys) {
    const spec = scenario.agents[key];
    const names = expandRange(key, MAX_HOSTS - out.length);
    if (typeof names === "string") {
      problems.add(["agents", key], names);
      continue;
    }
    for (const name of names) {
      if (!_HOST_NAME.test(name)) {
        problems.add(
          ["agents", key],
          `bad host name ${JSON.stringify(name)}: use lowercase letters, digits and "-"`,
        );
        break;
      }
      const first = seen.get(name);
      if (first !== undefined) {
        problems.add(["agents", key], `host "${name}" is already defined by "${first}"`);
        break;
      }
      seen.set(name, key);
      out.push({ name, key, spec });
    }
    _checkAgentFields(key, spec, problems);
  }
  if (out.length > MAX_HOSTS) problems.add(["agents"], `more than ${MAX_HOSTS} hosts`);
  return out;
}

function _checkAgentFields(key: string, spec: AgentSpec, problems: Problems): void {
  const at = (field: string) => ["agents", key, field];
  const hashes = spec.kind === "miner" || spec.kind === "attacker";
  if (spec.kind === "miner" && !(spec.hashrate !== undefined && spec.hashrate > 0)) {
    problems.add(at("hashrate"), "a miner needs a hashrate > 0", spec.hashrate);
  }
  if (!hashes && spec.hashrate !== undefined) {
    problems.add(at("hashrate"), `only miners and attackers hash, not a ${spec.kind}`);
  }
  if (spec.kind !== "user") {
    for (const f of ["interval_mean", "amount"] as const) {
      if (spec[f] !== undefined) problems.add(at(f), `only for kind user, not ${spec.kind}`);
    }
  }
  if (spec.kind !== "monitor" && spec.interval !== undefined) {
    problems.add(at("interval"), `only for kind monitor, not ${spec.kind}`);
  }
  const amount = spec.amount;
  if (amount !== undefined && typeof amount === "object" && amount.min > amount.max) {
    problems.add(at("amount"), "min is above max", amount);
  }
  if (spec.interval_mean === 0) problems.add(at("interval_mean"), "must be above 0", 0);
  if (spec.interval === 0) problems.add(at("interval"), "must be above 0", 0);
}

async function _expand(
  scenario: ScenarioFile,
  attackSpecs: AttackSpec[],
  agents: _Agent[],
  options: ParseScenarioOptions,
  problems: Problems,
): Promise<LoadedScenario> {
  const { general, network } = scenario;
  const n = agents.length;
  const index = new Map(agents.map((a, i) => [a.name, i]));

  // Hashrates: every hashing host counts, and the whole must be 100 %.
  const total = agents.reduce((s, a) => s + (a.spec.hashrate ?? 0), 0);
  if (Math.abs(total - 100) > 1e-6) {
    problems.add(
      ["agents"],
      `hashrates of miners and attackers sum to ${Math.round(total * 1e6) / 1e6}, expected 100`,
    );
  }
  if (general.stop_time <= 0) {
    problems.add(["general", "stop_time"], "must be above 0", general.stop_time);
  }
  if (general.bootstrap_end_time > general.stop_time) {
    problems.add(
      ["general", "bootstrap_end_time"],
      "is after general.stop_time",
      general.bootstrap_end_time,
    );
  }
  for (const a of agents) {
    if (a.spec.start_time >= general.stop_time) {
      problems.add(
        ["agents", a.key, "start_time"],
        "is not before general.stop_time",
        a.spec.start_time,
      );
      break;
    }
  }

  // Physical network, regions and each host's network node.
  const physical = await resolvePhysical({
    network,
    hosts: agents.map((a) => ({
      name: a.name,
      key: a.key,
      region: a.spec.region,
      networkNodeId: a.spec.network_node_id,
    })),
    baseDir: options.baseDir,
    seed: general.seed,
    addProblem: (path, message, input) => problems.add(path, message, input),
  });
  problems.check();
  const regionOf = physical.regionOf;

  // Selectors used by attacks and seed nodes.
  const regionNames = new Set(regionOf);
  const select = (selector: string, path: PropertyKey[]): number[] => {
    if (selector.startsWith("region:")) {
      const r = selector.slice(7);
      if (!regionNames.has(r)) problems.add(path, `no host is in region "${r}"`, selector);
      return agents.flatMap((_, i) => regionOf[i] === r ? [i] : []);
    }
    if (selector.startsWith("kind:")) {
      const k = selector.slice(5);
      const hits = agents.flatMap((a, i) => a.spec.kind === k ? [i] : []);
      if (hits.length === 0) problems.add(path, `no host is of kind "${k}"`, selector);
      return hits;
    }
    const names = expandRange(selector);
    if (typeof names === "string") {
      problems.add(path, names);
      return [];
    }
    const out: number[] = [];
    for (const name of names) {
      const i = index.get(name);
      if (i === undefined) problems.add(path, `unknown host "${name}"`);
      else out.push(i);
    }
    return out;
  };
  const selectAll = (list: string[], path: PropertyKey[]) =>
    [...new Set(list.flatMap((s, j) => select(s, [...path, j])))].sort((x, y) => x - y);

  const seeds = selectAll(network.seed_nodes, ["network", "seed_nodes"]);
  if (network.peer_mode === "dynamic" && network.seed_nodes.length === 0) {
    problems.add(["network", "seed_nodes"], "peer_mode dynamic needs at least one seed node");
  }
  const attacks = resolveAttacks(
    attackSpecs,
    agents,
    index,
    selectAll,
    general.stop_time,
    problems,
  );
  problems.check();

  // Peer topology.
  const topoText = network.topology ?? (physical.kind === "generated" ? undefined : "mesh");
  if (topoText === undefined) {
    problems.add(["network"], "set one of type: 1_gbit_switch, gml: FILE or topology: NAME");
    problems.check();
  }
  const parsed = parseTopology(topoText as string);
  if (typeof parsed === "string") {
    problems.add(["network", "topology"], parsed, topoText);
    problems.check();
  }
  const spec = parsed as TopologySpec;
  const problem = topologyProblem(spec, n);
  if (problem) problems.add(["network", "topology"], problem, topoText);
  problems.check();
  const regionIndex = [...new Set(regionOf)];
  let edges = generateTopology(spec, {
    n,
    rng: createRng(general.seed, "topology"),
    regionOf: regionOf.map((r) => regionIndex.indexOf(r)),
  });
  edges = applyEclipse(edges, attacks, n);

  // Connectivity: a split peer graph is a broken experiment, not a partition attack.
  const adj = adjacency(n, edges);
  const comp = components(adj);
  if (comp.count > 1) {
    const lonely = comp.of.findIndex((c) => c !== comp.of[0]);
    problems.add(
      ["network", "topology"],
      `peer graph is disconnected: ${comp.count} components (host "${agents[lonely].name}" ` +
        `cannot reach "${agents[0].name}")`,
      topoText,
    );
  }
  problems.check();

  const links = physical.linkProperties(edges);
  problems.check();
  const model = _buildModel({
    scenario,
    agents,
    edges,
    links,
    adj,
    seeds,
    attacks,
    physical,
    options,
  });
  return { scenario, model, network: physical.forModel(model) };
}

/** What {@link _buildModel} assembles. */
interface _BuildInput {
  scenario: ScenarioFile;
  agents: _Agent[];
  edges: Edge[];
  links: Array<{ latencyMs: number; packetLoss: number }>;
  adj: number[][];
  seeds: number[];
  attacks: ResolvedAttack[];
  physical: PhysicalPlan;
  options: ParseScenarioOptions;
}

function _ips(agents: _Agent[], attacks: ResolvedAttack[], addressing: Addressing): string[] {
  const ips = new Array<string>(agents.length);
  attacks.filter((a) => a.kind === "sybil").forEach((a, s) => {
    a.attackers.forEach((i, j) => {
      ips[i] ??= addressing === "loopback" ? `127.100.${s}.${j + 1}` : `12.0.${s}.${j + 1}`;
    });
  });
  let h = 0;
  for (let i = 0; i < agents.length; i++) {
    if (ips[i] !== undefined) continue;
    ips[i] = addressing === "loopback"
      ? `127.0.${Math.floor(h / 250)}.${(h % 250) + 2}`
      : `11.${h >> 8}.${h & 255}.1`;
    h++;
  }
  return ips;
}

function _buildModel(input: _BuildInput): SimModel {
  const { scenario, agents, edges, links, adj, seeds, attacks, physical, options } = input;
  const { general, network } = scenario;
  const ips = _ips(agents, attacks, options.addressing ?? "shadow");
  const name = (i: number) => agents[i].name;
  const endpoint = (i: number) => `${ips[i]}:${P2P_PORT}`;
  const byIndex = (list: number[]) => [...list].sort((x, y) => x - y);
  const hosts: SimHost[] = agents.map((a, i) => {
    const neighbours = byIndex(adj[i]);
    const peers = network.peer_mode === "dynamic"
      ? seeds.filter((s) => s !== i).map(name)
      : neighbours.map(name);
    const daemonArgs: string[] = [];
    if (network.peer_mode === "hybrid") {
      for (const s of seeds) if (s !== i) daemonArgs.push(`--seed-node=${endpoint(s)}`);
    }
    const host: SimHost = {
      name: a.name,
      kind: a.spec.kind as HostKind,
      region: physical.regionOf[i],
      ip: ips[i],
      p2pPort: P2P_PORT,
      rpcPort: RPC_PORT,
      hashrate: a.spec.hashrate ?? 0,
      startTimeS: a.spec.start_time,
      bandwidthUpBps: physical.bandwidth[i].up,
      bandwidthDownBps: physical.bandwidth[i].down,
      daemonArgs,
      peers,
    };
    if (a.spec.kind === "user") {
      host.walletRpcPort = WALLET_RPC_PORT;
      const amount = a.spec.amount ?? 0.1;
      host.tx = {
        intervalMeanS: a.spec.interval_mean ?? 60,
        amount: typeof amount === "number"
          ? { kind: "fixed", value: amount }
          : { kind: "uniform", min: amount.min, max: amount.max },
      };
    }
    if (a.spec.kind === "monitor") host.monitorIntervalS = a.spec.interval ?? 10;
    return host;
  });
  for (const a of attacks) {
    if (a.kind !== "eclipse") continue;
    // The victim talks to its attackers only and takes no inbound peers, whatever the peer mode.
    const victim = hosts[a.victim];
    victim.peers = a.attackers.map(name);
    victim.daemonArgs = [
      ...(network.peer_mode === "hardcoded"
        ? []
        : a.attackers.map((at) => `--add-exclusive-node=${endpoint(at)}`)),
      "--in-peers=0",
    ];
    for (const h of hosts) {
      if (!a.attackers.includes(hosts.indexOf(h))) {
        h.peers = h.peers.filter((p) => p !== victim.name);
      }
    }
  }
  // Scenario daemon_args come last so a scenario can override what expansion chose.
  agents.forEach((a, i) => hosts[i].daemonArgs.push(...a.spec.daemon_args));
  const simEdges: SimEdge[] = edges.map(([x, y], k) => ({
    a: name(x),
    b: name(y),
    latencyMs: links[k].latencyMs,
    packetLoss: links[k].packetLoss,
  }));
  return {
    name: scenario.name ?? options.name,
    seed: general.seed,
    stopTimeS: general.stop_time,
    bootstrapEndTimeS: general.bootstrap_end_time,
    parallelism: general.parallelism,
    peerMode: network.peer_mode,
    hosts,
    edges: simEdges,
    attacks: attacks.map((a) => toSimAttack(a, agents, ips)),
  };
}
