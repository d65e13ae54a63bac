/**
 * The receiving side of envelopes: parse, verify, and drop what must not be believed. Each drop
 * has a reason, counted for `/metrics` and reported to a callback (the audit log):
 *
 * - `unsigned`: not an envelope at all (plain text, another format) or one without a signature;
 * - `malformed`: an envelope whose fields do not check;
 * - `bad_signature`: the signature does not verify (forged, or any byte tampered), or a
 *   peer-signed envelope was published by a peer other than the one its key makes;
 * - `key_mismatch`: signed, but by a key other than the one pinned for the sender's id;
 * - `topic_mismatch`: signed for another topic and replayed here;
 * - `stale`: the sender's timestamp lies outside the clock-skew window;
 * - `replayed`: the same sender and nonce were already seen;
 * - `rbac_denied`: the sender's role may not publish on this topic.
 *
 * @example
 * ```ts
 * import { EnvelopeVerifier } from "./verifier.ts";
 * const verifier = new EnvelopeVerifier({ skewMs: 30_000, onDrop: (d) => audit.warn("dropped", d) });
 * const result = verifier.verify(message.message, message.topic, message.from);
 * if (result.ok) show(result.envelope);
 * ```
 * @module
 */
import { peerIdOfBase64Key } from "../identity/peer_key.ts";
import { type Envelope, parseEnvelope, PEER_SIGNATURE, signatureValid } from "./envelope.ts";

/** Why an incoming message was dropped. */
export const DROP_REASONS = [
  "unsigned",
  "malformed",
  "bad_signature",
  "key_mismatch",
  "topic_mismatch",
  "stale",
  "replayed",
  "rbac_denied",
] as const;
/** A drop reason. */
export type DropReason = typeof DROP_REASONS[number];

/** A dropped message, as reported to {@link VerifierOptions.onDrop}. */
export interface Drop {
  reason: DropReason;
  topic: string;
  /** Claimed sender id, when the message parsed far enough to have one. */
  from?: string;
  role?: string;
  detail: string;
}

/** Outcome of {@link EnvelopeVerifier.verify}. */
export type VerifyResult = { ok: true; envelope: Envelope } | ({ ok: false } & Drop);

/** Options for {@link EnvelopeVerifier}. */
export interface VerifierOptions {
  /** Largest accepted difference between the sender's clock and ours. Default 30 s. */
  skewMs?: number;
  /** Key pinned for an id (base64), or undefined when the id is new. */
  keyOf?: (id: string) => string | undefined;
  /** RBAC on receive: a denial message, or null when the sender may publish on the topic. */
  authorize?: (role: string, topic: string) => string | null;
  /** Called for every drop (write it to the audit log). */
  onDrop?: (drop: Drop) => void;
  /** Most remembered nonces before old ones are pruned. Default 100 000. */
  maxNonces?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Verifies incoming envelopes and counts what it drops. */
export class EnvelopeVerifier {
  readonly #skewMs: number;
  readonly #keyOf?: (id: string) => string | undefined;
  readonly #authorize?: (role: string, topic: string) => string | null;
  readonly #onDrop?: (drop: Drop) => void;
  readonly #maxNonces: number;
  readonly #now: () => number;
  /**
   * Nonces seen, in slots of one skew window of sender time (slot = floor(ts / window)): sender
   * id -> nonces. A nonce is needed only while its envelope could still pass the clock check, so
   * whole slots are dropped once they are older than that (a replay of them is `stale`).
   */
  readonly #slots = new Map<number, Map<string, Set<string>>>();
  #remembered = 0;
  readonly #drops = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<
    DropReason,
    number
  >;
  #accepted = 0;

  constructor(options: VerifierOptions = {}) {
    this.#skewMs = options.skewMs ?? 30_000;
    this.#keyOf = options.keyOf;
    this.#authorize = options.authorize;
    this.#onDrop = options.onDrop;
    this.#maxNonces = options.maxNonces ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Verify one raw message received on `topic`. `author` is the libp2p peer that published it
   * (the P2P port's `from`, checked by our node's strict signing): a peer-signed envelope is
   * accepted only from the peer of its own key, and never without an author.
   */
  verify(raw: string | undefined, topic: string, author?: string): VerifyResult {
    if (raw === undefined) return this.#drop({ reason: "unsigned", topic, detail: "binary" });
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return this.#drop({ reason: "unsigned", topic, detail: "not an envelope" });
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      return this.#drop({ reason: "unsigned", topic, detail: "not an envelope" });
    }
    const record = data as Record<string, unknown>;
    const from = typeof record.from === "string" ? record.from.slice(0, 64) : undefined;
    const role = typeof record.role === "string" ? record.role.slice(0, 32) : undefined;
    if (record.sig === undefined || record.sig === "") {
      return this.#drop({ reason: "unsigned", topic, from, role, detail: "no signature" });
    }
    const parsed = parseEnvelope(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const detail = `${issue.path.join(".") || "envelope"}: ${issue.message}`;
      return this.#drop({ reason: "malformed", topic, from, role, detail });
    }
    const env = parsed.data;
    // Drops name the sender (the object is made only for a drop).
    const drop = (reason: DropReason, detail: string) =>
      this.#drop({ reason, topic, from: env.from, role: env.role, detail });
    if (env.sig === PEER_SIGNATURE) {
      const peer = peerIdOfBase64Key(env.key);
      if (author === undefined || peer === null || peer !== author) {
        return drop(
          "bad_signature",
          `peer-signed, but published by ${author ?? "an unknown peer"}, not by the peer ` +
            `of its key (${peer ?? "not an Ed25519 key"})`,
        );
      }
    } else if (!signatureValid(env)) {
      return drop("bad_signature", "signature does not verify");
    }
    const pinned = this.#keyOf?.(env.from);
    if (pinned !== undefined && pinned !== env.key) {
      return drop("key_mismatch", `signed by a key other than the one known for ${env.from}`);
    }
    if (env.topic !== topic) {
      return drop("topic_mismatch", `signed for ${env.topic}`);
    }
    const now = this.#now();
    if (Math.abs(now - env.ts) > this.#skewMs) {
      const window = Math.round(this.#skewMs / 1000);
      return drop(
        "stale",
        `sent ${Math.round((now - env.ts) / 1000)} s from our clock (window ±${window} s)`,
      );
    }
    if (this.#seen(env.from, env.nonce, now)) {
      return drop("replayed", `nonce ${env.nonce} seen before`);
    }
    const denied = this.#authorize?.(env.role, topic) ?? null;
    if (denied !== null) return drop("rbac_denied", denied);
    this.#remember(env.from, env.nonce, env.ts, now);
    this.#accepted++;
    return { ok: true, envelope: env };
  }

  /** Nonces remembered now (bounded by `maxNonces`). */
  get remembered(): number {
    return this.#remembered;
  }

  /** Messages accepted so far. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Drops so far, per reason (every reason present, zero included). */
  drops(): Record<DropReason, number> {
    return { ...this.#drops };
  }

  /** Remember a nonce of our own sending, so our messages echoed back are not taken twice. */
  remember(env: Envelope): void {
    this.#remember(env.from, env.nonce, env.ts, this.#now());
  }

  #seen(from: string, nonce: string, now: number): boolean {
    // Live slots lie from two windows before now to one after (older ones are dropped, and the
    // clock check refused any later): four direct lookups.
    const first = Math.floor(now / this.#skewMs) - 2;
    for (let index = first; index <= first + 3; index++) {
      if (this.#slots.get(index)?.get(from)?.has(nonce)) return true;
    }
    return false;
  }

  #remember(from: string, nonce: string, ts: number, now: number): void {
    const index = Math.floor(ts / this.#skewMs);
    let slot = this.#slots.get(index);
    if (!slot) {
      this.#forgetOld(now);
      this.#slots.set(index, slot = new Map());
    }
    let nonces = slot.get(from);
    if (!nonces) slot.set(from, nonces = new Set());
    nonces.add(nonce);
    if (++this.#remembered > this.#maxNonces) this.#forgetOldest();
  }

  /** Drop slots whose every envelope is outside the window now (a replay of them is `stale`). */
  #forgetOld(now: number): void {
    for (const [index, slot] of this.#slots) {
      if ((index + 1) * this.#skewMs < now - this.#skewMs) this.#forget(index, slot);
    }
  }

  /** Over the bound (a flood inside one window): forget the oldest slot, or half of it. */
  #forgetOldest(): void {
    this.#forgetOld(this.#now());
    if (this.#remembered <= this.#maxNonces) return;
    const oldest = Math.min(...this.#slots.keys());
    const slot = this.#slots.get(oldest)!;
    if (this.#slots.size > 1) return this.#forget(oldest, slot);
    // One slot left: forget its oldest nonces (sets keep insertion order) down to half the bound.
    let excess = this.#remembered - Math.floor(this.#maxNonces / 2);
    for (const nonces of slot.values()) {
      for (const nonce of nonces) {
        if (excess-- <= 0) return;
        nonces.delete(nonce);
        this.#remembered--;
      }
    }
  }

  #forget(index: number, slot: Map<string, Set<string>>): void {
    for (const nonces of slot.values()) this.#remembered -= nonces.size;
    this.#slots.delete(index);
  }

  #drop(drop: Drop): VerifyResult {
    this.#drops[drop.reason]++;
    this.#onDrop?.(drop);
    return { ok: false, ...drop };
  }
}

/** Drop counters in the Prometheus text format, for `/metrics`. */
export function dropMetrics(
  drops: Record<DropReason, number>,
  accepted: number,
  prefix = "hive",
): string {
  const lines = [
    `# HELP ${prefix}_envelopes_accepted_total Envelopes verified and accepted.`,
    `# TYPE ${prefix}_envelopes_accepted_total counter`,
    `${prefix}_envelopes_accepted_total ${accepted}`,
    `# HELP ${prefix}_envelopes_dropped_total Incoming messages dropped, by reason.`,
    `# TYPE ${prefix}_envelopes_dropped_total counter`,
    ...DROP_REASONS.map((r) => `${prefix}_envelopes_dropped_total{reason="${r}"} ${drops[r]}`),
  ];
  return lines.join("\n") + "\n";
}
