/**
 * The P2P port: what `hive daemon` needs from a peer-to-peer stack (pub/sub, peers, dialing,
 * ping, an optional DHT) and a factory that picks the implementation by name. Peer ids and
 * multiaddrs cross this boundary as strings and payloads as bytes, so callers never touch the
 * backend's own types.
 *
 * @example
 * ```ts
 * import { createP2PNode } from "./mod.ts";
 * const node = await createP2PNode({
 *   backend: "libp2p",
 *   privateKey: identityBytes, // protobuf-encoded Ed25519 key (see commands/daemon/identity.ts)
 *   listen: ["/ip4/127.0.0.1/tcp/0"],
 *   mdns: false,
 * });
 * node.on((event) => console.log(event.type));
 * node.subscribe("/hive/chat/lobby");
 * await node.publish("/hive/chat/lobby", new TextEncoder().encode("hi"));
 * await node.stop();
 * ```
 * @module
 */
import { createLibp2pNode } from "./libp2p.ts";

/** Names of the available backends. */
export const P2P_BACKENDS = ["libp2p"] as const;
/** A backend name. */
export type P2PBackend = typeof P2P_BACKENDS[number];

/** How to build a node. */
export interface P2PNodeOptions {
  /** Which implementation. */
  backend: P2PBackend;
  /** The node's private key, protobuf-encoded (libp2p `privateKeyToProtobuf`). */
  privateKey: Uint8Array;
  /** Multiaddrs to listen on (TCP and/or WebSockets). */
  listen: readonly string[];
  /** Discover peers on the LAN with mDNS. */
  mdns: boolean;
  /**
   * Multiaddrs (with `/p2p/<id>`) tagged and dialled once at start; redialling a peer that drops
   * later is the caller's job (`hive daemon` runs a bootstrap keeper over {@link P2PNode.connect}).
   */
  bootstrap?: readonly string[];
  /** Run a Kademlia DHT (server mode). */
  dht?: boolean;
  /** Connection manager: most open connections. */
  maxConnections?: number;
  /** Connection manager: most inbound connections being set up at once. */
  maxIncomingPendingConnections?: number;
  /** Connection manager: give up dialling a peer after this long. */
  dialTimeoutMs?: number;
  /** Connection manager: most inbound connections per second from one host. */
  inboundConnectionThreshold?: number;
  /**
   * Connection manager: networks (`/ip4/127.0.0.0/ipcidr/8`) whose connections skip the limits
   * and the per-host rate limit.
   */
  allow?: readonly string[];
}

/** A connected peer and the addresses we reach it on. */
export interface PeerInfo {
  /** Peer id (base58 `12D3...`). */
  peerId: string;
  /** Remote multiaddrs of open connections. */
  addrs: string[];
}

/** Result of a publish. */
export interface PublishResult {
  /** How many peers the message was sent to. */
  recipients: number;
}

/** A DHT provider record. */
export interface ProviderInfo {
  /** Provider's peer id. */
  peerId: string;
  /** Its known multiaddrs. */
  addrs: string[];
}

/** Kademlia operations, present only when the node runs a DHT. */
export interface P2PDht {
  /** Store `value` under `key` (keys are `/hive/...` paths). */
  put(key: string, value: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Fetch the value under `key`. */
  get(key: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Announce that this node provides the content named by a CID string. */
  provide(cid: string, signal?: AbortSignal): Promise<void>;
  /** Find peers providing a CID, up to `limit`. */
  findProviders(cid: string, limit: number, signal?: AbortSignal): Promise<ProviderInfo[]>;
}

/** Events a node reports. */
export type P2PEvent =
  | {
    type: "message";
    topic: string;
    from: string;
    seqno: bigint;
    data: Uint8Array;
    receivedAt: Date;
  }
  | { type: "peer_connected"; peerId: string; addr: string }
  | { type: "peer_disconnected"; peerId: string }
  | { type: "subscription_change"; peerId: string; topic: string; subscribed: boolean };

/** Listener for {@link P2PEvent}s. */
export type P2PListener = (event: P2PEvent) => void;

/** A running peer-to-peer node. */
export interface P2PNode {
  /** This node's peer id. */
  readonly peerId: string;
  /** Listen addresses, each ending in `/p2p/<peerId>`. */
  addrs(): string[];
  /** Protocols this node speaks. */
  protocols(): string[];
  /** Connected peers. */
  peers(): PeerInfo[];
  /** Peers known to subscribe to `topic`. */
  topicPeers(topic: string): string[];
  /** Topics this node is subscribed to. */
  topics(): string[];
  /** Subscribe to a pub/sub topic. */
  subscribe(topic: string): void;
  /** Unsubscribe from a pub/sub topic. */
  unsubscribe(topic: string): void;
  /** Publish signed bytes on a topic. */
  publish(topic: string, data: Uint8Array): Promise<PublishResult>;
  /** Dial a multiaddr; resolves to the remote peer id. */
  connect(multiaddr: string, signal?: AbortSignal): Promise<string>;
  /** Close every connection to a peer. */
  disconnect(peerId: string): Promise<void>;
  /** Round-trip time to a peer in ms. */
  ping(peerId: string, signal?: AbortSignal): Promise<number>;
  /** The DHT, or null when not enabled. */
  readonly dht: P2PDht | null;
  /** Listen for events; returns a function that removes the listener. */
  on(listener: P2PListener): () => void;
  /** Stop the node. */
  stop(): Promise<void>;
}

/** Build and start a node with the chosen backend. */
export async function createP2PNode(options: P2PNodeOptions): Promise<P2PNode> {
  switch (options.backend) {
    case "libp2p":
      return await createLibp2pNode(options);
  }
}
