/**
 * The discrete-event simulation of a Monero network, independent of files: it consumes a
 * {@link SimModel} and emits {@link RunEvent}s to a sink. `engine.ts` wraps it as an `Engine`.
 *
 * Model in brief:
 * - Mining: one Poisson process for the network, each block to a miner by share (`mining.ts`).
 * - Relay: uplink-serialised sends with latency, loss and validation delay (`relay.ts`).
 * - Fork choice: greatest height wins, first seen wins ties; reorgs recorded (`chain.ts`).
 * - Transactions: Dandelion++ stem then fluff; see `tx.ts`.
 * - Attacks: one file each under `attacks/`, dispatched by `attacks.ts`.
 *
 * @module
 */
import { ConfigError } from "../../../core/errors.ts";
import type { ConvergenceSample, PropagationRecord, RunEvent, SimModel } from "../types.ts";
import { type DesCompact, type DesSink, roundTime as _round } from "./network.ts";
import { relayBlock, sendBlock } from "./relay.ts";
import { adoptBlock, type DesChainState, isAncestor, markHas, receiveBlock } from "./chain.ts";
import { type DesSimSummary, propagationRecords, summarizeRun } from "./report.ts";
export type { DesSimSummary };
import { DesQueue, K } from "./queue.ts";
import { DesTransactions } from "./tx.ts";
import { desHashId, DesRandom } from "./random.ts";
import { type DesOptions, receiptsOn } from "./options.ts";
import { DesMiners } from "./mining.ts";
import { DesAttacks } from "./attacks.ts";
import { dropSchedRow, growBlockArrays, newBitRow } from "./blocks.ts";
import type { DesLatency } from "./latency.ts";
import type { DesRelay } from "./netmodel.ts";
import { type DesNetSetup, setupNetwork } from "./setup.ts";
import { simblockOnEvent } from "./simblock_relay.ts";

const _GENESIS = 0;

/** One simulation run. Call {@link DesSimulation.step} until it returns false. */
export class DesSimulation implements DesChainState {
  readonly model: SimModel;
  readonly options: DesOptions;
  readonly rng: DesRandom;
  readonly queue: DesQueue;
  readonly sink: DesSink;
  /** Number of nodes. */
  readonly n: number;
  readonly names: string[];
  readonly index = new Map<string, number>();
  // Adjacency in CSR form, one entry per direction.
  readonly adjStart: Int32Array;
  readonly adjTo: Int32Array;
  readonly adjLatS: Float64Array;
  readonly adjLoss: Float64Array;
  /** >0 while the directed link is cut (partition, eclipse); a count so cuts can overlap. */
  readonly adjCut: Uint8Array;
  /** Extra seconds an (attacker -> victim) link holds honest blocks; Infinity = withheld. */
  readonly adjHold: Float64Array;
  readonly upBps: Float64Array;
  readonly downBps: Float64Array;
  readonly upFree: Float64Array;
  readonly online: Uint8Array;
  offlineCount: number;
  /** Sybil nodes swallow what others send them. */
  readonly sybil: Uint8Array;
  /** Hosts of kind `attacker` (their blocks are not held back by eclipse attackers). */
  readonly attackerNode: Uint8Array;
  readonly tip: Int32Array;
  readonly tipHeight: Int32Array;
  // Blocks.
  blockCount = 0;
  bParent = new Int32Array(1024);
  bHeight = new Int32Array(1024);
  bMiner = new Int32Array(1024);
  bTime = new Float64Array(1024);
  bReach = new Int32Array(1024);
  bT50 = new Float64Array(1024);
  bT90 = new Float64Array(1024);
  bT100 = new Float64Array(1024);
  bTipCount = new Int32Array(1024);
  bHas: Uint32Array[] = [];
  bSched: (Float64Array | null)[] = [];
  readonly spareRows: Float64Array[] = [];
  readonly #hashes: string[] = [];
  // Mining.
  readonly #miners: DesMiners;
  /** Nodes with hashrate (they keep a mempool and include its txs). */
  readonly isMiner: Uint8Array;
  #heightCount = new Int32Array(1024);
  minHeight = 0;
  maxHeight = 0;
  distinctTips = 0;
  // Transactions.
  /** Dandelion++ relay, mempools and confirmations. */
  readonly tx: DesTransactions;
  runEvents = 0;
  reorgs = 0;
  maxReorgDepth = 0;
  readonly attacks: DesAttacks;
  now = 0;
  done = false;
  stoppedEarly = false;
  /** Bits sent per block relay. */
  readonly blockBits: number;
  /** The network model in force (relay, regions, latency, peers, mining); fields below. */
  readonly setup: DesNetSetup;
  readonly relay: DesRelay;
  readonly latency: DesLatency | null;
  readonly headerBits: number;
  readonly txBits: number;
  readonly compact: DesCompact | null;
  readonly blockIntervalS: number;
  /** Whether per-node `block` receipt events are written (resolved from the option). */
  readonly receipts: boolean;

  constructor(model: SimModel, options: DesOptions, sink: DesSink) {
    this.model = model;
    this.options = options;
    this.sink = sink;
    this.rng = new DesRandom(model.seed);
    this.n = model.hosts.length;
    this.queue = new DesQueue(Math.min(1 << 16, 64 + this.n * 4));
    if (this.n === 0) throw new ConfigError("des: the model has no hosts");
    this.names = model.hosts.map((h) => h.name);
    model.hosts.forEach((h, i) => {
      if (this.index.has(h.name)) throw new ConfigError(`des: duplicate host "${h.name}"`);
      this.index.set(h.name, i);
    });
    const setup = setupNetwork(model, options, this.index, this.rng);
    this.setup = setup;
    this.relay = setup.relay;
    this.latency = setup.latency;
    this.compact = setup.compact;
    this.headerBits = setup.net.header_bytes * 8;
    this.txBits = options.txSizeBytes * 8;
    this.blockIntervalS = setup.blockIntervalS;
    this.blockBits = setup.blockSizeBytes * 8;
    this.receipts = receiptsOn(model, options, setup.blockIntervalS);
    const n = this.n;
    const adjacency = setup.adjacency;
    this.adjStart = adjacency.adjStart;
    this.adjTo = adjacency.adjTo;
    this.adjLatS = adjacency.adjLatS;
    this.adjLoss = adjacency.adjLoss;
    const m = this.adjTo.length;
    this.adjCut = new Uint8Array(m);
    this.adjHold = new Float64Array(m);
    this.upBps = setup.upBps;
    this.downBps = setup.downBps;
    this.upFree = new Float64Array(n);
    this.online = new Uint8Array(n);
    this.offlineCount = n;
    this.sybil = new Uint8Array(n);
    this.attackerNode = new Uint8Array(model.hosts.map((h) => h.kind === "attacker" ? 1 : 0));
    this.tip = new Int32Array(n);
    this.tipHeight = new Int32Array(n);
    // Genesis: every node has it.
    this._newBlock(-1, -1, 0);
    this.bHas[_GENESIS].fill(0xffffffff);
    this.bReach[_GENESIS] = n;
    this.attacks = new DesAttacks(this);
    this.tx = new DesTransactions(this);
    // Mining weights: hashrate shares, with double-spend attackers forced to their q.
    this.#miners = new DesMiners(this.attacks.miningWeights(setup.miningWeights));
    this.isMiner = this.#miners.isMiner;
    this._scheduleStart();
  }

  /** Hash string of a block (stable per seed). */
  hash(b: number): string {
    let h = this.#hashes[b];
    if (h === undefined) {
      h = b === _GENESIS ? "0".repeat(16) : desHashId(this.model.seed, 0, b);
      this.#hashes[b] = h;
    }
    return h;
  }

  /** Emit one RunEvent. */
  emit(event: RunEvent): void {
    this.runEvents++;
    this.sink.event(event);
  }

  /** Process up to `maxEvents` events or until `untilMs` (checked each 1024); false once over. */
  step(maxEvents: number, untilMs = Infinity): boolean {
    if (this.done) return false;
    const q = this.queue;
    const cur = q.current;
    const stop = this.model.stopTimeS;
    for (let i = 0; i < maxEvents; i++) {
      if ((i & 1023) === 1023 && performance.now() > untilMs) return true;
      if (q.peekTime() > stop || !q.pop()) {
        this.now = stop;
        this.done = true;
        return false;
      }
      this.now = cur.time;
      switch (cur.kind) {
        case K.block:
          receiveBlock(this, cur.node, cur.item, cur.from);
          break;
        case K.mine:
          this._onMine();
          break;
        case K.txNew:
          this.tx.onNew(cur.node);
          break;
        case K.txStem:
          this.tx.onStem(cur.node, cur.item, cur.from);
          break;
        case K.txFluff:
          this.tx.onFluff(cur.node, cur.item, cur.from);
          break;
        case K.embargo:
          this.tx.onEmbargo(cur.node, cur.item);
          break;
        case K.sample:
          this._onSample();
          break;
        case K.attack:
          this.attacks.onEvent(cur.node, cur.item);
          break;
        case K.nodeStart:
          this._onNodeStart(cur.node);
          break;
        default:
          // simblock relay messages; a rebuilt compact block is received here.
          if (simblockOnEvent(this, cur)) receiveBlock(this, cur.node, cur.item, cur.from);
      }
      if (this.options.stopWhenAttacksResolved && this.attacks.allResolved()) {
        this.done = true;
        this.stoppedEarly = true;
        return false;
      }
    }
    return true;
  }

  /** Stop now (signal): time stays where the run got to. */
  abort(): void {
    this.done = true;
    this.stoppedEarly = true;
  }

  /** Final bookkeeping; returns the summary. Call once after the last step. */
  finish(): DesSimSummary {
    this.attacks.finish();
    return summarizeRun(this);
  }

  /** Per-block propagation aggregates (genesis excluded). */
  propagation(): PropagationRecord[] {
    return propagationRecords(this);
  }

  /** Samples taken so far. */
  readonly samples: ConvergenceSample[] = [];

  /** True when `anc` is on the chain ending at `b`. */
  isAncestor(anc: number, b: number): boolean {
    return isAncestor(this, anc, b);
  }

  /** Create a block; returns its id. */
  _newBlock(parent: number, miner: number, time: number): number {
    const b = this.blockCount++;
    if (b >= this.bParent.length) growBlockArrays(this);
    this.bParent[b] = parent;
    this.bHeight[b] = parent < 0 ? 0 : this.bHeight[parent] + 1;
    this.bMiner[b] = miner;
    this.bTime[b] = time;
    this.bHas.push(newBitRow(this.n));
    this.bSched.push(null);
    return b;
  }

  _scheduleStart(): void {
    const q = this.queue;
    for (let i = 0; i < this.n; i++) {
      const start = Math.max(0, this.model.hosts[i].startTimeS);
      if (start <= 0) this._bringOnline(i);
      else q.push(start, K.nodeStart, i, 0, -1);
    }
    if (this.#miners.count > 0) {
      q.push(this.rng.exponential(this.blockIntervalS), K.mine, -1, 0, -1);
    }
    this.tx.schedule();
    q.push(0, K.sample, -1, 0, -1);
    this.attacks.schedule();
  }

  _bringOnline(i: number): void {
    this.online[i] = 1;
    this.offlineCount--;
    this.countTip(this.tip[i], 1);
    this.countHeight(this.tipHeight[i], 1);
  }

  /** Count node tips on block b up (d = 1) or down (d = -1). */
  countTip(b: number, d: number): void {
    const before = this.bTipCount[b];
    this.bTipCount[b] = before + d;
    if (before === 0 && d > 0) this.distinctTips++;
    else if (before + d === 0) this.distinctTips--;
  }

  /** Count node heights at h up (d = 1) or down (d = -1); keeps min and max. */
  countHeight(h: number, d: number): void {
    if (h >= this.#heightCount.length) {
      const x = new Int32Array(Math.max(h + 1, this.#heightCount.length * 2));
      x.set(this.#heightCount);
      this.#heightCount = x;
    }
    this.#heightCount[h] += d;
    if (d > 0 && h > this.maxHeight) this.maxHeight = h;
    if (d > 0 && h < this.minHeight) this.minHeight = h;
    while (this.minHeight < this.maxHeight && this.#heightCount[this.minHeight] === 0) {
      this.minHeight++;
    }
  }

  _onNodeStart(i: number): void {
    if (this.online[i]) return;
    this._bringOnline(i);
    // A starting node syncs: each peer offers its tip.
    for (let e = this.adjStart[i]; e < this.adjStart[i + 1]; e++) {
      const p = this.adjTo[e];
      if (this.online[p]) this.sendBlock(p, this.tip[p], this.reverseEdge(p, i), this.now);
    }
  }

  /** Directed adjacency index of p -> i. */
  reverseEdge(p: number, i: number): number {
    for (let e = this.adjStart[p]; e < this.adjStart[p + 1]; e++) if (this.adjTo[e] === i) return e;
    return -1;
  }

  _onMine(): void {
    const t = this.now;
    const max = this.options.maxBlocks;
    // blockCount includes genesis, so this block is number blockCount.
    if (max === undefined || this.blockCount < max) {
      this.queue.push(t + this.rng.exponential(this.blockIntervalS), K.mine, -1, 0, -1);
    }
    const m = this.#miners.pick(this.rng.next());
    // Hashrate of a node that has not started yet is not running.
    if (!this.online[m]) return;
    const secret = this.attacks.secretParent(m);
    const parent = secret >= 0 ? secret : this.tip[m];
    const b = this._newBlock(parent, m, t);
    if (secret < 0) this.tx.fillBlock(m, b);
    this.emit({
      ts: _round(t),
      host: this.names[m],
      event: "mined",
      height: this.bHeight[b],
      hash: this.hash(b),
      parent: this.hash(parent),
    });
    if (secret >= 0) {
      markHas(this, b, m);
      this.attacks.onSecretBlock(m, b);
      return;
    }
    this.attacks.onPublicMined(m, b);
    markHas(this, b, m);
    this.adopt(m, b, -1);
  }

  /** Make `b` node i's tip (it is higher), record a reorg if needed, and relay it. */
  adopt(i: number, b: number, from: number): void {
    adoptBlock(this, i, b, from);
  }

  /** Send block `b` from node i to every peer but `except`. */
  relayBlock(i: number, b: number, except: number): void {
    relayBlock(this, i, b, except);
  }

  /** Send block `b` over directed link `e` (from node i), if the receiver can use it. */
  sendBlock(i: number, b: number, e: number, t: number): void {
    sendBlock(this, i, b, e, t);
  }

  _onSample(): void {
    const t = this.now;
    this.samples.push({
      ts: _round(t),
      min_height: this.minHeight,
      max_height: this.maxHeight,
      tips: this.distinctTips,
    });
    this.attacks.onSample();
    this.tx.onSample();
    // Pending-delivery tables of old blocks are no longer worth their memory.
    for (let b = Math.max(1, this.blockCount - 200); b < this.blockCount - 50; b++) {
      dropSchedRow(this, b);
    }
    const next = t + this.options.sampleIntervalS;
    if (next <= this.model.stopTimeS) this.queue.push(next, K.sample, -1, 0, -1);
  }
}
