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
import type { P2P, P2PMessage, P2PNode, P2PPortEvent, PeerEntry, Unsubscribe } from "../types.ts";

/** {@link P2P} over a node in this process. */
export class Libp2pP2P implements P2P {
  readonly #node: P2PNode;
  readonly #handlers = new Map<string, Set<(m: P2PMessage) => void>>();
  readonly #listeners = new Set<(event: P2PPortEvent) => void>();
  readonly #off: () => void;
  #closed = false;

  /** Wrap a running node; {@link Libp2pP2P.close} stops it. */
  constructor(node: P2PNode) {
    this.#node = node;
    this.#off = node.on((event) => {
      switch (event.type) {
        case "message": {
          const handlers = this.#handlers.get(event.topic);
          if (!handlers) return;
          const message = toP2PMessage(event);
          for (const handler of handlers) {
            try {
              handler(message);
            } catch { /* one failing subscriber must not starve the others */ }
          }
          return;
        }
        case "peer_connected":
          return this.#emit({ type: "peer_connected", peer_id: event.peerId, addr: event.addr });
        case "peer_disconnected":
          return this.#emit({ type: "peer_disconnected", peer_id: event.peerId });
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
    let set = this.#handlers.get(topic);
    if (!set) {
      this.#handlers.set(topic, set = new Set());
      this.#node.subscribe(topic);
    }
    set.add(handler);
    let done = false;
    return Promise.resolve(() => {
      if (done) return Promise.resolve();
      done = true;
      set.delete(handler);
      if (set.size === 0 && this.#handlers.get(topic) === set) {
        this.#handlers.delete(topic);
        if (!this.#closed) this.#node.unsubscribe(topic);
      }
      return Promise.resolve();
    });
  }

  peers(topic?: string): Promise<PeerEntry[]> {
    const addrs = new Map(this.#node.peers().map((p) => [p.peerId, p.addrs]));
    const ids = topic === undefined ? [...addrs.keys()] : this.#node.topicPeers(topic);
    return Promise.resolve(ids.map((id) => ({ peer_id: id, addrs: addrs.get(id) ?? [] })));
  }

  on(listener: (event: P2PPortEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stop the node. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#off();
    this.#handlers.clear();
    await this.#node.stop();
  }

  #emit(event: P2PPortEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch { /* listeners must not break the node's event loop */ }
    }
  }
}
