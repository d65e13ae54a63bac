/** `hive sim inspect`'s report of an expanded scenario. */
import { deepEqual, equal, ok } from "@std/assert";
import { formatInspectReport, inspectModel } from "../../../../commands/sim/scenario/inspect.ts";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";

const FIXTURES = new URL("../../../../fixtures/scenarios/", import.meta.url).pathname;

Deno.test("inspect counts kinds and regions, measures the graph and its latencies", async () => {
  const { model, network } = await loadScenario(`${FIXTURES}regions.yaml`);
  const r = inspectModel(model, network);
  equal(r.hosts, model.hosts.length);
  equal(r.edges, model.edges.length);
  equal(Object.values(r.by_kind).reduce((s, n) => s + n, 0), r.hosts);
  deepEqual(Object.keys(r.by_region), [...new Set(model.hosts.map((h) => h.region))].sort());
  equal(r.hashrate_total, 100);
  equal(r.graph.components, 1);
  ok(r.latency_ms.min <= r.latency_ms.mean && r.latency_ms.mean <= r.latency_ms.max);
  const text = formatInspectReport(r);
  ok(text.includes(model.name));
});
