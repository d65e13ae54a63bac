/**
 * Expansion of a validated scenario into a {@link SimModel}, as named steps: check hashrates
 * and times, resolve the physical network, resolve host selectors (seed nodes, attacks), build
 * the peer topology, check it is connected, then assemble the model (`model.ts`).
 *
 * Expansion is deterministic: every random choice (topology, latencies, bandwidths) is drawn
 * from a PRNG seeded with `general.seed`, one stream per purpose.
 *
 * @module
 */
import type { EngineName, SimModel } from "../../../adapters/engine/types.ts";
import { desUnmodelled } from "../../../adapters/engine/des/options.ts";
import { fundingPlan } from "../../../adapters/engine/monerod.ts";
import { applyEclipse, resolveAttacks, type ResolvedAttack } from "./attacks.ts";
import { adjacency, components, type Edge } from "./graph.ts";
import { type ExpandedAgent, expandRange } from "./hosts.ts";
import { type Addressing, buildModel } from "./model.ts";
import { type PhysicalNetwork, type PhysicalPlan, resolvePhysical } from "./physical.ts";
import type { Problems } from "./problems.ts";
import { createRng } from "./prng.ts";
import { checkDesPeers, checkDesSection } from "./des.ts";
import type { ScenarioFile } from "./schema.ts";
import { generateTopology, parseTopology, topologyProblem, type TopologySpec } from "./topology.ts";
import { type CheckedAttack, checkHashratesAndTimes } from "./validate.ts";

/** Options for {@link expandScenario} (and `parseScenario`). */
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
  /**
   * The engine that will run it, when known: `des` refuses settings the DES does not model
   * (upgrades, behaviours, send patterns, DNS, fallback seeds), naming each field.
   */
  engine?: EngineName;
}

/** A loaded scenario: the validated file, the expanded model, and its physical network. */
export interface LoadedScenario {
  scenario: ScenarioFile;
  model: SimModel;
  network: PhysicalNetwork;
}

/** Picks hosts by `region:R`, `kind:K` or a host name (range); records problems. */
type _SelectAll = (list: string[], path: PropertyKey[]) => number[];

/** What one scenario expands with: the checked file, its hosts and the problem list. */
interface _Expansion {
  scenario: ScenarioFile;
  agents: ExpandedAgent[];
  options: ParseScenarioOptions;
  problems: Problems;
}

/** Expand a validated scenario; `problems` throws (exit 2) at the first step that found any. */
export async function expandScenario(
  scenario: ScenarioFile,
  attackSpecs: readonly CheckedAttack[],
  agents: ExpandedAgent[],
  options: ParseScenarioOptions,
  problems: Problems,
): Promise<LoadedScenario> {
  const x: _Expansion = { scenario, agents, options, problems };
  // Each step runs unless one it needs found problems, so one pass reports all it can.
  checkHashratesAndTimes(scenario, agents, problems);
  let physical: PhysicalPlan | undefined;
  await problems.cleanAsync(async () => {
    physical = await _physical(x);
  }) || problems.check();
  const plan = physical as PhysicalPlan;
  checkDesSection(scenario, agents, plan.regionOf, plan.regions, problems);
  const selectAll = _selector(x, plan.regionOf);
  const seeds = _seedNodes(x, selectAll);
  const fallbackSeeds = _fallbackSeeds(x, selectAll);
  let attacks: ResolvedAttack[] = [];
  problems.clean(() => {
    attacks = resolveAttacks(
      attackSpecs,
      agents,
      new Map(agents.map((a, i) => [a.name, i])),
      selectAll,
      scenario.general.stop_time,
      problems,
    );
  }) || problems.check();
  const behaviors = await _behaviors(x);
  const { edges, topoText } = _peerTopology(x, plan, attacks);
  const adj = _checkConnected(x, edges, topoText);
  const links = plan.linkProperties(edges);
  problems.check();
  const model = buildModel({
    scenario,
    agents,
    edges,
    links,
    adj,
    seeds,
    attacks,
    physical: plan,
    name: options.name,
    addressing: options.addressing ?? "shadow",
    behaviors,
    fallbackSeeds,
  });
  checkDesPeers(scenario, model, problems);
  if (options.engine === "des") _desUnmodelled(x, model);
  const funding = fundingPlan(model);
  if (funding && funding.atS >= model.stopTimeS) {
    problems.add(
      ["general", "stop_time"],
      `the funding step on host "${funding.host}" starts at ${funding.atS} s, not before it`,
      model.stopTimeS,
    );
  }
  problems.check();
  return { scenario, model, network: plan.forModel(model) };
}

/**
 * Load each group's behaviour and check its `behavior_config` against the module's schema,
 * naming the field; a module that fails to load is a problem naming the file.
 */
async function _behaviors(x: _Expansion): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const { loadBehavior, resolveBehavior } = await import("../behaviors/load.ts");
  for (const [key, spec] of Object.entries(x.scenario.agents)) {
    if (spec.behavior === undefined) {
      if (spec.behavior_config !== undefined) {
        x.problems.add(["agents", key, "behavior_config"], "set behavior too");
      }
      continue;
    }
    const resolved = resolveBehavior(spec.behavior, x.options.baseDir);
    try {
      const mod = await loadBehavior(resolved);
      const parsed = mod.configSchema.safeParse(spec.behavior_config ?? {}, { reportInput: true });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          x.problems.list.push({
            ...issue,
            path: ["agents", key, "behavior_config", ...issue.path],
          });
        }
      }
      out.set(key, resolved);
    } catch (error) {
      x.problems.add(
        ["agents", key, "behavior"],
        `${resolved}: ${(error as Error).message}`,
        spec.behavior,
      );
    }
  }
  return out;
}

/** With `--engine des`: each setting the DES does not model is a problem at its field. */
function _desUnmodelled(x: _Expansion, model: SimModel): void {
  for (const u of desUnmodelled(model)) {
    const key = u.host === null ? undefined : x.agents.find((a) => a.name === u.host)?.key;
    x.problems.add(
      key === undefined ? ["network", u.field] : ["agents", key, u.field],
      `the des engine does not model it: ${u.why}; run it with --engine local or shadow`,
    );
  }
}

/** Physical network, regions and each host's network node. */
function _physical(x: _Expansion): Promise<PhysicalPlan> {
  return resolvePhysical({
    network: x.scenario.network,
    hosts: x.agents.map((a) => ({
      name: a.name,
      key: a.key,
      region: a.spec.region,
      networkNodeId: a.spec.network_node_id,
    })),
    baseDir: x.options.baseDir,
    seed: x.scenario.general.seed,
    addProblem: (path, message, input) => x.problems.add(path, message, input),
  });
}

/** Selectors used by attacks and seed nodes: `region:R`, `kind:K` or host names. */
function _selector(x: _Expansion, regionOf: readonly string[]): _SelectAll {
  const { agents, problems } = x;
  const index = new Map(agents.map((a, i) => [a.name, i]));
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
  return (list, path) =>
    [...new Set(list.flatMap((s, j) => select(s, [...path, j])))].sort((a, b) => a - b);
}

/** Seed nodes; `dynamic` peer mode needs at least one. */
function _seedNodes(x: _Expansion, selectAll: _SelectAll): number[] {
  const { network } = x.scenario;
  const seeds = selectAll(network.seed_nodes, ["network", "seed_nodes"]);
  if (network.peer_mode === "dynamic" && network.seed_nodes.length === 0) {
    x.problems.add(["network", "seed_nodes"], "peer_mode dynamic needs at least one seed node");
  }
  return seeds;
}

/** Fallback seeds; refused in `hardcoded` peer mode, where monerod ignores `--seed-node`. */
function _fallbackSeeds(x: _Expansion, selectAll: _SelectAll): number[] {
  const { network } = x.scenario;
  if (network.fallback_seeds.length === 0) return [];
  const seeds = selectAll(network.fallback_seeds, ["network", "fallback_seeds"]);
  if (network.peer_mode === "hardcoded") {
    x.problems.add(
      ["network", "fallback_seeds"],
      "monerod ignores --seed-node beside --add-exclusive-node: use peer_mode hybrid or dynamic",
      network.fallback_seeds,
    );
  }
  return seeds;
}

/** The peer topology the scenario names, generated, with eclipse victims rewired. */
function _peerTopology(
  x: _Expansion,
  physical: PhysicalPlan,
  attacks: ResolvedAttack[],
): { edges: Edge[]; topoText: string } {
  const { network, general } = x.scenario;
  const { problems } = x;
  const n = x.agents.length;
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
  if (problem) {
    problems.add(["network", "topology"], problem, topoText);
    problems.check();
  }
  const regionOf = physical.regionOf;
  const regionIndex = [...new Set(regionOf)];
  const edges = generateTopology(spec, {
    n,
    rng: createRng(general.seed, "topology"),
    regionOf: regionOf.map((r) => regionIndex.indexOf(r)),
  });
  return { edges: applyEclipse(edges, attacks, n), topoText: topoText as string };
}

/** A split peer graph is a broken experiment, not a partition attack. Returns adjacency. */
function _checkConnected(x: _Expansion, edges: Edge[], topoText: string): number[][] {
  const { agents, problems } = x;
  const adj = adjacency(agents.length, edges);
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
  return adj;
}
