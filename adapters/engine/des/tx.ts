/**
 * Transactions in the discrete-event engine: users send at exponential intervals; each tx
 * relays with Dandelion++ and ends up in blocks.
 *
 * - Stem: the tx goes to one peer per hop, never straight back. The peer is fixed per (node,
 *   epoch, previous hop), as Dandelion++ routes; at each hop it turns to fluff with
 *   `fluffProbability`, and a node that sees its own stem tx come back (a loop) fluffs it.
 * - Embargo: the sender fluffs its own tx if nobody has by an exponential embargo timer (this is
 *   what saves a tx swallowed by a sybil on the stem).
 * - Fluff: a node publishes the tx (`tx_seen`) and sends it to every peer after an exponential
 *   per-peer delay plus the link's transfer time. As for blocks, only the earliest pending
 *   delivery per (tx, node) is queued. Without receipt events only the first `tx_seen` (end of
 *   the stem) is written. Per-node state of a tx is dropped once every node has it, or
 *   {@link DES_TX_RETENTION_S} after it was sent (later deliveries are ignored), so memory stays
 *   bounded by the txs in flight.
 * - Mining: miners put their whole pool in the next block; on a reorg, txs of blocks that left
 *   the chain go back to the pool and txs of blocks that joined leave it (as monerod does).
 * - Confirmation follows the sender's own chain. The sender writes `tx_confirmed` (with the
 *   block's height and hash) when a block holding the tx joins its chain while the tx is not
 *   confirmed there. When that block leaves its chain in a reorg, the tx is unconfirmed again
 *   (there is no event for that); once a block of the new chain holds it (the one that replaced
 *   it, or a later one after it was mined again) the sender writes a new `tx_confirmed`. So a tx
 *   may have several, and its latest names the block that holds it now, or one that left the
 *   chain if the run ended before it was mined again. `txs_confirmed` in the summary counts the
 *   txs in their sender's chain at the end.
 *
 * @module
 */
import { isAncestor } from "./chain.ts";
import { K } from "./queue.ts";
import { desHashId } from "./random.ts";
import type { DesNetwork } from "./network.ts";

function _round(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** Seconds after sending when a tx's per-node relay state is dropped. */
export const DES_TX_RETENTION_S = 1800;

/** Per-tx state at a node: 0 unseen, 1 in the stem pool, 2 published (fluffed). */
const _STEM = 1;
const _FLUFF = 2;

/** Transaction state of one simulation. */
export class DesTransactions {
  readonly #sim: DesNetwork;
  /** Sending node of each tx. */
  readonly sender: number[] = [];
  readonly #sentAt: number[] = [];
  readonly #state: (Uint8Array | null)[] = [];
  readonly #sched: (Float64Array | null)[] = [];
  readonly #reach: number[] = [];
  /** Oldest tx whose state may still be held. */
  #oldest = 0;
  readonly #fluffed: number[] = [];
  /** Per tx: the block of its sender's chain that holds it, or -1 (not in that chain). */
  readonly #confirmedIn: number[] = [];
  readonly #mempool = new Map<number, Set<number>>();
  readonly #blockTxs = new Map<number, number[]>();
  /** Per tx still held: the blocks that hold it (one, or more after forks). */
  readonly #txBlocks = new Map<number, number[]>();
  readonly #users = new Map<number, { mean: number; amount: () => number }>();
  readonly #bits: number;

  constructor(sim: DesNetwork) {
    this.#sim = sim;
    this.#bits = sim.options.txSizeBytes * 8;
  }

  /** Transactions sent so far. */
  get count(): number {
    return this.sender.length;
  }

  /** Transactions in their sender's chain now (confirmed and not orphaned since). */
  confirmedCount(): number {
    let n = 0;
    for (const b of this.#confirmedIn) if (b >= 0) n++;
    return n;
  }

  /** Hash string of a transaction. */
  txid(tx: number): string {
    return desHashId(this.#sim.model.seed, 1, tx);
  }

  /** Queue each user's first transfer. */
  schedule(): void {
    const sim = this.#sim;
    sim.model.hosts.forEach((h, i) => {
      if (!h.tx) return;
      const amount = h.tx.amount;
      const draw = amount.kind === "fixed"
        ? () => amount.value
        : () => amount.min + sim.rng.next() * (amount.max - amount.min);
      this.#users.set(i, { mean: Math.max(1e-3, h.tx.intervalMeanS), amount: draw });
      sim.queue.push(
        Math.max(0, h.startTimeS) + sim.rng.exponential(h.tx.intervalMeanS),
        K.txNew,
        i,
        0,
        -1,
      );
    });
  }

  /** User i sends a transaction. */
  onNew(i: number): void {
    const sim = this.#sim;
    const user = this.#users.get(i);
    if (!user) return;
    sim.queue.push(sim.now + sim.rng.exponential(user.mean), K.txNew, i, 0, -1);
    if (!sim.online[i]) return;
    const tx = this.sender.length;
    this.sender.push(i);
    this.#sentAt.push(sim.now);
    this.#state.push(new Uint8Array(sim.n));
    this.#sched.push(null);
    this.#reach.push(0);
    this.#fluffed.push(0);
    this.#confirmedIn.push(-1);
    sim.emit({
      ts: _round(sim.now),
      host: sim.names[i],
      event: "tx_sent",
      txid: this.txid(tx),
      amount: Math.round(user.amount() * 1e12) / 1e12,
    });
    this.#state[tx]![i] = _STEM;
    sim.queue.push(sim.now + sim.rng.exponential(sim.options.embargoMeanS), K.embargo, i, tx, -1);
    this.#stemForward(i, tx, -1);
  }

  /** The embargo timer of the sender fired. */
  onEmbargo(i: number, tx: number): void {
    if (this.#fluffed[tx] === 0 && this.#state[tx] !== null) this.#fluff(i, tx);
  }

  /** Drop relay state of txs past retention. */
  onSample(): void {
    const limit = this.#sim.now - DES_TX_RETENTION_S;
    while (this.#oldest < this.sender.length && this.#sentAt[this.#oldest] < limit) {
      this.#release(this.#oldest++);
    }
  }

  #release(tx: number): void {
    this.#state[tx] = null;
    this.#sched[tx] = null;
    this.#txBlocks.delete(tx); // later deliveries are ignored: nobody asks any more
  }

  /** A stem-phase tx reached node i from `from`. */
  onStem(i: number, tx: number, from: number): void {
    const sim = this.#sim;
    const state = this.#state[tx];
    if (state === null || state[i] === _FLUFF || !sim.online[i]) return;
    if (state[i] === _STEM) {
      // The stem looped back: publish here rather than wait for the embargo.
      this.#fluff(i, tx);
      return;
    }
    state[i] = _STEM;
    if (sim.sybil[i]) {
      sim.attacks.onSpy(i, tx, from);
      return;
    }
    if (sim.rng.next() < sim.options.fluffProbability) this.#fluff(i, tx);
    else this.#stemForward(i, tx, from);
  }

  /** A fluffed tx reached node i from `from`. */
  onFluff(i: number, tx: number, from: number): void {
    const sim = this.#sim;
    const state = this.#state[tx];
    if (state === null || state[i] === _FLUFF || !sim.online[i]) return;
    if (sim.sybil[i]) {
      if (state[i] === 0) sim.attacks.onSpy(i, tx, from);
      state[i] = _FLUFF;
      this.#reached(tx);
      return;
    }
    this.#fluff(i, tx);
  }

  /** Transactions in block b. */
  blockTxCount(b: number): number {
    return this.#blockTxs.get(b)?.length ?? 0;
  }

  /** The transactions block b holds, by number. */
  blockTxList(b: number): readonly number[] {
    return this.#blockTxs.get(b) ?? [];
  }

  /**
   * Transactions of block b that node r lacks: neither in its pool nor its stem pool. A tx
   * whose relay state was dropped reached every node (or is past retention) and counts as held.
   */
  missing(b: number, r: number): number {
    const txs = this.#blockTxs.get(b);
    if (!txs) return 0;
    let k = 0;
    for (const tx of txs) {
      const state = this.#state[tx];
      if (state !== null && state[r] === 0) k++;
    }
    return k;
  }

  /** Miner m builds block b: it takes the whole pool. */
  fillBlock(m: number, b: number): void {
    const pool = this.#mempool.get(m);
    if (!pool || pool.size === 0) return;
    this.#blockTxs.set(b, [...pool]);
    for (const tx of pool) {
      const blocks = this.#txBlocks.get(tx);
      if (blocks) blocks.push(b);
      else this.#txBlocks.set(tx, [b]);
    }
    pool.clear();
  }

  /** Whether a block of node i's chain holds tx (a miner must not take it into its pool). */
  #inChain(i: number, tx: number): boolean {
    const blocks = this.#txBlocks.get(tx);
    if (!blocks) return false;
    // A walk down i's chain of a few blocks: a tx spreads in seconds.
    return blocks.some((b) => isAncestor(this.#sim, b, this.#sim.tip[i]));
  }

  /**
   * Node i's chain changed: update its pool, and follow its own txs. A tx whose confirming block
   * left i's chain is unconfirmed again; a tx that enters i's chain while unconfirmed (first
   * time, or again after a reorg, in the same or another block) gets a new `tx_confirmed`.
   */
  onTipChange(i: number, connected: number[], disconnected: number[]): void {
    const sim = this.#sim;
    const pool = this.#mempool.get(i);
    if (pool) {
      for (const b of disconnected) for (const tx of this.#blockTxs.get(b) ?? []) pool.add(tx);
      for (const b of connected) for (const tx of this.#blockTxs.get(b) ?? []) pool.delete(tx);
    }
    for (const b of disconnected) {
      for (const tx of this.#blockTxs.get(b) ?? []) {
        if (this.sender[tx] === i && this.#confirmedIn[tx] === b) this.#confirmedIn[tx] = -1;
      }
    }
    // Oldest block first: a tx held by two of them is confirmed by the lower one.
    for (let k = connected.length - 1; k >= 0; k--) {
      const b = connected[k];
      for (const tx of this.#blockTxs.get(b) ?? []) {
        if (this.sender[tx] !== i || this.#confirmedIn[tx] >= 0) continue;
        this.#confirmedIn[tx] = b;
        sim.emit({
          ts: _round(sim.now),
          host: sim.names[i],
          event: "tx_confirmed",
          txid: this.txid(tx),
          height: sim.bHeight[b],
          block: sim.hash(b),
        });
      }
    }
  }

  #linkDelay(e: number, i: number): number {
    const sim = this.#sim;
    const up = sim.upBps[i];
    const down = sim.downBps[sim.adjTo[e]];
    const r = sim.adjTo[e];
    const lat = sim.latency === null ? sim.adjLatS[e] : sim.latency.sample(i, r);
    let d = this.#bits / (up < down ? up : down) + lat;
    const loss = sim.adjLoss[e];
    while (loss > 0 && sim.rng.next() < loss) d += 2 * lat + 0.2;
    return d;
  }

  #stemForward(i: number, tx: number, from: number): void {
    const sim = this.#sim;
    const epoch = Math.floor(sim.now / sim.options.dandelionEpochS);
    const usable: number[] = [];
    for (let e = sim.adjStart[i]; e < sim.adjStart[i + 1]; e++) {
      // Never straight back to the previous hop.
      const r = sim.adjTo[e];
      if (r !== from && sim.adjCut[e] === 0 && sim.online[r]) usable.push(e);
    }
    if (usable.length === 0) {
      this.#fluff(i, tx);
      return;
    }
    const h = parseInt(desHashId(sim.model.seed ^ epoch, 2 + i, from + 1).slice(0, 8), 16);
    const e = usable[h % usable.length];
    sim.queue.push(sim.now + this.#linkDelay(e, i), K.txStem, sim.adjTo[e], tx, i);
  }

  #reached(tx: number): void {
    if (++this.#reach[tx] === this.#sim.n) this.#release(tx);
  }

  /** Node i publishes tx to its pool and diffuses it. */
  #fluff(i: number, tx: number): void {
    const sim = this.#sim;
    const state = this.#state[tx];
    if (state === null || state[i] === _FLUFF) return;
    state[i] = _FLUFF;
    const first = this.#fluffed[tx] === 0;
    this.#fluffed[tx] = 1;
    if (first || sim.receipts) {
      sim.emit({ ts: _round(sim.now), host: sim.names[i], event: "tx_seen", txid: this.txid(tx) });
    }
    // A tx that reaches a miner after a block of its chain took it is spent there: monerod
    // refuses it (its key images are used), so it is not mined twice.
    if (sim.isMiner[i] && !this.#inChain(i, tx)) {
      let pool = this.#mempool.get(i);
      if (!pool) {
        pool = new Set();
        this.#mempool.set(i, pool);
      }
      pool.add(tx);
    }
    let sched = this.#sched[tx];
    if (sched === null) {
      sched = new Float64Array(sim.n).fill(Infinity);
      this.#sched[tx] = sched;
    }
    for (let e = sim.adjStart[i]; e < sim.adjStart[i + 1]; e++) {
      const r = sim.adjTo[e];
      if (state[r] === _FLUFF || sim.adjCut[e] > 0 || !sim.online[r]) continue;
      const at = sim.now + sim.rng.exponential(sim.options.fluffDelayMeanS) + this.#linkDelay(e, i);
      if (at < sched[r]) {
        sched[r] = at;
        sim.queue.push(at, K.txFluff, r, tx, i);
      }
    }
    // Releasing last: the loop above still needed this tx's arrays.
    this.#reached(tx);
  }
}
