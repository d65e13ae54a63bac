/**
 * The daemon's IPC contract: request schemas (checked at the edge by `core/ipc`), and the shapes
 * of replies and pushed events that clients such as `hive host` rely on.
 *
 * @module
 */
import { peerIdFromString } from "@libp2p/peer-id";
import { CID } from "multiformats/cid";
import { z } from "zod";
import type { BootstrapPeerStatus } from "./bootstrap.ts";
import { multiaddrSchema } from "./config.ts";

function _isPeerId(text: string): boolean {
  try {
    peerIdFromString(text);
    return true;
  } catch {
    return false;
  }
}

function _isCid(text: string): boolean {
  try {
    CID.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A pub/sub topic name. */
export const topicSchema = z.string().min(1).max(256);
/** A peer id string. */
export const peerIdSchema = z.string().min(1).max(128).refine(_isPeerId, {
  error: "not a peer id",
});
/** Standard base64 text. */
export const base64Schema = z.base64({ error: "expected base64" });
/** A DHT key: our namespace first, so the DHT's validator accepts it. */
export const dhtKeySchema = z.string().max(512).regex(/^\/hive\/.+/, {
  error: 'expected a key starting with "/hive/"',
});
/** A content id string. */
export const cidSchema = z.string().min(1).max(256).refine(_isCid, { error: "not a CID" });

const _empty = z.strictObject({});

/** Request type -> schema of its parameters (the frame minus `v`, `id`, `type`). */
export const requestSchemas = {
  get_peer_id: _empty,
  identify: _empty,
  status: _empty,
  publish: z.strictObject({
    topic: topicSchema,
    message: z.string().optional(),
    data_b64: base64Schema.optional(),
  }).refine((p) => (p.message === undefined) !== (p.data_b64 === undefined), {
    error: "expected exactly one of message, data_b64",
  }),
  subscribe: z.strictObject({ topic: topicSchema }),
  unsubscribe: z.strictObject({ topic: topicSchema }),
  list_topics: _empty,
  list_peers: z.strictObject({ topic: topicSchema.optional() }),
  connect: z.strictObject({ multiaddr: multiaddrSchema }),
  disconnect: z.strictObject({ peer: peerIdSchema }),
  ping: z.strictObject({ peer: peerIdSchema }),
};

/** Request schemas served only with `--dht`. */
export const dhtRequestSchemas = {
  dht_put: z.strictObject({ key: dhtKeySchema, value_b64: base64Schema }),
  dht_get: z.strictObject({ key: dhtKeySchema }),
  provide: z.strictObject({ cid: cidSchema.optional(), key: dhtKeySchema.optional() }).refine(
    (p) => (p.cid === undefined) !== (p.key === undefined),
    { error: "expected exactly one of cid, key" },
  ),
  find_providers: z.strictObject({
    cid: cidSchema.optional(),
    key: dhtKeySchema.optional(),
    limit: z.int().min(1).max(100).default(20),
  }).refine((p) => (p.cid === undefined) !== (p.key === undefined), {
    error: "expected exactly one of cid, key",
  }),
};

/** Reply of `get_peer_id`. */
export interface PeerIdReply {
  peer_id: string;
}
/** Reply of `identify`. */
export interface IdentifyReply {
  peer_id: string;
  addrs: string[];
  protocols: string[];
}
/** Reply of `status`. */
export interface StatusReply {
  peer_id: string;
  uptime_s: number;
  peers: number;
  topics: string[];
  clients: number;
  queue_drops: number;
  /** Each bootstrap peer: whether it is connected and how often the daemon dialled it. */
  bootstrap: BootstrapPeerStatus[];
}
/** Reply of `publish`. */
export interface PublishReply {
  topic: string;
  recipients: number;
}
/** One entry of `list_peers`. */
export interface PeerEntry {
  peer_id: string;
  addrs: string[];
}

/** Event `message_received`: exactly one of `message` (UTF-8 text) or `data_b64`. */
export interface MessageReceivedEvent {
  topic: string;
  from: string;
  /** Sequence number as a decimal string. */
  seqno: string;
  message?: string;
  data_b64?: string;
  /** ISO time. */
  received_at: string;
}
/** Event `peer_connected`. */
export interface PeerConnectedEvent {
  peer_id: string;
  addr: string;
}
/** Event `peer_disconnected`. */
export interface PeerDisconnectedEvent {
  peer_id: string;
}
/** Event `subscription_change`. */
export interface SubscriptionChangeEvent {
  peer_id: string;
  topic: string;
  subscribed: boolean;
}

/** What `hive daemon` prints once ready and writes to `<data-dir>/daemon.json`. */
export interface DaemonInfo {
  peer_id: string;
  addrs: string[];
  ipc_url: string;
  token_file: string;
  pid: number;
}

/** Schema of `daemon.json`, for clients that read it. */
export const daemonInfoSchema = z.object({
  peer_id: z.string().min(1),
  addrs: z.array(z.string()),
  ipc_url: z.string().regex(/^ws:\/\//, { error: "expected a ws:// URL" }),
  token_file: z.string().min(1),
  pid: z.int().positive(),
});
