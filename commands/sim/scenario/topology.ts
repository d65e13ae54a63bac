/**
 * Generated peer topologies: the families a scenario names (`ring`, `random_regular(4)`, ...),
 * their parsing and the generators. Graphs are over node indices `0..n-1`; edges are `[a, b]`
 * pairs with `a < b`, no self-loops, no duplicates, in generation order (deterministic for a
 * given PRNG). The graph algorithms that measure them live in `graph.ts`.
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { generateTopology } from "./topology.ts";
 * const edges = generateTopology({ kind: "ring" }, { n: 5, rng: createRng(1, "topology") });
 * edges.length; // 5
 * ```
 * @module
 */
import { adjacency, components, type Edge } from "./graph.ts";
import type { Rng } from "./prng.ts";

export type { Edge };

/** A topology family and its parameter. */
export type TopologySpec =
  | { kind: "star" }
  | { kind: "ring" }
  | { kind: "mesh" }
  | { kind: "dag"; k: number }
  | { kind: "random_regular"; k: number }
  | { kind: "scale_free"; m: number }
  | { kind: "regions"; k: number };

/** Topology names accepted in scenario files. */
export const TOPOLOGY_KINDS = [
  "star",
  "ring",
  "mesh",
  "dag",
  "random_regular",
  "scale_free",
  "regions",
] as const;

/** Largest graph `mesh` will build: n² edges grow too fast beyond this. */
export const MESH_MAX_NODES = 1000;

/** What a generator needs. */
export interface GenerateOptions {
  /** Number of nodes. */
  n: number;
  rng: Rng;
  /** Region index of each node (for `regions`); all zero when absent. */
  regionOf?: readonly number[];
}

/**
 * Parse `ring`, `dag`, `dag(3)`, `random_regular(4)`, `scale_free(2)`, `regions(3)`.
 * Returns an error text instead of throwing, so the caller can attach the field path.
 */
export function parseTopology(text: string): TopologySpec | string {
  const m = /^\s*([a-z_]+)\s*(?:\(\s*(\d+)\s*\))?\s*$/.exec(text);
  const expected = `expected one of star, ring, mesh, dag(k), random_regular(k), scale_free(m), ` +
    `regions(k)`;
  if (!m) return expected;
  const [, name, arg] = m;
  const param = arg === undefined ? undefined : Number(arg);
  switch (name) {
    case "star":
    case "ring":
    case "mesh":
      return param === undefined ? { kind: name } : `${name} takes no parameter`;
    case "dag":
    case "regions":
      if (param !== undefined && param < 1) return `${name}(k) needs k >= 1`;
      return { kind: name, k: param ?? (name === "dag" ? 2 : 3) };
    case "random_regular":
      if (param === undefined || param < 1) return "random_regular(k) needs k >= 1";
      return { kind: name, k: param };
    case "scale_free":
      if (param === undefined || param < 1) return "scale_free(m) needs m >= 1";
      return { kind: name, m: param };
    default:
      return expected;
  }
}

/** The canonical text of a topology spec, e.g. `random_regular(4)`. */
export function topologyText(spec: TopologySpec): string {
  switch (spec.kind) {
    case "dag":
    case "random_regular":
    case "regions":
      return `${spec.kind}(${spec.k})`;
    case "scale_free":
      return `${spec.kind}(${spec.m})`;
    default:
      return spec.kind;
  }
}

/**
 * Why `spec` cannot be built on `n` nodes, or null when it can. Checked before generating so the
 * error names the scenario field rather than failing deep inside a generator.
 */
export function topologyProblem(spec: TopologySpec, n: number): string | null {
  switch (spec.kind) {
    case "mesh":
      return n > MESH_MAX_NODES
        ? `mesh has n² edges; ${n} hosts is more than ${MESH_MAX_NODES}, use random_regular(k)`
        : null;
    case "random_regular":
      if (spec.k >= n) return `random_regular(${spec.k}) needs more than ${spec.k} hosts, got ${n}`;
      if ((n * spec.k) % 2 !== 0) {
        return `random_regular(${spec.k}) needs hosts × k to be even, got ${n} × ${spec.k}`;
      }
      return null;
    case "scale_free":
      return spec.m >= n ? `scale_free(${spec.m}) needs more than ${spec.m} hosts, got ${n}` : null;
    default:
      return null;
  }
}

/** Build the edges of `spec` over `options.n` nodes. Throws when {@link topologyProblem} would. */
export function generateTopology(spec: TopologySpec, options: GenerateOptions): Edge[] {
  const problem = topologyProblem(spec, options.n);
  if (problem) throw new Error(problem);
  const { n, rng } = options;
  switch (spec.kind) {
    case "star":
      return Array.from({ length: Math.max(0, n - 1) }, (_, i) => [0, i + 1] as Edge);
    case "ring":
      return _ring(n);
    case "mesh":
      return _mesh(n);
    case "dag":
      return _dag(n, spec.k, rng);
    case "random_regular":
      return _randomRegular(n, spec.k, rng);
    case "scale_free":
      return _scaleFree(n, spec.m, rng);
    case "regions":
      return _regions(n, spec.k, rng, options.regionOf ?? new Array(n).fill(0));
  }
}

function _edge(a: number, b: number): Edge {
  return a < b ? [a, b] : [b, a];
}

function _ring(n: number): Edge[] {
  if (n < 2) return [];
  if (n === 2) return [[0, 1]];
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) edges.push(_edge(i, (i + 1) % n));
  return edges;
}

function _mesh(n: number): Edge[] {
  const edges: Edge[] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) edges.push([a, b]);
  return edges;
}

/** Each node links to up to `k` distinct earlier nodes: acyclic when oriented by index. */
function _dag(n: number, k: number, rng: Rng): Edge[] {
  const edges: Edge[] = [];
  for (let i = 1; i < n; i++) {
    const want = Math.min(i, k);
    const picked = new Set<number>();
    while (picked.size < want) picked.add(rng.int(i));
    for (const j of [...picked].sort((x, y) => x - y)) edges.push([j, i]);
  }
  return edges;
}

/**
 * Random k-regular graph by the Steger–Wormald pairing: match random free stubs whose nodes are
 * distinct and not yet linked; restart when stuck or when the graph came out disconnected
 * (likely for k = 2: a union of cycles). Bounded in attempts; k = 2 then falls back to one
 * random cycle through every node, which is connected by construction.
 */
function _randomRegular(n: number, k: number, rng: Rng): Edge[] {
  let last: Edge[] | null = null;
  for (let attempt = 0; attempt < 100; attempt++) {
    const edges = _tryRegular(n, k, rng);
    if (edges && components(adjacency(n, edges)).count === 1) return edges;
    last = edges ?? last;
  }
  if (k === 2) return _randomCycle(n, rng);
  // k = 1 (a matching) is never connected: the caller's connectivity check names it.
  if (last) return last;
  throw new Error(`could not build random_regular(${k}) on ${n} nodes after 100 attempts`);
}

/** One cycle through all `n` nodes in a random order (Fisher–Yates). */
function _randomCycle(n: number, rng: Rng): Edge[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.map((v, i) => _edge(v, order[(i + 1) % n]));
}

function _tryRegular(n: number, k: number, rng: Rng): Edge[] | null {
  const stubs: number[] = [];
  for (let v = 0; v < n; v++) for (let j = 0; j < k; j++) stubs.push(v);
  const seen = new Set<number>();
  const edges: Edge[] = [];
  let len = stubs.length;
  while (len > 0) {
    let paired = false;
    // Random tries first; when they keep failing, scan for any legal pair before giving up.
    for (let t = 0; t < 64 && !paired; t++) {
      const i = rng.int(len);
      const j = rng.int(len);
      paired = _pair(stubs, i, j, len, seen, edges, n);
    }
    if (!paired) {
      outer: for (let i = 0; i < len; i++) {
        for (let j = i + 1; j < len; j++) {
          if (_pair(stubs, i, j, len, seen, edges, n)) {
            paired = true;
            break outer;
          }
        }
      }
    }
    if (!paired) return null;
    len -= 2;
  }
  return edges;
}

function _pair(
  stubs: number[],
  i: number,
  j: number,
  len: number,
  seen: Set<number>,
  edges: Edge[],
  n: number,
): boolean {
  const a = stubs[i];
  const b = stubs[j];
  if (i === j || a === b) return false;
  const e = _edge(a, b);
  const key = e[0] * n + e[1];
  if (seen.has(key)) return false;
  seen.add(key);
  edges.push(e);
  // Move the two used stubs past the live end (higher index first so the lower stays valid).
  for (const idx of i > j ? [i, j] : [j, i]) {
    const last = len - 1;
    [stubs[idx], stubs[last]] = [stubs[last], stubs[idx]];
    len--;
  }
  return true;
}

/** Barabási–Albert: start from a clique of m+1 nodes, attach each new node to m by degree. */
function _scaleFree(n: number, m: number, rng: Rng): Edge[] {
  const edges: Edge[] = [];
  const ends: number[] = []; // every edge endpoint once: sampling it is sampling by degree
  for (let a = 0; a <= m; a++) {
    for (let b = a + 1; b <= m; b++) {
      edges.push([a, b]);
      ends.push(a, b);
    }
  }
  for (let v = m + 1; v < n; v++) {
    const targets = new Set<number>();
    while (targets.size < m) targets.add(ends[rng.int(ends.length)]);
    for (const t of [...targets].sort((x, y) => x - y)) {
      edges.push([t, v]);
      ends.push(t, v);
    }
  }
  return edges;
}

/**
 * Regions: inside each region a random_regular(k) graph (a mesh when the region is too small
 * for one), then k links between every pair of regions, between random members.
 */
function _regions(n: number, k: number, rng: Rng, regionOf: readonly number[]): Edge[] {
  const members = new Map<number, number[]>();
  for (let v = 0; v < n; v++) {
    const list = members.get(regionOf[v]) ?? [];
    list.push(v);
    members.set(regionOf[v], list);
  }
  const groups = [...members.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const edges: Edge[] = [];
  const seen = new Set<number>();
  const add = (a: number, b: number) => {
    const e = _edge(a, b);
    const key = e[0] * n + e[1];
    if (a === b || seen.has(key)) return;
    seen.add(key);
    edges.push(e);
  };
  for (const list of groups) {
    const size = list.length;
    // An odd size with an odd k has no k-regular graph: use k+1 there.
    const kk = (size * k) % 2 === 0 ? k : k + 1;
    const local = kk >= size ? _mesh(size) : _randomRegular(size, kk, rng);
    for (const [a, b] of local) add(list[a], list[b]);
  }
  for (let g = 0; g < groups.length; g++) {
    for (let h = g + 1; h < groups.length; h++) {
      for (let i = 0; i < k; i++) {
        add(groups[g][rng.int(groups[g].length)], groups[h][rng.int(groups[h].length)]);
      }
    }
  }
  return edges;
}
