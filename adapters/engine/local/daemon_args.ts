/**
 * The command line of one local monerod: the shared flags (`monerodArgs`) plus what running
 * many nodes on one machine's loopback needs, the scenario's own flags winning by name.
 *
 * - `--log-file`, `--max-log-files`: logs in the host's folder.
 * - `--max-connections-per-ip=64`: outgoing loopback connections all come from 127.0.0.1,
 *   whatever the node's own address; the default of one per address would refuse all but one
 *   neighbour.
 * - `--offline` for a lone node (alone it never counts as synchronised).
 * - Itself as exclusive node for a node with no peers, and the engine's SOCKS gate for one with
 *   peers and no exclusive node (`outbound.ts`): no node dials Monero's public seed nodes.
 *
 * @module
 */
import type { SimHost, SimModel } from "../types.ts";
import { addEngineFlags, monerodArgs, selfExclusiveFlags } from "../monerod.ts";
import type { LocalHostPlacement } from "./options.ts";
import type { LocalOutbound } from "./outbound.ts";

/**
 * A local host's monerod flags (executable not included), before the links rewrite peer
 * addresses to their relays.
 *
 * @example
 * ```ts
 * const args = localMonerodArgs(host, model, placement, outbound);
 * LocalChild.start({ argv: ["monerod", ...links.rewrite(host.name, args)], ... });
 * ```
 */
export function localMonerodArgs(
  host: SimHost,
  model: SimModel,
  placement: Pick<LocalHostPlacement, "dir">,
  outbound?: LocalOutbound,
): string[] {
  const args = monerodArgs(host, model, {
    dataDir: `${placement.dir}/data`,
    peerMode: model.peerMode,
  });
  const own = [
    `--log-file=${placement.dir}/monerod.log`,
    "--max-log-files=2",
    "--max-connections-per-ip=64",
  ];
  if (model.hosts.length === 1) own.push("--offline");
  own.push(...selfExclusiveFlags(host, [...args, ...own]));
  const merged = addEngineFlags(args, host, own); // the scenario's flags win
  merged.push(...outbound?.flags(host.name, merged, model.dnsServer) ?? []);
  return merged;
}
