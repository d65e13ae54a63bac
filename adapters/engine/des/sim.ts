/**
 * The discrete-event simulation of a Monero network, independent of files: it consumes a
 * {@link SimModel} and emits {@link RunEvent}s to a sink. `des.ts` wraps it as an `Engine`.
 *
 * Model in brief:
 * - Mining: the network finds blocks as one Poisson process (rate 1/blockInterval); each block
 *   goes to a miner chosen by hashrate share. This is exactly the superposition of per-miner
 *   Poisson processes with rates scaled by share, at one event per block instead of one per miner.
 * - Relay: a node that adopts a block as its new tip sends it to every peer that lacks it. A send
 *   waits for the sender's uplink (sends are serialised), takes size/min(up, down) seconds, then
 *   the edge latency (plus a retransmission round trip per lost packet), then the receiver's
 *   validation delay. Missing ancestors travel with the block (a sync), so a node never holds a
 *   block without its chain. Only the earliest pending delivery per (block, node) is queued; later
 *   ones cannot change the outcome, which keeps large runs near one queue event per receipt.
 * - Fork choice: greatest height wins, first seen wins ties; reorgs are recorded with depth.
 * - Transactions: Dandelion++ stem then fluff; see `des_tx.ts`.
 * - Attacks: see `des_attacks.ts`.
 *
 * @module
 */
import { ConfigError } from "../../../core/errors.ts";
import type { ConvergenceSample, PropagationRecord, RunEvent, SimModel } from "../types.ts";
import { buildAdjacency, type DesNetwork, type DesSink, roundTime as _round } from "./network.ts";
import { relayBlock, sendBlock } from "./relay.ts";
import { DesQueue, K } from "./queue.ts";
import { DesTransactions } from "./tx.ts";
import { desHashId, DesRandom } from "./random.ts";
import { DES_AUTO_RECEIPT_LIMIT, type DesOptions } from "./options.ts";
import { DesAttacks } from "./attacks.ts";

/** What a finished simulation reports. */
export interface DesSimSummary {
  nodes: number;
  edges: number;
  simulated_s: number;
  /** Queue events processed. */
  queue_events: number;
  /** RunEvent records emitted. */
  run_events: number;
  blocks_mined: number;
  main_chain_height: number;
  orphaned_blocks: number;
  reorgs: number;
  max_reorg_depth: number;
  txs_sent: number;
  txs_confirmed: number;
  stopped_early: boolean;
  attacks: Record<string, unknown>[];
}

const _GENESIS = 0;

/** One simulation run. Call {@link DesSimulation.step} until it returns false. */
export class DesSimulation implements DesNetwork {
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
  bHas: Uint8Array[] = [];
  bSched: (Float64Array | null)[] = [];
  readonly #hashes: string[] = [];
  // Mining.
  readonly #minerIdx: Int32Array;
  readonly #minerCum: Float64Array;
  /** Nodes with hashrate (they keep a mempool and include its txs). */
  readonly isMiner: Uint8Array;
  // Heights.
  #heightCount = new Int32Array(1024);
  minHeight = 0;
  maxHeight = 0;
  distinctTips = 0;
  // Transactions.
  /** Dandelion++ relay, mempools and confirmations. */
  readonly tx: DesTransactions;
  // Stats.
  runEvents = 0;
  reorgs = 0;
  maxReorgDepth = 0;
  readonly attacks: DesAttacks;
  now = 0;
  done = false;
  stoppedEarly = false;
  /** Bits sent per block relay. */
  readonly blockBits: number;
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
    this.blockBits = options.blockSizeBytes * 8;
    const expectedBlocks = Math.min(
      options.maxBlocks ?? Infinity,
      model.stopTimeS / options.blockIntervalS,
    );
    let expectedTxs = 0;
    for (const h of model.hosts) {
      if (h.tx) expectedTxs += model.stopTimeS / Math.max(1e-3, h.tx.intervalMeanS);
    }
    this.receipts = options.receiptEvents === "auto"
      ? this.n * (expectedBlocks + expectedTxs) <= DES_AUTO_RECEIPT_LIMIT
      : options.receiptEvents;
    const n = this.n;
    const adjacency = buildAdjacency(model, this.index);
    this.adjStart = adjacency.adjStart;
    this.adjTo = adjacency.adjTo;
    this.adjLatS = adjacency.adjLatS;
    this.adjLoss = adjacency.adjLoss;
    const m = this.adjTo.length;
    this.adjCut = new Uint8Array(m);
    this.adjHold = new Float64Array(m);
    this.upBps = new Float64Array(model.hosts.map((h) => Math.max(1, h.bandwidthUpBps)));
    this.downBps = new Float64Array(model.hosts.map((h) => Math.max(1, h.bandwidthDownBps)));
    this.upFree = new Float64Array(n);
    this.online = new Uint8Array(n);
    this.sybil = new Uint8Array(n);
    this.attackerNode = new Uint8Array(model.hosts.map((h) => h.kind === "attacker" ? 1 : 0));
    this.tip = new Int32Array(n);
    this.tipHeight = new Int32Array(n);
    // Genesis: every node has it.
    this._newBlock(-1, -1, 0);
    this.bHas[_GENESIS].fill(1);
    this.bReach[_GENESIS] = n;
    this.attacks = new DesAttacks(this);
    this.tx = new DesTransactions(this);
    // Mining weights: hashrate shares, with double-spend attackers forced to their q.
    const weights = this.attacks.miningWeights(model.hosts.map((h) => Math.max(0, h.hashrate)));
    const miners: number[] = [];
    const cum: number[] = [];
    let total = 0;
    weights.forEach((w, i) => {
      if (w > 0) {
        total += w;
        miners.push(i);
        cum.push(total);
      }
    });
    this.#minerIdx = new Int32Array(miners);
    this.isMiner = new Uint8Array(n);
    for (const m of miners) this.isMiner[m] = 1;
    this.#minerCum = new Float64Array(cum.map((c) => c / total));
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

  /** Process up to `maxEvents` events; false once the run is over. */
  step(maxEvents: number): boolean {
    if (this.done) return false;
    const q = this.queue;
    const cur = q.current;
    const stop = this.model.stopTimeS;
    for (let i = 0; i < maxEvents; i++) {
      if (q.peekTime() > stop || !q.pop()) {
        this.now = stop;
        this.done = true;
        return false;
      }
      this.now = cur.time;
      switch (cur.kind) {
        case K.block:
          this._onBlock(cur.node, cur.item, cur.from);
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
    let best = _GENESIS;
    for (let b = 1; b < this.blockCount; b++) {
      if (this.bHeight[b] > this.bHeight[best]) best = b;
    }
    const main = new Uint8Array(this.blockCount);
    for (let x = best; x >= 0; x = this.bParent[x]) main[x] = 1;
    let orphaned = 0;
    for (let b = 1; b < this.blockCount; b++) if (!main[b]) orphaned++;
    return {
      nodes: this.n,
      edges: this.adjTo.length / 2,
      simulated_s: _round(this.now),
      queue_events: this.queue.pushed,
      run_events: this.runEvents,
      blocks_mined: this.blockCount - 1,
      main_chain_height: this.bHeight[best],
      orphaned_blocks: orphaned,
      reorgs: this.reorgs,
      max_reorg_depth: this.maxReorgDepth,
      txs_sent: this.tx.count,
      txs_confirmed: this.tx.confirmedCount(),
      stopped_early: this.stoppedEarly,
      attacks: this.attacks.outcomes(),
    };
  }

  /** Per-block propagation aggregates (genesis excluded). */
  propagation(): PropagationRecord[] {
    const out: PropagationRecord[] = [];
    const rel = (t: number, b: number) => (t > 0 ? _round(t - this.bTime[b]) : null);
    for (let b = 1; b < this.blockCount; b++) {
      out.push({
        hash: this.hash(b),
        height: this.bHeight[b],
        miner: this.names[this.bMiner[b]],
        mined_ts: _round(this.bTime[b]),
        reached: this.bReach[b],
        nodes: this.n,
        t50_s: rel(this.bT50[b], b),
        t90_s: rel(this.bT90[b], b),
        t100_s: rel(this.bT100[b], b),
      });
    }
    return out;
  }

  /** Samples taken so far. */
  readonly samples: ConvergenceSample[] = [];

  /** True when `anc` is on the chain ending at `b`. */
  isAncestor(anc: number, b: number): boolean {
    const h = this.bHeight[anc];
    let x = b;
    while (x >= 0 && this.bHeight[x] > h) x = this.bParent[x];
    return x === anc;
  }

  /** Create a block; returns its id. */
  _newBlock(parent: number, miner: number, time: number): number {
    const b = this.blockCount++;
    if (b >= this.bParent.length) this._growBlocks();
    this.bParent[b] = parent;
    this.bHeight[b] = parent < 0 ? 0 : this.bHeight[parent] + 1;
    this.bMiner[b] = miner;
    this.bTime[b] = time;
    this.bHas.push(new Uint8Array(this.n));
    this.bSched.push(null);
    return b;
  }

  _growBlocks(): void {
    const cap = this.bParent.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const x = make(cap);
      x.set(a);
      return x;
    };
    this.bParent = g(this.bParent, (n) => new Int32Array(n));
    this.bHeight = g(this.bHeight, (n) => new Int32Array(n));
    this.bMiner = g(this.bMiner, (n) => new Int32Array(n));
    this.bTime = g(this.bTime, (n) => new Float64Array(n));
    this.bReach = g(this.bReach, (n) => new Int32Array(n));
    this.bT50 = g(this.bT50, (n) => new Float64Array(n));
    this.bT90 = g(this.bT90, (n) => new Float64Array(n));
    this.bT100 = g(this.bT100, (n) => new Float64Array(n));
    this.bTipCount = g(this.bTipCount, (n) => new Int32Array(n));
  }

  _scheduleStart(): void {
    const q = this.queue;
    for (let i = 0; i < this.n; i++) {
      const start = Math.max(0, this.model.hosts[i].startTimeS);
      if (start <= 0) this._bringOnline(i);
      else q.push(start, K.nodeStart, i, 0, -1);
    }
    if (this.#minerIdx.length > 0) {
      q.push(this.rng.exponential(this.options.blockIntervalS), K.mine, -1, 0, -1);
    }
    this.tx.schedule();
    q.push(0, K.sample, -1, 0, -1);
    this.attacks.schedule();
  }

  _bringOnline(i: number): void {
    this.online[i] = 1;
    this._countTip(this.tip[i], 1);
    this._countHeight(this.tipHeight[i], 1);
  }

  _countTip(b: number, d: number): void {
    const before = this.bTipCount[b];
    this.bTipCount[b] = before + d;
    if (before === 0 && d > 0) this.distinctTips++;
    else if (before + d === 0) this.distinctTips--;
  }

  _countHeight(h: number, d: number): void {
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
      this.queue.push(t + this.rng.exponential(this.options.blockIntervalS), K.mine, -1, 0, -1);
    }
    // Pick the miner by share (binary search over the cumulative distribution).
    const u = this.rng.next();
    const cum = this.#minerCum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    const m = this.#minerIdx[lo];
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
      this._markHas(b, m);
      this.attacks.onSecretBlock(m, b);
      return;
    }
    this.attacks.onPublicMined(m, b);
    this._markHas(b, m);
    this.adopt(m, b, -1);
  }

  _markHas(b: number, i: number): void {
    this.bHas[b][i] = 1;
    const r = ++this.bReach[b];
    const n = this.n;
    if (this.bT50[b] === 0 && r * 2 >= n) this.bT50[b] = this.now || 1e-9;
    if (this.bT90[b] === 0 && r * 10 >= n * 9) this.bT90[b] = this.now || 1e-9;
    if (r === n) {
      this.bT100[b] = this.now || 1e-9;
      this.bSched[b] = null;
    }
  }

  _onBlock(i: number, b: number, from: number): void {
    const has = this.bHas;
    if (has[b][i] || !this.online[i]) return;
    const receipts = this.receipts;
    const parent = this.bParent[b];
    if (parent >= 0 && has[parent][i] === 1 && !receipts) {
      // Common case: the node holds the parent and nobody wants a receipt line.
      this._markHas(b, i);
    } else {
      // Deliver the block with every ancestor the node lacks, oldest first.
      let x = b;
      const chain: number[] = [];
      while (x >= 0 && !has[x][i]) {
        chain.push(x);
        x = this.bParent[x];
      }
      const t = _round(this.now);
      for (let k = chain.length - 1; k >= 0; k--) {
        const y = chain[k];
        this._markHas(y, i);
        if (receipts) {
          this.emit({
            ts: t,
            host: this.names[i],
            event: "block",
            height: this.bHeight[y],
            hash: this.hash(y),
            parent: this.hash(this.bParent[y]),
          });
        }
      }
    }
    if (this.bHeight[b] > this.tipHeight[i]) this.adopt(i, b, from);
  }

  /** Make `b` node i's tip (it is higher), record a reorg if needed, and relay it. */
  adopt(i: number, b: number, from: number): void {
    const old = this.tip[i];
    const oldH = this.tipHeight[i];
    const parent = this.bParent;
    const height = this.bHeight;
    // Walk the new chain down to the old height, then both chains down to the fork point.
    if (parent[b] === old && this.tx.count === 0) {
      // Plain extension of the tip: no reorg, no lists to build.
      if (this.online[i]) {
        this._countTip(old, -1);
        this._countHeight(oldH, -1);
        this._countTip(b, 1);
        this._countHeight(height[b], 1);
      }
      this.tip[i] = b;
      this.tipHeight[i] = height[b];
      if (this.attacks.active) this.attacks.onTipChange(i);
      this.relayBlock(i, b, from);
      return;
    }
    let x = b;
    const connected: number[] = [];
    while (height[x] > oldH) {
      connected.push(x);
      x = parent[x];
    }
    const disconnected: number[] = [];
    let y = old;
    while (x !== y) {
      connected.push(x);
      disconnected.push(y);
      x = parent[x];
      y = parent[y];
    }
    if (this.online[i]) {
      this._countTip(old, -1);
      this._countHeight(oldH, -1);
    }
    this.tip[i] = b;
    this.tipHeight[i] = height[b];
    if (this.online[i]) {
      this._countTip(b, 1);
      this._countHeight(height[b], 1);
    }
    if (disconnected.length > 0) {
      const depth = disconnected.length;
      this.reorgs++;
      if (depth > this.maxReorgDepth) this.maxReorgDepth = depth;
      this.emit({
        ts: _round(this.now),
        host: this.names[i],
        event: "reorg",
        depth,
        height: height[b],
      });
      this.attacks.onReorg(i, depth);
    }
    if (this.tx.count > 0) this.tx.onTipChange(i, connected, disconnected);
    if (this.attacks.active) this.attacks.onTipChange(i);
    this.relayBlock(i, b, from);
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
      this.bSched[b] = null;
    }
    const next = t + this.options.sampleIntervalS;
    if (next <= this.model.stopTimeS) this.queue.push(next, K.sample, -1, 0, -1);
  }
}
