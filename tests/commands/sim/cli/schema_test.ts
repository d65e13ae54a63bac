import { deepEqual, equal } from "@std/assert";
import { hive } from "../_cli.ts";

Deno.test("sim schema prints a JSON Schema that documents the scenario format", async () => {
  const r = await hive("sim", "schema");
  equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  deepEqual(Object.keys(schema.properties).sort(), [
    "agents",
    "attacks",
    "checks",
    "daemon_defaults",
    "des",
    "description",
    "general",
    "name",
    "network",
    "shadow",
    "wallet_defaults",
  ]);
  deepEqual(schema.properties.agents.additionalProperties.properties.kind.enum, [
    "miner",
    "user",
    "observer",
    "monitor",
    "attacker",
  ]);
  deepEqual(
    schema.properties.attacks.items.oneOf.map((s: { properties: { kind: { const: string } } }) =>
      s.properties.kind.const
    ),
    ["sybil", "eclipse", "partition", "double_spend"],
  );
});
