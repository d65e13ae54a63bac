/**
 * The daemon service: wires IPC requests to the P2P node and node events back out to IPC
 * clients. Subscriptions are per client; the node stays subscribed to a topic while at least
 * one client wants it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import {
  type DaemonEvent,
  dhtRequestSchemas,
  type Reply,
  requestSchemas,
} from "../../adapters/p2p/ipc_protocol.ts";
import { toP2PMessage } from "../../adapters/p2p/message.ts";
import { peerEntries } from "../../adapters/p2p/libp2p/port.ts";
import type { P2PDht, P2PEvent, P2PNode } from "../../adapters/p2p/types.ts";
import { type IpcConnection, IpcError, type IpcServer } from "../../core/ipc/mod.ts";
import { clipText } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import type { BootstrapKeeper } from "./bootstrap.ts";

/** Options for {@link startDaemonService}. */
export interface DaemonServiceOptions {
  /** The running node. */
  node: P2PNode;
  /** The IPC server to register handlers on. */
  server: IpcServer;
  /** Audit logger. */
  logger?: Logger;
  /** Per-request time limit for network operations (connect, ping, DHT). Default 10 s. */
  networkTimeoutMs?: number;
  /** The keeper of bootstrap connections, reported by `status`. */
  bootstrap?: BootstrapKeeper;
}

/** A running service. */
export interface DaemonService {
  /** Topics wanted by at least one client. */
  readonly wanted: ReadonlyMap<string, ReadonlySet<IpcConnection>>;
  /** Detach from the node's events. */
  close(): void;
}

const _RAW_CODEC = 0x55;
const _encoder = new TextEncoder();

/** The CID a `/hive/...` DHT key is provided under: raw codec, sha2-256 of the key. */
export async function cidForKey(key: string): Promise<string> {
  return CID.createV1(_RAW_CODEC, await sha256.digest(_encoder.encode(key))).toString();
}

function _networkError(what: string, error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  const e = error as Error;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") {
    return new IpcError("timeout", `${what}: timed out`);
  }
  if (e?.name === "NotFoundError") return new IpcError("not_found", `${what}: ${e.message}`);
  // libp2p's messages may quote the address again: keep the whole error short.
  return new IpcError("unavailable", `${what}: ${clipText(e?.message ?? String(error), 160)}`);
}

/** Register every request handler and start forwarding node events to clients. */
export function startDaemonService(options: DaemonServiceOptions): DaemonService {
  const { node, server, logger } = options;
  const timeoutMs = options.networkTimeoutMs ?? 10_000;
  const startedAt = performance.now();
  const wanted = new Map<string, Set<IpcConnection>>();
  const topicsOf = (c: IpcConnection) => {
    let set = c.state.get("topics") as Set<string> | undefined;
    if (!set) c.state.set("topics", set = new Set());
    return set;
  };
  const release = (c: IpcConnection, topic: string) => {
    topicsOf(c).delete(topic);
    const clients = wanted.get(topic);
    if (!clients?.delete(c) || clients.size > 0) return;
    wanted.delete(topic);
    node.unsubscribe(topic);
    logger?.info("unsubscribed", { topic });
  };

  const s = requestSchemas;
  server.handle(
    "get_peer_id",
    s.get_peer_id,
    (): Reply<"get_peer_id"> => ({ peer_id: node.peerId }),
  );
  server.handle("identify", s.identify, (): Reply<"identify"> => ({
    peer_id: node.peerId,
    addrs: node.addrs(),
    protocols: node.protocols(),
  }));
  server.handle("status", s.status, (): Reply<"status"> => ({
    peer_id: node.peerId,
    uptime_s: Math.round((performance.now() - startedAt) / 100) / 10,
    peers: node.peers().length,
    topics: node.topics(),
    clients: server.connections.size,
    queue_drops: server.stats.dropped,
    bootstrap: options.bootstrap?.status() ?? [],
  }));
  server.handle("publish", s.publish, async (p): Promise<Reply<"publish">> => {
    const data = p.message !== undefined
      ? _encoder.encode(p.message)
      : new Uint8Array(Buffer.from(p.data_b64!, "base64"));
    try {
      const { recipients } = await node.publish(p.topic, data);
      return { topic: p.topic, recipients };
    } catch (error) {
      throw _networkError(`publish to ${p.topic}`, error);
    }
  });
  server.handle("subscribe", s.subscribe, ({ topic }, c): Reply<"subscribe"> => {
    topicsOf(c).add(topic);
    let clients = wanted.get(topic);
    if (!clients) {
      wanted.set(topic, clients = new Set());
      node.subscribe(topic);
      logger?.info("subscribed", { topic });
    }
    clients.add(c);
    return { topic };
  });
  server.handle("unsubscribe", s.unsubscribe, ({ topic }, c): Reply<"unsubscribe"> => {
    release(c, topic);
    return { topic };
  });
  server.handle("list_topics", s.list_topics, (): Reply<"list_topics"> => ({
    topics: node.topics(),
  }));
  server.handle("list_peers", s.list_peers, ({ topic }): Reply<"list_peers"> => ({
    peers: peerEntries(node, topic),
  }));
  server.handle("connect", s.connect, async ({ multiaddr }): Promise<Reply<"connect">> => {
    try {
      return { peer_id: await node.connect(multiaddr, AbortSignal.timeout(timeoutMs)) };
    } catch (error) {
      throw _networkError(`connect ${clipText(multiaddr, 80)}`, error);
    }
  });
  server.handle("disconnect", s.disconnect, async ({ peer }): Promise<Reply<"disconnect">> => {
    await node.disconnect(peer);
    return { peer };
  });
  server.handle("ping", s.ping, async ({ peer }): Promise<Reply<"ping">> => {
    try {
      return { peer, rtt_ms: await node.ping(peer, AbortSignal.timeout(timeoutMs)) };
    } catch (error) {
      throw _networkError(`ping ${peer}`, error);
    }
  });
  if (node.dht) _registerDht(server, node.dht, timeoutMs);

  server.onClose((c) => {
    for (const topic of [...topicsOf(c)]) release(c, topic);
  });

  const off = node.on((event) => _forward(server, wanted, event));
  return { wanted, close: off };
}

function _forward(
  server: IpcServer,
  wanted: Map<string, Set<IpcConnection>>,
  event: P2PEvent,
): void {
  switch (event.type) {
    case "message": {
      const clients = wanted.get(event.topic);
      if (!clients) return;
      const data: DaemonEvent<"message_received"> = toP2PMessage(event);
      for (const c of clients) c.sendEvent("message_received", data);
      return;
    }
    case "peer_connected":
      server.broadcast("peer_connected", { peer_id: event.peerId, addr: event.addr });
      return;
    case "peer_disconnected":
      server.broadcast("peer_disconnected", { peer_id: event.peerId });
      return;
    case "subscription_change":
      server.broadcast("subscription_change", {
        peer_id: event.peerId,
        topic: event.topic,
        subscribed: event.subscribed,
      });
      return;
  }
}

function _registerDht(server: IpcServer, dht: P2PDht, timeoutMs: number): void {
  const s = dhtRequestSchemas;
  const guard = async <T>(what: string, run: (signal: AbortSignal) => Promise<T>) => {
    try {
      return await run(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      throw _networkError(what, error);
    }
  };
  server.handle("dht_put", s.dht_put, async ({ key, value_b64 }): Promise<Reply<"dht_put">> => {
    const value = new Uint8Array(Buffer.from(value_b64, "base64"));
    await guard(`dht_put ${key}`, (signal) => dht.put(key, value, signal));
    return { key };
  });
  server.handle("dht_get", s.dht_get, async ({ key }): Promise<Reply<"dht_get">> => {
    const value = await guard(`dht_get ${key}`, (signal) => dht.get(key, signal));
    return { key, value_b64: Buffer.from(value).toString("base64") };
  });
  server.handle("provide", s.provide, async (p): Promise<Reply<"provide">> => {
    const cid = p.cid ?? await cidForKey(p.key!);
    await guard(`provide ${cid}`, (signal) => dht.provide(cid, signal));
    return { cid };
  });
  server.handle("find_providers", s.find_providers, async (p): Promise<Reply<"find_providers">> => {
    const cid = p.cid ?? await cidForKey(p.key!);
    const found = await guard(
      `find_providers ${cid}`,
      (signal) => dht.findProviders(cid, p.limit, signal),
    );
    return { cid, providers: found.map((f) => ({ peer_id: f.peerId, addrs: f.addrs })) };
  });
}
