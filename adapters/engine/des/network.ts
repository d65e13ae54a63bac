/**
 * The state of a discrete-event run as its parts see it: transactions (`tx.ts`), attacks
 * (`attacks/`) and relay (`relay.ts`) read and change the network through {@link DesNetwork},
 * which `sim.ts` implements. Declaring it here, below all of them, keeps the imports one-way
 * (the simulation imports its parts; no part imports the simulation).
 *
 * Nodes, blocks and transactions are numbers (array indexes); links are directed adjacency
 * entries in CSR form, one per direction.
 *
 * @module
 */
import { ConfigError } from "../../../core/errors.ts";
import type { RunEvent, SimModel } from "../types.ts";
import type { DesOptions } from "./options.ts";
import type { DesQueue } from "./queue.ts";
import type { DesRandom } from "./random.ts";
import type { DesLatency } from "./latency.ts";
import type { DesValidation } from "./validation.ts";
import type { DesRelay } from "./netmodel.ts";
import { cappedLoss } from "../link_loss.ts";

/** Compact block relay of the `simblock` protocol. */
export interface DesCompact {
  /** 1 where the node uses compact blocks. */
  useCompact: Uint8Array;
  /** 1 where the node churns (fails compact blocks more often). */
  churn: Uint8Array;
  failureControl: number;
  failureChurn: number;
  /** Bytes of a compact block. */
  bytes: number;
}

/** Where the simulation writes what happens. */
export interface DesSink {
  /** One RunEvent (NDJSON line in `events.ndjson`). */
  event(event: RunEvent): void;
}

/** What relay and transactions tell the attacks. */
export interface DesAttackEvents {
  /** False when the model has no attacks (the hot paths skip the hooks). */
  readonly active: boolean;
  /** An eclipse attacker dropped an honest block bound for the victim. */
  onWithheld(from: number, to: number): void;
  /** An eclipse attacker held an honest block bound for the victim. */
  onDelayed(from: number, to: number): void;
  /** A sybil saw transaction `tx` arrive from `from`. */
  onSpy(spy: number, tx: number, from: number): void;
}

/** The network state and actions the parts of a run share. */
export interface DesNetwork {
  readonly model: SimModel;
  readonly options: DesOptions;
  readonly rng: DesRandom;
  readonly queue: DesQueue;
  /** Number of nodes. */
  readonly n: number;
  readonly names: string[];
  /** Node index by host name. */
  readonly index: Map<string, number>;
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
  /** When each node's uplink is free again (sends are serialised). */
  readonly upFree: Float64Array;
  readonly online: Uint8Array;
  /** Nodes offline now (0: the relay need not read {@link online} at each peer). */
  readonly offlineCount: number;
  /** What setup derived for the relay's common case. */
  readonly setup: {
    /** The download rate every node shares, or 0 when rates differ (then read `downBps`). */
    readonly downUniform: number;
    /** The upload rate every node shares, or 0 when rates differ (then read `upBps`). */
    readonly upUniform: number;
    /** No link loses packets: the relay skips reading `adjLoss`. */
    readonly lossless: boolean;
    /** Per directed link, its latency region pair ({@link DesLatency.pair}), unless packed. */
    readonly adjPair: Uint16Array | null;
    /** Per directed link, its target * 256 + its latency region pair; null when not packed. */
    readonly adjPacked: Int32Array | null;
    /** How long a node spends on a block before relaying it. */
    readonly validation: DesValidation;
  };
  /** Sybil nodes swallow what others send them. */
  readonly sybil: Uint8Array;
  /** Hosts of kind `attacker` (their blocks are not held back by eclipse attackers). */
  readonly attackerNode: Uint8Array;
  /** Nodes with hashrate (they keep a mempool and include its txs). */
  readonly isMiner: Uint8Array;
  readonly tip: Int32Array;
  readonly tipHeight: Int32Array;
  readonly bParent: Int32Array;
  readonly bHeight: Int32Array;
  readonly bMiner: Int32Array;
  /** Per block, which nodes hold it. */
  readonly bHas: Uint32Array[];
  /** Per block, how many nodes hold it. */
  readonly bReach: Int32Array;
  /** Per block, the earliest pending delivery time per node (null once not worth keeping). */
  readonly bSched: (Float64Array | null)[];
  /** Spare schedule rows (`dropSchedRow` in blocks.ts). */
  readonly spareRows: Float64Array[];
  /** Highest tip height among online nodes. */
  readonly maxHeight: number;
  /** Distinct tips among online nodes (1 = converged). */
  readonly distinctTips: number;
  /** Simulated seconds now. */
  readonly now: number;
  /** Whether per-node receipt events are written. */
  readonly receipts: boolean;
  /** Bits sent per block relay. */
  readonly blockBits: number;
  /** Block relay protocol. */
  readonly relay: DesRelay;
  /** Per-message latency by region pair, or null: each link's own latency. */
  readonly latency: DesLatency | null;
  /** fluffy relay: bits of a fluffy block before its tx hashes. */
  readonly headerBits: number;
  /** Bits of one transaction. */
  readonly txBits: number;
  /** simblock relay: compact blocks (null for other protocols). */
  readonly compact: DesCompact | null;
  readonly attacks: DesAttackEvents;
  readonly tx: {
    readonly count: number;
    readonly sender: number[];
    /** Transactions in block b. */
    blockTxCount(b: number): number;
    /** Transactions of block b that node r does not hold (pool or stem). */
    missing(b: number, r: number): number;
  };
  /** Emit one RunEvent. */
  emit(event: RunEvent): void;
  /** Hash string of a block (stable per seed). */
  hash(b: number): string;
  /** True when `anc` is on the chain ending at `b`. */
  isAncestor(anc: number, b: number): boolean;
  /** Directed adjacency index of p -> i. */
  reverseEdge(p: number, i: number): number;
  /** Send block `b` over directed link `e` (from node i), if the receiver can use it. */
  sendBlock(i: number, b: number, e: number, t: number): void;
  /** Make `b` node i's tip (it is higher), record a reorg if needed, and relay it. */
  adopt(i: number, b: number, from: number): void;
}

/** Times in records are rounded to the microsecond. */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** Links of a model in CSR form, one entry per direction. */
export interface DesAdjacency {
  adjStart: Int32Array;
  adjTo: Int32Array;
  adjLatS: Float64Array;
  adjLoss: Float64Array;
}

/**
 * Build the adjacency of a model's edges: undirected, de-duplicated, self-loops ignored.
 *
 * @param index node index by host name
 */
export function buildAdjacency(model: SimModel, index: Map<string, number>): DesAdjacency {
  const n = model.hosts.length;
  const seen = new Set<string>();
  const degree = new Int32Array(n);
  const pairs: [number, number, number, number][] = [];
  model.edges.forEach((e, i) => {
    const a = index.get(e.a);
    const b = index.get(e.b);
    if (a === undefined || b === undefined) {
      throw new ConfigError(
        `des: edges[${i}]: unknown host ${JSON.stringify(a === undefined ? e.a : e.b)}`,
      );
    }
    if (a === b) return;
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    pairs.push([
      a,
      b,
      Math.max(0, e.latencyMs) / 1000,
      cappedLoss(e.packetLoss),
    ]);
    degree[a]++;
    degree[b]++;
  });
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i] + degree[i];
  const m = adjStart[n];
  const adjTo = new Int32Array(m);
  const adjLatS = new Float64Array(m);
  const adjLoss = new Float64Array(m);
  const fill = adjStart.slice(0, n);
  for (const [a, b, lat, loss] of pairs) {
    let k = fill[a]++;
    adjTo[k] = b;
    adjLatS[k] = lat;
    adjLoss[k] = loss;
    k = fill[b]++;
    adjTo[k] = a;
    adjLatS[k] = lat;
    adjLoss[k] = loss;
  }
  return { adjStart, adjTo, adjLatS, adjLoss };
}
