/**
 * The P2P port's factory: {@link createP2P} picks an implementation of {@link P2P} by name, and
 * {@link createP2PNode} starts the wider in-process {@link P2PNode} that `hive daemon` serves.
 * Implementations are loaded only when asked for, so a program that talks to a daemon never
 * evaluates libp2p. The interface and its vocabulary are in `types.ts` (re-exported here); the
 * daemon's IPC contract is `ipc_protocol.ts`.
 *
 * @example
 * ```ts
 * import { createP2P, createP2PNode } from "./mod.ts";
 * import { resolveEndpoint } from "./daemon/endpoint.ts";
 * // host and hap: a client of the running daemon
 * const p2p = await createP2P({ backend: "daemon", endpoint: () => resolveEndpoint({ dataDir }) });
 * // the daemon: its own node
 * const node = await createP2PNode({ backend: "libp2p", privateKey, listen, mdns: false });
 * ```
 * @module
 */
import type { DaemonP2POptions } from "./daemon/client.ts";
import type { Endpoint } from "./daemon/endpoint.ts";
import type { P2P, P2PNode, P2PNodeOptions } from "./types.ts";

export * from "./types.ts";

/** What {@link createP2P} needs for each backend. */
export type P2POptions =
  | P2PNodeOptions
  | (DaemonP2POptions & { backend: "daemon"; endpoint: () => Promise<Endpoint> });

/** Build a {@link P2P} with the chosen backend (in-process libp2p, or a daemon client). */
export async function createP2P(options: P2POptions): Promise<P2P> {
  switch (options.backend) {
    case "libp2p": {
      const { createLibp2pP2P } = await import("./libp2p/mod.ts");
      return await createLibp2pP2P(options);
    }
    case "daemon": {
      const { createDaemonP2P } = await import("./daemon/mod.ts");
      return await createDaemonP2P(options);
    }
  }
}

/** Build and start an in-process node (only libp2p runs in process). */
export async function createP2PNode(options: P2PNodeOptions): Promise<P2PNode> {
  switch (options.backend) {
    case "libp2p": {
      const { createLibp2pNode } = await import("./libp2p/node.ts");
      return await createLibp2pNode(options);
    }
  }
}
