/**
 * The attacks of one discrete-event run: builds one state machine per scenario attack (each in
 * `attacks/<kind>.ts`, behind the {@link DesAttack} hooks) and hands each simulation moment to
 * the attacks that listen for it. The double spend also changes mining (its attacker mines at
 * share q, in secret while racing), so those hooks are asked of it by attacker node.
 *
 * @module
 */
import { ConfigError } from "../../../core/errors.ts";
import type { SimAttack } from "../types.ts";
import type { DesAttackEvents, DesNetwork } from "./network.ts";
import { K } from "./queue.ts";
import { type DesAttack, type DesAttackInit, emitAttack } from "./attacks/hook.ts";
import { DoubleSpendAttack } from "./attacks/double_spend.ts";
import { EclipseAttack } from "./attacks/eclipse.ts";
import { PartitionAttack } from "./attacks/partition.ts";
import { SybilAttack } from "./attacks/sybil.ts";

type _Hook =
  | "onPublicMined"
  | "onReorg"
  | "onWithheld"
  | "onDelayed"
  | "onSpy"
  | "onSample";

/** Attack state for one simulation. */
export class DesAttacks implements DesAttackEvents {
  readonly #net: DesNetwork;
  readonly #list: DesAttack[] = [];
  readonly #dsByAttacker = new Map<number, DoubleSpendAttack>();
  readonly #dsByVictim = new Map<number, DoubleSpendAttack[]>();
  /** Tip watchers other than double spends (asked after them, by node, as before). */
  readonly #tipWatchers: DesAttack[] = [];
  readonly #hooks = new Map<_Hook, DesAttack[]>();
  readonly #resolvable: DesAttack[];
  /** False when the model has no attacks (the hot paths skip the hooks). */
  readonly active: boolean;

  /** Builds every attack of `net.model`; bad host names fail here, before the run. */
  constructor(net: DesNetwork) {
    this.#net = net;
    this.active = net.model.attacks.length > 0;
    net.model.attacks.forEach((spec, i) => this.#add(this.#build(spec, i)));
    this.#resolvable = this.#list.filter((a) => a.resolvable);
  }

  #build(spec: SimAttack, i: number): DesAttack {
    const net = this.#net;
    const init = <S extends SimAttack>(s: S): DesAttackInit<S> => ({
      net,
      spec: s,
      node: (name, field) => {
        const idx = net.index.get(name);
        if (idx === undefined) {
          throw new ConfigError(
            `des: attacks[${i}].${field}: unknown host ${JSON.stringify(name)}`,
          );
        }
        return idx;
      },
      emit: (host, outcome) => emitAttack(net, s.kind, host, outcome),
    });
    switch (spec.kind) {
      case "sybil":
        return new SybilAttack(init(spec));
      case "eclipse":
        return new EclipseAttack(init(spec));
      case "partition":
        return new PartitionAttack(init(spec));
      case "double_spend":
        return this.#doubleSpend(new DoubleSpendAttack(init(spec)), spec, i);
    }
  }

  #doubleSpend(d: DoubleSpendAttack, spec: SimAttack & { kind: "double_spend" }, i: number) {
    if (d.attacker === d.victim) {
      throw new ConfigError(`des: attacks[${i}].victim: must differ from the attacker`);
    }
    if (this.#dsByAttacker.has(d.attacker)) {
      throw new ConfigError(
        `des: attacks[${i}].attacker: ${JSON.stringify(spec.attacker)} already runs a double spend`,
      );
    }
    this.#dsByAttacker.set(d.attacker, d);
    const list = this.#dsByVictim.get(d.victim) ?? [];
    list.push(d);
    this.#dsByVictim.set(d.victim, list);
    return d;
  }

  #add(a: DesAttack): void {
    this.#list.push(a);
    for (
      const hook of [
        "onPublicMined",
        "onReorg",
        "onWithheld",
        "onDelayed",
        "onSpy",
        "onSample",
      ] as const
    ) {
      if (a[hook]) this.#hooks.set(hook, [...(this.#hooks.get(hook) ?? []), a]);
    }
    if (a.onTipChange && !(a instanceof DoubleSpendAttack)) this.#tipWatchers.push(a);
  }

  #each(hook: _Hook): DesAttack[] {
    return this.#hooks.get(hook) ?? [];
  }

  /** Mining weights with each double-spend attacker's share forced to its q. */
  miningWeights(hashrates: number[]): number[] {
    const ds = this.#dsByAttacker;
    if (ds.size === 0) return hashrates;
    let qSum = 0;
    for (const d of ds.values()) qSum += d.q;
    if (!(qSum < 1)) {
      throw new ConfigError(`des: double_spend q values sum to ${qSum}; expected < 1`);
    }
    let honest = 0;
    hashrates.forEach((h, i) => {
      if (!ds.has(i)) honest += h;
    });
    const total = honest > 0 ? honest / (1 - qSum) : 1;
    return hashrates.map((h, i) => {
      const d = ds.get(i);
      return d ? d.q * total : h;
    });
  }

  /** Queue the start (and end) events. */
  schedule(): void {
    const q = this.#net.queue;
    this.#list.forEach((a, i) => {
      a.schedule?.((time, phase) => q.push(time, K.attack, i, phase, -1));
    });
  }

  /** A scheduled attack event. */
  onEvent(i: number, phase: number): void {
    this.#list[i].onEvent?.(phase);
  }

  /** Parent for a block mined by `m` in secret, or -1 when `m` mines in public. */
  secretParent(m: number): number {
    return this.#dsByAttacker.get(m)?.secretParent() ?? -1;
  }

  /** A block mined in secret. */
  onSecretBlock(m: number, b: number): void {
    this.#dsByAttacker.get(m)?.onSecretBlock(b);
  }

  /** A block mined in public. */
  onPublicMined(m: number, b: number): void {
    for (const a of this.#each("onPublicMined")) a.onPublicMined!(m, b);
  }

  /** Node i reorged by `depth` blocks. */
  onReorg(i: number, depth: number): void {
    for (const a of this.#each("onReorg")) a.onReorg!(i, depth);
  }

  /** Node i has a new tip: its own race first, then races it is the victim of, then others. */
  onTipChange(i: number): void {
    this.#dsByAttacker.get(i)?.onTipChange(i);
    for (const d of this.#dsByVictim.get(i) ?? []) d.onTipChange(i);
    for (const a of this.#tipWatchers) a.onTipChange!(i);
  }

  /** An eclipse attacker dropped an honest block bound for the victim. */
  onWithheld(from: number, to: number): void {
    for (const a of this.#each("onWithheld")) a.onWithheld!(from, to);
  }

  /** An eclipse attacker held an honest block bound for the victim. */
  onDelayed(from: number, to: number): void {
    for (const a of this.#each("onDelayed")) a.onDelayed!(from, to);
  }

  /** A sybil saw transaction `tx` arrive from `from`. */
  onSpy(spy: number, tx: number, from: number): void {
    for (const a of this.#each("onSpy")) a.onSpy!(spy, tx, from);
  }

  /** Periodic sample. */
  onSample(): void {
    for (const a of this.#each("onSample")) a.onSample!();
  }

  /** True when there are resolvable attacks and all have an outcome. */
  allResolved(): boolean {
    return this.#resolvable.length > 0 && this.#resolvable.every((a) => a.resolved);
  }

  /** Emit outcomes not yet emitted (end of run). */
  finish(): void {
    for (const a of this.#list) a.finish();
  }

  /** Every attack's outcome (for the summary). */
  outcomes(): Record<string, unknown>[] {
    return this.#list.map((a) => ({ attack: a.kind, ...a.outcome() }));
  }
}
