/**
 * `eclipse` in the discrete-event engine: from `startS` the victim's links to honest peers are
 * cut; attacker links hold honest blocks for `delayS` or never pass them. Outcome: how far and
 * how long the victim lags the best height (success: behind for at least half of the sampled
 * time).
 *
 * @module
 */
import type { SimAttack } from "../../types.ts";
import type { DesNetwork } from "../network.ts";
import { type DesAttack, type DesAttackInit, round4 } from "./hook.ts";

type _Spec = Extract<SimAttack, { kind: "eclipse" }>;

/** An eclipse attack. */
export class EclipseAttack implements DesAttack {
  readonly kind = "eclipse" as const;
  readonly resolvable = false;
  readonly resolved = false;
  readonly #net: DesNetwork;
  readonly #spec: _Spec;
  readonly #emit: DesAttackInit<_Spec>["emit"];
  readonly #victim: number;
  readonly #attackers: Set<number>;
  #started = false;
  #samples = 0;
  #behind = 0;
  #lagSum = 0;
  #maxLag = 0;
  #withheld = 0;
  #delayed = 0;

  /** Resolves the victim and attacker nodes. */
  constructor(init: DesAttackInit<_Spec>) {
    this.#net = init.net;
    this.#spec = init.spec;
    this.#emit = init.emit;
    this.#victim = init.node(init.spec.victim, "victim");
    this.#attackers = new Set(init.spec.attackers.map((a, k) => init.node(a, `attackers[${k}]`)));
  }

  /** One event at the start. */
  schedule(push: (time: number, phase: number) => void): void {
    push(Math.max(0, this.#spec.startS), 0);
  }

  /** Cut the victim from honest peers; make attacker links hold honest blocks. */
  onEvent(): void {
    const net = this.#net;
    this.#started = true;
    const v = this.#victim;
    const behaviour = this.#spec.behaviour;
    for (let e = net.adjStart[v]; e < net.adjStart[v + 1]; e++) {
      const p = net.adjTo[e];
      const back = net.reverseEdge(p, v);
      if (!this.#attackers.has(p)) {
        net.adjCut[e]++;
        net.adjCut[back]++;
      } else {
        net.adjHold[back] = behaviour.kind === "withhold"
          ? Infinity
          : Math.max(1e-9, behaviour.delayS);
      }
    }
  }

  /** Count a dropped block bound for the victim. */
  onWithheld(_from: number, to: number): void {
    if (this.#victim === to) this.#withheld++;
  }

  /** Count a held block bound for the victim. */
  onDelayed(_from: number, to: number): void {
    if (this.#victim === to) this.#delayed++;
  }

  /** Sample the victim's lag behind the best height. */
  onSample(): void {
    if (!this.#started) return;
    const lag = this.#net.maxHeight - this.#net.tipHeight[this.#victim];
    this.#samples++;
    this.#lagSum += lag;
    if (lag > 0) this.#behind++;
    if (lag > this.#maxLag) this.#maxLag = lag;
  }

  /** Emit the outcome. */
  finish(): void {
    this.#emit(this.#spec.victim, this.outcome());
  }

  /** Lag statistics and relays held or dropped. */
  outcome(): Record<string, unknown> {
    const net = this.#net;
    const spec = this.#spec;
    const fraction = this.#samples > 0 ? this.#behind / this.#samples : 0;
    return {
      victim: spec.victim,
      attackers: this.#attackers.size,
      behaviour: spec.behaviour.kind,
      delay_s: spec.behaviour.kind === "delay" ? spec.behaviour.delayS : null,
      start_s: spec.startS,
      samples: this.#samples,
      time_behind_fraction: round4(fraction),
      mean_lag_blocks: this.#samples > 0 ? round4(this.#lagSum / this.#samples) : 0,
      max_lag_blocks: this.#maxLag,
      final_lag_blocks: this.#started ? net.maxHeight - net.tipHeight[this.#victim] : 0,
      relays_withheld: this.#withheld,
      relays_delayed: this.#delayed,
      success: this.#started && fraction >= 0.5,
    };
  }
}
