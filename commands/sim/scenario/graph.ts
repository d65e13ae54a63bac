/**
 * Graph algorithms over peer graphs: adjacency lists, BFS, connected components, degrees and
 * diameter. Graphs are over node indices `0..n-1` with undirected `[a, b]` edges; the
 * generators that build them live in `topology.ts`.
 *
 * @example
 * ```ts
 * import { graphMetrics } from "./graph.ts";
 * graphMetrics(5, [[0, 1], [1, 2], [2, 3], [3, 4], [0, 4]]).diameter; // 2
 * ```
 * @module
 */

/** An undirected edge between node indices, `a < b`. */
export type Edge = [number, number];

/** Summary of a graph's shape. */
export interface GraphMetrics {
  nodes: number;
  edges: number;
  /** Number of connected components (1 = connected). */
  components: number;
  connected: boolean;
  degree: { min: number; max: number; mean: number };
  /** Degree -> number of nodes with that degree, ascending. */
  degree_histogram: Record<string, number>;
  /** Longest shortest path in hops (of the largest component when disconnected). */
  diameter: number;
  /** True when the diameter was computed exactly (all-pairs BFS); else a double-sweep bound. */
  diameter_exact: boolean;
}

/** Largest graph whose diameter is computed exactly (BFS from every node). */
export const EXACT_DIAMETER_MAX_NODES = 2000;

/** Adjacency lists of an edge list. */
export function adjacency(n: number, edges: readonly Edge[]): number[][] {
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    adj[a].push(b);
    adj[b].push(a);
  }
  return adj;
}

/** BFS distances from `src` (-1 = unreachable). */
export function bfs(adj: readonly number[][], src: number): Int32Array {
  const dist = new Int32Array(adj.length).fill(-1);
  const queue = new Int32Array(adj.length);
  let head = 0;
  let tail = 0;
  dist[src] = 0;
  queue[tail++] = src;
  while (head < tail) {
    const v = queue[head++];
    for (const w of adj[v]) {
      if (dist[w] < 0) {
        dist[w] = dist[v] + 1;
        queue[tail++] = w;
      }
    }
  }
  return dist;
}

/** Connected components as a component index per node, and their count. */
export function components(adj: readonly number[][]): { of: Int32Array; count: number } {
  const of = new Int32Array(adj.length).fill(-1);
  let count = 0;
  for (let v = 0; v < adj.length; v++) {
    if (of[v] >= 0) continue;
    const dist = bfs(adj, v);
    for (let w = 0; w < adj.length; w++) if (dist[w] >= 0) of[w] = count;
    count++;
  }
  return { of, count };
}

/** Nodes, edges, degrees, components and diameter of a graph. */
export function graphMetrics(n: number, edges: readonly Edge[]): GraphMetrics {
  const adj = adjacency(n, edges);
  const comp = components(adj);
  const degrees = adj.map((l) => l.length);
  const histogram = new Map<number, number>();
  for (const d of degrees) histogram.set(d, (histogram.get(d) ?? 0) + 1);
  const byDegree: Record<string, number> = {};
  for (const [d, c] of [...histogram].sort((a, b) => a[0] - b[0])) byDegree[String(d)] = c;
  const { diameter, exact } = _diameter(adj, comp);
  return {
    nodes: n,
    edges: edges.length,
    components: comp.count,
    connected: comp.count <= 1,
    degree: {
      min: n ? Math.min(...degrees) : 0,
      max: n ? Math.max(...degrees) : 0,
      mean: n ? Math.round((2 * edges.length / n) * 1000) / 1000 : 0,
    },
    degree_histogram: byDegree,
    diameter,
    diameter_exact: exact,
  };
}

function _diameter(
  adj: readonly number[][],
  comp: { of: Int32Array; count: number },
): { diameter: number; exact: boolean } {
  const n = adj.length;
  if (n === 0) return { diameter: 0, exact: true };
  // Measure the largest component; on a disconnected graph "diameter" means that one's.
  const sizes = new Array(comp.count).fill(0);
  for (const c of comp.of) sizes[c]++;
  const big = sizes.indexOf(Math.max(...sizes));
  const start = comp.of.indexOf(big);
  const ecc = (v: number) => {
    const d = bfs(adj, v);
    let far = v;
    for (let w = 0; w < n; w++) if (d[w] > d[far]) far = w;
    return { far, e: d[far] };
  };
  if (n <= EXACT_DIAMETER_MAX_NODES) {
    let best = 0;
    for (let v = 0; v < n; v++) if (comp.of[v] === big) best = Math.max(best, ecc(v).e);
    return { diameter: best, exact: true };
  }
  // Double sweep: a lower bound that is exact on trees and tight on most sparse graphs.
  const first = ecc(start);
  const second = ecc(first.far);
  const third = ecc(second.far);
  return { diameter: Math.max(second.e, third.e), exact: false };
}

/** A weighted undirected edge: latency in ms and loss probability 0..1. */
export interface WeightedEdge {
  a: number;
  b: number;
  ms: number;
  loss: number;
}

/**
 * Dijkstra from `src`: shortest latency to every node (Infinity: unreachable), and the delivery
 * probability along that path. Self-loops are ignored.
 */
export function shortestPaths(
  n: number,
  edges: readonly WeightedEdge[],
  src: number,
): { ms: Float64Array; keep: Float64Array } {
  const out: Array<Array<{ to: number; ms: number; loss: number }>> = Array.from(
    { length: n },
    () => [],
  );
  for (const e of edges) {
    if (e.a === e.b) continue;
    out[e.a].push({ to: e.b, ms: e.ms, loss: e.loss });
    out[e.b].push({ to: e.a, ms: e.ms, loss: e.loss });
  }
  const ms = new Float64Array(n).fill(Infinity);
  const keep = new Float64Array(n).fill(0);
  const done = new Uint8Array(n);
  ms[src] = 0;
  keep[src] = 1;
  // Binary heap of [distance, node].
  const heap: Array<[number, number]> = [[0, src]];
  const push = (item: [number, number]) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  while (heap.length > 0) {
    const [d, v] = pop();
    if (done[v]) continue;
    done[v] = 1;
    for (const e of out[v]) {
      const nd = d + e.ms;
      if (nd < ms[e.to]) {
        ms[e.to] = nd;
        keep[e.to] = keep[v] * (1 - e.loss);
        push([nd, e.to]);
      }
    }
  }
  return { ms, keep };
}
