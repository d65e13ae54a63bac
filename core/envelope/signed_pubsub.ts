/**
 * Envelopes around any publish/subscribe facade: what `hive host` hands its agents so that every
 * message they send is signed with the host's identity and RBAC-checked, and every message they
 * receive was verified (forged, unsigned, replayed, stale or role-denied ones never reach them).
 * When the node's libp2p key is the identity key, envelopes are peer-signed (one signature per
 * message: the node's; see `envelope.ts`), else they carry their own signature.
 * Agents keep their plain API: they publish their payload and receive the sender's payload (`from`
 * stays the relaying peer). The facade also announces the agent record.
 *
 * Generic over the facade's message type so `core/` needs no adapter types: the P2P port's
 * `publish`/`subscribe`/`peers`/`peerId` fit it as they are.
 *
 * @example
 * ```ts
 * import { SignedPubSub } from "./signed_pubsub.ts";
 * const signed = new SignedPubSub({ inner: link.p2p, identity, rbac, logger });
 * await signed.start(); // follows agent records, announces ours every 30 s
 * agents.start({ p2p: signed });
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import {
  type AgentIdentity,
  agentRecordSchema,
  AgentRegistry,
  AGENTS_TOPIC,
  peerIdOfKey,
  recordOf,
} from "../identity/mod.ts";
import type { Logger } from "../logger.ts";
import type { Rbac } from "../rbac/rbac.ts";
import { HiveError } from "../errors.ts";
import { encodeEnvelope, type Envelope, signEnvelope } from "./envelope.ts";
import { EnvelopeVerifier } from "./verifier.ts";

/** The message fields the facade reads and rewrites. */
export interface PubSubMessage {
  topic: string;
  from: string;
  message?: string;
  data_b64?: string;
}

/** What {@link SignedPubSub} wraps (the P2P port fits). */
export interface PubSub<M extends PubSubMessage, P> {
  peerId(): string | null;
  publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }>;
  subscribe(topic: string, handler: (message: M) => void): Promise<() => Promise<void>>;
  peers(topic?: string): Promise<P[]>;
}

/** Options for {@link SignedPubSub}. */
export interface SignedPubSubOptions<M extends PubSubMessage, P> {
  inner: PubSub<M, P>;
  identity: AgentIdentity;
  rbac: Rbac;
  logger: Logger;
  /** Clock-skew window. Default 30 s. */
  skewMs?: number;
  /** Agent record interval. Default 30 s. */
  announceMs?: number;
}

/** A publish/subscribe facade that signs on send and verifies on receive. */
export class SignedPubSub<M extends PubSubMessage, P> implements PubSub<M, P> {
  readonly registry = new AgentRegistry();
  readonly verifier: EnvelopeVerifier;
  readonly #inner: PubSub<M, P>;
  readonly #identity: AgentIdentity;
  readonly #rbac: Rbac;
  readonly #logger: Logger;
  readonly #announceMs: number;
  /** The peer id of our identity key: when our node has it, the node's signature is ours. */
  readonly #peerId: string;
  #timer: ReturnType<typeof setInterval> | undefined;
  #offRecords: (() => Promise<void>) | undefined;

  constructor(options: SignedPubSubOptions<M, P>) {
    this.#inner = options.inner;
    this.#identity = options.identity;
    this.#rbac = options.rbac;
    this.#logger = options.logger;
    this.#announceMs = options.announceMs ?? 30_000;
    this.#peerId = peerIdOfKey(this.#identity.publicKey);
    this.registry.upsert(recordOf(this.#identity, null));
    this.verifier = new EnvelopeVerifier({
      skewMs: options.skewMs,
      keyOf: (id) => this.registry.keyOf(id),
      authorize: (role, topic) => this.#rbac.publishDenial(role, topic),
      onDrop: (drop) => this.#logger.warn("message dropped", { ...drop }),
    });
  }

  /** Follow agent records and announce ours now and every interval. */
  async start(): Promise<void> {
    this.#offRecords = await this.#inner.subscribe(AGENTS_TOPIC, (m) => {
      const result = this.verifier.verify(m.message, m.topic, m.from);
      if (!result.ok) return;
      const env = result.envelope;
      const parsed = agentRecordSchema.safeParse(_json(env.payload));
      // A record speaks only for its signer: same id, key and role as the envelope.
      if (
        parsed.success && parsed.data.id === env.from && parsed.data.public_key === env.key &&
        parsed.data.role === env.role
      ) this.registry.upsert(parsed.data);
      else this.#logger.debug("agent record rejected", { from: env.from });
    });
    const announce = () =>
      this.publish(AGENTS_TOPIC, JSON.stringify(recordOf(this.#identity, this.#inner.peerId())))
        .catch((error) => this.#logger.debug("announce failed", { error }));
    await announce();
    this.#timer = setInterval(announce, this.#announceMs);
  }

  /** Stop announcing and following records. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#offRecords?.();
  }

  peerId(): string | null {
    return this.#inner.peerId();
  }

  peers(topic?: string): Promise<P[]> {
    return this.#inner.peers(topic);
  }

  /** RBAC-check, sign and publish. Bytes travel base64 in a `bytes` envelope. */
  async publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }> {
    const denied = this.#rbac.publishDenial(this.#identity.role, topic);
    if (denied) throw new HiveError(denied, { code: "rbac_denied" });
    const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("base64");
    const type = typeof payload !== "string"
      ? "bytes"
      : topic === AGENTS_TOPIC
      ? "agent"
      : topic.startsWith("/hive/chat/")
      ? "chat"
      : "text";
    const signature = this.#inner.peerId() === this.#peerId ? "peer" : "own";
    const envelope = signEnvelope(this.#identity, { topic, payload: text, type, signature });
    this.verifier.remember(envelope);
    return await this.#inner.publish(topic, encodeEnvelope(envelope));
  }

  /** Receive verified messages: the sender's payload in place of the envelope. */
  subscribe(topic: string, handler: (message: M) => void): Promise<() => Promise<void>> {
    return this.#inner.subscribe(topic, (m) => {
      const result = this.verifier.verify(m.message, m.topic, m.from);
      if (result.ok) handler(_unwrap(m, result.envelope));
    });
  }
}

function _unwrap<M extends PubSubMessage>(m: M, env: Envelope): M {
  const { message: _m, data_b64: _d, ...rest } = m;
  return (env.type === "bytes"
    ? { ...rest, data_b64: env.payload }
    : { ...rest, message: env.payload }) as unknown as M;
}

function _json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
