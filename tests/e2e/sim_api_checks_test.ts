/**
 * Checks end to end: `hive sim run --checks` exits 1 when one fails (a partition causes a
 * reorg deeper than 1) and 0 when all pass; the verdicts land in `checks.ndjson`, in the run
 * summary, and in `hive sim analyze`.
 *
 * @module
 */
import { equal, match } from "@std/assert";
import { runHive } from "../_helpers.ts";

const SCENARIO = new URL("../../fixtures/scenarios/partition.yaml", import.meta.url).pathname;

Deno.test("hive sim run --checks: exit 1 on a failed check, 0 when all pass; analyze reports them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sim_checks_" });
  try {
    await Deno.writeTextFile(
      `${dir}/strict.yaml`,
      "checks:\n  reorg_depth: { max: 1 }\n  convergence: { within: 10m }\n",
    );
    await Deno.writeTextFile(
      `${dir}/lenient.yaml`,
      "reorg_depth: { max: 50 }\ndisconnected: { max: 1h }\ntx_in_chain: true\n",
    );
    const strict = await runHive([
      ...["sim", "run", SCENARIO, "--engine", "des", "--out", `${dir}/strict`],
      ...["--checks", `${dir}/strict.yaml`, "--max-blocks", "60"],
    ]);
    equal(strict.code, 1, strict.stderr);
    match(strict.stdout, /FAIL reorg_depth: deepest reorg \d+ block\(s\)/);
    match(strict.stderr, /1 check\(s\) failed: reorg_depth/);
    const lines = (await Deno.readTextFile(`${dir}/strict/checks.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    // The reorg failure is written when it happens, then both verdicts at the end.
    equal(lines[0].check, "reorg_depth");
    equal(lines[0].pass, false);
    equal(lines.filter((l) => l.check === "convergence").length, 1);

    const analyzed = await runHive(["--json", "sim", "analyze", `${dir}/strict`]);
    equal(analyzed.code, 0, analyzed.stderr);
    const report = JSON.parse(analyzed.stdout);
    equal(report.checks.find((c: { check: string }) => c.check === "reorg_depth").pass, false);
    const text = await runHive(["sim", "analyze", `${dir}/strict`]);
    match(text.stdout, /checks:\s+.*FAIL reorg_depth/);

    const lenient = await runHive([
      ...["sim", "run", SCENARIO, "--engine", "des", "--out", `${dir}/lenient`],
      ...["--checks", `${dir}/lenient.yaml`],
    ]);
    equal(lenient.code, 0, lenient.stderr);
    match(lenient.stdout, /PASS reorg_depth/);
    match(lenient.stdout, /PASS disconnected: no node went offline/);

    const bad = await runHive([
      ...["sim", "run", SCENARIO, "--engine", "des", "--out", `${dir}/bad`],
      ...["--checks", `${dir}/nothing.yaml`],
    ]);
    equal(bad.code, 2);
    match(bad.stderr, /--checks: no file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
