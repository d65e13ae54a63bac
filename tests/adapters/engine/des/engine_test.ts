import { equal, ok, rejects } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { ConfigError } from "../../../../core/errors.ts";
import { createLogger } from "../../../../core/logger.ts";
import { desModel, hostName } from "./_fixtures.ts";

const _logger = createLogger({ level: "error", sinks: [] });

Deno.test("same seed gives byte-identical events; another seed differs", async () => {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    const texts: string[] = [];
    for (const [k, dir] of dirs.entries()) {
      const model = desModel({
        nodes: 25,
        miners: 6,
        topology: "random",
        seed: k === 2 ? 8 : 7,
        stopTimeS: 3600,
        users: { indices: [20, 21, 22], intervalMeanS: 200 },
      });
      await new DesEngine().run({ model, outDir: dir, logger: _logger });
      texts.push(await Deno.readTextFile(`${dir}/events.ndjson`));
    }
    ok(texts[0].length > 1000);
    equal(texts[0], texts[1]);
    ok(texts[0] !== texts[2]);
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("engine writes the run folder, reports progress and honours the abort signal", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = desModel({ nodes: 300, miners: 30, topology: "random", stopTimeS: 120 * 2000 });
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await new DesEngine({ receiptEvents: false }).run({
      model,
      outDir: dir,
      logger: _logger,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.done);
        equal(p.unit, "sim seconds");
        if (p.done > 0) controller.abort();
      },
    });
    ok(seen.length > 0);
    equal(result.engine, "des");
    equal(result.interrupted, true, "a 2000-block run outlasts the first progress report");
    ok(result.simulatedS < model.stopTimeS);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    equal(summary.interrupted, result.interrupted);
    equal(summary.nodes, 300);
    // The options record the block interval and size the run used (defaults, here).
    equal(summary.options.blockIntervalS, 120);
    equal(summary.options.blockSizeBytes, summary.network_model.block_size_bytes);
    const events = (await Deno.readTextFile(`${dir}/events.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    ok(events.every((e) => e.event !== "block"), "receipts off: no per-node block events");
    const prop = (await Deno.readTextFile(`${dir}/propagation.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    equal(prop.length, summary.blocks_mined);
    ok(prop.some((p) => p.t100_s !== null && p.t100_s > 0));
    const conv = await Deno.readTextFile(`${dir}/convergence.ndjson`);
    ok(conv.includes("max_height"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("engine run: unwritable folder rejects; a bad model writes nothing", async () => {
  const file = await Deno.makeTempFile();
  const dir = await Deno.makeTempDir();
  try {
    const model = desModel({ nodes: 3, miners: 1, topology: "ring", stopTimeS: 60 });
    await rejects(() => new DesEngine().run({ model, outDir: `${file}/x`, logger: _logger }));
    model.edges.push({ a: hostName(0), b: "ghost", latencyMs: 1, packetLoss: 0 });
    await rejects(
      () => new DesEngine().run({ model, outDir: `${dir}/out`, logger: _logger }),
      ConfigError,
    );
    await rejects(() => Deno.stat(`${dir}/out`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(file);
    await Deno.remove(dir, { recursive: true });
  }
});
