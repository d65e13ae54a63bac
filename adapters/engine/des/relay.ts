/**
 * Block relay in the discrete-event engine. A send waits for the sender's uplink (sends are
 * serialised), takes size/min(up, down) seconds, then the latency (the link's, or one draw per
 * message from the region pair's distribution; plus a retransmission round trip per lost
 * packet), then the receiver's validation delay (one for all, or drawn per node and block:
 * `validation.ts`). Missing ancestors travel with the block (a
 * sync). Only the earliest pending delivery per (block, node) is queued; later ones cannot
 * change the outcome.
 *
 * Relay protocols (`des.relay`):
 * - `push` (default): the whole block to every peer.
 * - `fluffy` (monerod): a fluffy block (header, miner tx and the tx hashes) to every peer; a
 *   receiver missing some of the block's txs from its pool (as of the send) asks for them
 *   (`NOTIFY_REQUEST_FLUFFY_MISSING_TX`) and gets them in a second fluffy block: one more round
 *   trip plus their bytes. A receiver lacking the parent syncs the chain (request chain, then
 *   objects: two round trips) and gets whole blocks.
 * - `simblock`: inv, getdata, then a block or compact block (`simblock_relay.ts`).
 *
 * @module
 */
import { K } from "./queue.ts";
import { bit, schedRow } from "./blocks.ts";
import type { DesNetwork } from "./network.ts";
import { simblockAnnounce } from "./simblock_relay.ts";

// A missing-ancestor walk stops here; deeper gaps are delivered in several hops anyway.
const _MAX_SYNC = 10_000;

/** Send block `b` from node i to every peer but `except`. */
export function relayBlock(net: DesNetwork, i: number, b: number, except: number): void {
  // Sybils swallow blocks they did not make.
  if (net.sybil[i] && net.bMiner[b] !== i) return;
  // Every node holds it: nobody to send to (and no schedule row to make again).
  if (net.bReach[b] >= net.n) return;
  if (net.relay === "simblock") {
    simblockAnnounce(net, i, b, except);
    return;
  }
  // This loop runs for every receipt of every block: the common case (receiver holds the
  // parent, no attack on the link) is inlined; anything else goes through sendBlock.
  const hasB = net.bHas[b];
  const parent = net.bParent[b];
  // A parent every node holds needs no per-receiver check (the usual case: blocks are minutes
  // apart and spread in seconds).
  const hasP = parent >= 0 && net.bReach[parent] < net.n ? net.bHas[parent] : null;
  const adjTo = net.adjTo;
  const adjCut = net.adjCut;
  const adjHold = net.adjHold;
  const adjLat = net.adjLatS;
  const adjLoss = net.adjLoss;
  const online = net.online;
  const downBps = net.downBps;
  const queue = net.queue;
  const fluffy = net.relay === "fluffy";
  const txs = fluffy ? net.tx.blockTxCount(b) : 0;
  const bits = fluffy ? net.headerBits + 256 * txs : net.blockBits;
  const latency = net.latency;
  const pairs = net.setup.adjPair;
  const upAll = net.setup.upUniform;
  const up = upAll > 0 ? upAll : net.upBps[i];
  // Per-peer reads the common case can skip: each one is a cache miss at a random peer.
  const checkOnline = net.offlineCount > 0;
  const downAll = net.setup.downUniform;
  const rateAll = downAll > 0 ? (up < downAll ? up : downAll) : 0;
  // A send of `bits` (no missing txs) takes the same time at every peer: divide once.
  const busyFor = bits / up;
  const sentFor = rateAll > 0 ? bits / rateAll : 0;
  // One delay for every node, or one per (node, block) from des.validation (null here).
  const validation = net.setup.validation.fixedS;
  const drawn = net.setup.validation;
  const t = net.now;
  const sched = schedRow(net, b);
  const upFree = net.upFree;
  const lossy = !net.setup.lossless;
  // The sender's uplink is busy until `busy` (kept local; written back around sendBlock).
  let busy = upFree[i];
  // Links are only cut or held by attacks: without any, those arrays need no reads.
  const attacked = net.attacks.active;
  const end = net.adjStart[i + 1];
  // Targets and latency pairs in one array when they fit (see `adjPacked` in setup.ts).
  const packed = net.setup.adjPacked;
  // The usual configuration at scale (packed links, no attack, nobody offline, no txs in the
  // block, one rate everywhere, lossless, per-message latency, a parent every node holds) has
  // a loop of its own with none of the branches below: 3-5 % of a 100k-node run.
  if (
    packed !== null && !attacked && !checkOnline && txs === 0 && rateAll > 0 &&
    latency !== null && !lossy && hasP === null && validation !== null
  ) {
    for (let e = net.adjStart[i]; e < end; e++) {
      const link = packed[e];
      const r = link >> 8;
      if (r === except || ((hasB[r >>> 5] >>> (r & 31)) & 1) === 1) continue;
      if (busy < t) busy = t;
      const sent = busy + sentFor;
      busy += busyFor;
      const earliest = sched[r];
      if (sent + validation >= earliest) continue;
      const arrive = sent + latency.samplePair(link & 0xff) + validation;
      if (arrive < earliest) {
        sched[r] = arrive;
        queue.push(arrive, K.block, r, b, i);
      }
    }
    upFree[i] = busy;
    return;
  }
  for (let e = net.adjStart[i]; e < end; e++) {
    const link = packed !== null ? packed[e] : 0;
    const r = packed !== null ? link >> 8 : adjTo[e];
    if (r === except || bit(hasB, r) === 1 || (checkOnline && online[r] === 0)) continue;
    if (attacked && adjCut[e] > 0) continue;
    if ((attacked && adjHold[e] > 0) || (hasP !== null && bit(hasP, r) === 0)) {
      upFree[i] = busy;
      net.sendBlock(i, b, e, t);
      busy = upFree[i];
      continue;
    }
    // Txs the receiver lacks come after a request: their bytes and a round trip.
    const missing = txs > 0 ? net.tx.missing(b, r) : 0;
    const start = busy > t ? busy : t;
    let sent: number;
    if (missing === 0 && rateAll > 0) {
      busy = start + busyFor;
      sent = start + sentFor;
    } else {
      const sendBits = missing > 0 ? bits + missing * net.txBits : bits;
      busy = start + sendBits / up;
      let rate = rateAll;
      if (rate === 0) {
        const down = downBps[r];
        rate = up < down ? up : down;
      }
      sent = start + sendBits / rate;
    }
    const valid = validation !== null ? validation : drawn.seconds(r, b);
    // A message that cannot beat the receiver's earliest delivery needs no latency draw.
    if (latency !== null && sent + valid >= sched[r]) continue;
    const lat = latency === null
      ? adjLat[e]
      : packed !== null
      ? latency.samplePair(link & 0xff)
      : pairs !== null
      ? latency.samplePair(pairs[e])
      : latency.sample(i, r);
    let arrive = sent + lat + valid;
    if (missing > 0) {
      arrive += latency === null ? 2 * lat : latency.sample(r, i) + latency.sample(i, r);
    }
    if (lossy) {
      const loss = adjLoss[e];
      while (loss > 0 && net.rng.next() < loss) arrive += 2 * lat + 0.2;
    }
    if (arrive < sched[r]) {
      sched[r] = arrive;
      queue.push(arrive, K.block, r, b, i);
    }
  }
  upFree[i] = busy;
}

/** Send block `b` over directed link `e` (from node i), if the receiver can use it. */
export function sendBlock(net: DesNetwork, i: number, b: number, e: number, t: number): void {
  if (e < 0) return;
  const r = net.adjTo[e];
  const has = net.bHas;
  // Links are only cut or held by attacks, and lose packets only where the scenario says: the
  // per-link arrays (megabytes at scale, one cache miss each) are read only then.
  const attacked = net.attacks.active;
  if (bit(has[b], r) === 1 || !net.online[r] || (attacked && net.adjCut[e] > 0)) return;
  // Blocks the receiver lacks travel together.
  let k = 1;
  let honest = net.attackerNode[net.bMiner[b]] === 0;
  let x = net.bParent[b];
  const validation = net.setup.validation;
  // Validation of every block that travels: k times one delay, or each block's own draw.
  let validS = validation.fixedS === null ? validation.seconds(r, b) : 0;
  while (x >= 0 && bit(has[x], r) === 0 && k < _MAX_SYNC) {
    k++;
    if (validation.fixedS === null) validS += validation.seconds(r, x);
    if (net.attackerNode[net.bMiner[x]] === 0) honest = true;
    x = net.bParent[x];
  }
  let extra = 0;
  const hold = attacked ? net.adjHold[e] : 0;
  // A held link (eclipse) passes the attackers' own blocks only: an attacker's block mined on
  // honest blocks the victim lacks would carry them along, so it is held like them.
  if (hold > 0 && honest) {
    if (hold === Infinity) {
      net.attacks.onWithheld(i, r);
      return;
    }
    extra = hold;
    net.attacks.onDelayed(i, r);
  }
  const bits = k * net.blockBits;
  const upAll = net.setup.upUniform;
  const up = upAll > 0 ? upAll : net.upBps[i];
  const start = net.upFree[i] > t ? net.upFree[i] : t;
  net.upFree[i] = start + bits / up;
  const downAll = net.setup.downUniform;
  const down = downAll > 0 ? downAll : net.downBps[r];
  const latency = net.latency;
  const lat = latency === null ? net.adjLatS[e] : latency.sample(i, r);
  if (validation.fixedS !== null) validS = k * validation.fixedS;
  let arrive = start + bits / (up < down ? up : down) + lat + extra + validS;
  if (net.relay === "fluffy") {
    // monerod syncs: NOTIFY_REQUEST_CHAIN, then NOTIFY_REQUEST_GET_OBJECTS, each a round trip.
    arrive += latency === null ? 4 * lat : 2 * (latency.sample(r, i) + latency.sample(i, r));
  }
  const loss = net.setup.lossless ? 0 : net.adjLoss[e];
  if (loss > 0) {
    // Each lost transmission costs a retransmission round trip.
    while (net.rng.next() < loss) arrive += 2 * lat + 0.2;
  }
  const sched = schedRow(net, b);
  if (arrive < sched[r]) {
    sched[r] = arrive;
    net.queue.push(arrive, K.block, r, b, i);
  }
}
