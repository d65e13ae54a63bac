/**
 * Fast start: `hive --version` from the bundle (`deno task bundle`, `tools/bundle.ts`) against
 * `deno run` of an empty script, both spawned the same way in one run. The difference is what hive
 * itself costs before it can answer; subcommands load their chunks only when they run. Also shown:
 * the same from source, and `hive sim validate` from the bundle (a subcommand's first real work).
 * Goal: under 100 ms on the 2-core machine.
 *
 * Run: deno bench --allow-all tests/bench/cli_startup_bench.ts (builds the bundle in a temp dir)
 */
import { bundle as buildBundle } from "../../tools/bundle.ts";

const ROUNDS = 21;
console.log(
  `load average at start: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")} on ` +
    `${navigator.hardwareConcurrency} cores`,
);

const root = new URL("../../", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "hive-bench-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const launcher = (await buildBundle({ root, outDir: dir })).launcher;
const empty = `${dir}/empty.js`;
await Deno.writeTextFile(empty, "");
const scenario = `${root}fixtures/scenarios/mesh.yaml`;

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

const cases: Record<string, string[]> = {
  "deno run empty.js": [empty],
  "hive --version (bundle)": [launcher, "--version"],
  "hive --version (source)": [`${root}main.ts`, "--version"],
  "hive sim validate (bundle)": [launcher, "sim", "validate", scenario],
};
const times: Record<string, number[]> = Object.fromEntries(
  Object.keys(cases).map((name) => [name, []]),
);
// Interleaved, so load from elsewhere on the machine falls on every case alike.
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, args] of Object.entries(cases)) times[name].push(await _spawn(args));
}
const median = (l: number[]) => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)];
const base = median(times["deno run empty.js"]);
for (const [name, list] of Object.entries(times)) {
  console.log(
    `${name.padEnd(28)} median ${median(list).toFixed(0).padStart(4)} ms  ` +
      `${(median(list) / base).toFixed(2)}x the empty script  (${ROUNDS} interleaved rounds)`,
  );
}
console.log(
  `hive's own share of --version from the bundle: ${
    (median(times["hive --version (bundle)"]) - base).toFixed(0)
  } ms`,
);

const group = "cli start";
Deno.bench("deno run empty.js", { group, baseline: true, n: 5, warmup: 1 }, async () => {
  await _spawn([empty]);
});
Deno.bench("hive --version (bundle)", { group, n: 5, warmup: 1 }, async () => {
  await _spawn([launcher, "--version"]);
});
