/**
 * Checks of a scenario's `des:` section that need the expanded hosts: every region pair of a
 * latency matrix without a default, regions the matrix names that no host is in, and mining
 * shares beyond the mining nodes. The section's own shape (distribution names, negative
 * latencies) is checked by its schema (`adapters/engine/des/netmodel.ts`).
 *
 * @module
 */
import { missingLatencyPairs } from "../../../adapters/engine/des/netmodel.ts";
import type { ExpandedAgent } from "./hosts.ts";
import type { Problems } from "./problems.ts";
import type { ScenarioFile } from "./schema.ts";

/** Record what is wrong with `des` for these hosts and their regions. */
export function checkDesSection(
  scenario: ScenarioFile,
  agents: readonly ExpandedAgent[],
  regionOf: readonly string[],
  problems: Problems,
): void {
  const des = scenario.des;
  if (!des) return;
  // The simblock preset places nodes in SimBlock's regions, unless a latency section is given.
  const regions = des.preset === "simblock" ? [] : [...new Set(regionOf)];
  const matrix = des.latency?.matrix;
  if (matrix && regions.length > 0) {
    for (const pair of missingLatencyPairs(des.latency, regions)) {
      const [from] = pair.split(" -> ");
      problems.add(
        ["des", "latency", "matrix", from],
        `missing region pair ${pair} (set it, or a default)`,
      );
    }
    for (const [from, row] of Object.entries(matrix)) {
      for (const to of [from, ...Object.keys(row)]) {
        if (!regions.includes(to)) {
          problems.add(["des", "latency", "matrix", from], `no host is in region "${to}"`, to);
          break;
        }
      }
    }
  }
  const shares = des.mining?.shares;
  if (shares) {
    const nodes = des.mining?.nodes === "all"
      ? agents.length
      : agents.filter((a) => (a.hashrate ?? 0) > 0).length;
    if (shares.length > nodes) {
      problems.add(
        ["des", "mining", "shares"],
        `${shares.length} shares for ${nodes} mining nodes`,
        shares.length,
      );
    }
  }
}
