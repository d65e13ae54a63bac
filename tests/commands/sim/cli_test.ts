import { deepEqual, equal, match, ok } from "@std/assert";
import { type HiveRun, runHive } from "../../_helpers.ts";

const FIXTURES = new URL("../../../fixtures/scenarios/", import.meta.url).pathname;

async function hive(...args: string[]) {
  return await hiveEnv({}, ...args);
}

function hiveEnv(env: Record<string, string>, ...args: string[]): Promise<HiveRun> {
  return runHive(args, { env });
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const BAD = "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
  "  miner-{1..3}: { kind: miner, hashrate: 30 }\n";

Deno.test("sim validate: exit 0 with a verdict, exit 2 with the problem", async () => {
  await withTemp(async (tmp) => {
    await Deno.writeTextFile(`${tmp}/bad.yaml`, BAD);
    const [good, goodJson, bad, badJson] = await Promise.all([
      hive("sim", "validate", `${FIXTURES}ring.yaml`),
      hive("--json", "sim", "validate", `${FIXTURES}partition.yaml`),
      hive("sim", "validate", `${tmp}/bad.yaml`),
      hive("--json", "sim", "validate", `${tmp}/bad.yaml`),
    ]);
    equal(good.code, 0);
    equal(
      good.stdout,
      `ok: ${FIXTURES}ring.yaml: scenario "ring", 7 hosts, 7 edges, 0 attacks\n`,
    );
    equal(goodJson.code, 0);
    deepEqual(JSON.parse(goodJson.stdout), {
      valid: true,
      file: `${FIXTURES}partition.yaml`,
      name: "partition",
      hosts: 12,
      edges: 14,
      attacks: ["partition"],
    });
    equal(bad.code, 2);
    equal(bad.stdout, "");
    match(bad.stderr, /agents: hashrates of miners and attackers sum to 90, expected 100/);
    equal(badJson.code, 2);
    equal(badJson.stdout, "");
    const error = JSON.parse(badJson.stderr.trim().split("\n").at(-1)!).error;
    deepEqual([error.code, error.exit], ["scenario_invalid", 2]);
  });
});

Deno.test("sim inspect --json reports degrees, diameter, connectivity and regions", async () => {
  const r = await hive("--json", "sim", "inspect", `${FIXTURES}regions.yaml`);
  equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  equal(report.hosts, 30);
  deepEqual(report.by_region, { asia: 6, eu: 13, na: 11 });
  equal(report.graph.connected, true);
  equal(report.graph.diameterExact, true);
  ok(report.graph.diameter >= 3, `diameter ${report.graph.diameter}`);
  const histogramTotal = Object.values(report.graph.degreeHistogram as Record<string, number>)
    .reduce((s, n) => s + n, 0);
  equal(histogramTotal, 30);
});

Deno.test("sim generate writes the folder and a summary; bad input leaves nothing", async () => {
  await withTemp(async (tmp) => {
    await Deno.writeTextFile(`${tmp}/bad.yaml`, BAD);
    const [ok1, bad, noOut] = await Promise.all([
      hive("--json", "sim", "generate", `${FIXTURES}eclipse.yaml`, "--out", `${tmp}/eclipse`),
      hive("sim", "generate", `${tmp}/bad.yaml`, "--out", `${tmp}/never`),
      hive("sim", "generate", `${FIXTURES}ring.yaml`),
    ]);
    equal(ok1.code, 0, ok1.stderr);
    const summary = JSON.parse(ok1.stdout);
    deepEqual([summary.hosts, summary.files, summary.out], [
      10,
      ["shadow.yaml", "network.gml"],
      `${tmp}/eclipse`,
    ]);
    equal(summary.by_program["hive sim agent attacker"], 1);
    ok((await Deno.stat(`${tmp}/eclipse/shadow.yaml`)).isFile);
    equal(bad.code, 2);
    equal(noOut.code, 2);
    match(noOut.stderr, /required option '--out <dir>' not specified/);
    const names: string[] = [];
    for await (const e of Deno.readDir(tmp)) names.push(e.name);
    deepEqual(names.sort(), ["bad.yaml", "eclipse"]);
  });
});

Deno.test("sim schema prints a JSON Schema that documents the scenario format", async () => {
  const r = await hive("sim", "schema");
  equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  deepEqual(Object.keys(schema.properties).sort(), [
    "agents",
    "attacks",
    "description",
    "general",
    "name",
    "network",
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

Deno.test("sim generate --progress draws on stderr only; stdout stays one JSON document", async () => {
  await withTemp(async (tmp) => {
    const r = await hive(
      "--json",
      "sim",
      "generate",
      `${FIXTURES}regions.yaml`,
      "--out",
      `${tmp}/o`,
      "--progress",
    );
    equal(r.code, 0, r.stderr);
    equal(JSON.parse(r.stdout).hosts, 30);
    match(r.stderr, /hosts {2}\[#{30}\] 100% 30\/30/);
    match(r.stderr, /write {2}\[#{30}\] 100% 2\/2/);
  });
});

Deno.test("sim generate runs agents as $HIVE_BIN, or as --hive-bin when given", async () => {
  await withTemp(async (tmp) => {
    const [fromEnv, fromFlag] = await Promise.all([
      hiveEnv(
        { HIVE_BIN: "/opt/hive/bin/hive" },
        "sim",
        "generate",
        `${FIXTURES}star.yaml`,
        "--out",
        `${tmp}/env`,
      ),
      hive(
        "sim",
        "generate",
        `${FIXTURES}star.yaml`,
        "--out",
        `${tmp}/flag`,
        "--hive-bin",
        "./hive",
      ),
    ]);
    equal(fromEnv.code, 0, fromEnv.stderr);
    equal(fromFlag.code, 0, fromFlag.stderr);
    match(await Deno.readTextFile(`${tmp}/env/shadow.yaml`), /- path: \/opt\/hive\/bin\/hive\n/);
    match(await Deno.readTextFile(`${tmp}/flag/shadow.yaml`), /- path: \.\/hive\n/);
  });
});

async function _lines(path: string): Promise<Record<string, unknown>[]> {
  return (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim()).map((l) =>
    JSON.parse(l)
  );
}

Deno.test("sim run --engine des: flags set the DES options; bad values exit 2 naming them", async () => {
  await withTemp(async (tmp) => {
    const ring = `${FIXTURES}ring.yaml`;
    const [base, tuned, badSize, badReceipts, notDes] = await Promise.all([
      hive("--json", "sim", "run", ring, "--engine", "des", "--out", `${tmp}/base`),
      hive(
        "--json",
        ...["sim", "run", ring, "--engine", "des", "--out", `${tmp}/tuned`],
        ...["--block-size", "5000000", "--validation-delay", "4", "--receipts", "off"],
        ...["--max-blocks", "3"],
      ),
      hive("sim", "run", ring, "--engine", "des", "--out", `${tmp}/x1`, "--block-size", "-5"),
      hive("sim", "run", ring, "--engine", "des", "--out", `${tmp}/x2`, "--receipts", "maybe"),
      hive("sim", "run", ring, "--engine", "local", "--out", `${tmp}/x3`, "--block-size", "10"),
    ]);
    equal(base.code, 0, base.stderr);
    equal(tuned.code, 0, tuned.stderr);
    const b = JSON.parse(base.stdout).summary;
    const t = JSON.parse(tuned.stdout).summary;
    equal(b.receipt_events, true);
    equal(t.receipt_events, false);
    equal(t.blocks_mined, 3);
    ok(b.blocks_mined > 3, `default run mined ${b.blocks_mined}`);
    const opts = JSON.parse(await Deno.readTextFile(`${tmp}/tuned/summary.json`)).options;
    deepEqual(
      [opts.blockSizeBytes, opts.validationDelayS, opts.receiptEvents, opts.maxBlocks],
      [5_000_000, 4, false, 3],
    );
    // 5 MB blocks at 100 Mbit plus 4 s checks per hop: full propagation takes far longer.
    const slowest = async (dir: string) =>
      Math.max(...(await _lines(`${dir}/propagation.ndjson`)).map((r) => r.t100_s as number));
    ok(await slowest(`${tmp}/tuned`) > (await slowest(`${tmp}/base`)) + 4);
    const kinds = async (dir: string) =>
      new Set((await _lines(`${dir}/events.ndjson`)).map((e) => e.event));
    ok((await kinds(`${tmp}/base`)).has("block"));
    ok(!(await kinds(`${tmp}/tuned`)).has("block"));
    equal(badSize.code, 2);
    match(badSize.stderr, /--block-size: expected bytes > 0, got "?-5"?/);
    equal(badReceipts.code, 2);
    match(badReceipts.stderr, /--receipts.*maybe/);
    equal(notDes.code, 2);
    match(notDes.stderr, /--block-size: applies to --engine des only, got --engine local/);
    const names: string[] = [];
    for await (const e of Deno.readDir(tmp)) names.push(e.name);
    deepEqual(names.sort(), ["base", "tuned"]);
  });
});
