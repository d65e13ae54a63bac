/**
 * The `hive daemon` IPC contract, one set of schemas for both ends: the daemon's server
 * (`commands/daemon/service.ts`) validates requests with {@link requestSchemas}, and the client
 * implementation of the port (`daemon/client.ts`) validates replies and pushed events with
 * {@link replySchemas} and {@link eventSchemas}. Every TypeScript type here is inferred from a
 * schema, so the two ends cannot drift apart. Framing (`{v, id, type, ...}`) is `core/ipc`'s.
 *
 * It also fixes how a client finds a daemon: the daemon prints {@link DaemonInfo} once ready and
 * writes the same to `<data-dir>/daemon.json` ({@link DAEMON_INFO_FILE}); the IPC token sits in
 * {@link TOKEN_FILE} next to the identity.
 *
 * @example
 * ```ts
 * import { type Reply, replySchemas, requestSchemas } from "./ipc_protocol.ts";
 * const params = requestSchemas.publish.parse({ topic: "chat", message: "hi" });
 * const reply: Reply<"publish"> = replySchemas.publish.parse({ topic: "chat", recipients: 2 });
 * ```
 * @module
 */
import { peerIdFromString } from "@libp2p/peer-id";
import { CID } from "multiformats/cid";
import { z } from "zod";
import { multiaddrSchema, p2pMessageSchema, peerEntrySchema, topicSchema } from "./types.ts";

/** Name of the file (in the data dir) that tells clients where the daemon is. */
export const DAEMON_INFO_FILE = "daemon.json";
/** The IPC token file's name, next to the daemon's identity. */
export const TOKEN_FILE = "ipc.token";

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

/**
 * Largest pub/sub payload in a request, in characters: gossipsub's own message limit (1 MiB)
 * bounds what can be sent; the IPC frame limit (1 MiB) bounds it again.
 */
export const MAX_PAYLOAD_CHARS = 1024 * 1024;

// Every string field of every request is bounded. Length checks `abort`, so a parser (peer id,
// CID, multiaddr, base64) never runs over an oversized input.

/** A peer id string (base58 `12D3...` or CID form). */
export const peerIdSchema = z.string().min(1, { abort: true }).max(128, { abort: true }).refine(
  _isPeerId,
  { error: "not a peer id" },
);
/** Standard base64 text (at most the base64 of a 1 MiB payload). */
export const base64Schema = z.string()
  .max(Math.ceil(MAX_PAYLOAD_CHARS / 3) * 4, { abort: true })
  .pipe(z.base64({ error: "expected base64" }));
/** A DHT key: our namespace first, so the DHT's validator accepts it. */
export const dhtKeySchema = z.string().max(512, { abort: true }).regex(/^\/hive\/.+/, {
  error: 'expected a key starting with "/hive/"',
});
/** A content id string. */
export const cidSchema = z.string().min(1, { abort: true }).max(256, { abort: true }).refine(
  _isCid,
  { error: "not a CID" },
);
/** A `ws://` (or `wss://`) IPC URL. */
export const ipcUrlSchema = z.url({ protocol: /^wss?$/, error: "expected a ws:// URL" });

const _empty = z.strictObject({});

const _TOPIC_MIN = topicSchema.minLength ?? 0;
const _TOPIC_MAX = topicSchema.maxLength ?? Infinity;

/**
 * True for the common `publish` request, `{topic, message}` with both strings in bounds, which
 * the full schema would accept unchanged. Anything else (bytes, extra or missing fields, wrong
 * types) answers false and goes through the schema, which also writes the error.
 */
export function isPlainPublish(params: unknown): boolean {
  if (typeof params !== "object" || params === null) return false;
  let fields = 0;
  for (const name in params) {
    if (name !== "topic" && name !== "message") return false;
    fields++;
  }
  const { topic, message } = params as { topic?: unknown; message?: unknown };
  return fields === 2 && typeof topic === "string" && topic.length >= _TOPIC_MIN &&
    topic.length <= _TOPIC_MAX && typeof message === "string" &&
    message.length <= MAX_PAYLOAD_CHARS;
}

/**
 * `schema` with a fast path: input that `accepts` passes is returned as it is, without zod
 * (a zod object parse allocates ~1 KB per request; `publish` runs once per message). `accepts`
 * must only pass input the schema would return unchanged; everything else, and every error
 * message, is the schema's own. Only `safeParse` (what the IPC server calls) takes the fast path.
 */
function _withFastPath<S extends z.ZodType>(schema: S, accepts: (input: unknown) => boolean): S {
  const fast = Object.create(schema) as S;
  Object.defineProperty(fast, "safeParse", {
    value: (input: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) =>
      accepts(input) ? { success: true, data: input } : schema.safeParse(input, params),
  });
  return fast;
}

/** Request type -> schema of its parameters (the frame minus `v`, `id`, `type`). */
export const requestSchemas = {
  get_peer_id: _empty,
  identify: _empty,
  status: _empty,
  publish: _withFastPath(
    z.strictObject({
      topic: topicSchema,
      message: z.string().max(MAX_PAYLOAD_CHARS).optional(),
      data_b64: base64Schema.optional(),
    }).refine((p) => (p.message === undefined) !== (p.data_b64 === undefined), {
      error: "expected exactly one of message, data_b64",
    }),
    isPlainPublish,
  ),
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

/** One bootstrap peer in the `status` reply. */
export const bootstrapPeerStatusSchema = z.object({
  /** The peer id named by the multiaddr. */
  peer_id: z.string(),
  /** The configured multiaddr. */
  addr: z.string(),
  /** Whether a connection to the peer is open now. */
  connected: z.boolean(),
  /** Dials the keeper started (the first one included). */
  attempts: z.int().nonnegative(),
  /** Dials that failed. */
  failures: z.int().nonnegative(),
  /** Times the peer came back after being lost. */
  reconnects: z.int().nonnegative(),
});
/** One bootstrap peer as `status` reports it. */
export type BootstrapPeerStatus = z.output<typeof bootstrapPeerStatusSchema>;

const _peerId = z.object({ peer_id: z.string() });

/** Request type -> schema of its reply's `data`. */
export const replySchemas = {
  get_peer_id: _peerId,
  identify: z.object({
    peer_id: z.string(),
    addrs: z.array(z.string()),
    protocols: z.array(z.string()),
  }),
  status: z.object({
    peer_id: z.string(),
    uptime_s: z.number().nonnegative(),
    peers: z.int().nonnegative(),
    topics: z.array(z.string()),
    clients: z.int().nonnegative(),
    queue_drops: z.int().nonnegative(),
    bootstrap: z.array(bootstrapPeerStatusSchema),
  }),
  publish: z.object({ topic: z.string(), recipients: z.int().nonnegative() }),
  subscribe: z.object({ topic: z.string() }),
  unsubscribe: z.object({ topic: z.string() }),
  list_topics: z.object({ topics: z.array(z.string()) }),
  list_peers: z.object({ peers: z.array(peerEntrySchema) }),
  connect: _peerId,
  disconnect: z.object({ peer: z.string() }),
  ping: z.object({ peer: z.string(), rtt_ms: z.number().nonnegative() }),
};

/** Replies of the `--dht` requests. */
export const dhtReplySchemas = {
  dht_put: z.object({ key: z.string() }),
  dht_get: z.object({ key: z.string(), value_b64: z.string() }),
  provide: z.object({ cid: z.string() }),
  find_providers: z.object({ cid: z.string(), providers: z.array(peerEntrySchema) }),
};

/** Event name -> schema of its `data`, as the daemon pushes them. */
export const eventSchemas = {
  /** A message on a topic this client subscribed to. */
  message_received: p2pMessageSchema,
  peer_connected: z.object({ peer_id: z.string().min(1), addr: z.string() }),
  peer_disconnected: z.object({ peer_id: z.string().min(1) }),
  subscription_change: z.object({
    peer_id: z.string().min(1),
    topic: z.string(),
    subscribed: z.boolean(),
  }),
};

type _Requests = typeof requestSchemas & typeof dhtRequestSchemas;
type _Replies = typeof replySchemas & typeof dhtReplySchemas;

/** Every request type the daemon may serve. */
export type RequestType = keyof _Requests;
/** Parameters of a request, as a client writes them (defaults may be left out). */
export type Request<K extends RequestType> = z.input<_Requests[K]>;
/** Parameters of a request after validation, as the server handles them. */
export type ParsedRequest<K extends RequestType> = z.output<_Requests[K]>;
/** The reply data of a request type. */
export type Reply<K extends RequestType> = z.output<_Replies[K]>;
/** Every event type the daemon pushes. */
export type EventType = keyof typeof eventSchemas;
/** The data of a pushed event. */
export type DaemonEvent<K extends EventType> = z.output<typeof eventSchemas[K]>;

/** The reply schema of any request type. */
export function replySchema<K extends RequestType>(type: K): z.ZodType<Reply<K>> {
  const all: Record<string, z.ZodType> = { ...replySchemas, ...dhtReplySchemas };
  return all[type] as z.ZodType<Reply<K>>;
}

/** What `hive daemon` prints once ready and writes to `<data-dir>/daemon.json`. */
export const daemonInfoSchema = z.object({
  peer_id: z.string().min(1),
  addrs: z.array(z.string()),
  ipc_url: z.string().regex(/^ws:\/\//, { error: "expected a ws:// URL" }),
  token_file: z.string().min(1),
  pid: z.int().positive(),
});
/** A daemon's announcement (see {@link daemonInfoSchema}). */
export type DaemonInfo = z.output<typeof daemonInfoSchema>;
