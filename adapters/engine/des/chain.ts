/**
 * Chains in the discrete-event engine: a node receives a block (with the ancestors it lacks),
 * adopts it when it is higher (greatest height wins, first seen wins ties), records a reorg
 * with its depth, tells transactions and attacks, and relays the block on.
 *
 * @module
 */
import type { DesAttackEvents, DesNetwork } from "./network.ts";
import { roundTime as _round } from "./network.ts";
import { bit, dropSchedRow, setBit } from "./blocks.ts";

/** What chain bookkeeping needs beyond {@link DesNetwork}. */
export interface DesChainState extends DesNetwork {
  reorgs: number;
  maxReorgDepth: number;
  readonly bReach: Int32Array;
  readonly bT50: Float64Array;
  readonly bT90: Float64Array;
  readonly bT100: Float64Array;
  readonly attacks: DesAttackEvents & {
    onReorg(i: number, depth: number): void;
    onTipChange(i: number): void;
  };
  readonly tx: DesNetwork["tx"] & {
    onTipChange(i: number, connected: number[], disconnected: number[]): void;
  };
  /** Count node tips on block b up (d = 1) or down (d = -1). */
  countTip(b: number, d: number): void;
  /** Count node heights at h up (d = 1) or down (d = -1). */
  countHeight(h: number, d: number): void;
  /** Send block `b` from node i to every peer but `except`. */
  relayBlock(i: number, b: number, except: number): void;
}

/** True when `anc` is on the chain ending at `b`. */
export function isAncestor(s: DesNetwork, anc: number, b: number): boolean {
  const h = s.bHeight[anc];
  let x = b;
  while (x >= 0 && s.bHeight[x] > h) x = s.bParent[x];
  return x === anc;
}

/** Node i now holds block b: count its reach and the 50/90/100 % times. */
export function markHas(s: DesChainState, b: number, i: number): void {
  setBit(s.bHas[b], i);
  const r = ++s.bReach[b];
  const n = s.n;
  if (s.bT50[b] === 0 && r * 2 >= n) s.bT50[b] = s.now || 1e-9;
  if (s.bT90[b] === 0 && r * 10 >= n * 9) s.bT90[b] = s.now || 1e-9;
  if (r === n) {
    s.bT100[b] = s.now || 1e-9;
    dropSchedRow(s, b);
  }
}

/** Block b arrives at node i (with any ancestors it lacks); adopt it when higher. */
export function receiveBlock(s: DesChainState, i: number, b: number, from: number): void {
  const has = s.bHas;
  if (bit(has[b], i) === 1 || !s.online[i]) return;
  const receipts = s.receipts;
  const parent = s.bParent[b];
  if (parent >= 0 && bit(has[parent], i) === 1 && !receipts) {
    // Common case: the node holds the parent and nobody wants a receipt line.
    markHas(s, b, i);
  } else {
    // Deliver the block with every ancestor the node lacks, oldest first.
    let x = b;
    const chain: number[] = [];
    while (x >= 0 && bit(has[x], i) === 0) {
      chain.push(x);
      x = s.bParent[x];
    }
    const t = _round(s.now);
    for (let k = chain.length - 1; k >= 0; k--) {
      const y = chain[k];
      markHas(s, y, i);
      if (receipts) {
        s.emit({
          ts: t,
          host: s.names[i],
          event: "block",
          height: s.bHeight[y],
          hash: s.hash(y),
          parent: s.hash(s.bParent[y]),
        });
      }
    }
  }
  if (s.bHeight[b] > s.tipHeight[i]) adoptBlock(s, i, b, from);
}

/** Make `b` node i's tip (it is higher), record a reorg if needed, and relay it. */
export function adoptBlock(s: DesChainState, i: number, b: number, from: number): void {
  const old = s.tip[i];
  const oldH = s.tipHeight[i];
  const parent = s.bParent;
  const height = s.bHeight;
  // Walk the new chain down to the old height, then both chains down to the fork point.
  if (parent[b] === old && s.tx.count === 0) {
    // Plain extension of the tip: no reorg, no lists to build.
    if (s.online[i]) {
      s.countTip(old, -1);
      s.countHeight(oldH, -1);
      s.countTip(b, 1);
      s.countHeight(height[b], 1);
    }
    s.tip[i] = b;
    s.tipHeight[i] = height[b];
    if (s.attacks.active) s.attacks.onTipChange(i);
    s.relayBlock(i, b, from);
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
  if (s.online[i]) {
    s.countTip(old, -1);
    s.countHeight(oldH, -1);
  }
  s.tip[i] = b;
  s.tipHeight[i] = height[b];
  if (s.online[i]) {
    s.countTip(b, 1);
    s.countHeight(height[b], 1);
  }
  if (disconnected.length > 0) {
    const depth = disconnected.length;
    s.reorgs++;
    if (depth > s.maxReorgDepth) s.maxReorgDepth = depth;
    s.emit({
      ts: _round(s.now),
      host: s.names[i],
      event: "reorg",
      depth,
      height: height[b],
    });
    s.attacks.onReorg(i, depth);
  }
  if (s.tx.count > 0) s.tx.onTipChange(i, connected, disconnected);
  if (s.attacks.active) s.attacks.onTipChange(i);
  s.relayBlock(i, b, from);
}
