/**
 * `sybil` in the discrete-event engine: attacker nodes (one /24) hold peer slots; they swallow
 * blocks and transactions others send them and log where each transaction first reached them
 * (the first-spy guess of its origin). Outcome: share of honest peer slots held, honest nodes
 * left with only sybil peers, and how often the first-spy guess named the real sender (what
 * Dandelion++ defends).
 *
 * @module
 */
import type { SimAttack } from "../../types.ts";
import type { DesNetwork } from "../network.ts";
import { type DesAttack, type DesAttackInit, round4 } from "./hook.ts";

type _Spec = Extract<SimAttack, { kind: "sybil" }>;

/** A sybil attack. */
export class SybilAttack implements DesAttack {
  readonly kind = "sybil" as const;
  readonly resolvable = false;
  readonly resolved = false;
  readonly #net: DesNetwork;
  readonly #spec: _Spec;
  readonly #emit: DesAttackInit<_Spec>["emit"];
  readonly #nodes: number[];
  readonly #spied = new Map<number, number>();

  /** Marks the attacker nodes as sybils. */
  constructor(init: DesAttackInit<_Spec>) {
    this.#net = init.net;
    this.#spec = init.spec;
    this.#emit = init.emit;
    this.#nodes = init.spec.attackers.map((a, k) => init.node(a, `attackers[${k}]`));
    for (const x of this.#nodes) init.net.sybil[x] = 1;
  }

  /** Remember the first hop a transaction came from. */
  onSpy(_spy: number, tx: number, from: number): void {
    if (!this.#spied.has(tx) && from >= 0) this.#spied.set(tx, from);
  }

  /** Emit the outcome. */
  finish(): void {
    this.#emit(this.#spec.attackers[0] ?? "network", this.outcome());
  }

  /** Peer slots held, isolated nodes and first-spy precision. */
  outcome(): Record<string, unknown> {
    const net = this.#net;
    const spec = this.#spec;
    const prefix = spec.subnet.split("/")[0].split(".").slice(0, 3).join(".") + ".";
    let slots = 0;
    let held = 0;
    let isolated = 0;
    for (let x = 0; x < net.n; x++) {
      if (net.sybil[x]) continue;
      let deg = 0;
      let bad = 0;
      for (let e = net.adjStart[x]; e < net.adjStart[x + 1]; e++) {
        deg++;
        if (net.sybil[net.adjTo[e]]) bad++;
      }
      slots += deg;
      held += bad;
      if (deg > 0 && bad === deg) isolated++;
    }
    let correct = 0;
    for (const [tx, guess] of this.#spied) if (net.tx.sender[tx] === guess) correct++;
    const spied = this.#spied.size;
    return {
      attackers: this.#nodes.length,
      subnet: spec.subnet,
      attackers_in_subnet: this.#nodes.filter((x) => net.model.hosts[x].ip.startsWith(prefix))
        .length,
      honest_peer_slots: slots,
      sybil_peer_slots: held,
      sybil_slot_share: slots > 0 ? round4(held / slots) : 0,
      isolated_nodes: isolated,
      txs_sent: net.tx.count,
      txs_spied: spied,
      first_spy_correct: correct,
      first_spy_precision: spied > 0 ? round4(correct / spied) : 0,
      success: isolated > 0,
    };
  }
}
