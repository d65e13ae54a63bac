/**
 * The in-process libp2p implementation of the P2P port: {@link createLibp2pNode} (the wide
 * {@link P2PNode} the daemon serves) and {@link Libp2pP2P} (the port over it).
 *
 * @example
 * ```ts
 * import { createLibp2pP2P } from "./mod.ts";
 * const p2p = await createLibp2pP2P({ backend: "libp2p", privateKey, listen: ["/ip4/127.0.0.1/tcp/0"], mdns: false });
 * await p2p.publish("chat", "hi");
 * await p2p.close();
 * ```
 * @module
 */
import type { P2PNodeOptions } from "../types.ts";
import { createLibp2pNode } from "./node.ts";
import { Libp2pP2P } from "./port.ts";

export { createLibp2pNode, HIVE_DHT_NAMESPACE, HIVE_DHT_PROTOCOL, LOOPBACK_IPS } from "./node.ts";
export { Libp2pP2P } from "./port.ts";

/** Start a node and return the port over it; `close()` stops the node. */
export async function createLibp2pP2P(options: P2PNodeOptions): Promise<Libp2pP2P> {
  return new Libp2pP2P(await createLibp2pNode(options));
}
