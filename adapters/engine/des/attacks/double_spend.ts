/**
 * `double_spend` in the discrete-event engine: at `startS` the attacker pays the victim (the
 * payment lands in the next honest block) and mines in secret on the block before it with share
 * q. Once the victim's chain holds the payment with z confirmations and the secret chain is
 * strictly longer than the public one, the attacker releases it. Success: the victim had
 * accepted and then reorged the payment away. The attacker gives up when `doubleSpendGiveUp`
 * blocks behind.
 *
 * @module
 */
import type { SimAttack } from "../../types.ts";
import { type DesNetwork, roundTime } from "../network.ts";
import type { DesAttack, DesAttackInit } from "./hook.ts";

type _Spec = Extract<SimAttack, { kind: "double_spend" }>;

/** A double-spend race. */
export class DoubleSpendAttack implements DesAttack {
  readonly kind = "double_spend" as const;
  readonly resolvable = true;
  /** Attacker node. */
  readonly attacker: number;
  /** Victim node. */
  readonly victim: number;
  readonly #net: DesNetwork;
  readonly #spec: _Spec;
  readonly #emit: DesAttackInit<_Spec>["emit"];
  #state: "waiting" | "racing" | "released" | "done" = "waiting";
  #fork = -1;
  #payment = -1;
  #secretTip = -1;
  #secretMined = 0;
  #acceptedTs: number | null = null;
  #releasedTs: number | null = null;
  #victimReorgDepth = 0;
  #success = false;
  #reason = "not_resolved";
  #resolvedTs: number | null = null;
  #emitted = false;

  /** Resolves attacker and victim; `index` names the attack in errors. */
  constructor(init: DesAttackInit<_Spec>) {
    this.#net = init.net;
    this.#spec = init.spec;
    this.#emit = init.emit;
    this.attacker = init.node(init.spec.attacker, "attacker");
    this.victim = init.node(init.spec.victim, "victim");
  }

  /** The attacker's share of the hashrate, 0..1. */
  get q(): number {
    return this.#spec.q;
  }

  /** True once the race has an outcome. */
  get resolved(): boolean {
    return this.#state === "done";
  }

  /** One event at the start. */
  schedule(push: (time: number, phase: number) => void): void {
    push(Math.max(0, this.#spec.startS), 0);
  }

  /** Start racing: mine in secret on the attacker's tip. */
  onEvent(): void {
    this.#state = "racing";
    this.#fork = this.#net.tip[this.attacker];
    this.#secretTip = this.#fork;
  }

  /** Parent for the attacker's next block while racing in secret, else -1. */
  secretParent(): number {
    return this.#state === "racing" ? this.#secretTip : -1;
  }

  /** A block the attacker mined in secret. */
  onSecretBlock(b: number): void {
    this.#secretTip = b;
    this.#secretMined++;
    this.#checkRelease();
  }

  /** The payment goes into the first honest block after the attack starts. */
  onPublicMined(miner: number, block: number): void {
    if (
      this.#state === "racing" && this.#payment < 0 && miner !== this.attacker &&
      this.#net.isAncestor(this.#fork, block)
    ) {
      this.#payment = block;
    }
  }

  /** Remember how deep the victim reorged. */
  onReorg(node: number, depth: number): void {
    if (node === this.victim) this.#victimReorgDepth = depth;
  }

  /** The attacker's tip may allow a release; the victim's may accept or lose the payment. */
  onTipChange(node: number): void {
    if (node === this.attacker) this.#checkRelease();
    if (node === this.victim) this.#checkVictim();
  }

  #checkRelease(): void {
    const net = this.#net;
    if (this.#state !== "racing") return;
    const pub = net.tip[this.attacker];
    const pubH = net.bHeight[pub];
    const secretH = net.bHeight[this.#secretTip];
    if (pubH - secretH >= net.options.doubleSpendGiveUp) {
      this.#resolve(false, "gave_up");
      return;
    }
    if (this.#payment < 0 || !net.isAncestor(this.#payment, pub)) return;
    const confirmed = pubH - net.bHeight[this.#payment] + 1 >= this.#spec.confirmations;
    if (confirmed && secretH > pubH) {
      this.#state = "released";
      this.#releasedTs = net.now;
      net.adopt(this.attacker, this.#secretTip, -1);
    }
  }

  #checkVictim(): void {
    const net = this.#net;
    if (this.#payment < 0 || this.#state === "done") return;
    const tip = net.tip[this.victim];
    const holdsPayment = net.isAncestor(this.#payment, tip);
    if (
      this.#acceptedTs === null && holdsPayment &&
      net.bHeight[tip] - net.bHeight[this.#payment] + 1 >= this.#spec.confirmations
    ) {
      this.#acceptedTs = net.now;
    }
    if (this.#state === "released" && !holdsPayment) {
      if (this.#acceptedTs !== null) this.#resolve(true, "reorged_payment");
      else this.#resolve(false, "released_before_acceptance");
    }
  }

  #resolve(success: boolean, reason: string): void {
    this.#state = "done";
    this.#success = success;
    this.#reason = reason;
    this.#resolvedTs = this.#net.now;
    this.#emitted = true;
    this.#emit(this.#spec.attacker, this.outcome());
  }

  /** Emit the outcome unless the resolution did. */
  finish(): void {
    if (!this.#emitted) this.#emit(this.#spec.attacker, this.outcome());
    this.#emitted = true;
  }

  /** Fork, payment, timing and verdict of the race. */
  outcome(): Record<string, unknown> {
    const net = this.#net;
    const spec = this.#spec;
    const ts = (t: number | null) => (t === null ? null : roundTime(t));
    return {
      attacker: spec.attacker,
      victim: spec.victim,
      q: spec.q,
      confirmations: spec.confirmations,
      start_s: spec.startS,
      fork_height: this.#fork >= 0 ? net.bHeight[this.#fork] : null,
      payment_height: this.#payment >= 0 ? net.bHeight[this.#payment] : null,
      attacker_blocks: this.#secretMined,
      accepted_ts: ts(this.#acceptedTs),
      released_ts: ts(this.#releasedTs),
      victim_reorg_depth: this.#success ? this.#victimReorgDepth : 0,
      resolved_ts: ts(this.#resolvedTs),
      success: this.#success,
      reason: this.#reason,
    };
  }
}
