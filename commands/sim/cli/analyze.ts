/**
 * `hive sim analyze DIR [--plot [FILE]]`: metrics of a run folder from any engine (des, local,
 * Shadow), as text or one JSON document with `--json`, and optionally an SVG plot.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { HiveError, UsageError } from "../../../core/errors.ts";
import { flagInput, parseFlags, wholeFlag } from "./flags.ts";
import { formatRecord } from "../../../core/output.ts";
import type { AnalysisReport } from "../analyze/analyze.ts";
import { formatDistribution } from "../analyze/stats.ts";
import { formatRunInfo } from "../analyze/run_info.ts";
import { formatNodeValidation } from "../analyze/validation.ts";

const _flagsSchema = z.object({
  DIR: z.string().min(1, { error: "expected a run folder" }),
  "--plot": z.union([
    z.literal(true),
    z.string().min(1).regex(/\.svg$/i, { error: "expected a file name ending in .svg" }),
  ]).optional(),
  "--samples": wholeFlag("expected an integer 2..10000", 2, 10_000).optional(),
  "--png": z.boolean().optional(),
});

/** A fraction 0..1 as a percentage for people: `0.065` is `6.5 %`. */
function _percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10} %`;
}

/** Human rendering of a report. */
export function formatAnalysis(r: AnalysisReport & { plot?: string; png?: string }): string {
  const p = r.propagation;
  const c = r.convergence;
  const a = r.attacks;
  const lines = formatRecord({
    dir: r.dir,
    ...(r.run ? { run: formatRunInfo(r.run) } : {}),
    nodes: r.nodes,
    events: r.events,
    sources: r.sources.map((s) => `${s.file} (${s.records}${s.bad ? `, ${s.bad} bad` : ""})`)
      .join(", "),
    "blocks mined": r.blocks.mined,
    "main chain height": r.blocks.main_chain_height,
    "orphan rate": `${r.blocks.orphan_rate} (${r.blocks.orphaned} orphaned)`,
    "fork rate": `${r.blocks.fork_rate} (${r.blocks.fork_heights} heights with forks)`,
    propagation: p.count > 0
      ? `${
        formatDistribution(p)
      }; ${p.blocks_measured}/${p.blocks_total} blocks reached all nodes [${p.source}]`
      : `- (${p.blocks_total} blocks, none seen by every node)`,
    "propagation 90%": formatDistribution(p.to_90pct),
    reorgs: r.reorgs.count > 0
      ? `${r.reorgs.count}, max depth ${r.reorgs.max_depth}, by depth ${
        JSON.stringify(r.reorgs.depths)
      }`
      : "0",
    "tx sent/confirmed": `${r.transactions.sent}/${r.transactions.confirmed}`,
    "tx failed": r.transactions.failed > 0
      ? `${r.transactions.failed} (${
        Object.entries(r.transactions.failed_by_reason).map(([k, n]) => `${k} ${n}`).join(", ")
      })`
      : "0",
    "tx confirmation": formatDistribution(r.transactions.confirmation),
    "tx stem time": formatDistribution(r.transactions.first_seen),
    convergence: c.samples.length > 0
      ? `final spread ${c.final_spread}, max spread ${c.max_spread}, converged in ${
        _percent(c.converged_fraction ?? 0)
      } of ${c.samples.length} sample${c.samples.length === 1 ? "" : "s"} [${c.source}]`
      : "-",
    "double spend": a.double_spend.runs > 0
      ? `${a.double_spend.successes}/${a.double_spend.runs} succeeded`
      : "-",
    eclipse: a.eclipse.runs > 0 ? `${a.eclipse.successes}/${a.eclipse.runs} succeeded` : "-",
    partition: a.partition.runs > 0
      ? `fork length ${a.partition.max_fork_length}, converged ${a.partition.converged}/${a.partition.runs}`
      : "-",
    sybil: a.sybil.runs > 0 ? `${a.sybil.successes}/${a.sybil.runs} isolated a node` : "-",
    ...(r.node_validation ? { "node validation": formatNodeValidation(r.node_validation) } : {}),
    checks: r.checks.length > 0
      ? r.checks.map((c) => `${c.pass ? "PASS" : "FAIL"} ${c.check}: ${c.detail}`).join("; ")
      : "-",
    problems: r.problems.count,
    ...(r.plot ? { plot: r.plot } : {}),
    ...(r.png ? { png: r.png } : {}),
  });
  const probs = r.problems.first.map((x) => `  ${x.file}:${x.line}: ${x.message}`);
  const more = r.problems.count > r.problems.first.length
    ? [`  ... and ${r.problems.count - r.problems.first.length} more`]
    : [];
  return lines + (probs.length > 0 ? ["skipped lines:", ...probs, ...more, ""].join("\n") : "");
}

/** Build `hive sim analyze`. */
export function analyzeCommand(load: ContextLoader): Command<[string]> {
  const cmd = hiveCommand("analyze", "hive sim analyze")
    .summary("metrics of a run folder (des, local or Shadow)")
    .description(
      "Read the RunEvent NDJSON of a run and report block propagation delay to all nodes " +
        "(p50/p90/p99), orphan and fork rate, reorg depths, transaction confirmation latency, " +
        "height convergence over time and attack outcomes. Reads DIR/events.ndjson (des), " +
        "DIR/hosts/<host>/*.ndjson (local engine) and DIR/shadow.data/hosts/<host>/*.stdout " +
        "(Shadow). Bad lines are reported as file:line and skipped. For a local run it also " +
        "reads each node's monerod.log: how long the real nodes took from a block's first " +
        "notice to adding it, and the des.validation that gives --engine des the same delays.",
    )
    .argument("<dir>", "run folder written by `hive sim run` (or Shadow's parent folder)")
    .option(
      "--plot [file]",
      "also write an SVG with the propagation CDF and height over time " +
        "(default file: DIR/analysis.svg)",
    )
    .option("--png", "with --plot: also a PNG beside the SVG (drawn by headless Chromium)")
    .option("--samples <n>", "height-convergence samples over the run, 2..10000 (default 200)")
    .option("--json", "the report as one JSON document on stdout (same as `hive --json`)")
    .action(async (dir, options, command) => {
      const { analyzeRun } = await import("../analyze/analyze.ts");
      const { renderAnalysisSvg } = await import("../analyze/plot.ts");
      const flags = parseFlags("hive sim analyze", _flagsSchema, {
        DIR: dir,
        ...flagInput(options),
      });
      const ctx = await load(command, "sim-analyze");
      const report: AnalysisReport & { plot?: string; png?: string } = await analyzeRun({
        dir: flags.DIR,
        samples: flags["--samples"],
      });
      for (const p of report.problems.first.slice(0, 20)) {
        ctx.logger.warn("skipped line", { file: p.file, line: p.line, problem: p.message });
      }
      if (flags["--png"] && flags["--plot"] === undefined) {
        throw new UsageError("--png: needs --plot (the PNG is drawn from the SVG)");
      }
      if (flags["--plot"] !== undefined) {
        const path = flags["--plot"] === true ? `${report.dir}/analysis.svg` : flags["--plot"];
        const { readRunMeta } = await import("../api/run_meta.ts");
        const meta = await readRunMeta(report.dir);
        const svg = renderAnalysisSvg(report, {
          caption: meta ?? undefined,
          windows: meta?.attacks,
          endS: meta?.stopTimeS,
        });
        try {
          await Deno.writeTextFile(path, svg);
        } catch (error) {
          throw new HiveError(`--plot: cannot write ${JSON.stringify(path)}: ${String(error)}`, {
            cause: error,
          });
        }
        report.plot = path;
        if (flags["--png"]) {
          const { svgToPng } = await import("../analyze/png.ts");
          const png = path.replace(/\.svg$/i, ".png");
          const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
          await svgToPng(path, png, { width: Number(width), height: Number(height) });
          report.png = png;
        }
      }
      ctx.output.result(report, formatAnalysis);
    });
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim run fixtures/scenarios/ring.yaml --engine des --out runs/ring
  hive sim analyze runs/ring                       text summary
  hive sim analyze runs/ring --json                one JSON document (all metrics, CDF points)
  hive sim analyze runs/ring --plot                also write runs/ring/analysis.svg
  hive sim analyze runs/ring --plot --png          and runs/ring/analysis.png (Chromium)
  hive sim analyze runs/local --plot local.svg     a local-engine run, plot to local.svg

Exit codes: 0 ok (also with skipped bad lines), 1 runtime failure, 2 bad flags, a missing
folder, or a folder without any run events.`,
  );
  return cmd;
}
