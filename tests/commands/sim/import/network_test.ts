import { deepEqual } from "@std/assert";
import { importNetwork } from "../../../../commands/sim/import/network.ts";
import { ReportBuilder } from "../../../../commands/sim/import/report.ts";

Deno.test("import network: switch and hardcoded map; a missing GML is approximated; unknown fields reported", () => {
  const report = new ReportBuilder();
  deepEqual(
    importNetwork({ type: "1_gbit_switch", peer_mode: "Hardcoded", colour: "blue" }, [], 3, {
      baseDir: "/nonexistent",
    }, report),
    { type: "1_gbit_switch", peer_mode: "hardcoded" },
  );
  deepEqual(
    importNetwork({ path: "caida.gml", peer_mode: "Dynamic" }, ["miner-1"], 5, {
      baseDir: "/nonexistent",
    }, report),
    { topology: "scale_free(2)", peer_mode: "dynamic", seed_nodes: ["miner-1"] },
  );
  const built = report.build();
  deepEqual(built.mapped.map((e) => e.field), ["network.type", "network.peer_mode"]);
  deepEqual(built.approximated.map((e) => e.field), ["network.path", "network.peer_mode"]);
  deepEqual(built.unmapped.map((e) => e.field), ["network.colour"]);
});
