/**
 * A peer graph built the way monerod connects: every node opens its outbound connections
 * (default 12, monerod 0.18's `--out-peers`) to peers drawn at random among those that accept
 * inbound and have room under their inbound limit (`--in-peers`); hidden nodes
 * (`--hide-my-port`) accept none. Degrees come out uneven, as in the real network: outbound is
 * fixed, inbound varies with how often a node was drawn.
 *
 * The graph is built straight into typed arrays (CSR, one entry per direction), with no object
 * per edge, so a million nodes with twelve outbound each take a few hundred MB at most.
 *
 * @module
 */
import type { DesAdjacency } from "./network.ts";
import type { DesRandom } from "./random.ts";

/** Options of {@link buildPeerGraph}. */
export interface PeerGraphOptions {
  n: number;
  /** Outbound connections per node (one number for all, or one per node). */
  outbound: number | Uint16Array;
  /** Most inbound connections a node accepts; `Infinity` for no limit. */
  inboundLimit: number;
  /** 1 where the node accepts inbound connections. */
  accepts: Uint8Array;
  /** Latency of every link in seconds (per-message latency, when set, replaces it). */
  latencyS: number;
  rng: DesRandom;
}

/** What {@link buildPeerGraph} returns beyond the adjacency. */
export interface PeerGraph extends DesAdjacency {
  /** Outbound connections each node got. */
  outCount: Uint16Array;
  /** Inbound connections each node accepted. */
  inCount: Uint32Array;
}

/** Build the graph; a node that finds too few acceptors after many draws keeps fewer. */
export function buildPeerGraph(o: PeerGraphOptions): PeerGraph {
  const { n, rng, accepts } = o;
  const outOf = (i: number) => typeof o.outbound === "number" ? o.outbound : o.outbound[i];
  let maxOut = 0;
  for (let i = 0; i < n; i++) maxOut = Math.max(maxOut, Math.min(outOf(i), n - 1));
  const outTo = new Int32Array(n * maxOut);
  const outCount = new Uint16Array(n);
  const inCount = new Uint32Array(n);
  const limit = o.inboundLimit;
  for (let i = 0; i < n; i++) {
    const want = Math.min(outOf(i), n - 1);
    const base = i * maxOut;
    // Enough draws that a sparse set of acceptors is still found; bounded so it always ends.
    for (let tries = 0; outCount[i] < want && tries < want * 50 + 100; tries++) {
      const j = rng.int(n);
      if (j === i || accepts[j] === 0 || inCount[j] >= limit) continue;
      if (_linked(outTo, base, outCount[i], j) || _linked(outTo, j * maxOut, outCount[j], i)) {
        continue;
      }
      outTo[base + outCount[i]++] = j;
      inCount[j]++;
    }
  }
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i] + outCount[i] + inCount[i];
  const m = adjStart[n];
  const adjTo = new Int32Array(m);
  const fill = adjStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < outCount[i]; k++) {
      const j = outTo[i * maxOut + k];
      adjTo[fill[i]++] = j;
      adjTo[fill[j]++] = i;
    }
  }
  const adjLatS = new Float64Array(m);
  // Zero pages stay untouched (and out of RSS) when per-message latency replaces link latency.
  if (o.latencyS !== 0) adjLatS.fill(o.latencyS);
  const adjLoss = new Float64Array(m);
  return { adjStart, adjTo, adjLatS, adjLoss, outCount, inCount };
}

function _linked(outTo: Int32Array, base: number, count: number, j: number): boolean {
  for (let k = 0; k < count; k++) if (outTo[base + k] === j) return true;
  return false;
}
