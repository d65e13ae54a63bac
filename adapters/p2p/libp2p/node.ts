/**
 * The in-process libp2p node behind the P2P port ({@link P2PNode}, what `hive daemon` runs):
 * TCP + WebSockets, noise, yamux, identify, ping, gossipsub (signed messages, strict
 * verification), mDNS, bootstrap and an optional kad-dht. Our patches to libp2p sit beside it
 * (`ed25519_keys.ts`, `yamux_window.ts`, `mdns_dialer.ts`).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { bootstrap } from "@libp2p/bootstrap";
import { privateKeyFromProtobuf } from "@libp2p/crypto/keys";
import { type GossipSub, gossipsub, type Message, StrictSign } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { Libp2p, PeerDiscovery } from "@libp2p/interface";
import { type KadDHT, kadDHT, passthroughMapper } from "@libp2p/kad-dht";
import { peerIdFromString } from "@libp2p/peer-id";
import { type Ping, ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { webSockets } from "@libp2p/websockets";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { CID } from "multiformats/cid";
import { BytesTable } from "./bytes_table.ts";
import { installEd25519KeyCache } from "./ed25519_keys.ts";
import { MdnsDialer } from "./mdns_dialer.ts";
import { installYamuxWindowHysteresis } from "./yamux_window.ts";
import type {
  P2PDht,
  P2PEvent,
  P2PListener,
  P2PNode,
  P2PNodeOptions,
  PeerInfo,
  ProviderInfo,
  PublishResult,
} from "../types.ts";

/** Source addresses exempt from gossipsub's same-IP (Sybil) penalty. */
export const LOOPBACK_IPS = ["127.0.0.1", "::1"];
/** DHT protocol id: our own, so a hive DHT never mixes with the public IPFS one. */
export const HIVE_DHT_PROTOCOL = "/hive/kad/1.0.0";
/** DHT keys must start with this namespace; values under it are accepted as-is, newest wins. */
export const HIVE_DHT_NAMESPACE = "hive";

interface _Services extends Record<string, unknown> {
  identify: unknown;
  ping: Ping;
  pubsub: GossipSub;
  dht?: KadDHT;
}

const _encoder = new TextEncoder();
/** Most sender peer ids remembered as text. */
const _SENDER_CACHE = 1024;

/** A gossipsub message id as map-key text: one character (U+0000-U+00FF) per byte. */
export function messageIdText(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString("latin1");
}

/** Build and start a libp2p node from the port's options. */
export async function createLibp2pNode(options: P2PNodeOptions): Promise<P2PNode> {
  const discovery: ((components: never) => PeerDiscovery)[] = [];
  const mdnsDialer = options.mdns ? new MdnsDialer() : undefined;
  if (mdnsDialer) discovery.push(mdnsDialer.discovery());
  if (options.bootstrap && options.bootstrap.length > 0) {
    discovery.push(bootstrap({ list: [...options.bootstrap] }) as never);
  }
  const services: Record<string, unknown> = {
    identify: identify(),
    // libp2p's connection monitor pings every peer on the same protocol; with the default of one
    // outbound stream, a user's `hive daemon ping` that met a monitor ping was refused.
    ping: ping({ maxOutboundStreams: 4 }),
    pubsub: gossipsub({
      globalSignaturePolicy: StrictSign,
      // A publish with nobody listening yet is normal for chat: report 0 recipients, not an error.
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      // Message ids become map keys (seen cache, message cache) once or twice per message on
      // each node. The default renders them as base64 through a JavaScript encoder (~1.9 KB of
      // garbage per call); one byte per character is as unique and made natively (~0.25 KB).
      // The text stays inside this node: ids go on the wire as bytes.
      msgIdToStrFn: messageIdText,
      scoreParams: {
        // Many daemons on one machine (tests, simulations, a host per user) all reach each other
        // from 127.0.0.1; past 10 peers per IP the colocation penalty would graylist them all.
        IPColocationFactorWhitelist: new Set(LOOPBACK_IPS),
      },
    }),
  };
  if (options.dht) {
    services.dht = kadDHT({
      protocol: HIVE_DHT_PROTOCOL,
      clientMode: false,
      // Loopback and LAN peers are the whole point here, so keep private addresses.
      peerInfoMapper: passthroughMapper,
      validators: { [HIVE_DHT_NAMESPACE]: () => Promise.resolve() },
      selectors: { [HIVE_DHT_NAMESPACE]: () => 0 },
      allowQueryWithZeroPeers: true,
    });
  }
  installEd25519KeyCache();
  installYamuxWindowHysteresis();
  const node = await createLibp2p({
    privateKey: privateKeyFromProtobuf(options.privateKey),
    addresses: { listen: [...options.listen] },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: discovery as never,
    connectionManager: {
      maxConnections: options.maxConnections,
      maxIncomingPendingConnections: options.maxIncomingPendingConnections,
      dialTimeout: options.dialTimeoutMs,
      inboundConnectionThreshold: options.inboundConnectionThreshold,
      allow: options.allow ? [...options.allow] : undefined,
    },
    services: services as never,
  }) as unknown as Libp2p<_Services>;
  mdnsDialer?.attach({
    connections: (peer) => node.getConnections(peer).length,
    dial: (peer) => node.dial(peer),
  });
  return new _Libp2pNode(node, mdnsDialer);
}

class _Libp2pNode implements P2PNode {
  readonly peerId: string;
  readonly dht: P2PDht | null;
  readonly #node: Libp2p<_Services>;
  readonly #listeners = new Set<P2PListener>();
  /** Bounded: a flood of distinct senders must not grow memory without limit. */
  readonly #senderText = new BytesTable<string>(_SENDER_CACHE);
  readonly #mdnsDialer: MdnsDialer | undefined;

  constructor(node: Libp2p<_Services>, mdnsDialer?: MdnsDialer) {
    this.#node = node;
    this.#mdnsDialer = mdnsDialer;
    this.peerId = node.peerId.toString();
    this.dht = node.services.dht ? new _Libp2pDht(node) : null;
    node.addEventListener("peer:connect", (event) => {
      const peer = event.detail;
      const addr = node.getConnections(peer)[0]?.remoteAddr.toString() ?? "";
      this.#emit({ type: "peer_connected", peerId: peer.toString(), addr });
    });
    node.addEventListener("peer:disconnect", (event) => {
      this.#emit({ type: "peer_disconnected", peerId: event.detail.toString() });
    });
    const pubsub = node.services.pubsub;
    pubsub.addEventListener("message", (event) => this.#onMessage(event.detail));
    pubsub.addEventListener("subscription-change", (event) => {
      const peerId = event.detail.peerId.toString();
      for (const s of event.detail.subscriptions) {
        this.#emit({
          type: "subscription_change",
          peerId,
          topic: s.topic,
          subscribed: s.subscribe,
        });
      }
    });
  }

  addrs(): string[] {
    return this.#node.getMultiaddrs().map((ma) => ma.toString());
  }

  protocols(): string[] {
    return this.#node.getProtocols();
  }

  peers(): PeerInfo[] {
    const byPeer = new Map<string, string[]>();
    for (const c of this.#node.getConnections()) {
      const id = c.remotePeer.toString();
      const list = byPeer.get(id) ?? [];
      list.push(c.remoteAddr.toString());
      byPeer.set(id, list);
    }
    return [...byPeer].map(([peerId, addrs]) => ({ peerId, addrs }));
  }

  topicPeers(topic: string): string[] {
    return this.#node.services.pubsub.getSubscribers(topic).map((p) => p.toString());
  }

  topics(): string[] {
    return this.#node.services.pubsub.getTopics();
  }

  subscribe(topic: string): void {
    this.#node.services.pubsub.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    this.#node.services.pubsub.unsubscribe(topic);
  }

  async publish(topic: string, data: Uint8Array): Promise<PublishResult> {
    const result = await this.#node.services.pubsub.publish(topic, data);
    return { recipients: result.recipients.length };
  }

  async connect(address: string, signal?: AbortSignal): Promise<string> {
    const connection = await this.#node.dial(multiaddr(address), { signal });
    return connection.remotePeer.toString();
  }

  async disconnect(peerId: string): Promise<void> {
    await this.#node.hangUp(peerIdFromString(peerId));
  }

  async ping(peerId: string, signal?: AbortSignal): Promise<number> {
    return await this.#node.services.ping.ping(peerIdFromString(peerId), { signal });
  }

  on(listener: P2PListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
    this.#mdnsDialer?.stop();
    await this.#node.stop();
  }

  #onMessage(message: Message): void {
    // StrictSign rejects unsigned messages before they get here; the check narrows the type.
    if (message.type !== "signed") return;
    this.#emit({
      type: "message",
      topic: message.topic,
      from: this.#peerIdText(message.from.toMultihash().bytes, () => message.from.toString()),
      seqno: message.sequenceNumber,
      data: message.data,
      receivedAt: new Date(),
    });
  }

  /**
   * Every received message carries a fresh PeerId object, and rendering one as base58 costs
   * more than the rest of our per-message work; senders repeat, so remember their text.
   */
  #peerIdText(multihash: Uint8Array, render: () => string): string {
    let text = this.#senderText.get(multihash);
    if (text === undefined) this.#senderText.set(multihash, text = render());
    return text;
  }

  #emit(event: P2PEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

class _Libp2pDht implements P2PDht {
  readonly #node: Libp2p<_Services>;

  constructor(node: Libp2p<_Services>) {
    this.#node = node;
  }

  async put(key: string, value: Uint8Array, signal?: AbortSignal): Promise<void> {
    await this.#node.contentRouting.put(_encoder.encode(key), value, { signal });
  }

  async get(key: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      return await this.#node.contentRouting.get(_encoder.encode(key), { signal });
    } catch (error) {
      // libp2p asks every router and rejects with all their errors; unwrap so "no such key"
      // stays recognisable (NotFoundError) to callers.
      if (!(error instanceof AggregateError)) throw error;
      const inner = error.errors as Error[];
      if (inner.length > 0 && inner.every((e) => e?.name === "NotFoundError")) throw inner[0];
      throw inner.find((e) => e?.name !== "NotFoundError") ?? error;
    }
  }

  async provide(cid: string, signal?: AbortSignal): Promise<void> {
    await this.#node.contentRouting.provide(CID.parse(cid), { signal });
  }

  async findProviders(cid: string, limit: number, signal?: AbortSignal): Promise<ProviderInfo[]> {
    const found = new Map<string, ProviderInfo>();
    for await (const p of this.#node.contentRouting.findProviders(CID.parse(cid), { signal })) {
      found.set(p.id.toString(), {
        peerId: p.id.toString(),
        addrs: [...new Set(p.multiaddrs.map((m) => m.toString()))],
      });
      if (found.size >= limit) break;
    }
    return [...found.values()];
  }
}
