/**
 * Height convergence counts every host of the run, also one that never logged a block (it is
 * at height 0, on genesis), whether the run wrote per-node receipts or not; and the text says
 * what share of the samples converged.
 *
 * @module
 */
import { deepEqual, equal, ok } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { formatAnalysis } from "../../../../commands/sim/cli/analyze.ts";
import { createLogger } from "../../../../core/logger.ts";
import { desModel } from "../../../adapters/engine/des/_fixtures.ts";
import { withTempDir } from "../../../_helpers.ts";

const _logger = createLogger({ level: "error", sinks: [] });

async function _ndjson(path: string, lines: object[]): Promise<void> {
  await Deno.writeTextFile(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
}

Deno.test("analyze: a host of hive_run.json without any block counts at height 0", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/hive_run.json`,
      JSON.stringify({
        engine: "des",
        scenario: "t",
        seed: 1,
        version: "0",
        stopTimeS: 100,
        hosts: [{ name: "a", kind: "miner" }, { name: "b", kind: "observer" }, {
          name: "c",
          kind: "observer",
        }],
        attacks: [],
      }),
    );
    // a mines two blocks, b receives both, c never hears of them.
    await _ndjson(`${dir}/events.ndjson`, [
      { ts: 10, host: "a", event: "mined", height: 1, hash: "h1", parent: "G" },
      { ts: 11, host: "b", event: "block", height: 1, hash: "h1", parent: "G" },
      { ts: 20, host: "a", event: "mined", height: 2, hash: "h2", parent: "h1" },
      { ts: 21, host: "b", event: "block", height: 2, hash: "h2", parent: "h1" },
    ]);
    const report = await analyzeRun({ dir, samples: 3 });
    const c = report.convergence;
    equal(c.source, "events");
    deepEqual(c.samples.map((s) => [s.min_height, s.max_height, s.tips]), [
      [0, 1, 2],
      [0, 1, 2],
      [0, 2, 2],
    ]);
    equal(c.final_spread, 2);
    equal(c.converged_fraction, 0);
    const text = formatAnalysis(report);
    ok(text.includes("converged in 0 % of 3 samples [events]"), text);
  });
});

Deno.test("analyze: a des run gives the engine's final heights and tips, receipts on or off", async () => {
  await withTempDir(async (dir) => {
    // Sparse engine-built peers: most nodes are hidden and some never get a block.
    const model = {
      ...desModel({ nodes: 60, miners: 2, topology: "ring", seed: 11, stopTimeS: 1800 }),
      des: { peers: { outbound: 1, inbound: 1, hidden: 0.9 } },
    };
    const finals: unknown[] = [];
    for (const receipts of [true, false]) {
      const out = `${dir}/${receipts ? "on" : "off"}`;
      await new DesEngine({ receiptEvents: receipts }).run({ model, outDir: out, logger: _logger });
      const lines = (await Deno.readTextFile(`${out}/convergence.ndjson`)).trim().split("\n");
      const engine = JSON.parse(lines[lines.length - 1]);
      ok(engine.min_height === 0 && engine.max_height > 0, JSON.stringify(engine));
      const report = await analyzeRun({ dir: out });
      equal(report.convergence.source, receipts ? "events" : "convergence.ndjson");
      const last = report.convergence.samples[report.convergence.samples.length - 1];
      deepEqual(
        [last.min_height, last.max_height, last.tips],
        [engine.min_height, engine.max_height, engine.tips],
      );
      finals.push(report.convergence.final_spread);
    }
    equal(finals[0], finals[1]);
  });
});

Deno.test("analyze text: the converged share is a percentage of the samples", async () => {
  await withTempDir(async (dir) => {
    await _ndjson(`${dir}/events.ndjson`, [
      { ts: 10, host: "a", event: "mined", height: 1, hash: "h1", parent: "G" },
      { ts: 10, host: "b", event: "block", height: 1, hash: "h1", parent: "G" },
    ]);
    const report = await analyzeRun({ dir });
    equal(report.convergence.converged_fraction, 1);
    const text = formatAnalysis(report);
    ok(text.includes("converged in 100 % of 1 sample ["), text);
  });
});
