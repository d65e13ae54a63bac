/**
 * The P2P port as a client of a running `hive daemon` over IPC (what `hive host` and `hive hap`
 * use): {@link DaemonP2P}, the discovery of a daemon through `daemon.json` and its token,
 * {@link ManagedDaemon}, the supervision of a `hive daemon` child (or attachment to a running one),
 * and {@link giveDaemonKey}, which makes a supervised daemon's libp2p key its owner's identity key.
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

export { busyDataDir, type BusyDataDirOptions } from "./busy.ts";
export {
  DAEMON_KEY_FILE,
  type DaemonKeyOutcome,
  type Ed25519Pair,
  giveDaemonKey,
  type GiveDaemonKeyOptions,
  readDaemonKey,
} from "./daemon_key.ts";
export {
  type DaemonSpawnOptions,
  ManagedDaemon,
  type ManagedDaemonEvent,
  type ManagedDaemonOptions,
  type ManagedDaemonStatus,
} from "./supervise.ts";

/** Connect to the daemon `endpoint` names; it is asked again before every reconnect. */
export async function createDaemonP2P(
  options: DaemonP2POptions & { endpoint: () => Promise<Endpoint> },
): Promise<DaemonP2P> {
  return await DaemonP2P.connect(options);
}
