/**
 * The command line of one local monerod: the shared flags (`monerodArgs`) plus what running
 * many nodes on one machine's loopback needs, the scenario's own flags winning by name.
 *
 * - `--log-file`, `--max-log-files`: logs in the host's folder.
 * - `--max-connections-per-ip=64`: outgoing loopback connections all come from 127.0.0.1,
 *   whatever the node's own address; the default of one per address would refuse all but one
 *   neighbour.
 * - `--offline` for a lone node (alone it never counts as synchronised).
 * - Dynamic peer mode: each `--seed-node` is also an `--add-priority-node`, so the node keeps a
 *   connection to its seeds. Otherwise a dynamic network on loopback never forms: monerod lists
 *   a peer as white (dialable, and shared in peer lists) only after a successful outgoing
 *   connection or a ping back to an inbound one, the ping goes to the address the connection came
 *   from, 127.0.0.1 for every loopback peer, where no node listens (and a node behind `--proxy`
 *   does not ping back at all), and a seed connection is closed once the seed's peer list is
 *   taken. Measured on 3 nodes: with seeds only, no node kept a connection after 20 s and one
 *   never synchronised (BUSY to `generateblocks`); with the seeds as priority nodes all three
 *   were connected and synchronised. Peers learnt from peer lists are still dialled beyond the
 *   seeds; the seeds become hubs, which Shadow's dynamic mode does not make them.
 * - Itself as exclusive node for a node with no peers, and the engine's SOCKS gate for one with
 *   peers and no exclusive node (`outbound.ts`): no node dials Monero's public seed nodes.
 *
 * @module
 */
import type { SimHost, SimModel } from "../types.ts";
import { addEngineFlags, flagName, monerodArgs, selfExclusiveFlags } from "../monerod.ts";
import type { LocalHostPlacement } from "./options.ts";
import type { LocalOutbound } from "./outbound.ts";

/** The `--add-priority-node` twin of every `--seed-node` (dynamic peer mode; see above). */
export function seedPriorityFlags(args: readonly string[]): string[] {
  return args.filter((f) => flagName(f) === "--seed-node" && f.includes("="))
    .map((f) => `--add-priority-node=${f.slice(f.indexOf("=") + 1)}`);
}

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
  if (model.peerMode === "dynamic") own.push(...seedPriorityFlags(args));
  own.push(...selfExclusiveFlags(host, [...args, ...own]));
  const merged = addEngineFlags(args, host, own); // the scenario's flags win
  merged.push(...outbound?.flags(host.name, merged, model.dnsServer) ?? []);
  return merged;
}
