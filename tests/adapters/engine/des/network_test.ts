/** The DES adjacency: undirected, de-duplicated, self-loops dropped, unknown hosts refused. */
import { deepEqual, equal, throws } from "@std/assert";
import { buildAdjacency, roundTime } from "../../../../adapters/engine/des/network.ts";
import { ConfigError } from "../../../../core/errors.ts";
import { desModel } from "./_fixtures.ts";

Deno.test("buildAdjacency: one entry per direction, duplicates and self-loops dropped", () => {
  const model = desModel({ nodes: 3, miners: 1, topology: "ring", latencyMs: 50, stopTimeS: 1 });
  const self = model.hosts[2].name;
  model.edges.push({ ...model.edges[0] }, { a: self, b: self, latencyMs: 1, packetLoss: 0 });
  const index = new Map(model.hosts.map((h, i) => [h.name, i]));
  const adj = buildAdjacency(model, index);
  deepEqual([...adj.adjStart], [0, 2, 4, 6]);
  deepEqual([...adj.adjTo], [1, 2, 0, 2, 1, 0]);
  equal(adj.adjLatS[0], 0.05);
});

Deno.test("buildAdjacency names an edge with an unknown host", () => {
  const model = desModel({ nodes: 2, miners: 1, topology: "ring", stopTimeS: 1 });
  model.edges.push({ a: model.hosts[0].name, b: "ghost", latencyMs: 1, packetLoss: 0 });
  const index = new Map(model.hosts.map((h, i) => [h.name, i]));
  throws(
    () => buildAdjacency(model, index),
    (e: unknown) =>
      e instanceof ConfigError && e.message.includes('edges[1]: unknown host "ghost"'),
  );
});

Deno.test("roundTime keeps microseconds", () => {
  equal(roundTime(1.23456789), 1.234568);
});
