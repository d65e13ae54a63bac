/**
 * shadow.yaml streamed in batches of hosts is byte for byte the whole-document YAML, across
 * batch boundaries, with the per-process environment and an attack's extra processes, and
 * reaches the writer in bounded pieces.
 */
import { equal, ok } from "@std/assert";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import {
  buildShadowConfig,
  shadowParts,
  shadowYamlHeader,
} from "../../../../commands/sim/shadow/config.ts";
import { writeGmlFile, writeShadowYaml } from "../../../../commands/sim/shadow/stream.ts";
import { gmlPieces, parseGml, writeGml } from "../../../../commands/sim/scenario/gml.ts";
import { FIXTURES } from "../_scenario.ts";

const SCENARIO = `general: { stop_time: 1h, seed: 9 }
network: { topology: random_regular(4) }
agents:
  miner-{1..20}: { kind: miner, hashrate: 5 }
  user-{1..30}: { kind: user, interval_mean: 5m }
  node-{1..560}: { kind: observer }
  mon: { kind: monitor, interval: 30s }
attacks:
  - { kind: partition, group_a: [miner-1, miner-2], group_b: [node-1], start: 10m, end: 20m }
shadow: { environment: { RUST_LOG: info } }
`;

Deno.test("streamed shadow.yaml equals the whole document, over many batches of hosts", async () => {
  const loaded = await parseScenario(SCENARIO, { baseDir: FIXTURES, name: "stream" });
  ok(loaded.model.hosts.length > 500, "more hosts than ten batches");
  const whole = buildShadowConfig(loaded, { hiveBin: "/opt/hive" }).yaml;
  const pieces: string[] = [];
  const parts = shadowParts(loaded, { hiveBin: "/opt/hive" });
  await writeShadowYaml(parts, {
    header: shadowYamlHeader(loaded),
    write: (text) => {
      pieces.push(text);
      return Promise.resolve();
    },
  });
  equal(pieces.join(""), whole);
  // Pieces are flushed at about a megabyte plus at most one batch of hosts.
  for (const p of pieces) ok(p.length < 3 * 2 ** 20, `a piece of ${p.length} chars`);
  equal(parts.summary().hosts, loaded.model.hosts.length);
});

Deno.test("network.gml streamed in pieces is byte for byte the whole text, each piece bounded", async () => {
  const loaded = await parseScenario(SCENARIO, { baseDir: FIXTURES, name: "s" });
  const graph = loaded.network.graph;
  const whole = writeGml(graph);
  const pieces = [...gmlPieces(graph, 4096)];
  ok(pieces.length > 10, `${pieces.length} pieces`);
  equal(pieces.join(""), whole);
  // A piece ends at the first record past the bound: at most one record (a few lines) over.
  for (const p of pieces) ok(p.length < 4096 + 200, `piece of ${p.length} chars`);
  equal(parseGml(whole).edges.length, graph.edges.length);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/network.gml`, "an older, longer file ".repeat(100_000));
    await writeGmlFile(graph, `${dir}/network.gml`);
    equal(await Deno.readTextFile(`${dir}/network.gml`), whole);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
