import { equal } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { desModel } from "./_fixtures.ts";
const _logger = createLogger({ level: "error", sinks: [] });

Deno.test("receiptEvents auto: on for small runs, off when nodes x blocks is huge", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const small = desModel({ nodes: 10, miners: 2, topology: "ring", stopTimeS: 1200 });
    const big = desModel({ nodes: 2001, miners: 2, topology: "ring", stopTimeS: 120 * 1000 });
    const r1 = await new DesEngine().run({ model: small, outDir: `${dir}/a`, logger: _logger });
    equal(r1.summary.receipt_events, true);
    // maxBlocks caps the expected volume, so the same big network gets receipts again.
    const r2 = await new DesEngine({ maxBlocks: 3 }).run({
      model: big,
      outDir: `${dir}/b`,
      logger: _logger,
    });
    equal(r2.summary.receipt_events, true);
    equal(r2.summary.blocks_mined, 3);
    const r3 = await new DesEngine({ maxBlocks: 1000, sampleIntervalS: 1e6 }).run({
      model: { ...big, stopTimeS: 1 },
      outDir: `${dir}/c`,
      logger: _logger,
    });
    equal(r3.summary.receipt_events, true, "only 1 s simulated: few blocks expected");
    const r4 = await new DesEngine().run({
      model: {
        ...big,
        stopTimeS: 120 * 1000,
        hosts: big.hosts.map((h) => ({ ...h, hashrate: 0 })),
      },
      outDir: `${dir}/d`,
      logger: _logger,
    });
    equal(r4.summary.receipt_events, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
