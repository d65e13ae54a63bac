import { ok, throws } from "@std/assert";
import { DesEngine, simulateDes } from "../../../../adapters/engine/des/engine.ts";
import { ConfigError } from "../../../../core/errors.ts";
import { desModel, hostName } from "./_fixtures.ts";

Deno.test("bad options and models fail with the field and the value", () => {
  throws(() => new DesEngine({ blockSizeBytes: -5 }), (e: Error) => {
    ok(e instanceof ConfigError);
    ok(e.message.includes("blockSizeBytes") && e.message.includes("-5"), e.message);
    return true;
  });
  throws(() => new DesEngine({ bogus: 1 } as never), /unknown field bogus/);
  const model = desModel({ nodes: 3, miners: 1, topology: "ring", stopTimeS: 60 });
  model.edges.push({ a: hostName(0), b: "ghost", latencyMs: 1, packetLoss: 0 });
  throws(() => simulateDes({ model, sink: { event() {} } }), /edges\[3\]: unknown host "ghost"/);
  const m2 = desModel({ nodes: 3, miners: 1, topology: "ring", stopTimeS: 60 });
  m2.attacks.push({
    kind: "eclipse",
    victim: "nobody",
    attackers: [],
    behaviour: { kind: "withhold" },
    startS: 0,
  });
  throws(
    () => simulateDes({ model: m2, sink: { event() {} } }),
    /attacks\[0\]\.victim: unknown host "nobody"/,
  );
});
