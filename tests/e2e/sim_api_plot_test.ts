/**
 * `hive sim analyze --plot --png`: the SVG and a PNG beside it drawn by headless Chromium, at
 * twice the SVG's size; the caption carries the run's scenario, engine, seed and version from
 * `hive_run.json`; `--png` without `--plot` is a usage error.
 *
 * @module
 */
import { equal, match, ok } from "@std/assert";
import { runHive } from "../_helpers.ts";

const SCENARIO = new URL("../../fixtures/scenarios/partition.yaml", import.meta.url).pathname;

Deno.test({
  name: "hive sim analyze --plot --png: SVG and PNG beside it",
  ignore: !(await Deno.stat("/usr/bin/chromium").then(() => true, () => false)),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sim_plot_" });
    try {
      const run = await runHive(["sim", "run", SCENARIO, "--engine", "des", "--out", `${dir}/r`]);
      equal(run.code, 0, run.stderr);
      const out = await runHive(["--json", "sim", "analyze", `${dir}/r`, "--plot", "--png"]);
      equal(out.code, 0, out.stderr);
      const doc = JSON.parse(out.stdout);
      equal(doc.png, `${dir}/r/analysis.png`);
      const svg = await Deno.readTextFile(doc.plot);
      match(svg, /scenario partition · engine des · seed 23 · hive \d+\.\d+\.\d+/);
      match(svg, />partition<\/text>/, "the attack window is labelled");
      const png = await Deno.readFile(doc.png);
      equal([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
      const view = new DataView(png.buffer, png.byteOffset);
      const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
      equal(view.getUint32(16), Number(w) * 2, "PNG width: twice the SVG's");
      equal(view.getUint32(20), Number(h) * 2);
      ok(png.length > 10_000, "not an empty picture");
      const bad = await runHive(["sim", "analyze", `${dir}/r`, "--png"]);
      equal(bad.code, 2);
      match(bad.stderr, /--png: needs --plot/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
