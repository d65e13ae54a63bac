/** The scenario schema: defaults filled in, and a JSON Schema generated from the same zod schema. */
import { equal, ok } from "@std/assert";
import {
  ATTACK_KINDS,
  scenarioJsonSchema,
  scenarioSchema,
} from "../../../../commands/sim/scenario/schema.ts";

Deno.test("a minimal scenario parses with defaults; unknown keys are refused", () => {
  const minimal = {
    general: { stop_time: "1h" },
    network: { type: "1_gbit_switch" },
    agents: { m: { kind: "miner", hashrate: 100 } },
  };
  const parsed = scenarioSchema.parse(minimal);
  equal(parsed.general.stop_time, 3600);
  equal(parsed.attacks.length, 0);
  ok(!scenarioSchema.safeParse({ ...minimal, typo: 1 }).success);
});

Deno.test("the JSON Schema documents agents and every attack kind", () => {
  const text = JSON.stringify(scenarioJsonSchema());
  ok(text.includes('"agents"'));
  for (const kind of ATTACK_KINDS) ok(text.includes(kind), kind);
});
