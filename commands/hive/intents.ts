/**
 * Intent locks (announce, hold, commit), so two members never race for the same action. A member
 * announces INTENT {intent_type, target, initiator, timestamp, expires_at, signature}, holds it
 * (60 s by default) and commits in the commit loop (every 5 s) unless it lost a conflict: two
 * pending intents of one type on one target conflict, and the lexicographically lowest
 * initiator pubkey wins; the loser aborts and sends INTENT_ABORT. Remote intents are remembered so
 * a later local intent on a target already claimed by a lower key loses at once. Intents older
 * than an hour are cleaned up.
 *
 * @module
 */
import { canonicalJson } from "./canonical.ts";

/** Intent types. */
export const INTENT_TYPES = ["channel_open", "rebalance", "ban_peer"] as const;
/** One of {@link INTENT_TYPES}. */
export type IntentType = (typeof INTENT_TYPES)[number];
/** Default hold (s). */
export const DEFAULT_HOLD_SECONDS = 60;
/** Commit loop period (s). */
export const COMMIT_INTERVAL_SECONDS = 5;
/** Age after which intents are cleaned (s). */
export const STALE_INTENT_SECONDS = 3600;

/** Intent status. */
export type IntentStatus = "pending" | "committed" | "aborted" | "expired";

/** One intent. */
export interface Intent {
  intent_type: IntentType;
  target: string;
  initiator: string;
  timestamp: number;
  expires_at: number;
  status: IntentStatus;
}

/** cl-hive's `get_intent_signing_payload`. */
export function intentSigningString(p: Record<string, unknown>): string {
  return canonicalJson({
    intent_type: p.intent_type ?? "",
    target: p.target ?? "",
    initiator: p.initiator ?? "",
    timestamp: p.timestamp ?? 0,
  });
}

/** Signing string of INTENT_ABORT: the intent's fields and the reason. */
export function intentAbortSigningString(p: Record<string, unknown>): string {
  return canonicalJson({
    intent_type: p.intent_type ?? "",
    target: p.target ?? "",
    initiator: p.initiator ?? "",
    timestamp: p.timestamp ?? 0,
    reason: p.reason ?? "",
  });
}

function _key(type: string, target: string): string {
  return `${type}:${target}`;
}

/** What the manager asks its node to do after an event. */
export interface IntentEffects {
  /** Local intents lost: send INTENT_ABORT for each. */
  aborted: Intent[];
}

/** Local and remote intents of one node. */
export class IntentManager {
  readonly self: string;
  readonly holdSeconds: number;
  /** Local intents, oldest first. */
  readonly local: Intent[] = [];
  /** Remote pending intents by type:target, then initiator. */
  readonly remote = new Map<string, Map<string, Intent>>();
  /** Called when a local or remote intent is recorded or changes status (for persistence). */
  onChange?: (intent: Intent) => void;

  constructor(self: string, holdSeconds = DEFAULT_HOLD_SECONDS) {
    this.self = self;
    this.holdSeconds = holdSeconds;
  }

  /** The pending local intent on a target, if any. */
  pendingLocal(type: string, target: string): Intent | undefined {
    return this.local.find((i) =>
      i.status === "pending" && i.intent_type === type && i.target === target
    );
  }

  /**
   * Create a local intent. If a remote pending intent on the same target has a lower key, the
   * new one is born aborted (it has lost already) and is not announced.
   */
  create(type: IntentType, target: string, now: number): Intent {
    const intent: Intent = {
      intent_type: type,
      target,
      initiator: this.self,
      timestamp: now,
      expires_at: now + this.holdSeconds,
      status: "pending",
    };
    const rivals = this.remote.get(_key(type, target));
    if (rivals) {
      for (const r of rivals.values()) {
        if (r.status === "pending" && r.initiator < this.self) intent.status = "aborted";
      }
    }
    this.local.push(intent);
    this.onChange?.(intent);
    return intent;
  }

  /** A remote INTENT arrived: remember it and resolve any conflict with ours. */
  receive(remote: Intent): IntentEffects {
    const key = _key(remote.intent_type, remote.target);
    let m = this.remote.get(key);
    if (!m) this.remote.set(key, m = new Map());
    const known = m.get(remote.initiator);
    if (!known || known.status === "pending") {
      const copy: Intent = { ...remote, status: "pending" };
      m.set(remote.initiator, copy);
      this.onChange?.(copy);
    }
    const mine = this.pendingLocal(remote.intent_type, remote.target);
    if (!mine || remote.initiator === this.self) return { aborted: [] };
    if (this.self < remote.initiator) return { aborted: [] }; // we win; they will abort
    mine.status = "aborted";
    this.onChange?.(mine);
    return { aborted: [mine] };
  }

  /** A remote INTENT_ABORT arrived. */
  receiveAbort(type: string, target: string, initiator: string): void {
    const r = this.remote.get(_key(type, target))?.get(initiator);
    if (r) {
      r.status = "aborted";
      this.onChange?.(r);
    }
  }

  /** The commit loop: local pending intents past their hold commit; returns them. */
  commitDue(now: number): Intent[] {
    const out: Intent[] = [];
    for (const i of this.local) {
      if (i.status === "pending" && now >= i.timestamp + this.holdSeconds) {
        i.status = "committed";
        this.onChange?.(i);
        out.push(i);
      }
    }
    return out;
  }

  /** Forget intents older than an hour; returns how many. */
  cleanup(now: number): number {
    let n = 0;
    for (let k = this.local.length - 1; k >= 0; k--) {
      if (now - this.local[k].timestamp > STALE_INTENT_SECONDS) {
        this.local.splice(k, 1);
        n++;
      }
    }
    for (const [key, m] of this.remote) {
      for (const [who, i] of m) {
        if (now - i.timestamp > STALE_INTENT_SECONDS) {
          m.delete(who);
          n++;
        }
      }
      if (m.size === 0) this.remote.delete(key);
    }
    return n;
  }

  /** Local and remote intents for display (cl-hive's `to_dict` shape plus `scope`). */
  list(): (Intent & { scope: "local" | "remote" })[] {
    const out: (Intent & { scope: "local" | "remote" })[] = this.local.map((i) => ({
      ...i,
      scope: "local",
    }));
    for (const m of this.remote.values()) {
      for (const i of m.values()) out.push({ ...i, scope: "remote" });
    }
    return out;
  }
}

/** Parse an INTENT payload; null when malformed. */
export function parseIntent(p: Record<string, unknown>): Intent | null {
  const t = p.intent_type;
  if (typeof t !== "string" || !(INTENT_TYPES as readonly string[]).includes(t)) return null;
  if (typeof p.target !== "string" || p.target.length === 0 || p.target.length > 256) return null;
  if (typeof p.initiator !== "string" || !/^0[23][0-9a-f]{64}$/.test(p.initiator)) return null;
  if (typeof p.timestamp !== "number" || !Number.isInteger(p.timestamp) || p.timestamp < 0) {
    return null;
  }
  const expires = typeof p.expires_at === "number"
    ? p.expires_at
    : p.timestamp + DEFAULT_HOLD_SECONDS;
  return {
    intent_type: t as IntentType,
    target: p.target,
    initiator: p.initiator,
    timestamp: p.timestamp,
    expires_at: expires,
    status: "pending",
  };
}
