/**
 * Latency and loss for the links of a peer graph the engine draws itself (`des.peers` without
 * `des.latency`). The scenario's own links say what a link costs between two regions, so each
 * drawn link takes the latency and loss of one of them between the same two regions (of any of
 * them where the scenario has none there). The pick is a hash of the node pair and the seed:
 * both directions of a link agree, and a seed gives one result. A scenario without links leaves
 * the graph's default (50 ms, lossless).
 *
 * @module
 */
import type { SimModel } from "../types.ts";
import type { DesRegions } from "./latency.ts";
import type { DesAdjacency } from "./network.ts";
import { cappedLoss } from "../link_loss.ts";

/** Give `adj`'s links the shapes of the scenario's links between the same regions. */
export function shapeDrawnLinks(
  adj: DesAdjacency,
  model: SimModel,
  index: Map<string, number>,
  regions: DesRegions,
): void {
  const regionOf = regions.of;
  const regionCount = regions.names.length;
  const edges = model.edges.flatMap((e) => {
    const a = index.get(e.a), b = index.get(e.b);
    return a === undefined || b === undefined ? [] : [{
      ra: regionOf[a],
      rb: regionOf[b],
      latencyS: Math.max(0, e.latencyMs) / 1000,
      loss: cappedLoss(e.packetLoss),
    }];
  });
  if (edges.length === 0) return;
  const all = edges.map((_, k) => k);
  const pools: number[][] = Array.from({ length: regionCount * regionCount }, () => []);
  for (const [k, e] of edges.entries()) {
    pools[e.ra * regionCount + e.rb].push(k);
    if (e.ra !== e.rb) pools[e.rb * regionCount + e.ra].push(k);
  }
  const { adjStart, adjTo, adjLatS, adjLoss } = adj;
  for (let i = 0; i < adjStart.length - 1; i++) {
    for (let e = adjStart[i]; e < adjStart[i + 1]; e++) {
      const r = adjTo[e];
      const pool = pools[regionOf[i] * regionCount + regionOf[r]];
      const from = pool.length > 0 ? pool : all;
      const pick = edges[from[_pairHash(i < r ? i : r, i < r ? r : i, model.seed) % from.length]];
      adjLatS[e] = pick.latencyS;
      adjLoss[e] = pick.loss;
    }
  }
}

/** A 32-bit mix of an unordered node pair and the seed (murmur3's finaliser). */
function _pairHash(lo: number, hi: number, seed: number): number {
  let h = Math.imul(lo ^ Math.imul(seed | 0, 0x9e3779b1), 0xcc9e2d51) ^ Math.imul(hi, 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
