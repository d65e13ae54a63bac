/**
 * The receiving side of envelopes: parse, verify, and drop what must not be believed. Each drop
 * has a reason, counted for `/metrics` and reported to a callback (the audit log):
 *
 * - `unsigned`: not an envelope at all (plain text, another format) or one without a signature;
 * - `malformed`: an envelope whose fields do not check;
 * - `bad_signature`: the signature does not verify (forged, or any byte tampered);
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
 * const result = verifier.verify(message.message ?? "", message.topic);
 * if (result.ok) show(result.envelope);
 * ```
 * @module
 */
import { type Envelope, envelopeSchema, signatureValid } from "./envelope.ts";

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
  /** `from \0 nonce` -> the envelope's ts; entries older than the skew window can go. */
  readonly #seen = new Map<string, number>();
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

  /** Verify one raw message received on `topic`. */
  verify(raw: string | undefined, topic: string): VerifyResult {
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
    const parsed = envelopeSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const detail = `${issue.path.join(".") || "envelope"}: ${issue.message}`;
      return this.#drop({ reason: "malformed", topic, from, role, detail });
    }
    const env = parsed.data;
    const who = { topic, from: env.from, role: env.role };
    if (!signatureValid(env)) {
      return this.#drop({ ...who, reason: "bad_signature", detail: "signature does not verify" });
    }
    const pinned = this.#keyOf?.(env.from);
    if (pinned !== undefined && pinned !== env.key) {
      return this.#drop({
        ...who,
        reason: "key_mismatch",
        detail: `signed by a key other than the one known for ${env.from}`,
      });
    }
    if (env.topic !== topic) {
      return this.#drop({ ...who, reason: "topic_mismatch", detail: `signed for ${env.topic}` });
    }
    const now = this.#now();
    if (Math.abs(now - env.ts) > this.#skewMs) {
      return this.#drop({
        ...who,
        reason: "stale",
        detail: `sent ${Math.round((now - env.ts) / 1000)} s from our clock (window ±${
          Math.round(this.#skewMs / 1000)
        } s)`,
      });
    }
    const nonceKey = `${env.from}\0${env.nonce}`;
    if (this.#seen.has(nonceKey)) {
      return this.#drop({ ...who, reason: "replayed", detail: `nonce ${env.nonce} seen before` });
    }
    const denied = this.#authorize?.(env.role, topic) ?? null;
    if (denied !== null) return this.#drop({ ...who, reason: "rbac_denied", detail: denied });
    this.#remember(nonceKey, env.ts, now);
    this.#accepted++;
    return { ok: true, envelope: env };
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
    this.#remember(`${env.from}\0${env.nonce}`, env.ts, this.#now());
  }

  #remember(key: string, ts: number, now: number): void {
    this.#seen.set(key, ts);
    if (this.#seen.size > this.#maxNonces) this.#prune(now);
  }

  /**
   * Forget nonces whose envelopes are outside the window anyway (a replay of them is `stale`);
   * if that is not enough, forget the oldest half.
   */
  #prune(now: number): void {
    for (const [key, ts] of this.#seen) {
      if (Math.abs(now - ts) > this.#skewMs) this.#seen.delete(key);
    }
    if (this.#seen.size <= this.#maxNonces) return;
    let excess = this.#seen.size - Math.floor(this.#maxNonces / 2);
    for (const key of this.#seen.keys()) {
      if (excess-- <= 0) break;
      this.#seen.delete(key);
    }
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
