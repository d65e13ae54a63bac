/** Packet loss above the engines' cap: taken as the cap, and each run says so once. */
import { deepEqual, equal, ok } from "@std/assert";
import { DesEngine } from "../../../adapters/engine/des/engine.ts";
import { cappedLoss, lossOverCap, MAX_LINK_LOSS } from "../../../adapters/engine/link_loss.ts";
import { createLogger } from "../../../core/logger.ts";
import { desModel } from "./des/_fixtures.ts";

function _capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: "warn",
    sinks: [{ write: (line) => void lines.push(line), flush() {}, close() {} }],
  });
  return { lines, logger };
}

Deno.test("loss cap: values are clamped to 0..0.99 and links over it are counted", () => {
  deepEqual([cappedLoss(-1), cappedLoss(0.3), cappedLoss(0.995), cappedLoss(1)], [
    0,
    0.3,
    0.99,
    0.99,
  ]);
  const model = desModel({ nodes: 6, miners: 1, topology: "ring", stopTimeS: 60 });
  equal(lossOverCap(model), null);
  model.edges[1].packetLoss = 1;
  model.edges[3].packetLoss = 0.995;
  model.edges[4].packetLoss = MAX_LINK_LOSS; // at the cap: taken as given
  deepEqual(lossOverCap(model), { links: 2, max: 1 });
});

Deno.test("des run: links with packet_loss 1 are warned about once, naming how many and the cap", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = desModel({ nodes: 8, miners: 2, topology: "ring", stopTimeS: 600 });
    model.edges[0].packetLoss = 1;
    const { lines, logger } = _capture();
    await new DesEngine({ receiptEvents: false }).run({ model, outDir: `${dir}/a`, logger });
    const warned = lines.filter((l) => l.includes("packet_loss above 0.99"));
    equal(warned.length, 1, lines.join(""));
    const fields = JSON.parse(warned[0]);
    deepEqual([fields.links, fields.of, fields.highest], [1, model.edges.length, 1]);
    ok(fields.msg.startsWith("des: "), fields.msg);

    model.edges[0].packetLoss = 0.5;
    const quiet = _capture();
    await new DesEngine({ receiptEvents: false }).run({
      model,
      outDir: `${dir}/b`,
      logger: quiet.logger,
    });
    equal(quiet.lines.filter((l) => l.includes("packet_loss")).length, 0, quiet.lines.join(""));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
