/**
 * The four attacks of the discrete-event engine, as state machines hooked into the simulation.
 *
 * - `sybil`: attacker nodes (one /24) hold peer slots; they swallow blocks and transactions
 *   others send them and log where each transaction first reached them (the first-spy guess of
 *   its origin). Outcome: share of honest peer slots held, honest nodes left with only sybil
 *   peers, and how often the first-spy guess named the real sender (what Dandelion++ defends).
 * - `eclipse`: from `startS` the victim's links to honest peers are cut; attacker links hold
 *   honest blocks for `delayS` or never pass them. Outcome: how far and how long the victim lags
 *   the best height (success: behind for at least half of the sampled time).
 * - `partition`: links between groups A and B are cut from `startS` to `endS`, then healed and
 *   both sides offer their tips. Outcome: blocks mined per side, fork length (deepest reorg after
 *   healing) and time to converge on one tip.
 * - `double_spend`: at `startS` the attacker pays the victim (the payment lands in the next
 *   honest block) and mines in secret on the block before it with share q. Once the victim's
 *   chain holds the payment with z confirmations and the secret chain is strictly longer than
 *   the public one, the attacker releases it. Success: the victim had accepted and then reorged
 *   the payment away. The attacker gives up when `doubleSpendGiveUp` blocks behind.
 *
 * @module
 */
import { ConfigError } from "../../core/errors.ts";
import type { SimAttack } from "../../commands/sim/model.ts";
import type { DesSimulation } from "./des_sim.ts";
import { K } from "./des_queue.ts";

interface _Sybil {
  kind: "sybil";
  spec: Extract<SimAttack, { kind: "sybil" }>;
  nodes: number[];
  spied: Map<number, number>;
}
interface _Eclipse {
  kind: "eclipse";
  spec: Extract<SimAttack, { kind: "eclipse" }>;
  victim: number;
  attackers: Set<number>;
  started: boolean;
  samples: number;
  behind: number;
  lagSum: number;
  maxLag: number;
  withheld: number;
  delayed: number;
}
interface _Partition {
  kind: "partition";
  spec: Extract<SimAttack, { kind: "partition" }>;
  group: Int8Array;
  cut: number[];
  blocks: [number, number];
  heightsAtHeal: [number, number];
  state: "waiting" | "cut" | "healed" | "resolved";
  forkLength: number;
  reorgedNodes: number;
  convergedAfterS: number | null;
  emitted: boolean;
}
interface _DoubleSpend {
  kind: "double_spend";
  spec: Extract<SimAttack, { kind: "double_spend" }>;
  attacker: number;
  victim: number;
  state: "waiting" | "racing" | "released" | "done";
  fork: number;
  payment: number;
  secretTip: number;
  secretMined: number;
  acceptedTs: number | null;
  releasedTs: number | null;
  victimReorgDepth: number;
  success: boolean;
  reason: string;
  resolvedTs: number | null;
  emitted: boolean;
}
type _Attack = _Sybil | _Eclipse | _Partition | _DoubleSpend;

function _r(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** Attack state for one simulation. */
export class DesAttacks {
  readonly #sim: DesSimulation;
  readonly #list: _Attack[] = [];
  readonly #ds = new Map<number, _DoubleSpend>();
  readonly #dsVictims = new Map<number, _DoubleSpend[]>();
  #eclipses: _Eclipse[] = [];
  #partitions: _Partition[] = [];
  #resolvable = 0;
  #resolved = 0;
  /** False when the model has no attacks (the hot paths skip the hooks). */
  readonly active: boolean;

  constructor(sim: DesSimulation) {
    this.#sim = sim;
    this.active = sim.model.attacks.length > 0;
    sim.model.attacks.forEach((spec, i) => {
      const node = (name: string, field: string): number => {
        const idx = sim.index.get(name);
        if (idx === undefined) {
          throw new ConfigError(
            `des: attacks[${i}].${field}: unknown host ${JSON.stringify(name)}`,
          );
        }
        return idx;
      };
      switch (spec.kind) {
        case "sybil": {
          const nodes = spec.attackers.map((a, k) => node(a, `attackers[${k}]`));
          for (const x of nodes) sim.sybil[x] = 1;
          this.#list.push({ kind: "sybil", spec, nodes, spied: new Map() });
          break;
        }
        case "eclipse": {
          const e: _Eclipse = {
            kind: "eclipse",
            spec,
            victim: node(spec.victim, "victim"),
            attackers: new Set(spec.attackers.map((a, k) => node(a, `attackers[${k}]`))),
            started: false,
            samples: 0,
            behind: 0,
            lagSum: 0,
            maxLag: 0,
            withheld: 0,
            delayed: 0,
          };
          this.#list.push(e);
          this.#eclipses.push(e);
          break;
        }
        case "partition": {
          const group = new Int8Array(sim.n);
          spec.groupA.forEach((a, k) => group[node(a, `groupA[${k}]`)] = 1);
          spec.groupB.forEach((b, k) => group[node(b, `groupB[${k}]`)] = 2);
          const p: _Partition = {
            kind: "partition",
            spec,
            group,
            cut: [],
            blocks: [0, 0],
            heightsAtHeal: [0, 0],
            state: "waiting",
            forkLength: 0,
            reorgedNodes: 0,
            convergedAfterS: null,
            emitted: false,
          };
          this.#list.push(p);
          this.#partitions.push(p);
          this.#resolvable++;
          break;
        }
        case "double_spend": {
          const attacker = node(spec.attacker, "attacker");
          const victim = node(spec.victim, "victim");
          if (attacker === victim) {
            throw new ConfigError(`des: attacks[${i}].victim: must differ from the attacker`);
          }
          if (this.#ds.has(attacker)) {
            throw new ConfigError(
              `des: attacks[${i}].attacker: ${
                JSON.stringify(spec.attacker)
              } already runs a double spend`,
            );
          }
          const d: _DoubleSpend = {
            kind: "double_spend",
            spec,
            attacker,
            victim,
            state: "waiting",
            fork: -1,
            payment: -1,
            secretTip: -1,
            secretMined: 0,
            acceptedTs: null,
            releasedTs: null,
            victimReorgDepth: 0,
            success: false,
            reason: "not_resolved",
            resolvedTs: null,
            emitted: false,
          };
          this.#list.push(d);
          this.#ds.set(attacker, d);
          const list = this.#dsVictims.get(victim) ?? [];
          list.push(d);
          this.#dsVictims.set(victim, list);
          this.#resolvable++;
          break;
        }
      }
    });
  }

  /** Mining weights with each double-spend attacker's share forced to its q. */
  miningWeights(hashrates: number[]): number[] {
    if (this.#ds.size === 0) return hashrates;
    let qSum = 0;
    for (const d of this.#ds.values()) qSum += d.spec.q;
    if (!(qSum < 1)) {
      throw new ConfigError(`des: double_spend q values sum to ${qSum}; expected < 1`);
    }
    let honest = 0;
    hashrates.forEach((h, i) => {
      if (!this.#ds.has(i)) honest += h;
    });
    const total = honest > 0 ? honest / (1 - qSum) : 1;
    return hashrates.map((h, i) => {
      const d = this.#ds.get(i);
      return d ? d.spec.q * total : h;
    });
  }

  /** Queue the start (and end) events. */
  schedule(): void {
    const q = this.#sim.queue;
    this.#list.forEach((a, i) => {
      if (a.kind === "eclipse" || a.kind === "double_spend") {
        q.push(Math.max(0, a.spec.startS), K.attack, i, 0, -1);
      } else if (a.kind === "partition") {
        q.push(Math.max(0, a.spec.startS), K.attack, i, 0, -1);
        q.push(Math.max(a.spec.startS, a.spec.endS), K.attack, i, 1, -1);
      }
    });
  }

  /** A scheduled attack event. */
  onEvent(i: number, phase: number): void {
    const a = this.#list[i];
    const sim = this.#sim;
    if (a.kind === "eclipse") {
      a.started = true;
      const v = a.victim;
      for (let e = sim.adjStart[v]; e < sim.adjStart[v + 1]; e++) {
        const p = sim.adjTo[e];
        const back = sim.reverseEdge(p, v);
        if (!a.attackers.has(p)) {
          sim.adjCut[e]++;
          sim.adjCut[back]++;
        } else {
          sim.adjHold[back] = a.spec.behaviour.kind === "withhold"
            ? Infinity
            : Math.max(1e-9, a.spec.behaviour.delayS);
        }
      }
    } else if (a.kind === "partition") {
      if (phase === 0) {
        a.state = "cut";
        for (let x = 0; x < sim.n; x++) {
          if (a.group[x] !== 1) continue;
          for (let e = sim.adjStart[x]; e < sim.adjStart[x + 1]; e++) {
            if (a.group[sim.adjTo[e]] !== 2) continue;
            const back = sim.reverseEdge(sim.adjTo[e], x);
            sim.adjCut[e]++;
            sim.adjCut[back]++;
            a.cut.push(e, back);
          }
        }
      } else {
        a.state = "healed";
        for (let x = 0; x < sim.n; x++) {
          const g = a.group[x];
          if (g > 0) a.heightsAtHeal[g - 1] = Math.max(a.heightsAtHeal[g - 1], sim.tipHeight[x]);
        }
        for (const e of a.cut) sim.adjCut[e]--;
        // Reconnected peers exchange their tips, as monerod does on a new connection.
        for (let k = 0; k < a.cut.length; k += 2) {
          const e = a.cut[k];
          const back = a.cut[k + 1];
          const x = sim.adjTo[back];
          const y = sim.adjTo[e];
          sim.sendBlock(x, sim.tip[x], e, sim.now);
          sim.sendBlock(y, sim.tip[y], back, sim.now);
        }
        this.#checkPartition(a);
      }
    } else if (a.kind === "double_spend") {
      a.state = "racing";
      a.fork = sim.tip[a.attacker];
      a.secretTip = a.fork;
    }
  }

  /** Parent for a block mined by `m` in secret, or -1 when `m` mines in public. */
  secretParent(m: number): number {
    const d = this.#ds.get(m);
    return d && d.state === "racing" ? d.secretTip : -1;
  }

  /** A block mined in secret. */
  onSecretBlock(m: number, b: number): void {
    const d = this.#ds.get(m);
    if (!d) return;
    d.secretTip = b;
    d.secretMined++;
    this.#checkRelease(d);
  }

  /** A block mined in public. */
  onPublicMined(m: number, b: number): void {
    const sim = this.#sim;
    for (const p of this.#partitions) {
      if (p.state === "cut" && p.group[m] > 0) p.blocks[p.group[m] - 1]++;
    }
    for (const d of this.#ds.values()) {
      // The payment goes into the first honest block after the attack starts.
      if (d.state === "racing" && d.payment < 0 && m !== d.attacker && sim.isAncestor(d.fork, b)) {
        d.payment = b;
      }
    }
  }

  /** Node i reorged by `depth` blocks. */
  onReorg(i: number, depth: number): void {
    for (const p of this.#partitions) {
      if (p.state === "healed" && p.group[i] > 0) {
        p.forkLength = Math.max(p.forkLength, depth);
        p.reorgedNodes++;
      }
    }
    for (const d of this.#dsVictims.get(i) ?? []) d.victimReorgDepth = depth;
  }

  /** Node i has a new tip. */
  onTipChange(i: number): void {
    const d = this.#ds.get(i);
    if (d) this.#checkRelease(d);
    for (const v of this.#dsVictims.get(i) ?? []) this.#checkVictim(v);
    for (const p of this.#partitions) if (p.state === "healed") this.#checkPartition(p);
  }

  /** An eclipse attacker dropped an honest block bound for the victim. */
  onWithheld(_from: number, to: number): void {
    for (const e of this.#eclipses) if (e.victim === to) e.withheld++;
  }

  /** An eclipse attacker held an honest block bound for the victim. */
  onDelayed(_from: number, to: number): void {
    for (const e of this.#eclipses) if (e.victim === to) e.delayed++;
  }

  /** A sybil saw transaction `tx` arrive from `from`. */
  onSpy(_spy: number, tx: number, from: number): void {
    for (const a of this.#list) {
      if (a.kind === "sybil" && !a.spied.has(tx) && from >= 0) a.spied.set(tx, from);
    }
  }

  /** Periodic sample. */
  onSample(): void {
    const sim = this.#sim;
    for (const e of this.#eclipses) {
      if (!e.started) continue;
      const lag = sim.maxHeight - sim.tipHeight[e.victim];
      e.samples++;
      e.lagSum += lag;
      if (lag > 0) e.behind++;
      if (lag > e.maxLag) e.maxLag = lag;
    }
  }

  /** True when there are resolvable attacks and all have an outcome. */
  allResolved(): boolean {
    return this.#resolvable > 0 && this.#resolved === this.#resolvable;
  }

  /** Emit outcomes not yet emitted (end of run). */
  finish(): void {
    for (const a of this.#list) {
      if (a.kind === "double_spend") {
        if (!a.emitted) this.#emit(a.spec.attacker, "double_spend", this.#dsOutcome(a));
        a.emitted = true;
      } else if (a.kind === "partition") {
        if (!a.emitted) this.#emit("network", "partition", this.#partitionOutcome(a));
        a.emitted = true;
      } else if (a.kind === "eclipse") {
        this.#emit(a.spec.victim, "eclipse", this.#eclipseOutcome(a));
      } else {
        this.#emit(a.spec.attackers[0] ?? "network", "sybil", this.#sybilOutcome(a));
      }
    }
  }

  /** Every attack's outcome (for the summary). */
  outcomes(): Record<string, unknown>[] {
    return this.#list.map((a) => {
      switch (a.kind) {
        case "double_spend":
          return { attack: a.kind, ...this.#dsOutcome(a) };
        case "partition":
          return { attack: a.kind, ...this.#partitionOutcome(a) };
        case "eclipse":
          return { attack: a.kind, ...this.#eclipseOutcome(a) };
        default:
          return { attack: a.kind, ...this.#sybilOutcome(a) };
      }
    });
  }

  #emit(host: string, attack: SimAttack["kind"], outcome: Record<string, unknown>): void {
    this.#sim.emit({ ts: _r(this.#sim.now), host, event: "attack", attack, outcome });
  }

  #checkRelease(d: _DoubleSpend): void {
    const sim = this.#sim;
    if (d.state !== "racing") return;
    const pub = sim.tip[d.attacker];
    const pubH = sim.bHeight[pub];
    const secretH = sim.bHeight[d.secretTip];
    if (pubH - secretH >= sim.options.doubleSpendGiveUp) {
      this.#resolve(d, false, "gave_up");
      return;
    }
    if (d.payment < 0 || !sim.isAncestor(d.payment, pub)) return;
    const confirmed = pubH - sim.bHeight[d.payment] + 1 >= d.spec.confirmations;
    if (confirmed && secretH > pubH) {
      d.state = "released";
      d.releasedTs = sim.now;
      sim.adopt(d.attacker, d.secretTip, -1);
    }
  }

  #checkVictim(d: _DoubleSpend): void {
    const sim = this.#sim;
    if (d.payment < 0 || d.state === "done") return;
    const tip = sim.tip[d.victim];
    const holdsPayment = sim.isAncestor(d.payment, tip);
    if (
      d.acceptedTs === null && holdsPayment &&
      sim.bHeight[tip] - sim.bHeight[d.payment] + 1 >= d.spec.confirmations
    ) {
      d.acceptedTs = sim.now;
    }
    if (d.state === "released" && !holdsPayment) {
      if (d.acceptedTs !== null) this.#resolve(d, true, "reorged_payment");
      else this.#resolve(d, false, "released_before_acceptance");
    }
  }

  #resolve(d: _DoubleSpend, success: boolean, reason: string): void {
    d.state = "done";
    this.#resolved++;
    d.success = success;
    d.reason = reason;
    d.resolvedTs = this.#sim.now;
    d.emitted = true;
    this.#emit(d.spec.attacker, "double_spend", this.#dsOutcome(d));
  }

  #dsOutcome(d: _DoubleSpend): Record<string, unknown> {
    const sim = this.#sim;
    return {
      attacker: d.spec.attacker,
      victim: d.spec.victim,
      q: d.spec.q,
      confirmations: d.spec.confirmations,
      start_s: d.spec.startS,
      fork_height: d.fork >= 0 ? sim.bHeight[d.fork] : null,
      payment_height: d.payment >= 0 ? sim.bHeight[d.payment] : null,
      attacker_blocks: d.secretMined,
      accepted_ts: d.acceptedTs === null ? null : _r(d.acceptedTs),
      released_ts: d.releasedTs === null ? null : _r(d.releasedTs),
      victim_reorg_depth: d.success ? d.victimReorgDepth : 0,
      resolved_ts: d.resolvedTs === null ? null : _r(d.resolvedTs),
      success: d.success,
      reason: d.reason,
    };
  }

  #checkPartition(p: _Partition): void {
    const sim = this.#sim;
    if (p.state !== "healed" || sim.distinctTips !== 1) return;
    p.state = "resolved";
    this.#resolved++;
    p.convergedAfterS = _r(sim.now - p.spec.endS);
    p.emitted = true;
    this.#emit("network", "partition", this.#partitionOutcome(p));
  }

  #partitionOutcome(p: _Partition): Record<string, unknown> {
    return {
      group_a: p.spec.groupA.length,
      group_b: p.spec.groupB.length,
      start_s: p.spec.startS,
      end_s: p.spec.endS,
      links_cut: p.cut.length / 2,
      blocks_a: p.blocks[0],
      blocks_b: p.blocks[1],
      height_a_at_heal: p.heightsAtHeal[0],
      height_b_at_heal: p.heightsAtHeal[1],
      fork_length: p.forkLength,
      reorged_nodes: p.reorgedNodes,
      converged: p.state === "resolved",
      converged_after_s: p.convergedAfterS,
    };
  }

  #eclipseOutcome(e: _Eclipse): Record<string, unknown> {
    const sim = this.#sim;
    const fraction = e.samples > 0 ? e.behind / e.samples : 0;
    return {
      victim: e.spec.victim,
      attackers: e.attackers.size,
      behaviour: e.spec.behaviour.kind,
      delay_s: e.spec.behaviour.kind === "delay" ? e.spec.behaviour.delayS : null,
      start_s: e.spec.startS,
      samples: e.samples,
      time_behind_fraction: Math.round(fraction * 1e4) / 1e4,
      mean_lag_blocks: e.samples > 0 ? Math.round((e.lagSum / e.samples) * 1e4) / 1e4 : 0,
      max_lag_blocks: e.maxLag,
      final_lag_blocks: e.started ? sim.maxHeight - sim.tipHeight[e.victim] : 0,
      relays_withheld: e.withheld,
      relays_delayed: e.delayed,
      success: e.started && fraction >= 0.5,
    };
  }

  #sybilOutcome(a: _Sybil): Record<string, unknown> {
    const sim = this.#sim;
    const prefix = a.spec.subnet.split("/")[0].split(".").slice(0, 3).join(".") + ".";
    let slots = 0;
    let held = 0;
    let isolated = 0;
    for (let x = 0; x < sim.n; x++) {
      if (sim.sybil[x]) continue;
      let deg = 0;
      let bad = 0;
      for (let e = sim.adjStart[x]; e < sim.adjStart[x + 1]; e++) {
        deg++;
        if (sim.sybil[sim.adjTo[e]]) bad++;
      }
      slots += deg;
      held += bad;
      if (deg > 0 && bad === deg) isolated++;
    }
    let correct = 0;
    for (const [tx, guess] of a.spied) if (sim.tx.sender[tx] === guess) correct++;
    return {
      attackers: a.nodes.length,
      subnet: a.spec.subnet,
      attackers_in_subnet: a.nodes.filter((x) => sim.model.hosts[x].ip.startsWith(prefix)).length,
      honest_peer_slots: slots,
      sybil_peer_slots: held,
      sybil_slot_share: slots > 0 ? Math.round((held / slots) * 1e4) / 1e4 : 0,
      isolated_nodes: isolated,
      txs_sent: sim.tx.count,
      txs_spied: a.spied.size,
      first_spy_correct: correct,
      first_spy_precision: a.spied.size > 0 ? Math.round((correct / a.spied.size) * 1e4) / 1e4 : 0,
      success: isolated > 0,
    };
  }
}
