import { deepEqual, equal, match, ok } from "@std/assert";
import { FIXTURES, hive, withTemp } from "../_cli.ts";

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
        ...["--block-size", "5000000", "--validation-delay", "4s", "--receipts", "off"],
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
    // --stop-when-resolved works with des and local; Shadow runs to its stop_time.
    const shadowStop = await hive(
      ...["sim", "run", ring, "--engine", "shadow", "--out", `${tmp}/x6`, "--stop-when-resolved"],
    );
    equal(shadowStop.code, 2);
    match(
      shadowStop.stderr,
      /--stop-when-resolved: applies to --engine des and local, got --engine shadow/,
    );
    // Time flags are durations with a unit; a bare number is not guessed.
    const bare = await hive(
      ...["sim", "run", ring, "--engine", "des", "--out", `${tmp}/x4`],
      ...["--validation-delay", "4"],
    );
    equal(bare.code, 2);
    match(
      bare.stderr,
      /--validation-delay: expected a duration with a unit, e\.g\. 500ms, 10s, 2m/,
    );
    // A block interval below a second, and a validation delay SimBlock's relay would not use.
    const fast = await hive(
      ...["sim", "run", ring, "--engine", "des", "--out", `${tmp}/x5`, "--block-interval", "1ms"],
    );
    equal(fast.code, 2);
    match(fast.stderr, /--block-interval: expected a duration from 1s to 8760h, got "1ms"/);
    const simblock = `${tmp}/simblock.yaml`;
    await Deno.writeTextFile(
      simblock,
      (await Deno.readTextFile(ring)).replace(/\n*$/, "\ndes: { preset: simblock }\n"),
    );
    const unused = await hive(
      ...["sim", "run", simblock, "--engine", "des", "--out", `${tmp}/x6`],
      ...["--validation-delay", "5s"],
    );
    equal(unused.code, 2);
    match(unused.stderr, /--validation-delay: the simblock relay has no validation delay/);
    const names: string[] = [];
    for await (const e of Deno.readDir(tmp)) names.push(e.name);
    deepEqual(names.sort(), ["base", "simblock.yaml", "tuned"]);
  });
});

Deno.test("sim run --engine des: des.validation per node and block; the flag replaces it, saying so", async () => {
  await withTemp(async (tmp) => {
    const scenario = `${tmp}/drawn.yaml`;
    await Deno.writeTextFile(
      scenario,
      (await Deno.readTextFile(`${FIXTURES}ring.yaml`)).replace(
        /\n*$/,
        "\ndes: { relay: fluffy, validation: { uniform: [2000, 6000] } }\n",
      ),
    );
    const [drawn, flagged] = await Promise.all([
      hive("--json", "sim", "run", scenario, "--engine", "des", "--out", `${tmp}/drawn`),
      hive(
        ...["--json", "sim", "run", scenario, "--engine", "des", "--out", `${tmp}/flagged`],
        ...["--validation-delay", "10ms"],
      ),
    ]);
    equal(drawn.code, 0, drawn.stderr);
    equal(flagged.code, 0, flagged.stderr);
    ok(!drawn.stderr.includes("replaces"), drawn.stderr);
    match(
      flagged.stderr,
      /--validation-delay 0\.01 s replaces the scenario's des\.validation for this run/,
    );
    const summary = async (dir: string) =>
      JSON.parse(await Deno.readTextFile(`${tmp}/${dir}/summary.json`));
    const d = await summary("drawn");
    deepEqual(d.network_model.validation_s, {
      per_node_and_block_ms: { uniform: [2000, 6000] },
    });
    equal(d.options.validationDelayS, null);
    equal((await summary("flagged")).network_model.validation_s, 0.01);
    // Every hop takes 2-6 s with the section, 10 ms with the flag.
    const fastest = async (dir: string) =>
      Math.min(
        ...(await _lines(`${tmp}/${dir}/propagation.ndjson`)).flatMap((r) =>
          typeof r.t100_s === "number" ? [r.t100_s] : []
        ),
      );
    ok(await fastest("drawn") > 2, `fastest full spread ${await fastest("drawn")} s`);
    ok(await fastest("flagged") < 2, `fastest full spread ${await fastest("flagged")} s`);
  });
});
