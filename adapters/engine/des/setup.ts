/**
 * The network a discrete-event run simulates, from its model, options and `des:` network model
 * (`netmodel.ts`): the peer graph (the scenario's links, or built like monerod in `peers.ts`),
 * node regions, per-message latency (`latency.ts`), bandwidth, mining weights and the relay
 * protocol, with SimBlock's settings filled in for `preset: simblock` (`simblock.ts`).
 *
 * Draws made here (graph, regions, mining) come from their own PRNG stream derived from the
 * seed, so the run's main stream, and with it every run without a `des:` section, is unchanged.
 *
 * @module
 */
import { ConfigError } from "../../../core/errors.ts";
import type { SimModel } from "../types.ts";
import { MONERO_BLOCK_TARGET_S } from "../monerod.ts";
import { DesLatency, type DesRegions, drawDist, indexRegions } from "./latency.ts";
import {
  desDrawsPeers,
  type DesNetModel,
  type DesRelay,
  desRelayOf,
  parseDesNetModel,
} from "./netmodel.ts";
import { buildAdjacency, type DesAdjacency, type DesCompact } from "./network.ts";
import type { DesOptions } from "./options.ts";
import { buildPeerGraph, type PeerGraph } from "./peers.ts";
import { shapeDrawnLinks } from "./drawn_links.ts";
import { type DesRandom, desSetupRandom } from "./random.ts";
import {
  SIMBLOCK_BLOCK_BYTES,
  SIMBLOCK_DOWNLOAD_BPS,
  SIMBLOCK_INTERVAL_S,
  SIMBLOCK_REGIONS,
  SIMBLOCK_UPLOAD_BPS,
  simblockLatency,
  simblockOutbound,
  simblockRegions,
} from "./simblock.ts";
import { DesValidation } from "./validation.ts";

/** Everything network-shaped a run needs. */
export interface DesNetSetup {
  net: DesNetModel;
  relay: DesRelay;
  adjacency: DesAdjacency;
  regions: DesRegions;
  /** Per-message latency, or null: each link's own fixed latency. */
  latency: DesLatency | null;
  upBps: Float64Array;
  downBps: Float64Array;
  /** The download rate every node shares, or 0 when rates differ. */
  downUniform: number;
  /** The upload rate every node shares, or 0 when rates differ. */
  upUniform: number;
  /** No link loses packets (the relay need not read each link's loss). */
  lossless: boolean;
  /**
   * Per directed link, its latency region pair; null without per-message latency, or when
   * {@link adjPacked} holds them.
   */
  adjPair: Uint16Array | null;
  /**
   * Per directed link, its target times 256 plus its latency region pair, so the relay reads
   * one array where it would read two (the pairs' line is one more cache miss per relay); null
   * without per-message latency, past 2^23 nodes or 256 region pairs.
   */
  adjPacked: Int32Array | null;
  /** Mining weight per node (0: does not mine). */
  miningWeights: number[];
  blockIntervalS: number;
  blockSizeBytes: number;
  /** simblock relay: compact block settings and nodes. */
  compact: DesCompact | null;
  /** How long a node spends on a block before relaying it. */
  validation: DesValidation;
}

const _DEFAULT_BLOCK_BYTES = 100_000;

/**
 * Build the network of a run. `rng` is the run's main stream (per-message latency draws);
 * setup draws use their own stream.
 */
export function setupNetwork(
  model: SimModel,
  options: DesOptions,
  index: Map<string, number>,
  rng: DesRandom,
): DesNetSetup {
  const net = parseDesNetModel(model.des ?? {});
  const preset = net.preset === "simblock";
  const n = model.hosts.length;
  const setupRng = desSetupRandom(model.seed);
  const relay = desRelayOf(net);
  const regionNames = preset
    ? simblockRegions(n, setupRng)
    : model.hosts.map((h) => h.region || "default");
  const regions = indexRegions(regionNames);
  const latencySpec = net.latency ?? (preset ? simblockLatency() : undefined);
  const latency = latencySpec ? new DesLatency(latencySpec, regions, rng) : null;
  const upBps = new Float64Array(n);
  const downBps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (preset) {
      const r = (SIMBLOCK_REGIONS as readonly string[]).indexOf(regionNames[i]);
      upBps[i] = SIMBLOCK_UPLOAD_BPS[r];
      downBps[i] = SIMBLOCK_DOWNLOAD_BPS[r];
    } else {
      upBps[i] = Math.max(1, model.hosts[i].bandwidthUpBps);
      downBps[i] = Math.max(1, model.hosts[i].bandwidthDownBps);
    }
  }
  const adjacency = _adjacency(model, net, index, setupRng, latency, regions);
  const pairs = _linkPairs(adjacency.adjStart, adjacency.adjTo, latency);
  const packed = _packedLinks(adjacency.adjStart.length - 1, adjacency.adjTo, pairs);
  return {
    net,
    relay,
    adjacency,
    regions,
    latency,
    upBps,
    downBps,
    downUniform: _uniform(downBps),
    upUniform: _uniform(upBps),
    lossless: adjacency.adjLoss.every((x) => x === 0),
    adjPair: packed === null ? pairs : null,
    adjPacked: packed,
    miningWeights: _miningWeights(model, net, setupRng, preset),
    blockIntervalS: options.blockIntervalS ??
      (preset ? SIMBLOCK_INTERVAL_S : MONERO_BLOCK_TARGET_S),
    blockSizeBytes: options.blockSizeBytes ??
      (preset ? SIMBLOCK_BLOCK_BYTES : _DEFAULT_BLOCK_BYTES),
    compact: relay === "simblock" ? _compactNodes(n, net, setupRng) : null,
    validation: DesValidation.of(net.validation, options.validationDelayS, model.seed),
  };
}

function _adjacency(
  model: SimModel,
  net: DesNetModel,
  index: Map<string, number>,
  rng: DesRandom,
  latency: DesLatency | null,
  regions: DesRegions,
): DesAdjacency {
  const n = model.hosts.length;
  if (!desDrawsPeers(net)) return buildAdjacency(model, index);
  const accepts = new Uint8Array(n).fill(1);
  const hiddenShare = net.peers?.hidden ?? 0;
  for (let i = 0; i < n; i++) {
    if (model.hosts[i].daemonArgs.includes("--hide-my-port")) accepts[i] = 0;
    else if (hiddenShare > 0 && rng.next() < hiddenShare) accepts[i] = 0;
  }
  // Without per-message latency, drawn links take the shapes of the scenario's own links
  // (`drawn_links.ts`), or 50 ms where it has none.
  const latencyS = latency ? 0 : 0.05;
  if (net.peers) {
    const graph = buildPeerGraph({
      n,
      outbound: net.peers.outbound,
      inboundLimit: net.peers.inbound,
      accepts,
      latencyS,
      rng,
    });
    if (!latency) shapeDrawnLinks(graph, model, index, regions);
    return graph;
  }
  return buildPeerGraph({
    n,
    outbound: simblockOutbound(n, rng),
    inboundLimit: Infinity,
    accepts,
    latencyS,
    rng,
  });
}

function _miningWeights(
  model: SimModel,
  net: DesNetModel,
  rng: DesRandom,
  preset: boolean,
): number[] {
  const hashrates = model.hosts.map((h) => Math.max(0, h.hashrate));
  const mining = net.mining ??
    (preset
      ? { nodes: "all" as const, distribution: { normal: { mean: 400_000, stddev: 100_000 } } }
      : undefined);
  if (!mining) return hashrates;
  const set: number[] = [];
  hashrates.forEach((h, i) => {
    if (mining.nodes === "all" || h > 0) set.push(i);
  });
  const out = new Array<number>(hashrates.length).fill(0);
  if (mining.shares) {
    if (mining.shares.length > set.length) {
      throw new ConfigError(
        `des.mining.shares: ${mining.shares.length} shares for ${set.length} mining nodes`,
      );
    }
    mining.shares.forEach((s, k) => (out[set[k]] = s));
  } else if (mining.distribution) {
    for (const i of set) out[i] = drawDist(mining.distribution, rng);
  } else {
    for (const i of set) out[i] = mining.nodes === "all" ? 1 : hashrates[i];
  }
  if (!out.some((w) => w > 0)) {
    const from = mining.shares
      ? `shares ${JSON.stringify(mining.shares)}`
      : `distribution ${JSON.stringify(mining.distribution ?? null)}`;
    throw new ConfigError(
      `des.mining: no node has mining power > 0 (${set.length} mining nodes, ${from})`,
    );
  }
  return out;
}

function _compactNodes(n: number, net: DesNetModel, rng: DesRandom): DesCompact {
  const c = net.compact ?? {
    usage: 0.964,
    churn: 0.976,
    failure_control: 0.13,
    failure_churn: 0.27,
    bytes: 18_000,
  };
  const useCompact = new Uint8Array(n);
  const churn = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    useCompact[i] = rng.next() < c.usage ? 1 : 0;
    churn[i] = rng.next() < c.churn ? 1 : 0;
  }
  return {
    useCompact,
    churn,
    failureControl: c.failure_control,
    failureChurn: c.failure_churn,
    bytes: c.bytes,
  };
}

/** What a run's summary says about its network model (relay, latency, degrees, mining). */
export function describeNetwork(s: DesNetSetup): Record<string, unknown> {
  const start = s.adjacency.adjStart;
  const n = start.length - 1;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const d = start[i + 1] - start[i];
    if (d < min) min = d;
    if (d > max) max = d;
  }
  let miners = 0;
  for (const w of s.miningWeights) if (w > 0) miners++;
  return {
    preset: s.net.preset ?? null,
    relay: s.relay,
    latency: s.latency ? "per message, by region pair" : "per link, fixed",
    regions: s.regions.names.length,
    peers: s.net.peers ?? (s.net.preset ? "simblock degree distribution" : "scenario topology"),
    degree: {
      min: n > 0 ? min : 0,
      mean: Math.round((start[n] / Math.max(1, n)) * 100) / 100,
      max,
    },
    miners,
    block_interval_s: s.blockIntervalS,
    block_size_bytes: s.blockSizeBytes,
    validation_s: s.validation.describe(),
  };
}

/**
 * Nodes the engine's own peer graph (`des.peers` or the simblock preset) left without any peer,
 * when inbound limits or hidden nodes ran out of room: they mine and receive alone. 0 for the
 * scenario's topology, which validation already requires connected, and for one node.
 */
export function isolatedNodes(s: DesNetSetup): number {
  if (!desDrawsPeers(s.net)) return 0;
  const start = s.adjacency.adjStart;
  const n = start.length - 1;
  if (n < 2) return 0;
  let alone = 0;
  for (let i = 0; i < n; i++) if (start[i + 1] === start[i]) alone++;
  return alone;
}

/**
 * Under `des.peers`: how many nodes opened fewer outbound connections than asked (inbound
 * limits, hidden nodes or too few nodes to draw from), and the fewest one opened; null when
 * every node got its count or the graph is not the engine's.
 */
export function shortOutbound(
  s: DesNetSetup,
): { nodes: number; fewest: number; asked: number } | null {
  const counts = (s.adjacency as Partial<PeerGraph>).outCount;
  if (!s.net.peers || !counts) return null;
  const asked = s.net.peers.outbound;
  let nodes = 0;
  let fewest = asked;
  for (const c of counts) {
    if (c < asked) {
      nodes++;
      if (c < fewest) fewest = c;
    }
  }
  return nodes > 0 ? { nodes, fewest, asked } : null;
}

/** The value every element shares, or 0 when they differ. */
function _uniform(xs: Float64Array): number {
  const x = xs.length > 0 ? xs[0] : 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] !== x) return 0;
  return x;
}

/** Each directed link's target and latency region pair in one number, when both fit. */
function _packedLinks(n: number, adjTo: Int32Array, pairs: Uint16Array | null): Int32Array | null {
  if (pairs === null || n > 1 << 23) return null;
  const packed = new Int32Array(adjTo.length);
  for (let e = 0; e < adjTo.length; e++) {
    if (pairs[e] > 0xff) return null;
    packed[e] = (adjTo[e] << 8) | pairs[e];
  }
  return packed;
}

/** Each directed link's latency region pair, when the pairs fit 16 bits. */
function _linkPairs(
  adjStart: Int32Array,
  adjTo: Int32Array,
  latency: DesLatency | null,
): Uint16Array | null {
  if (latency === null) return null;
  const pairs = new Uint16Array(adjTo.length);
  for (let i = 0; i + 1 < adjStart.length; i++) {
    for (let e = adjStart[i]; e < adjStart[i + 1]; e++) {
      const k = latency.pair(i, adjTo[e]);
      if (k > 0xffff) return null;
      pairs[e] = k;
    }
  }
  return pairs;
}
