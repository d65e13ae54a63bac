/**
 * A portal's runtime on the mesh: its identity, the P2P port, RBAC, the envelope verifier, the
 * agent registry and the replicated document store, wired together. The interactive portal and
 * the scriptable subcommands both drive one of these.
 *
 * Sending: RBAC first (refused with the role and the rule), then the envelope is signed (by our
 * node when it holds our identity key, as the hap runtime arranges: peer-signed, see
 * `core/envelope`) and published through a circuit breaker with a time limit, so a daemon that
 * is away makes sends fail fast with a clear message instead of hanging.
 *
 * Receiving: every message is verified (signature, pinned key, topic, clock skew, replay, RBAC
 * for the sender's role); drops are counted per reason and written to the audit log.
 *
 * @module
 */
import type { P2P, Unsubscribe } from "../../adapters/p2p/types.ts";
import { BreakerOpenError, CircuitBreaker } from "../../core/breaker.ts";
import {
  type DocumentRecord,
  DOCUMENTS_TOPIC,
  DocumentStore,
  openDocument,
  putPayload,
  sealDocument,
} from "../../core/documents/mod.ts";
import {
  dropMetrics,
  encodeEnvelope,
  type Envelope,
  EnvelopeVerifier,
  signEnvelope,
} from "../../core/envelope/mod.ts";
import { HiveError, UsageError } from "../../core/errors.ts";
import {
  type AgentIdentity,
  agentRecordSchema,
  AgentRegistry,
  AGENTS_TOPIC,
  type KnownAgent,
  peerIdOfKey,
  recordOf,
} from "../../core/identity/mod.ts";
import type { Logger } from "../../core/logger.ts";
import type { Rbac } from "../../core/rbac/rbac.ts";
import { type HapMessage, RbacDeniedError, toHapMessage, withTimeout } from "./message.ts";
import { type TemplateMessage, templatePayload } from "./templates.ts";

export { type HapMessage, RbacDeniedError } from "./message.ts";

/** Options for {@link HapSession}. */
export interface HapSessionOptions {
  identity: AgentIdentity;
  p2p: P2P;
  rbac: Rbac;
  logger: Logger;
  skewMs?: number;
  announceMs?: number;
  recordTtlMs?: number;
  pinned?: Record<string, string>;
  /** Per-publish time limit. Default 5000 ms. */
  publishTimeoutMs?: number;
  /** Breaker around the daemon; default: opens after 3 failures for 5 s. */
  breaker?: CircuitBreaker;
}

/** What a session reports to its listeners. */
export type SessionEvent =
  | { type: "message"; message: HapMessage }
  | { type: "agent"; agent: KnownAgent; change: "added" | "updated" }
  | { type: "document"; doc: DocumentRecord }
  | { type: "daemon"; state: "up" | "down" };

const _HISTORY = 500;
const _NEIGHBOUR_DELAY_MS = 1000;

/** One portal on the mesh. */
export class HapSession {
  readonly identity: AgentIdentity;
  readonly p2p: P2P;
  readonly rbac: Rbac;
  readonly registry: AgentRegistry;
  readonly verifier: EnvelopeVerifier;
  readonly documents: DocumentStore;
  readonly breaker: CircuitBreaker;
  readonly #logger: Logger;
  readonly #publishTimeoutMs: number;
  readonly #announceMs: number;
  readonly #peerId: string; // of our identity key
  readonly #topics = new Map<string, Unsubscribe>();
  readonly #listeners = new Set<(event: SessionEvent) => void>();
  /** Newest last; our own sends stay envelopes until read (most are never read). */
  readonly #history: (HapMessage | { sent: Envelope; peer: string })[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();
  #offP2P: (() => void) | undefined;
  #sent = 0;
  #daemonUp = true;

  constructor(options: HapSessionOptions) {
    this.identity = options.identity;
    this.p2p = options.p2p;
    this.rbac = options.rbac;
    this.#logger = options.logger;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.#announceMs = options.announceMs ?? 30_000;
    this.#peerId = peerIdOfKey(this.identity.publicKey);
    this.registry = new AgentRegistry({ ttlMs: options.recordTtlMs, pinned: options.pinned });
    this.registry.upsert(recordOf(this.identity, null));
    this.verifier = new EnvelopeVerifier({
      skewMs: options.skewMs,
      keyOf: (id) => this.registry.keyOf(id),
      authorize: (role, topic) => this.rbac.publishDenial(role, topic),
      onDrop: (drop) => this.#logger.warn("message dropped", { ...drop }),
    });
    this.documents = new DocumentStore({ keyOf: (id) => this.registry.keyOf(id) });
    this.breaker = options.breaker ??
      new CircuitBreaker({ failureThreshold: 3, openMs: 5000 });
  }

  /** Join the mesh: follow agent records and documents, announce ourselves, ask for documents. */
  async start(): Promise<void> {
    this.#offP2P = this.p2p.on((event) => {
      if (event.type === "down" || event.type === "up") {
        this.#daemonUp = event.type === "up";
        if (event.type === "up") {
          this.breaker.reset();
          void this.announce().catch(() => {});
        }
        this.#emit({ type: "daemon", state: event.type });
      } else if (event.type === "peer_connected") {
        // A new neighbour knows nothing of us yet: once gossipsub has exchanged subscriptions,
        // announce ourselves and ask for the documents we lack.
        const timer = setTimeout(() => void this.#refresh(), _NEIGHBOUR_DELAY_MS);
        this.#pending.add(timer);
      }
    });
    await this.#subscribeRaw(AGENTS_TOPIC, (env) => this.#onRecord(env));
    await this.#subscribeRaw(DOCUMENTS_TOPIC, (env) => this.#onDocumentMessage(env));
    await this.announce().catch((error) => this.#logger.warn("announce failed", { error }));
    await this.#publishSigned(DOCUMENTS_TOPIC, this.documents.syncRequest(), "document")
      .catch(() => {});
    this.#timer = setInterval(() => void this.#refresh(), this.#announceMs);
  }

  /** Announce, and ask for newer documents (answers carry only what the asker lacks). */
  async #refresh(): Promise<void> {
    await this.announce().catch((error) => this.#logger.debug("announce failed", { error }));
    await this.#publishSigned(DOCUMENTS_TOPIC, this.documents.syncRequest(), "document")
      .catch(() => {});
  }

  /** Listen for {@link SessionEvent}s; returns a function that removes the listener. */
  on(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** True unless the daemon was reported down. */
  get daemonUp(): boolean {
    return this.#daemonUp;
  }

  /** Publish our signed agent record. */
  async announce(): Promise<void> {
    const record = recordOf(this.identity, this.p2p.peerId());
    this.registry.upsert(record);
    await this.#publishSigned(AGENTS_TOPIC, JSON.stringify(record), "agent");
  }

  /** Follow `topic`: verified messages arrive as `message` events. RBAC checks subscribing. */
  async join(topic: string): Promise<void> {
    if (this.#topics.has(topic)) return;
    const denied = this.rbac.subscribeDenial(this.identity.role, topic);
    if (denied) throw new RbacDeniedError(denied);
    await this.#subscribeRaw(topic, (env, peer) => this.#onMessage(env, peer));
  }

  /** Stop following `topic`. */
  async leave(topic: string): Promise<boolean> {
    const off = this.#topics.get(topic);
    if (!off || topic === AGENTS_TOPIC || topic === DOCUMENTS_TOPIC) return false;
    this.#topics.delete(topic);
    await off();
    return true;
  }

  /** Topics followed by the person (the internal ones left out). */
  topics(): string[] {
    return [...this.#topics.keys()].filter((t) => t !== AGENTS_TOPIC && t !== DOCUMENTS_TOPIC);
  }

  /** Send a chat line on `topic`. */
  async sendChat(topic: string, text: string): Promise<{ recipients: number; envelope: Envelope }> {
    const payload = JSON.stringify({ v: 1, text, sent_at: new Date().toISOString() });
    return await this.send(topic, payload, "chat");
  }

  /** Send a filled template on `topic` (see {@link templatePayload}). */
  async sendTemplate(
    topic: string,
    message: TemplateMessage,
  ): Promise<{ recipients: number; envelope: Envelope }> {
    return await this.send(topic, templatePayload(message), "template");
  }

  /** Sign and publish `payload` on `topic` after the RBAC check. */
  async send(
    topic: string,
    payload: string,
    type: string,
  ): Promise<{ recipients: number; envelope: Envelope }> {
    const denied = this.rbac.publishDenial(this.identity.role, topic);
    if (denied) throw new RbacDeniedError(denied);
    const result = await this.#publishSigned(topic, payload, type);
    this.#remember({ sent: result.envelope, peer: this.p2p.peerId() ?? "" });
    return result;
  }

  /** Live agent records (ourselves included). */
  agents(): KnownAgent[] {
    return this.registry.list();
  }

  /** Messages seen on `topic` (or all), newest last. */
  history(topic?: string, limit = 20): HapMessage[] {
    const all = topic
      ? this.#history.filter((m) => ("sent" in m ? m.sent.topic : m.topic) === topic)
      : this.#history;
    return all.slice(-limit).map((m) => "sent" in m ? toHapMessage(m.sent, m.peer, true) : m);
  }

  /**
   * Encrypt `content` to every current member of `roles`, sign it, keep it and publish it on the
   * documents topic.
   */
  async put(name: string, roles: string[], content: string): Promise<DocumentRecord> {
    const denied = this.rbac.capabilityDenial(this.identity.role, "documents.write");
    if (denied) throw new RbacDeniedError(denied);
    for (const role of roles) {
      if (!this.rbac.rules(role)) {
        throw new UsageError(
          `--roles: ${role} is not in rbac.roles (${this.rbac.roles().join(", ")})`,
        );
      }
    }
    const doc = await sealDocument(this.identity, {
      name,
      roles,
      recipients: this.registry.membersOf(roles),
      content,
    });
    this.documents.add(doc);
    await this.#publishSigned(DOCUMENTS_TOPIC, putPayload(doc), "document");
    return doc;
  }

  /** Fetch (waiting up to `waitMs` for replication) and decrypt a document. */
  async get(name: string, waitMs = 3000): Promise<{ doc: DocumentRecord; content: string }> {
    const denied = this.rbac.capabilityDenial(this.identity.role, "documents.read");
    if (denied) throw new RbacDeniedError(denied);
    let doc = this.documents.get(name);
    if (!doc) {
      await this.#publishSigned(DOCUMENTS_TOPIC, this.documents.syncRequest(), "document")
        .catch(() => {});
      const deadline = Date.now() + waitMs;
      while (!(doc = this.documents.get(name)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (!doc) {
      throw new HiveError(`no document named ${name} on the mesh (waited ${waitMs} ms)`, {
        code: "not_found",
      });
    }
    const bytes = await openDocument(doc, this.identity);
    return { doc, content: new TextDecoder().decode(bytes) };
  }

  /** Counters in the Prometheus text format. */
  metrics(): string {
    const b = this.breaker.counters;
    return dropMetrics(this.verifier.drops(), this.verifier.accepted, "hive_hap") +
      `# TYPE hive_hap_sent_total counter\nhive_hap_sent_total ${this.#sent}\n` +
      `# TYPE hive_hap_breaker_rejected_total counter\nhive_hap_breaker_rejected_total ${b.rejected}\n` +
      `# TYPE hive_hap_agents gauge\nhive_hap_agents ${this.registry.list().length}\n` +
      `# TYPE hive_hap_documents gauge\nhive_hap_documents ${this.documents.list().length}\n`;
  }

  /** Leave every topic and stop announcing (the P2P port is closed by its owner). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const timer of this.#pending) clearTimeout(timer);
    this.#offP2P?.();
    const offs = [...this.#topics.values()];
    this.#topics.clear();
    await Promise.allSettled(offs.map((off) => off()));
  }

  async #subscribeRaw(
    topic: string,
    handler: (env: Envelope, peer: string) => void,
  ): Promise<void> {
    const off = await this.#guarded(topic, () =>
      this.p2p.subscribe(topic, (m) => {
        const result = this.verifier.verify(m.message, m.topic, m.from);
        if (result.ok) handler(result.envelope, m.from);
      }));
    this.#topics.set(topic, off);
  }

  async #publishSigned(
    topic: string,
    payload: string,
    type: string,
  ): Promise<{ recipients: number; envelope: Envelope }> {
    // A node with our key signs for us (one signature); any other node: sign it ourselves.
    const signature = this.p2p.peerId() === this.#peerId ? "peer" : "own";
    const envelope = signEnvelope(this.identity, { topic, payload, type, signature });
    this.verifier.remember(envelope);
    const { recipients } = await this.#guarded(
      topic,
      () => this.p2p.publish(topic, encodeEnvelope(envelope)),
    );
    this.#sent++;
    return { recipients, envelope };
  }

  /** Run one call to the daemon through the breaker, with a time limit. */
  async #guarded<T>(topic: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.call(() => withTimeout(fn(), this.#publishTimeoutMs));
    } catch (error) {
      if (error instanceof BreakerOpenError) {
        throw new HiveError(
          `the daemon is unreachable; not sent to ${topic} (failing fast, next try in ` +
            `${Math.ceil(error.retryInMs / 1000)} s)`,
          { code: "daemon_unreachable" },
        );
      }
      if (error instanceof HiveError && error.code === "timeout") {
        throw new HiveError(
          `the daemon did not answer within ${this.#publishTimeoutMs} ms; not sent to ${topic}`,
          { code: "daemon_unreachable" },
        );
      }
      throw error;
    }
  }

  #onRecord(env: Envelope): void {
    let record;
    try {
      record = agentRecordSchema.parse(JSON.parse(env.payload));
    } catch {
      this.#logger.warn("agent record rejected", { from: env.from, reason: "malformed" });
      return;
    }
    if (record.id !== env.from || record.public_key !== env.key || record.role !== env.role) {
      this.#logger.warn("agent record rejected", { from: env.from, reason: "not its sender's" });
      return;
    }
    const change = this.registry.upsert(record);
    if (change === "key_mismatch") return;
    const agent = this.registry.get(record.id);
    if (agent) this.#emit({ type: "agent", agent, change });
  }

  #onDocumentMessage(env: Envelope): void {
    const { replies, stored, result } = this.documents.handle(env.payload);
    if (result === "tampered") {
      this.#logger.warn("document refused", { from: env.from, reason: "tampered" });
    }
    if (stored) this.#emit({ type: "document", doc: stored });
    for (const reply of replies) {
      void this.#publishSigned(DOCUMENTS_TOPIC, reply, "document").catch(() => {});
    }
  }

  #onMessage(env: Envelope, peer: string): void {
    const message = toHapMessage(env, peer, false);
    this.#remember(message);
    this.#emit({ type: "message", message });
  }

  #remember(message: HapMessage | { sent: Envelope; peer: string }): void {
    // Trimmed in steps of _HISTORY, not one entry per message.
    if (this.#history.push(message) >= 2 * _HISTORY) this.#history.splice(0, _HISTORY);
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.debug("session listener failed", { error });
      }
    }
  }
}
