import { deepEqual, equal } from "@std/assert";
import { adjacency, type Edge, graphMetrics } from "../../../../commands/sim/scenario/graph.ts";

Deno.test("graphMetrics counts components and measures the largest one", () => {
  const edges: Edge[] = [[0, 1], [1, 2], [3, 4]];
  const m = graphMetrics(6, edges);
  equal(m.components, 3); // {0,1,2}, {3,4}, {5}
  equal(m.connected, false);
  equal(m.diameter, 2);
  deepEqual(adjacency(3, [[0, 2]]), [[2], [], [0]]);
});

Deno.test("diameter above the exact limit is a double-sweep bound, exact on a path", () => {
  const n = 2500;
  const path: Edge[] = Array.from({ length: n - 1 }, (_, i) => [i, i + 1]);
  const m = graphMetrics(n, path);
  equal(m.diameter_exact, false);
  equal(m.diameter, n - 1);
});
