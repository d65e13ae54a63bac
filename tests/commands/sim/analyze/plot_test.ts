import { equal, ok } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { renderAnalysisSvg } from "../../../../commands/sim/analyze/plot.ts";
import { desModel } from "../../../adapters/engine/des/_fixtures.ts";
const _logger = createLogger({ level: "error", sinks: [] });
async function _withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hive_analyze_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("plot: an SVG with the CDF and both height series, no NaN", async () => {
  await _withDir(async (dir) => {
    const model = desModel({ nodes: 20, miners: 5, topology: "random", seed: 6, stopTimeS: 7200 });
    await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    const svg = renderAnalysisSvg(report);
    ok(svg.startsWith("<?xml"));
    ok(svg.trimEnd().endsWith("</svg>"));
    equal(svg.match(/<polyline/g)?.length, 3);
    ok(!svg.includes("NaN") && !svg.includes("Infinity"));
    ok(svg.includes("Block propagation to all nodes (CDF)"));
    const empty = renderAnalysisSvg({
      ...report,
      propagation: { ...report.propagation, cdf: [] },
      convergence: { ...report.convergence, samples: [] },
    });
    equal(empty.match(/no data/g)?.length, 2);
  });
});
