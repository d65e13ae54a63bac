/**
 * The P2P port: what `hive host` (and `hive hap`) program against, and the wider node interface
 * that `hive daemon` runs. Two implementations sit beside this file and look alike:
 *
 * - `libp2p/`: an in-process libp2p node ({@link P2PNode}, the daemon's engine) and {@link P2P}
 *   over it;
 * - `daemon/`: {@link P2P} as a client of a running `hive daemon` over its IPC (what host and
 *   hap use), speaking the contract in `ipc_protocol.ts`.
 *
 * Peer ids and multiaddrs cross this boundary as strings, so callers never touch libp2p's own
 * types. Messages reach {@link P2P} subscribers in one shape ({@link P2PMessage}), the same one
 * the daemon pushes as its `message_received` event.
 *
 * @example
 * ```ts
 * import type { P2P } from "./types.ts";
 * async function greet(p2p: P2P): Promise<void> {
 *   const off = await p2p.subscribe("/hive/chat/lobby", (m) => console.log(m.from, m.message));
 *   await p2p.publish("/hive/chat/lobby", "hi");
 *   await off();
 * }
 * ```
 * @module
 */
import { multiaddr } from "@multiformats/multiaddr";
import { z } from "zod";

function _isMultiaddr(text: string): boolean {
  try {
    multiaddr(text);
    return true;
  } catch {
    return false;
  }
}

/** Longest multiaddr text accepted anywhere (a long `/dns4/.../p2p/...` is ~200 characters). */
export const MAX_MULTIADDR_LENGTH = 1024;

/** A pub/sub topic name. */
export const topicSchema = z.string().min(1).max(256);
/**
 * A multiaddr string such as `/ip4/127.0.0.1/tcp/4001`. The length is checked first and stops
 * validation (`abort`), so a huge input is refused at once instead of being parsed.
 */
export const multiaddrSchema = z.string()
  .max(MAX_MULTIADDR_LENGTH, { abort: true })
  .refine(_isMultiaddr, { error: "not a multiaddr" });
/** A multiaddr that names its peer (`.../p2p/<peer-id>`), as bootstrap lists need. */
export const peerMultiaddrSchema = multiaddrSchema.refine((s) => /\/p2p\/[^/]+$/.test(s), {
  error: "expected a multiaddr ending in /p2p/<peer-id>",
});

/**
 * One pub/sub message as subscribers see it: exactly one of `message` (the payload as UTF-8
 * text) or `data_b64` (when the payload is not valid UTF-8).
 */
export const p2pMessageSchema = z.object({
  topic: z.string().min(1),
  from: z.string().min(1),
  /** Sequence number as a decimal string. */
  seqno: z.string(),
  message: z.string().optional(),
  data_b64: z.string().optional(),
  /** ISO time of receipt. */
  received_at: z.string(),
});
/** A received message (see {@link p2pMessageSchema}). */
export type P2PMessage = z.output<typeof p2pMessageSchema>;

/** A connected peer and the remote addresses of its open connections. */
export const peerEntrySchema = z.object({ peer_id: z.string(), addrs: z.array(z.string()) });
/** A connected peer (see {@link peerEntrySchema}). */
export type PeerEntry = z.output<typeof peerEntrySchema>;

/** What a {@link P2P} reports besides messages. */
export type P2PPortEvent =
  | { type: "peer_connected"; peer_id: string; addr?: string }
  | { type: "peer_disconnected"; peer_id: string }
  /** The backend went away (a daemon died or its IPC dropped); calls fail until `up`. */
  | { type: "down" }
  /** The backend is (back) up; subscriptions are already restored. */
  | { type: "up"; peer_id: string; addrs: string[] };

/** Unsubscribes one handler; safe to call twice. */
export type Unsubscribe = () => Promise<void>;

/**
 * The P2P port: identity, peers, publish, subscribe, events. Subscriptions survive backend
 * restarts (the implementation restores them), so a caller subscribes once.
 */
export interface P2P {
  /** Our peer id, or null while the backend is down. */
  peerId(): string | null;
  /** Publish text (sent as UTF-8) or bytes; resolves to how many peers it was sent to. */
  publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }>;
  /** Receive messages on `topic` until the returned function is called. */
  subscribe(topic: string, handler: (message: P2PMessage) => void): Promise<Unsubscribe>;
  /** Connected peers, or only those known to subscribe to `topic`. */
  peers(topic?: string): Promise<PeerEntry[]>;
  /** Listen for {@link P2PPortEvent}s; returns a function that removes the listener. */
  on(listener: (event: P2PPortEvent) => void): () => void;
  /** Let go of the backend (a client disconnects; an in-process node stops). */
  close(): Promise<void>;
}

/** Names of the backends of {@link createP2P} (in `mod.ts`). */
export const P2P_BACKENDS = ["libp2p", "daemon"] as const;
/** A backend name. */
export type P2PBackend = typeof P2P_BACKENDS[number];

/** How to build an in-process libp2p node. */
export interface P2PNodeOptions {
  /** Which implementation (only libp2p runs in process). */
  backend: "libp2p";
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

/** A connected peer as a {@link P2PNode} reports it. */
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

/** Events a {@link P2PNode} reports (raw bytes, as they come off the wire). */
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

/**
 * A running in-process node: the wider interface the daemon serves over IPC (dialing, ping,
 * DHT, per-topic subscriber lists). Synchronous where the backend answers from memory.
 */
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
