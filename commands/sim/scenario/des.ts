/**
 * Checks of a scenario's `des:` section that need the expanded hosts: every region pair of a
 * latency matrix without a default, regions the matrix names that the scenario does not declare,
 * mining shares beyond the mining nodes or mining power that is 0 everywhere, and peer settings
 * under which no node accepts a connection. The section's own shape (distribution names, negative
 * latencies) is checked by its schema (`adapters/engine/des/netmodel.ts`). Each check refuses
 * what the engine would refuse, or would run as a network without links, so `validate` says so
 * before a run does.
 *
 * @module
 */
import type { SimModel } from "../../../adapters/engine/types.ts";
import { type DesDist, missingLatencyPairs } from "../../../adapters/engine/des/netmodel.ts";
import { desSetupRandom } from "../../../adapters/engine/des/random.ts";
import { SIMBLOCK_REGIONS, simblockRegions } from "../../../adapters/engine/des/simblock.ts";
import type { ExpandedAgent } from "./hosts.ts";
import type { Problems } from "./problems.ts";
import type { ScenarioFile } from "./schema.ts";

/**
 * Record what is wrong with `des` for these hosts and their regions. `regionOf` is each host's
 * region, `declared` every region the network declares (some may hold no host).
 */
export function checkDesSection(
  scenario: ScenarioFile,
  agents: readonly ExpandedAgent[],
  regionOf: readonly string[],
  declared: readonly string[],
  problems: Problems,
): void {
  const des = scenario.des;
  if (!des) return;
  if (des.latency?.matrix && agents.length > 0) {
    _checkMatrix(scenario, des.latency, agents.length, regionOf, declared, problems);
  }
  _checkMining(des, agents, problems);
}

/**
 * A latency matrix names only regions the scenario declares (one that no host landed in is
 * fine), and without a default it sets every pair of the regions that hold hosts (what the
 * engine draws from). Each unknown region is named once.
 */
function _checkMatrix(
  scenario: ScenarioFile,
  latency: NonNullable<NonNullable<ScenarioFile["des"]>["latency"]>,
  hosts: number,
  regionOf: readonly string[],
  declared: readonly string[],
  problems: Problems,
): void {
  const matrix = latency.matrix ?? {};
  // The simblock preset places nodes in SimBlock's regions (drawn from the run's setup
  // stream, as the engine does), whatever the scenario's regions are.
  const preset = scenario.des?.preset === "simblock";
  const placed = preset ? simblockRegions(hosts, desSetupRandom(scenario.general.seed)) : regionOf;
  const known: readonly string[] = preset ? SIMBLOCK_REGIONS : declared;
  const implicit = !preset && known.length === 1 && known[0] === "default" &&
    scenario.network.regions === undefined;
  const note = implicit ? ' (without network.regions every host is in region "default")' : "";
  for (const pair of missingLatencyPairs(latency, [...new Set(placed)])) {
    const [from, to] = pair.split(" -> ");
    problems.add(
      ["des", "latency", "matrix", from],
      `missing region pair ${pair}${note}: set des.latency.matrix.${from}.${to}, or ` +
        "des.latency.default for every pair the matrix leaves out",
    );
  }
  const where = preset
    ? `preset simblock places nodes in ${SIMBLOCK_REGIONS.join(", ")}`
    : implicit
    ? 'the scenario declares no network.regions, so every host is in region "default"'
    : scenario.network.gml !== undefined
    ? `the GML graph's nodes are in ${known.join(", ")}`
    : `the scenario declares ${known.join(", ")}`;
  const named = new Set<string>();
  const unknown = (region: string, path: string[]) => {
    if (known.includes(region) || named.has(region)) return;
    named.add(region);
    problems.add(
      ["des", "latency", "matrix", ...path],
      `unknown region ${JSON.stringify(region)}: ${where}`,
    );
  };
  for (const [from, row] of Object.entries(matrix)) {
    unknown(from, [from]);
    for (const to of Object.keys(row)) unknown(to, [from, to]);
  }
}

function _checkMining(
  des: NonNullable<ScenarioFile["des"]>,
  agents: readonly ExpandedAgent[],
  problems: Problems,
): void {
  const mining = des.mining;
  if (!mining) return;
  const nodes = mining.nodes === "all"
    ? agents.length
    : agents.filter((a) => (a.hashrate ?? 0) > 0).length;
  const shares = mining.shares;
  if (shares) {
    if (shares.length > nodes) {
      problems.add(
        ["des", "mining", "shares"],
        `${shares.length} shares for ${nodes} mining nodes`,
        shares.length,
      );
    } else if (!shares.some((s) => s > 0)) {
      problems.add(["des", "mining", "shares"], "no mining node gets a share > 0", shares);
    }
  } else if (mining.distribution && _alwaysZero(mining.distribution)) {
    problems.add(
      ["des", "mining", "distribution"],
      "every draw is 0, so no node would mine",
      mining.distribution,
    );
  }
}

/** Whether every draw of `d` is 0 (draws are clipped at 0). */
function _alwaysZero(d: DesDist): boolean {
  if ("fixed" in d) return d.fixed === 0;
  if ("normal" in d) return d.normal.mean === 0 && d.normal.stddev === 0;
  if ("uniform" in d) return d.uniform[1] === 0;
  return false; // lognormal and pareto draws are > 0
}

/**
 * Record peer settings under which the engine would build no link at all: with `des.peers` or
 * the simblock preset, a node connects only to nodes that accept inbound, so when none does
 * (`inbound: 0`, `hidden: 1`, or every host hidden) every node of two or more is alone.
 */
export function checkDesPeers(scenario: ScenarioFile, model: SimModel, problems: Problems): void {
  const des = scenario.des;
  if (!des || model.hosts.length < 2) return;
  const peers = des.peers;
  if (!peers && des.preset !== "simblock") return;
  const alone = "so no node accepts a connection and no peer link forms";
  if (peers?.inbound === 0) {
    problems.add(["des", "peers", "inbound"], `an inbound limit of 0 lets no node in, ${alone}`, 0);
  } else if (peers && peers.hidden >= 1) {
    problems.add(["des", "peers", "hidden"], `every node is hidden, ${alone}`, peers.hidden);
  } else if (model.hosts.every((h) => h.daemonArgs.includes("--hide-my-port"))) {
    problems.add(
      ["des", peers ? "peers" : "preset"],
      `every host (${model.hosts.length}) is hidden (hidden: true or --hide-my-port), ${alone}`,
    );
  }
}
