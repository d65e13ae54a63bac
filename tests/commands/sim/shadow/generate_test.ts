import { deepEqual, equal, ok } from "@std/assert";
import { parse } from "yaml";
import { ConfigError, HiveError, UsageError } from "../../../../core/errors.ts";
import {
  createProgressBar,
  generateShadowDir,
  SHADOW_FILE,
  writeShadowFiles,
} from "../../../../commands/sim/shadow/generate.ts";
import { GML_FILE, type ShadowDocument } from "../../../../commands/sim/shadow/config.ts";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";
import { parseGml } from "../../../../commands/sim/scenario/gml.ts";
import { rejection, withTempDir } from "../../../_helpers.ts";

const FIXTURES = new URL("../../../../fixtures/scenarios/", import.meta.url).pathname;
const GOLDEN = new URL("../golden/", import.meta.url).pathname;
/** One fixture per topology and per attack; `large_10k` is the benchmark's. */
const CASES = [
  "star",
  "ring",
  "mesh",
  "dag",
  "random_regular",
  "scale_free",
  "regions",
  "switch",
  "gml",
  "sybil",
  "eclipse",
  "partition",
  "double_spend",
];

function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  return withTempDir(fn, "hive-sim-gen-");
}

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

async function generate(name: string, out: string) {
  return await generateShadowDir({
    scenarioPath: `${FIXTURES}${name}.yaml`,
    outDir: out,
    hiveBin: "hive",
  });
}

for (const name of CASES) {
  Deno.test(`generate ${name}: shadow.yaml and network.gml match the golden files`, async () => {
    await withTemp(async (tmp) => {
      const out = `${tmp}/${name}`;
      const result = await generate(name, out);
      deepEqual(await entries(out), [GML_FILE, SHADOW_FILE].sort());
      deepEqual(await entries(tmp), [name]); // no temporary folder left beside it
      for (const file of [SHADOW_FILE, GML_FILE]) {
        const got = await Deno.readTextFile(`${out}/${file}`);
        const goldenPath = `${GOLDEN}${name}/${file}`;
        if (Deno.env.get("UPDATE_GOLDEN") === "1") {
          await Deno.mkdir(`${GOLDEN}${name}`, { recursive: true });
          await Deno.writeTextFile(goldenPath, got);
        }
        equal(got, await Deno.readTextFile(goldenPath), `${name}/${file} differs from golden`);
      }
      // The summary agrees with the files.
      const doc = parse(await Deno.readTextFile(`${out}/${SHADOW_FILE}`)) as ShadowDocument;
      equal(Object.keys(doc.hosts).length, result.hosts);
      const processes = Object.values(doc.hosts).reduce((s, h) => s + h.processes.length, 0);
      equal(processes, result.processes);
      const gml = parseGml(await Deno.readTextFile(`${out}/${GML_FILE}`));
      equal(gml.nodes.length, result.graph_nodes);
      equal(gml.edges.length, result.graph_edges);
    });
  });
}

Deno.test("generate is byte-identical across runs of the same file and seed", async () => {
  await withTemp(async (tmp) => {
    await generate("regions", `${tmp}/a`);
    await generate("regions", `${tmp}/b`);
    for (const file of [SHADOW_FILE, GML_FILE]) {
      equal(
        await Deno.readTextFile(`${tmp}/a/${file}`),
        await Deno.readTextFile(`${tmp}/b/${file}`),
      );
    }
  });
});

Deno.test("a bad scenario leaves no output folder and no temporary folder", async () => {
  await withTemp(async (tmp) => {
    await Deno.writeTextFile(
      `${tmp}/bad.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n  m-{1..3}: { kind: miner, hashrate: 30 }\n",
    );
    const error = await rejection(
      generateShadowDir({
        scenarioPath: `${tmp}/bad.yaml`,
        outDir: `${tmp}/out/deep`,
        hiveBin: "hive",
      }),
      ConfigError,
    );
    equal(
      error.message,
      `scenario ${tmp}/bad.yaml: agents: hashrates of miners and attackers sum to 90, expected 100`,
    );
    deepEqual(await entries(tmp), ["bad.yaml"]);
  });
});

Deno.test("a non-empty --out is refused without --force and replaced with it", async () => {
  await withTemp(async (tmp) => {
    await Deno.mkdir(`${tmp}/out`);
    await Deno.writeTextFile(`${tmp}/out/keep.txt`, "mine");
    const error = await rejection(generate("star", `${tmp}/out`), UsageError);
    equal(error.message, `--out ${tmp}/out: folder is not empty (use --force to replace it)`);
    deepEqual(await entries(`${tmp}/out`), ["keep.txt"]);
    await generateShadowDir({
      scenarioPath: `${FIXTURES}star.yaml`,
      outDir: `${tmp}/out`,
      hiveBin: "hive",
      force: true,
    });
    deepEqual(await entries(`${tmp}/out`), [GML_FILE, SHADOW_FILE].sort());
    deepEqual(await entries(tmp), ["out"]);
  });
});

Deno.test("a write failure removes the folders generate created", async () => {
  await withTemp(async (tmp) => {
    // A file where a parent folder should be: creating the tree fails part-way.
    await Deno.writeTextFile(`${tmp}/blocker`, "");
    await rejection(generate("star", `${tmp}/blocker/out`), Error);
    await Deno.mkdir(`${tmp}/ro`);
    await Deno.chmod(`${tmp}/ro`, 0o500);
    try {
      const isRoot = Deno.uid() === 0;
      if (!isRoot) {
        // Without write permission on the parent, the temporary folder cannot be made.
        const error = await rejection(generate("star", `${tmp}/ro/a/b`), HiveError);
        ok(error.message.startsWith(`cannot write ${tmp}/ro/a/b`), error.message);
      }
    } finally {
      await Deno.chmod(`${tmp}/ro`, 0o700);
    }
    deepEqual(await entries(tmp), ["blocker", "ro"]);
    deepEqual(await entries(`${tmp}/ro`), []);
  });
});

Deno.test("the progress bar redraws in place, throttled, and ends its line", () => {
  const written: string[] = [];
  let t = 0;
  const bar = createProgressBar({ write: (s) => written.push(s), width: 10, now: () => t });
  bar.update("hosts", 0, 100);
  t = 50;
  bar.update("hosts", 40, 100); // throttled
  t = 200;
  bar.update("hosts", 50, 100);
  bar.update("hosts", 100, 100); // the last step always draws
  bar.done();
  deepEqual(written, [
    "\r\x1b[2Khosts  [----------]   0% 0/100",
    "\r\x1b[2Khosts  [#####-----]  50% 50/100",
    "\r\x1b[2Khosts  [##########] 100% 100/100",
    "\n",
  ]);
});

Deno.test("writeShadowFiles writes the same files into an engine's run folder", async () => {
  await withTemp(async (tmp) => {
    const loaded = await loadScenario(`${FIXTURES}star.yaml`);
    const path = await writeShadowFiles(loaded, tmp, { hiveBin: "hive" });
    equal(path, `${tmp}/${SHADOW_FILE}`);
    equal(await Deno.readTextFile(path), await Deno.readTextFile(`${GOLDEN}star/${SHADOW_FILE}`));
    equal(
      await Deno.readTextFile(`${tmp}/${GML_FILE}`),
      await Deno.readTextFile(`${GOLDEN}star/${GML_FILE}`),
    );
  });
});
