/**
 * `hive sim generate` on a 10,000-host scenario (fixtures/scenarios/large_10k.yaml): the whole
 * command path (read + validate + expand + build + YAML + GML + atomic write) against the
 * baseline of serialising the same Shadow document with `yaml` alone.
 *
 * Run: deno bench --allow-all tests/bench/sim_generate_bench.ts
 */
import { stringify } from "yaml";
import { generateShadowDir } from "../../commands/sim/shadow/generate.ts";
import { loadScenario } from "../../commands/sim/scenario/load.ts";
import { buildShadowDocument } from "../../commands/sim/shadow/config.ts";

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
