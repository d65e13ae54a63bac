import { equal, ok } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { distribution } from "../../../../commands/sim/analyze/stats.ts";
import { desModel, hostName } from "../../../adapters/engine/des/_fixtures.ts";
import { withTempDir } from "../../../_helpers.ts";

const _logger = createLogger({ level: "error", sinks: [] });

Deno.test("analyze a DES run: events and the engine's own aggregates agree", async () => {
  await withTempDir(async (dir) => {
    const model = desModel({
      nodes: 40,
      miners: 20,
      topology: "random",
      degree: 2,
      latencyMs: 1500,
      seed: 12,
      stopTimeS: 120 * 200,
      users: { indices: [30, 31, 32], intervalMeanS: 300 },
    });
    const result = await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const summary = result.summary as Record<string, number>;
    const report = await analyzeRun({ dir });
    equal(report.nodes, 40);
    equal(report.problems.count, 0);
    equal(report.blocks.mined, summary.blocks_mined);
    equal(report.blocks.orphaned, summary.orphaned_blocks);
    equal(report.blocks.main_chain_height, summary.main_chain_height);
    equal(report.reorgs.count, summary.reorgs);
    equal(report.reorgs.max_depth, summary.max_reorg_depth);
    ok(report.blocks.orphaned > 0, "1.5 s per hop over 40 nodes makes forks");
    equal(report.propagation.source, "events");
    // The same delays computed by the engine itself (propagation.ndjson) must match.
    const agg = (await Deno.readTextFile(`${dir}/propagation.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l)).filter((p) => p.t100_s !== null).map((p) => p.t100_s as number);
    const expected = distribution(agg);
    equal(report.propagation.blocks_measured, agg.length);
    ok(Math.abs(report.propagation.p50_s! - expected.p50_s!) < 0.002);
    ok(Math.abs(report.propagation.p90_s! - expected.p90_s!) < 0.002);
    ok(Math.abs(report.propagation.p99_s! - expected.p99_s!) < 0.002);
    const agg90 = distribution(
      (await Deno.readTextFile(`${dir}/propagation.ndjson`)).trim().split("\n")
        .map((l) => JSON.parse(l)).filter((p) => p.t90_s !== null).map((p) => p.t90_s as number),
    );
    equal(report.propagation.to_90pct.count, agg90.count);
    ok(Math.abs(report.propagation.to_90pct.p50_s! - agg90.p50_s!) < 0.002);
    equal(report.transactions.sent, summary.txs_sent);
    equal(report.transactions.confirmed, summary.txs_confirmed);
    ok(report.transactions.confirmation.p50_s! > 0);
    ok(report.convergence.samples.length > 10);
    ok(report.convergence.samples.every((s) => s.min_height <= s.max_height));
    const last = report.convergence.samples[report.convergence.samples.length - 1];
    equal(last.max_height, summary.main_chain_height);
  });
});

Deno.test("analyze a DES run without receipt events falls back to the aggregates", async () => {
  await withTempDir(async (dir) => {
    const model = desModel({ nodes: 50, miners: 10, topology: "random", seed: 2, stopTimeS: 6000 });
    await new DesEngine({ receiptEvents: false }).run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    equal(report.propagation.source, "propagation.ndjson");
    equal(report.convergence.source, "convergence.ndjson");
    ok(report.propagation.blocks_measured > 10);
    ok(report.propagation.p50_s! > 0);
    equal(report.nodes, 50);
  });
});

Deno.test("analyze attack outcomes from a DES partition run", async () => {
  await withTempDir(async (dir) => {
    const a = Array.from({ length: 8 }, (_, i) => hostName(i));
    const b = Array.from({ length: 8 }, (_, i) => hostName(i + 8));
    const model = desModel({
      nodes: 16,
      miners: 16,
      topology: "random",
      degree: 2,
      seed: 4,
      stopTimeS: 4 * 3600,
      attacks: [{ kind: "partition", groupA: a, groupB: b, startS: 600, endS: 3 * 3600 }],
    });
    await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    equal(report.attacks.partition.runs, 1);
    equal(report.attacks.partition.converged, 1);
    ok(report.attacks.partition.max_fork_length! >= 1);
    equal(report.reorgs.max_depth, report.attacks.partition.max_fork_length);
  });
});
