/**
 * `partition` in the discrete-event engine: links between groups A and B are cut from `startS`
 * to `endS`, then healed and both sides offer their tips. Outcome: blocks mined per side, fork
 * length (deepest reorg after healing) and time to converge on one tip.
 *
 * @module
 */
import type { SimAttack } from "../../types.ts";
import { type DesNetwork, roundTime } from "../network.ts";
import type { DesAttack, DesAttackInit } from "./hook.ts";

type _Spec = Extract<SimAttack, { kind: "partition" }>;

/** A partition attack. */
export class PartitionAttack implements DesAttack {
  readonly kind = "partition" as const;
  readonly resolvable = true;
  readonly #net: DesNetwork;
  readonly #spec: _Spec;
  readonly #emit: DesAttackInit<_Spec>["emit"];
  /** 1 for group A, 2 for group B, 0 for neither, per node. */
  readonly #group: Int8Array;
  /** Cut links as (edge, reverse edge) pairs. */
  readonly #cut: number[] = [];
  readonly #blocks: [number, number] = [0, 0];
  readonly #heightsAtHeal: [number, number] = [0, 0];
  #state: "waiting" | "cut" | "healed" | "resolved" = "waiting";
  #forkLength = 0;
  #reorgedNodes = 0;
  #convergedAfterS: number | null = null;
  #emitted = false;

  /** Resolves the two groups. */
  constructor(init: DesAttackInit<_Spec>) {
    this.#net = init.net;
    this.#spec = init.spec;
    this.#emit = init.emit;
    const group = new Int8Array(init.net.n);
    init.spec.groupA.forEach((a, k) => group[init.node(a, `groupA[${k}]`)] = 1);
    init.spec.groupB.forEach((b, k) => group[init.node(b, `groupB[${k}]`)] = 2);
    this.#group = group;
  }

  /** True once both sides agree on one tip after healing. */
  get resolved(): boolean {
    return this.#state === "resolved";
  }

  /** The cut (phase 0) and the heal (phase 1). */
  schedule(push: (time: number, phase: number) => void): void {
    push(Math.max(0, this.#spec.startS), 0);
    push(Math.max(this.#spec.startS, this.#spec.endS), 1);
  }

  /** Cut or heal the links between the groups. */
  onEvent(phase: number): void {
    if (phase === 0) this.#cutLinks();
    else this.#heal();
  }

  #cutLinks(): void {
    const net = this.#net;
    const group = this.#group;
    this.#state = "cut";
    for (let x = 0; x < net.n; x++) {
      if (group[x] !== 1) continue;
      for (let e = net.adjStart[x]; e < net.adjStart[x + 1]; e++) {
        if (group[net.adjTo[e]] !== 2) continue;
        const back = net.reverseEdge(net.adjTo[e], x);
        net.adjCut[e]++;
        net.adjCut[back]++;
        this.#cut.push(e, back);
      }
    }
  }

  #heal(): void {
    const net = this.#net;
    this.#state = "healed";
    for (let x = 0; x < net.n; x++) {
      const g = this.#group[x];
      if (g > 0) {
        this.#heightsAtHeal[g - 1] = Math.max(this.#heightsAtHeal[g - 1], net.tipHeight[x]);
      }
    }
    const cut = this.#cut;
    for (const e of cut) net.adjCut[e]--;
    // Reconnected peers exchange their tips, as monerod does on a new connection.
    for (let k = 0; k < cut.length; k += 2) {
      const e = cut[k];
      const back = cut[k + 1];
      const x = net.adjTo[back];
      const y = net.adjTo[e];
      net.sendBlock(x, net.tip[x], e, net.now);
      net.sendBlock(y, net.tip[y], back, net.now);
    }
    this.#check();
  }

  /** Count blocks mined on each side while cut. */
  onPublicMined(miner: number): void {
    const g = this.#group[miner];
    if (this.#state === "cut" && g > 0) this.#blocks[g - 1]++;
  }

  /** Reorgs after healing measure the fork. */
  onReorg(node: number, depth: number): void {
    if (this.#state === "healed" && this.#group[node] > 0) {
      this.#forkLength = Math.max(this.#forkLength, depth);
      this.#reorgedNodes++;
    }
  }

  /** After healing, resolve once the network has one tip. */
  onTipChange(): void {
    if (this.#state === "healed") this.#check();
  }

  #check(): void {
    const net = this.#net;
    if (this.#state !== "healed" || net.distinctTips !== 1) return;
    this.#state = "resolved";
    this.#convergedAfterS = roundTime(net.now - this.#spec.endS);
    this.#emitted = true;
    this.#emit("network", this.outcome());
  }

  /** Emit the outcome unless the resolution did. */
  finish(): void {
    if (!this.#emitted) this.#emit("network", this.outcome());
    this.#emitted = true;
  }

  /** Blocks per side, fork length and convergence. */
  outcome(): Record<string, unknown> {
    const spec = this.#spec;
    return {
      group_a: spec.groupA.length,
      group_b: spec.groupB.length,
      start_s: spec.startS,
      end_s: spec.endS,
      links_cut: this.#cut.length / 2,
      blocks_a: this.#blocks[0],
      blocks_b: this.#blocks[1],
      height_a_at_heal: this.#heightsAtHeal[0],
      height_b_at_heal: this.#heightsAtHeal[1],
      fork_length: this.#forkLength,
      reorged_nodes: this.#reorgedNodes,
      converged: this.#state === "resolved",
      converged_after_s: this.#convergedAfterS,
    };
  }
}
