/**
 * `hive sim generate` on a 10,000-host scenario (fixtures/scenarios/large_10k.yaml): the whole
 * command path (read + validate + expand + build + YAML + GML + atomic write) against the
 * baseline of serialising the same Shadow document with `yaml` alone; and, in child processes
 * so each has its own peak RSS, the streamed writer (`generateShadowDir`, hosts written as they
 * are built) against building the whole document and its text first (the writer before
 * streaming), interleaved.
 *
 * Run: deno bench --allow-all tests/bench/sim_generate_bench.ts
 * One child by hand: HIVE_GENERATE_CHILD=stream|whole deno run -A tests/bench/sim_generate_bench.ts FILE
 */
import { stringify } from "yaml";
import { generateShadowDir } from "../../commands/sim/shadow/generate.ts";
import { loadScenario } from "../../commands/sim/scenario/load.ts";
import { buildShadowConfig, buildShadowDocument } from "../../commands/sim/shadow/config.ts";

const CHILD = Deno.env.get("HIVE_GENERATE_CHILD");
if (CHILD) {
  // One generation in this process, then its time and peak RSS (VmHWM) as one JSON line.
  const file = Deno.args[0];
  const out = await Deno.makeTempDir({ prefix: "hive-gen-child-" });
  const t0 = performance.now();
  if (CHILD === "stream") {
    await generateShadowDir({ scenarioPath: file, outDir: `${out}/o`, hiveBin: "hive" });
  } else {
    const config = buildShadowConfig(await loadScenario(file), { hiveBin: "hive" });
    await Deno.writeTextFile(`${out}/shadow.yaml`, config.yaml);
    await Deno.writeTextFile(`${out}/network.gml`, config.gml);
  }
  const ms = performance.now() - t0;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
  Deno.removeSync(out, { recursive: true });
  console.log(
    JSON.stringify({ mode: CHILD, ms: Math.round(ms), peak_rss_mib: Number(hwm) / 1024 }),
  );
  Deno.exit(0);
}

const SCENARIO = new URL("../../fixtures/scenarios/large_10k.yaml", import.meta.url).pathname;
const ROUNDS = 3;

const tmp = await Deno.makeTempDir({ prefix: "hive-sim-bench-" });
globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));

const loaded = await loadScenario(SCENARIO);
const { document } = buildShadowDocument(loaded, { hiveBin: "hive" });

let run = 0;
async function generateOnce(): Promise<void> {
  await generateShadowDir({
    scenarioPath: SCENARIO,
    outDir: `${tmp}/out-${run++ % 2}`,
    hiveBin: "hive",
    force: true,
  });
}

function yamlOnce(): number {
  return stringify(document, { lineWidth: 0 }).length;
}

// An explicit same-run measurement, so the ratio is printed whatever the bench reporter shows.
async function _median(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}
const yamlMs = await _median(yamlOnce);
const generateMs = await _median(generateOnce);
console.log(
  `sim generate, ${loaded.model.hosts.length} hosts, ${loaded.model.edges.length} edges: ` +
    `generate ${(generateMs / 1000).toFixed(2)} s, yaml.stringify alone ` +
    `${(yamlMs / 1000).toFixed(2)} s (median of ${ROUNDS})`,
);
console.log(`ratio: ${(generateMs / yamlMs).toFixed(2)}x baseline`);

async function _child(mode: string): Promise<{ ms: number; peak_rss_mib: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL(import.meta.url).pathname, SCENARIO],
    env: { HIVE_GENERATE_CHILD: mode },
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(120_000),
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}
// Interleaved, so both see the same machine load.
for (let round = 0; round < ROUNDS; round++) {
  const whole = await _child("whole");
  const stream = await _child("stream");
  console.log(
    `round ${round + 1}: whole document ${whole.ms} ms, ${
      whole.peak_rss_mib.toFixed(0)
    } MiB peak; ` +
      `streamed ${stream.ms} ms, ${stream.peak_rss_mib.toFixed(0)} MiB peak ` +
      `(time ${(stream.ms / whole.ms).toFixed(2)}x, RSS ${
        (stream.peak_rss_mib / whole.peak_rss_mib).toFixed(2)
      }x)`,
  );
}

Deno.bench({
  name: "yaml.stringify of the same Shadow document (baseline)",
  group: "generate-10k",
  baseline: true,
  n: ROUNDS,
  warmup: 1,
  fn: () => {
    yamlOnce();
  },
});

Deno.bench({
  name: "hive sim generate large_10k.yaml (expand + build + write)",
  group: "generate-10k",
  n: ROUNDS,
  warmup: 1,
  async fn() {
    await generateOnce();
  },
});
