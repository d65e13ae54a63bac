/**
 * How long real monerod nodes of a local run took to validate blocks, read from their own logs
 * (`hosts/<host>/monerod.log`, `links/observe.ts`): per node, from the first notice of a block
 * to its first add, leaving out each node's first block (RandomX set up for verification).
 * `hive sim analyze` prints it with the `des.validation` that gives the des engine the same
 * delays, so a des run of the scenario can be compared with the local one.
 * Shadow and des runs have no such logs and no figure. The seconds are wall seconds: what the
 * node took on this machine, whatever the run's time scale.
 *
 * @module
 */
import { fitValidation } from "../../../adapters/engine/des/validation.ts";
import type { DesDist } from "../../../adapters/engine/des/netmodel.ts";
import {
  readRunArrivals,
  validationSeconds,
} from "../../../adapters/engine/local/links/observe.ts";
import { type Distribution, distribution, formatDistribution } from "./stats.ts";

/** Validation delays of a local run's nodes. */
export interface NodeValidation extends Distribution {
  /** Nodes whose log was read. */
  nodes: number;
  /** A `des.validation` (milliseconds) through the delays' median and 90th percentile. */
  des_validation: DesDist | null;
}

/** Hosts under `dir/hosts/` that have a `monerod.log`. */
async function _loggedHosts(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/hosts`)) {
      if (!e.isDirectory) continue;
      try {
        if ((await Deno.stat(`${dir}/hosts/${e.name}/monerod.log`)).isFile) out.push(e.name);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

/** The nodes' validation delays, or null when the folder has no monerod logs. */
export async function readNodeValidation(dir: string): Promise<NodeValidation | null> {
  const hosts = await _loggedHosts(dir);
  if (hosts.length === 0) return null;
  const seconds = validationSeconds(await readRunArrivals(dir, hosts), { skipFirst: true });
  return { nodes: hosts.length, ...distribution(seconds), des_validation: fitValidation(seconds) };
}

/** One line for people. */
export function formatNodeValidation(v: NodeValidation): string {
  const logs = `${v.nodes} monerod log${v.nodes === 1 ? "" : "s"}`;
  if (v.count === 0) {
    return `- (no block a peer sent in ${logs}; monerod writes those at ` +
      "--log-level=1 and above, the local engine's default)";
  }
  const fit = v.des_validation
    ? `; for --engine des: des.validation ${_yaml(v.des_validation)}`
    : "";
  return `${formatDistribution(v)}, wall seconds from ${logs}, each node's first block left ` +
    `out${fit}`;
}

/** A flow-style YAML value, as a scenario file takes it. */
function _yaml(d: DesDist): string {
  return JSON.stringify(d).replace(/"/g, "").replace(/([:,])/g, "$1 ").replace(/\{/g, "{ ")
    .replace(/\}/g, " }");
}
