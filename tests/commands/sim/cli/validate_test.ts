import { deepEqual, equal, match } from "@std/assert";
import { BAD, FIXTURES, hive, withTemp } from "../_cli.ts";

Deno.test("sim validate: every problem in one run, one per line; --json lists them", async () => {
  await withTemp(async (tmp) => {
    await Deno.writeTextFile(
      `${tmp}/two.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        "  miner-{1..3}: { kind: miner, hashrate: 30, start: 5 }\n",
    );
    const [text, json] = await Promise.all([
      hive("sim", "validate", `${tmp}/two.yaml`),
      hive("--json", "sim", "validate", `${tmp}/two.yaml`),
    ]);
    equal(text.code, 2);
    match(text.stderr, /2 problems:\n/);
    match(
      text.stderr,
      /\n {2}agents\.miner-\{1\.\.3\}\.start: unknown key; did you mean "start_time"\?\n/,
    );
    match(text.stderr, /\n {2}agents: hashrates of miners and attackers sum to 90, expected 100/);
    equal(json.code, 2);
    const out = JSON.parse(json.stdout);
    equal(out.valid, false);
    deepEqual(out.problems.map((p: { path: string }) => p.path), [
      "agents.miner-{1..3}.start",
      "agents",
    ]);
  });
});

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
      des_draws_peers: false,
      des_ignored: false,
    });
    // Under des.peers the scenario's edges are not the des engine's graph: the verdict says so.
    await Deno.writeTextFile(
      `${tmp}/peers.yaml`,
      (await Deno.readTextFile(`${FIXTURES}ring.yaml`)) + "des: { peers: { outbound: 4 } }\n",
    );
    const drawn = await hive("sim", "validate", `${tmp}/peers.yaml`);
    equal(drawn.code, 0, drawn.stderr);
    match(drawn.stdout, /7 edges \(the des engine draws its own peers\), 0 attacks/);
    // Another engine runs it without the des: section: the verdict says that too.
    const local = await hive("sim", "validate", `${tmp}/peers.yaml`, "--engine", "local");
    equal(local.code, 0, local.stderr);
    match(local.stdout, /0 attacks; its des: section is for the des engine, local ignores it\n$/);
    equal(bad.code, 2);
    equal(bad.stdout, "");
    match(bad.stderr, /agents: hashrates of miners and attackers sum to 90, expected 100/);
    equal(badJson.code, 2);
    deepEqual(JSON.parse(badJson.stdout), {
      valid: false,
      file: `${tmp}/bad.yaml`,
      problems: [{
        path: "agents",
        line: "agents: hashrates of miners and attackers sum to 90, expected 100",
      }],
    });
    const error = JSON.parse(badJson.stderr.trim().split("\n").at(-1)!).error;
    deepEqual([error.code, error.exit], ["scenario_invalid", 2]);
  });
});

Deno.test("sim validate --engine local refuses more hosts than the local limit", async () => {
  await withTemp(async (tmp) => {
    await Deno.writeTextFile(
      `${tmp}/big.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        "  miner-{01..40}: { kind: miner, hashrate: 2.5 }\n",
    );
    const [plain, capped, raised, bad] = await Promise.all([
      hive("sim", "validate", `${tmp}/big.yaml`),
      hive("sim", "validate", `${tmp}/big.yaml`, "--engine", "local", "--max-hosts", "32"),
      hive("sim", "validate", `${tmp}/big.yaml`, "--engine", "local", "--max-hosts", "40"),
      hive("sim", "validate", `${tmp}/big.yaml`, "--engine", "local", "--max-hosts", "0"),
    ]);
    equal(plain.code, 0);
    equal(capped.code, 2);
    match(capped.stderr, /at most 32 hosts here \(--max-hosts\); the scenario has 40/);
    equal(raised.code, 0);
    equal(bad.code, 2);
    match(bad.stderr, /--max-hosts: expected a whole number >= 1/);
  });
});
