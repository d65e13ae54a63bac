import { existsSync } from "node:fs";
import { deepEqual, equal, match, rejects } from "@std/assert";
import { checkOutDir, runDocument, runText } from "../../../../commands/sim/cli/run_output.ts";
import { UsageError } from "../../../../core/errors.ts";

Deno.test("run output folder: new or empty is fine; an earlier run needs --force; other data never goes", async () => {
  const root = await Deno.makeTempDir();
  try {
    await checkOutDir(`${root}/new`);
    await Deno.mkdir(`${root}/empty`);
    await checkOutDir(`${root}/empty`);
    await Deno.mkdir(`${root}/run`);
    await Deno.writeTextFile(`${root}/run/summary.json`, "{}");
    await Deno.writeTextFile(`${root}/run/events.ndjson`, "");
    await rejects(() => checkOutDir(`${root}/run`), UsageError, "add --force");
    await checkOutDir(`${root}/run`, true);
    deepEqual([...Deno.readDirSync(`${root}/run`)], []);
    await Deno.mkdir(`${root}/photos`);
    await Deno.writeTextFile(`${root}/photos/cat.jpg`, "meow");
    await rejects(() => checkOutDir(`${root}/photos`, true), UsageError, "not an earlier run's");
    equal(Deno.readTextFileSync(`${root}/photos/cat.jpg`), "meow");
    await Deno.writeTextFile(`${root}/file`, "x");
    await rejects(() => checkOutDir(`${root}/file`), UsageError, "is a file");
    // A file above the folder is the one named; a folder that cannot be made is said so.
    await rejects(
      () => checkOutDir(`${root}/file/sub/run`),
      UsageError,
      `--out: ${JSON.stringify(`${root}/file`)} is a file, expected a folder`,
    );
    await rejects(
      () => checkOutDir("/dev/null/run"),
      UsageError,
      '--out: "/dev/null" is not a folder, expected a folder',
    );
    await rejects(
      () => checkOutDir(`${root}/deep/${"x".repeat(300)}/run`),
      UsageError,
      `--out: cannot make folder "${root}/deep/x`,
    );
    // Checked by making it, then taken away: a run that fails before writing leaves nothing.
    await checkOutDir(`${root}/a/b/c`);
    deepEqual([`${root}/a`, `${root}/deep`].map((p) => existsSync(p)), [false, false]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("run result document: snake_case keys", () => {
  const doc = runDocument({
    engine: "des",
    outDir: "/x",
    simulatedS: 1,
    wallS: 2,
    interrupted: false,
    summary: {},
  });
  deepEqual(Object.keys(doc), [
    "engine",
    "out_dir",
    "simulated_s",
    "wall_s",
    "interrupted",
    "summary",
  ]);
});

Deno.test("sim run refuses a flag of another engine, naming it and the engine", async () => {
  const main = new URL("../../../../main.ts", import.meta.url).pathname;
  const root = await Deno.makeTempDir();
  try {
    for (
      const [engine, flag, value, only] of [
        ["des", "--monerod-bin", "/x", "local"],
        ["des", "--time-scale", "5", "local"],
        ["shadow", "--max-hosts", "3", "local"],
        ["des", "--shadow-bin", "/x", "shadow"],
        ["local", "--block-size", "5", "des"],
      ]
    ) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          main,
          "sim",
          "run",
          "fixtures/scenarios/ring.yaml",
          "--engine",
          engine,
          flag,
          value,
          "--out",
          `${root}/${engine}${flag}`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      equal(out.code, 2, flag);
      equal(
        new TextDecoder().decode(out.stderr).trim(),
        `hive: hive sim run: ${flag}: applies to --engine ${only} only, got --engine ${engine}`,
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a scenario's own checks section is judged: a failing check makes sim run exit 1", async () => {
  const root = await Deno.makeTempDir();
  const main = new URL("../../../../main.ts", import.meta.url).pathname;
  const fixtures = new URL("../../../../fixtures/scenarios/", import.meta.url).pathname;
  try {
    const scenario = await Deno.readTextFile(`${fixtures}partition.yaml`);
    await Deno.writeTextFile(`${root}/p.yaml`, `${scenario}\nchecks:\n  reorg_depth: { max: 0 }\n`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        main,
        "--json",
        "sim",
        "run",
        `${root}/p.yaml`,
        "--engine",
        "des",
        "--out",
        `${root}/r`,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    equal(out.code, 1, stderr);
    equal(
      JSON.parse(stderr.trim().split("\n").at(-1)!).error.message.includes("reorg_depth"),
      true,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("run text: the final state is words, a hash is cut to its start, no JSON", () => {
  const hash = "ae6b4ac46b34fe14be623a3b6602f4966ab916cf2fe880168158ee24eb6a0134";
  const text = runText(runDocument({
    engine: "local",
    outDir: "/runs/x",
    simulatedS: 600,
    wallS: 10.123456,
    interrupted: false,
    summary: { final: { "miner-1": { height: 106, top_hash: hash, peers: 4 } } },
  }));
  match(text, /\n {2}miner-1: height 106, top_hash ae6b4ac46b34…, peers 4\n/);
  match(text, /wall_s: +10\.12\n/);
  equal(text.includes("{"), false, text);
});
