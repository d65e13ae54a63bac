import { deepEqual, equal, ok } from "@std/assert";
import { FIXTURES, hive } from "../_cli.ts";

Deno.test("sim inspect --json reports degrees, diameter, connectivity and regions", async () => {
  const r = await hive("--json", "sim", "inspect", `${FIXTURES}regions.yaml`);
  equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  equal(report.hosts, 30);
  deepEqual(report.by_region, { asia: 6, eu: 13, na: 11 });
  equal(report.graph.connected, true);
  equal(report.graph.diameter_exact, true);
  ok(report.graph.diameter >= 3, `diameter ${report.graph.diameter}`);
  const histogramTotal = Object.values(report.graph.degree_histogram as Record<string, number>)
    .reduce((s, n) => s + n, 0);
  equal(histogramTotal, 30);
});
