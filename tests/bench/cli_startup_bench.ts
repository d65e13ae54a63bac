/**
 * Fast start: `hive --version` from the bundle against `deno run` of an empty script, both
 * spawned the same way in one run. The difference is what hive itself costs before it can answer
 * (parsing the bundle, evaluating the modules a subcommand does not need); subcommands load their
 * implementations only when they run. Goal: under 100 ms on the 2-core machine.
 *
 * Run: deno bench --allow-all tests/bench/cli_startup_bench.ts (builds dist/hive.js first)
 */
const ROUNDS = 15;
console.log(
  `load average at start: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")} on ` +
    `${navigator.hardwareConcurrency} cores`,
);

const root = new URL("../../", import.meta.url).pathname;
const bundle = `${root}dist/hive.js`;
const built = await new Deno.Command(Deno.execPath(), {
  args: ["bundle", "--quiet", "--platform=deno", `--output=${bundle}`, `${root}main.ts`],
  cwd: root,
  stdout: "null",
  stderr: "inherit",
}).output();
if (!built.success) throw new Error("deno bundle failed");
const dir = await Deno.makeTempDir({ prefix: "hive-bench-cli-" });
// The same program bundled with code splitting: the entry holds only what `--version` needs,
// so this shows what parsing the single 5 MB file costs.
const split = await new Deno.Command(Deno.execPath(), {
  args: [
    "bundle",
    "--quiet",
    "--code-splitting",
    "--platform=deno",
    `--outdir=${dir}/split`,
    `${root}main.ts`,
  ],
  cwd: root,
  stdout: "null",
  stderr: "inherit",
}).output();
if (!split.success) throw new Error("deno bundle --code-splitting failed");
const splitEntry = `${dir}/split/main.js`;
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const empty = `${dir}/empty.js`;
await Deno.writeTextFile(empty, "");

async function _spawn(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...args],
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return performance.now() - t0;
}

const hiveMs: number[] = [];
const emptyMs: number[] = [];
const splitMs: number[] = [];
const sourceMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  emptyMs.push(await _spawn([empty]));
  hiveMs.push(await _spawn([bundle, "--version"]));
  splitMs.push(await _spawn([splitEntry, "--version"]));
  sourceMs.push(await _spawn([`${root}main.ts`, "--version"]));
}
const median = (l: number[]) => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)];
console.log(
  `hive --version (bundle): median ${median(hiveMs).toFixed(0)} ms; deno run empty.js: median ` +
    `${median(emptyMs).toFixed(0)} ms; hive's own share ${
      (median(hiveMs) - median(emptyMs)).toFixed(0)
    } ms over ${ROUNDS} interleaved rounds`,
);
console.log(`ratio: ${(median(hiveMs) / median(emptyMs)).toFixed(2)}x baseline (empty script)`);
console.log(
  `hive --version, code-split bundle: median ${median(splitMs).toFixed(0)} ms ` +
    `(${(median(splitMs) / median(emptyMs)).toFixed(2)}x); from source: median ` +
    `${median(sourceMs).toFixed(0)} ms (${(median(sourceMs) / median(emptyMs)).toFixed(2)}x)`,
);

const group = "cli start";
Deno.bench("deno run empty.js", { group, baseline: true, n: 5, warmup: 1 }, async () => {
  await _spawn([empty]);
});
Deno.bench("hive --version (bundle)", { group, n: 5, warmup: 1 }, async () => {
  await _spawn([bundle, "--version"]);
});
