import { deepEqual, equal, match, ok } from "@std/assert";
import { BAD, FIXTURES, hive, hiveEnv, withTemp } from "../_cli.ts";

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
