/**
 * The P2P port as a client of a running `hive daemon` over IPC (what `hive host` and `hive hap`
 * use): {@link DaemonP2P}, and the discovery of a daemon through `daemon.json` and its token.
 *
 * @example
 * ```ts
 * import { createDaemonP2P, resolveEndpoint } from "./mod.ts";
 * const p2p = await createDaemonP2P({ endpoint: () => resolveEndpoint({ dataDir: "/tmp/a" }) });
 * await p2p.publish("chat", "hi");
 * await p2p.close();
 * ```
 * @module
 */
import type { Endpoint } from "./endpoint.ts";
import { DaemonP2P, type DaemonP2POptions } from "./client.ts";

export { type DaemonIdentity, DaemonP2P, type DaemonP2POptions } from "./client.ts";
export {
  callDaemon,
  connectEndpoint,
  type ConnectOptions,
  type Endpoint,
  endpointOfInfo,
  type EndpointOptions,
  readDaemonInfo,
  resolveEndpoint,
} from "./endpoint.ts";

/** Connect to the daemon `endpoint` names; it is asked again before every reconnect. */
export async function createDaemonP2P(
  options: DaemonP2POptions & { endpoint: () => Promise<Endpoint> },
): Promise<DaemonP2P> {
  return await DaemonP2P.connect(options);
}
