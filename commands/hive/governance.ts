/**
 * Governance: what happens to an action the fleet decided on. `advisor` queues it for an operator
 * to approve or reject; `autonomous` executes it within a daily sats budget and an actions-per-
 * hour limit (queuing what exceeds them); `oracle` asks an HTTP endpoint
 * (POST {action} -> {"decision": "approve"|"reject"}) and, if it does not answer within the
 * timeout or answers nonsense, falls back to advisor.
 *
 * @module
 */

/** Modes. */
export const GOVERNANCE_MODES = ["advisor", "autonomous", "oracle"] as const;
/** One of {@link GOVERNANCE_MODES}. */
export type GovernanceMode = (typeof GOVERNANCE_MODES)[number];

/** An action waiting for or past a decision (cl-hive's pending_actions row). */
export interface PendingAction {
  id: number;
  action_type: string;
  payload: Record<string, unknown>;
  amount_sats: number;
  proposed_at: number;
  status: "pending" | "approved" | "rejected" | "executed" | "failed";
  decided_by: string | null;
}

/** Governance settings. */
export interface GovernanceConfig {
  mode: GovernanceMode;
  budget_sats_per_day: number;
  actions_per_hour: number;
  oracle_url: string | null;
  oracle_timeout_ms: number;
}

/** Defaults (cl-hive's failsafe values). */
export const DEFAULT_GOVERNANCE: GovernanceConfig = {
  mode: "advisor",
  budget_sats_per_day: 1_000_000,
  actions_per_hour: 2,
  oracle_url: null,
  oracle_timeout_ms: 5000,
};

/** Outcome of {@link Governance.submit}. */
export type Decision = {
  outcome: "queued" | "executed" | "rejected" | "failed";
  action: PendingAction;
  note: string;
};

/** Applies the mode; persistence and execution are the caller's (passed in). */
export class Governance {
  config: GovernanceConfig;
  readonly actions: PendingAction[] = [];
  #nextId = 1;
  readonly #execute: (a: PendingAction) => Promise<void>;
  readonly #fetch: typeof fetch;
  /** Called after any change of an action (for persistence). */
  onChange?: (a: PendingAction) => void;

  constructor(options: {
    config: GovernanceConfig;
    execute: (a: PendingAction) => Promise<void>;
    fetch?: typeof fetch;
    actions?: PendingAction[];
  }) {
    this.config = options.config;
    this.#execute = options.execute;
    this.#fetch = options.fetch ?? fetch;
    for (const a of options.actions ?? []) this.actions.push(a);
    this.#nextId = Math.max(0, ...this.actions.map((a) => a.id)) + 1;
  }

  /** Pending actions. */
  pending(): PendingAction[] {
    return this.actions.filter((a) => a.status === "pending");
  }

  /** Decide on a new action. */
  async submit(
    actionType: string,
    payload: Record<string, unknown>,
    amountSats: number,
    now: number,
  ): Promise<Decision> {
    const action: PendingAction = {
      id: this.#nextId++,
      action_type: actionType,
      payload,
      amount_sats: amountSats,
      proposed_at: now,
      status: "pending",
      decided_by: null,
    };
    this.actions.push(action);
    this.onChange?.(action);
    const mode = this.config.mode;
    if (mode === "autonomous") {
      const why = this.#overLimit(amountSats, now);
      if (why) return { outcome: "queued", action, note: why };
      return await this.#run(action, "autonomous");
    }
    if (mode === "oracle") {
      const verdict = await this.#ask(action);
      if (verdict === "approve") return await this.#run(action, "oracle");
      if (verdict === "reject") {
        this.#set(action, "rejected", "oracle");
        return { outcome: "rejected", action, note: "oracle rejected" };
      }
      return { outcome: "queued", action, note: `oracle ${verdict}; fell back to advisor` };
    }
    return { outcome: "queued", action, note: "advisor mode: awaiting approval" };
  }

  /** Operator approval of a pending action. */
  async approve(id: number): Promise<Decision> {
    const a = this.#pendingById(id);
    return await this.#run(a, "operator");
  }

  /** Operator rejection. */
  reject(id: number): Decision {
    const a = this.#pendingById(id);
    this.#set(a, "rejected", "operator");
    return { outcome: "rejected", action: a, note: "rejected by operator" };
  }

  #pendingById(id: number): PendingAction {
    const a = this.actions.find((x) => x.id === id);
    if (!a) throw new RangeError(`no action ${id}`);
    if (a.status !== "pending") throw new RangeError(`action ${id} is already ${a.status}`);
    return a;
  }

  #overLimit(amount: number, now: number): string | null {
    const done = this.actions.filter((a) => a.status === "executed");
    const day = done.filter((a) => now - a.proposed_at < 86400).reduce(
      (s, a) => s + a.amount_sats,
      0,
    );
    if (day + amount > this.config.budget_sats_per_day) {
      return `daily budget: ${day} + ${amount} > ${this.config.budget_sats_per_day} sats`;
    }
    const hour = done.filter((a) => now - a.proposed_at < 3600).length;
    if (hour >= this.config.actions_per_hour) {
      return `rate limit: ${hour} actions in the last hour (max ${this.config.actions_per_hour})`;
    }
    return null;
  }

  async #run(a: PendingAction, by: string): Promise<Decision> {
    try {
      await this.#execute(a);
      this.#set(a, "executed", by);
      return { outcome: "executed", action: a, note: `executed (${by})` };
    } catch (e) {
      this.#set(a, "failed", by);
      return { outcome: "failed", action: a, note: (e as Error).message };
    }
  }

  #set(a: PendingAction, status: PendingAction["status"], by: string): void {
    a.status = status;
    a.decided_by = by;
    this.onChange?.(a);
  }

  async #ask(a: PendingAction): Promise<"approve" | "reject" | "timeout" | "error"> {
    if (!this.config.oracle_url) return "error";
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.config.oracle_timeout_ms);
    try {
      const res = await this.#fetch(this.config.oracle_url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: a }),
        signal: ctl.signal,
      });
      const body = await res.json().catch(() => null) as { decision?: unknown } | null;
      if (!res.ok || !body) return "error";
      return body.decision === "approve" || body.decision === "reject" ? body.decision : "error";
    } catch {
      return ctl.signal.aborted ? "timeout" : "error";
    } finally {
      clearTimeout(timer);
    }
  }
}
