/**
 * The P2P port over an in-process {@link P2PNode}: the same {@link P2P} that `daemon/client.ts`
 * gives over IPC, for a program that runs its own node instead of talking to a daemon. Topics
 * are subscribed on the node while at least one handler wants them, as the daemon does for its
 * clients.
 *
 * @example
 * ```ts
 * import { createLibp2pNode } from "./node.ts";
 * import { Libp2pP2P } from "./port.ts";
 * const p2p = new Libp2pP2P(await createLibp2pNode({ backend: "libp2p", privateKey, listen, mdns: false }));
 * const off = await p2p.subscribe("chat", (m) => console.log(m.message));
 * await p2p.close(); // stops the node
 * ```
 * @module
 */
import { payloadBytes, toP2PMessage } from "../message.ts";
import { PortListeners, TopicHandlers } from "../subscribers.ts";
import type { P2P, P2PMessage, P2PNode, P2PPortEvent, PeerEntry, Unsubscribe } from "../types.ts";

/**
 * A node's connected peers, or the peers known to subscribe to `topic`, with the addresses of
 * their open connections (empty for a subscriber reached only through others).
 */
export function peerEntries(node: P2PNode, topic?: string): PeerEntry[] {
  const addrs = new Map(node.peers().map((p) => [p.peerId, p.addrs]));
  const ids = topic === undefined ? [...addrs.keys()] : node.topicPeers(topic);
  return ids.map((id) => ({ peer_id: id, addrs: addrs.get(id) ?? [] }));
}

/** {@link P2P} over a node in this process. */
export class Libp2pP2P implements P2P {
  readonly #node: P2PNode;
  readonly #handlers = new TopicHandlers();
  readonly #listeners = new PortListeners();
  readonly #off: () => void;
  #closed = false;

  /** Wrap a running node; {@link Libp2pP2P.close} stops it. */
  constructor(node: P2PNode) {
    this.#node = node;
    this.#off = node.on((event) => {
      switch (event.type) {
        case "message":
          if (this.#handlers.has(event.topic)) this.#handlers.dispatch(toP2PMessage(event));
          return;
        case "peer_connected":
          return this.#listeners.emit({
            type: "peer_connected",
            peer_id: event.peerId,
            addr: event.addr,
          });
        case "peer_disconnected":
          return this.#listeners.emit({ type: "peer_disconnected", peer_id: event.peerId });
      }
    });
  }

  /** The node underneath, for what only a node offers (dialing, ping, DHT). */
  get node(): P2PNode {
    return this.#node;
  }

  peerId(): string | null {
    return this.#closed ? null : this.#node.peerId;
  }

  async publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }> {
    const { recipients } = await this.#node.publish(topic, payloadBytes(payload));
    return { recipients };
  }

  subscribe(topic: string, handler: (message: P2PMessage) => void): Promise<Unsubscribe> {
    const { first, remove } = this.#handlers.add(topic, handler);
    if (first) this.#node.subscribe(topic);
    return Promise.resolve(() => {
      if (remove() && !this.#closed) this.#node.unsubscribe(topic);
      return Promise.resolve();
    });
  }

  peers(topic?: string): Promise<PeerEntry[]> {
    return Promise.resolve(peerEntries(this.#node, topic));
  }

  on(listener: (event: P2PPortEvent) => void): () => void {
    return this.#listeners.on(listener);
  }

  /** Stop the node. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#off();
    this.#handlers.clear();
    await this.#node.stop();
  }
}
