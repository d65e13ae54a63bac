/**
 * The `simblock` relay protocol, message by message as SimBlock runs it, so hive's figures can
 * be set beside SimBlock's:
 *
 * 1. A node with a new tip sends `inv` to its peers (latency + 10 ms).
 * 2. A peer that neither has the block nor is downloading it answers `getdata` (latency + 10 ms).
 * 3. The holder sends the block, one block message at a time (its queue is busy until the
 *    message arrives): size x 8 / min(up, down) + 2 ms processing, then the latency. When both
 *    ends use compact blocks, an 18 kB compact block goes instead.
 * 4. A compact block fails at the receiver's failure rate (stable or churning node); it then
 *    asks for the missing part (`getblocktxn`, latency + 10 ms) and gets a fraction of the block.
 *
 * No validation delay: SimBlock relays a block as soon as it arrives. Per (block, node) state
 * lives in the block's schedule row: Infinity idle, -1 downloading.
 *
 * @module
 */
import { type DesEventView, K } from "./queue.ts";
import type { DesNetwork } from "./network.ts";
import { bit, schedRow } from "./blocks.ts";
import { SIMBLOCK_CONTROL_MS, SIMBLOCK_PROCESSING_MS, simblockFailedFraction } from "./simblock.ts";

const _CONTROL_S = SIMBLOCK_CONTROL_MS / 1000;
const _PROCESSING_S = SIMBLOCK_PROCESSING_MS / 1000;
const _DOWNLOADING = -1;

function _lat(net: DesNetwork, from: number, to: number): number {
  if (net.latency !== null) return net.latency.sample(from, to);
  const e = net.reverseEdge(to, from);
  return e < 0 ? 0 : net.adjLatS[e];
}

function _row(net: DesNetwork, b: number): Float64Array {
  return schedRow(net, b);
}

/** Node i has a new tip b: `inv` to every peer that lacks it and is not downloading it. */
export function simblockAnnounce(net: DesNetwork, i: number, b: number, except: number): void {
  const has = net.bHas[b];
  const sched = _row(net, b);
  const t = net.now;
  for (let e = net.adjStart[i]; e < net.adjStart[i + 1]; e++) {
    const r = net.adjTo[e];
    // Peers that hold or are fetching the block would ignore the inv.
    if (r === except || bit(has, r) === 1 || sched[r] === _DOWNLOADING || net.online[r] === 0) {
      continue;
    }
    if (net.adjCut[e] > 0) continue;
    const lat = net.latency !== null ? net.latency.sample(i, r) : net.adjLatS[e];
    net.queue.push(t + lat + _CONTROL_S, K.inv, r, b, i);
  }
}

/** `inv` of block b from `from` reached node r: ask for it unless held or already asked. */
export function simblockOnInv(net: DesNetwork, r: number, b: number, from: number): void {
  const sched = _row(net, b);
  if (bit(net.bHas[b], r) === 1 || sched[r] === _DOWNLOADING || net.online[r] === 0) return;
  sched[r] = _DOWNLOADING;
  net.queue.push(net.now + _lat(net, r, from) + _CONTROL_S, K.getdata, from, b, r);
}

/**
 * A request for block b from node r reached node i (`getdata`, or `getblocktxn` after a failed
 * compact block when `partial`): queue the block message on i's uplink.
 */
export function simblockOnRequest(
  net: DesNetwork,
  i: number,
  b: number,
  r: number,
  partial: boolean,
): void {
  const c = net.compact;
  const compact = !partial && c !== null && c.useCompact[i] === 1 && c.useCompact[r] === 1;
  let bytes = net.blockBits / 8;
  if (partial) bytes *= simblockFailedFraction(c !== null && c.churn[r] === 1, net.rng);
  else if (compact) bytes = c!.bytes;
  const up = net.upBps[i];
  const down = net.downBps[r];
  const t = net.now;
  const start = net.upFree[i] > t ? net.upFree[i] : t;
  const arrive = start + (bytes * 8) / (up < down ? up : down) + _PROCESSING_S +
    _lat(net, i, r);
  // SimBlock sends the next queued block message only once this one has arrived.
  net.upFree[i] = arrive;
  net.queue.push(arrive, compact ? K.compact : K.block, r, b, i);
}

/** A compact block arrived at r; true when it rebuilt the block, else it asked for the rest. */
export function simblockOnCompact(net: DesNetwork, r: number, b: number, from: number): boolean {
  const c = net.compact!;
  const failure = c.churn[r] === 1 ? c.failureChurn : c.failureControl;
  if (net.rng.next() >= failure) return true;
  net.queue.push(net.now + _lat(net, r, from) + _CONTROL_S, K.getblocktxn, from, b, r);
  return false;
}

/** Dispatch one simblock event; true when a compact block arrived whole (receive it). */
export function simblockOnEvent(net: DesNetwork, ev: DesEventView): boolean {
  switch (ev.kind) {
    case K.inv:
      simblockOnInv(net, ev.node, ev.item, ev.from);
      return false;
    case K.getdata:
    case K.getblocktxn:
      simblockOnRequest(net, ev.node, ev.item, ev.from, ev.kind === K.getblocktxn);
      return false;
    case K.compact:
      return simblockOnCompact(net, ev.node, ev.item, ev.from);
  }
  return false;
}
