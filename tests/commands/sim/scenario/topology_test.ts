import { deepEqual, equal, ok, throws } from "@std/assert";
import { createRng } from "../../../../commands/sim/scenario/prng.ts";
import { type Edge, graphMetrics } from "../../../../commands/sim/scenario/graph.ts";
import {
  generateTopology,
  parseTopology,
  topologyProblem,
  type TopologySpec,
} from "../../../../commands/sim/scenario/topology.ts";

function build(spec: TopologySpec, n: number, seed = 1, regionOf?: number[]): Edge[] {
  return generateTopology(spec, { n, rng: createRng(seed, "topology"), regionOf });
}

function assertSimple(n: number, edges: Edge[]): void {
  const seen = new Set<string>();
  for (const [a, b] of edges) {
    ok(a < b, `edge ${a}-${b} is ordered`);
    ok(a >= 0 && b < n, `edge ${a}-${b} is in range`);
    ok(!seen.has(`${a}-${b}`), `edge ${a}-${b} is not repeated`);
    seen.add(`${a}-${b}`);
  }
}

Deno.test("parseTopology reads names and parameters, and rejects the rest", () => {
  deepEqual(parseTopology("ring"), { kind: "ring" });
  deepEqual(parseTopology("random_regular(4)"), { kind: "random_regular", k: 4 });
  deepEqual(parseTopology("scale_free( 2 )"), { kind: "scale_free", m: 2 });
  deepEqual(parseTopology("dag"), { kind: "dag", k: 2 });
  deepEqual(parseTopology("regions"), { kind: "regions", k: 3 });
  equal(parseTopology("random_regular"), "random_regular(k) needs k >= 1");
  equal(parseTopology("ring(3)"), "ring takes no parameter");
  equal(
    parseTopology("hexagon"),
    "expected one of star, ring, mesh, dag(k), random_regular(k), scale_free(m), regions(k)",
  );
});

Deno.test("star, ring and mesh have their textbook shapes", () => {
  const star = graphMetrics(6, build({ kind: "star" }, 6));
  deepEqual([star.edges, star.degree.max, star.degree.min, star.diameter], [5, 5, 1, 2]);
  const ring = graphMetrics(9, build({ kind: "ring" }, 9));
  deepEqual([ring.edges, ring.diameter, ring.degree_histogram], [9, 4, { "2": 9 }]);
  const mesh = graphMetrics(7, build({ kind: "mesh" }, 7));
  deepEqual([mesh.edges, mesh.diameter, mesh.connected], [21, 1, true]);
});

Deno.test("random_regular gives every node exactly k distinct neighbours", () => {
  for (const [n, k] of [[24, 4], [101, 6], [1000, 8]]) {
    const edges = build({ kind: "random_regular", k }, n, n);
    assertSimple(n, edges);
    const m = graphMetrics(n, edges);
    deepEqual(m.degree_histogram, { [String(k)]: n });
    equal(m.edges, (n * k) / 2);
  }
});

Deno.test("random_regular refuses impossible sizes before generating", () => {
  equal(
    topologyProblem({ kind: "random_regular", k: 3 }, 5),
    "random_regular(3) needs hosts × k to be even, got 5 × 3",
  );
  equal(
    topologyProblem({ kind: "random_regular", k: 4 }, 4),
    "random_regular(4) needs more than 4 hosts, got 4",
  );
  throws(() => build({ kind: "random_regular", k: 4 }, 4), /needs more than 4 hosts/);
});

Deno.test("dag links each node only to earlier nodes and stays connected", () => {
  const edges = build({ kind: "dag", k: 2 }, 50, 9);
  assertSimple(50, edges);
  equal(edges.length, 1 + 2 * 48); // node 1 has one earlier node, the rest two
  ok(graphMetrics(50, edges).connected);
});

Deno.test("scale_free grows hubs: the max degree is far above m", () => {
  const edges = build({ kind: "scale_free", m: 2 }, 500, 4);
  assertSimple(500, edges);
  const m = graphMetrics(500, edges);
  ok(m.connected);
  equal(m.degree.min, 2);
  ok(m.degree.max >= 15, `max degree ${m.degree.max}`);
});

Deno.test("regions keeps most links inside a region and joins every pair of regions", () => {
  const regionOf = Array.from({ length: 60 }, (_, i) => i % 3);
  const edges = build({ kind: "regions", k: 3 }, 60, 5, regionOf);
  assertSimple(60, edges);
  const cross = edges.filter(([a, b]) => regionOf[a] !== regionOf[b]);
  ok(cross.length > 0 && cross.length <= 9, `cross-region links: ${cross.length}`);
  const pairs = new Set(cross.map(([a, b]) => [regionOf[a], regionOf[b]].sort().join("-")));
  deepEqual([...pairs].sort(), ["0-1", "0-2", "1-2"]);
});

Deno.test("generation is deterministic per seed and differs across seeds", () => {
  const spec: TopologySpec = { kind: "random_regular", k: 4 };
  deepEqual(build(spec, 200, 42), build(spec, 200, 42));
  ok(JSON.stringify(build(spec, 200, 42)) !== JSON.stringify(build(spec, 200, 43)));
});

Deno.test("regions(2) with 10 per region and random_regular(2) are connected for every seed", () => {
  const regionOf = Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1));
  for (let seed = 1; seed <= 200; seed++) {
    const edges = build({ kind: "regions", k: 2 }, 20, seed, regionOf);
    assertSimple(20, edges);
    equal(graphMetrics(20, edges).components, 1, `regions(2), seed ${seed}`);
    const ring = build({ kind: "random_regular", k: 2 }, 10, seed);
    equal(graphMetrics(10, ring).components, 1, `random_regular(2), seed ${seed}`);
    ok(graphMetrics(10, ring).degree.max === 2 && graphMetrics(10, ring).degree.min === 2);
  }
  // Large k = 2 falls back to one random cycle when pairings keep splitting.
  const big = build({ kind: "random_regular", k: 2 }, 3000, 5);
  equal(graphMetrics(3000, big).components, 1);
});
