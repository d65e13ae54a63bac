import { equal, ok } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { formatAnalysis } from "../../../../commands/sim/cli/analyze.ts";
import { desModel } from "../../../adapters/engine/des/_fixtures.ts";
import { withTempDir } from "../../../_helpers.ts";
import { hive } from "../_cli.ts";
const _logger = createLogger({ level: "error", sinks: [] });

Deno.test("hive sim analyze CLI: --json document, --plot file, exit 2 on bad input", async () => {
  await withTempDir(async (dir) => {
    const model = desModel({ nodes: 12, miners: 4, topology: "ring", seed: 3, stopTimeS: 3600 });
    await new DesEngine().run({ model, outDir: `${dir}/run`, logger: _logger });
    const ok1 = await hive("--json", "sim", "analyze", `${dir}/run`, "--plot");
    equal(ok1.code, 0, ok1.stderr);
    const doc = JSON.parse(ok1.stdout);
    equal(doc.nodes, 12);
    equal(doc.plot, `${dir}/run/analysis.svg`);
    ok((await Deno.readTextFile(doc.plot)).includes("<svg"));
    const text = formatAnalysis(await analyzeRun({ dir: `${dir}/run` }));
    ok(text.includes("propagation:") && text.includes("orphan rate:"), text);
    const badPlot = await hive("sim", "analyze", `${dir}/run`, "--plot", "x.png");
    equal(badPlot.code, 2);
    ok(badPlot.stderr.includes('--plot: expected a file name ending in .svg, got "x.png"'));
    await Deno.mkdir(`${dir}/empty`);
    const empty = await hive("sim", "analyze", `${dir}/empty`);
    equal(empty.code, 2);
    ok(empty.stderr.includes("no run events"), empty.stderr);
    const help = await hive("sim", "analyze", "--help");
    equal(help.code, 0);
    ok(help.stdout.includes("--plot [file]") && help.stdout.includes("Examples:"));
  });
});
