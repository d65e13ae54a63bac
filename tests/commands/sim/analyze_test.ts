import { deepEqual, equal, ok, rejects } from "@std/assert";
import { DesEngine } from "../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../core/logger.ts";
import { UsageError } from "../../../core/errors.ts";
import { analyzeLoadedRun, analyzeRun } from "../../../commands/sim/analyze/analyze.ts";
import { loadRun } from "../../../commands/sim/analyze/load.ts";
import { distribution, percentile } from "../../../commands/sim/analyze/stats.ts";
import { renderAnalysisSvg } from "../../../commands/sim/analyze/plot.ts";
import { formatAnalysis } from "../../../commands/sim/cli/analyze.ts";
import { desModel, hostName } from "../../adapters/engine/des_fixtures.ts";

const _logger = createLogger({ level: "error", sinks: [] });
const _main = new URL("../../../main.ts", import.meta.url).pathname;

async function _withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hive_analyze_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function _write(path: string, lines: (string | object)[]): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(
    path,
    lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
  );
}

async function _hive(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-prompt", "--quiet", _main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("percentiles use the nearest rank", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  equal(percentile(xs, 50), 50);
  equal(percentile(xs, 90), 90);
  equal(percentile(xs, 99), 99);
  equal(percentile([], 50), null);
  deepEqual(distribution([3, 1, 2]), {
    count: 3,
    p50_s: 2,
    p90_s: 3,
    p99_s: 3,
    mean_s: 2,
    max_s: 3,
  });
});

Deno.test("analyze a DES run: events and the engine's own aggregates agree", async () => {
  await _withDir(async (dir) => {
    const model = desModel({
      nodes: 40,
      miners: 20,
      topology: "random",
      degree: 2,
      latencyMs: 1500,
      seed: 12,
      stopTimeS: 120 * 200,
      users: { indices: [30, 31, 32], intervalMeanS: 300 },
    });
    const result = await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const summary = result.summary as Record<string, number>;
    const report = await analyzeRun({ dir });
    equal(report.nodes, 40);
    equal(report.problems.count, 0);
    equal(report.blocks.mined, summary.blocks_mined);
    equal(report.blocks.orphaned, summary.orphaned_blocks);
    equal(report.blocks.main_chain_height, summary.main_chain_height);
    equal(report.reorgs.count, summary.reorgs);
    equal(report.reorgs.max_depth, summary.max_reorg_depth);
    ok(report.blocks.orphaned > 0, "1.5 s per hop over 40 nodes makes forks");
    equal(report.propagation.source, "events");
    // The same delays computed by the engine itself (propagation.ndjson) must match.
    const agg = (await Deno.readTextFile(`${dir}/propagation.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l)).filter((p) => p.t100_s !== null).map((p) => p.t100_s as number);
    const expected = distribution(agg);
    equal(report.propagation.blocks_measured, agg.length);
    ok(Math.abs(report.propagation.p50_s! - expected.p50_s!) < 0.002);
    ok(Math.abs(report.propagation.p90_s! - expected.p90_s!) < 0.002);
    ok(Math.abs(report.propagation.p99_s! - expected.p99_s!) < 0.002);
    const agg90 = distribution(
      (await Deno.readTextFile(`${dir}/propagation.ndjson`)).trim().split("\n")
        .map((l) => JSON.parse(l)).filter((p) => p.t90_s !== null).map((p) => p.t90_s as number),
    );
    equal(report.propagation.to_90pct.count, agg90.count);
    ok(Math.abs(report.propagation.to_90pct.p50_s! - agg90.p50_s!) < 0.002);
    equal(report.transactions.sent, summary.txs_sent);
    equal(report.transactions.confirmed, summary.txs_confirmed);
    ok(report.transactions.confirmation.p50_s! > 0);
    ok(report.convergence.samples.length > 10);
    ok(report.convergence.samples.every((s) => s.min_height <= s.max_height));
    const last = report.convergence.samples[report.convergence.samples.length - 1];
    equal(last.max_height, summary.main_chain_height);
  });
});

Deno.test("analyze a DES run without receipt events falls back to the aggregates", async () => {
  await _withDir(async (dir) => {
    const model = desModel({ nodes: 50, miners: 10, topology: "random", seed: 2, stopTimeS: 6000 });
    await new DesEngine({ receiptEvents: false }).run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    equal(report.propagation.source, "propagation.ndjson");
    equal(report.convergence.source, "convergence.ndjson");
    ok(report.propagation.blocks_measured > 10);
    ok(report.propagation.p50_s! > 0);
    equal(report.nodes, 50);
  });
});

Deno.test("analyze attack outcomes from a DES partition run", async () => {
  await _withDir(async (dir) => {
    const a = Array.from({ length: 8 }, (_, i) => hostName(i));
    const b = Array.from({ length: 8 }, (_, i) => hostName(i + 8));
    const model = desModel({
      nodes: 16,
      miners: 16,
      topology: "random",
      degree: 2,
      seed: 4,
      stopTimeS: 4 * 3600,
      attacks: [{ kind: "partition", groupA: a, groupB: b, startS: 600, endS: 3 * 3600 }],
    });
    await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    equal(report.attacks.partition.runs, 1);
    equal(report.attacks.partition.converged, 1);
    ok(report.attacks.partition.max_fork_length! >= 1);
    equal(report.reorgs.max_depth, report.attacks.partition.max_fork_length);
  });
});

Deno.test("analyze hand-written local-engine logs, skipping bad lines with file:line", async () => {
  await _withDir(async (dir) => {
    // Three nodes. Block A (h1) mined by n1 at 10 s, reaches n2 at 10.5 s and n3 at 11 s.
    // Block B (h2) mined by n2 at 130 s; n1 has it at 131 s, n3 only via a monitor height poll
    // at 134 s. Block C (h2, mined by n3 at 130.2 s) loses: n3 reorgs to B.
    await _write(`${dir}/hosts/n1/miner.ndjson`, [
      { ts: 10, host: "n1", event: "mined", height: 1, hash: "A", parent: "G" },
      "this is not json",
      { ts: 131, host: "n1", event: "block", height: 2, hash: "B", parent: "A" },
      { ts: 20, host: "n1", event: "tx_sent", txid: "t1", amount: 0.5 },
      { ts: 131, host: "n1", event: "tx_confirmed", txid: "t1", height: 2 },
    ]);
    await _write(`${dir}/hosts/n2/monitor.ndjson`, [
      { ts: 10.5, host: "n2", event: "block", height: 1, hash: "A", parent: "G" },
      { ts: 130, host: "n2", event: "mined", height: 2, hash: "B", parent: "A" },
      { ts: 25, host: "n2", event: "tx_seen", txid: "t1" },
      { ts: 12, host: "n2", event: "block", height: "two", hash: "X", parent: "A" },
      { ts: 13, host: "n2", event: "teleport" },
    ]);
    await _write(`${dir}/hosts/n3/monitor.ndjson`, [
      { ts: 11, host: "n3", event: "block", height: 1, hash: "A", parent: "G" },
      { ts: 130.2, host: "n3", event: "mined", height: 2, hash: "C", parent: "A" },
      { ts: 134, host: "n3", event: "height", height: 2, top_hash: "B", peers: 2 },
      { ts: 134, host: "n3", event: "reorg", depth: 1, height: 2 },
      {
        ts: 200,
        host: "n3",
        event: "attack",
        attack: "double_spend",
        outcome: { success: true, q: 0.3 },
      },
      // A record without a verdict (no boolean success) is listed but not counted as a run.
      {
        ts: 150,
        host: "n3",
        event: "attack",
        attack: "double_spend",
        outcome: { phase: "isolated", fork_height: 1 },
      },
    ]);
    const report = await analyzeRun({ dir });
    equal(report.nodes, 3);
    equal(report.problems.count, 3);
    deepEqual(report.problems.first.map((p) => `${p.file}:${p.line}`), [
      "hosts/n1/miner.ndjson:2",
      "hosts/n2/monitor.ndjson:4",
      "hosts/n2/monitor.ndjson:5",
    ]);
    ok(report.problems.first[0].message.startsWith("not JSON"));
    ok(
      report.problems.first[1].message.includes("height") && report.problems.first[1].message
        .includes('"two"'),
      report.problems.first[1].message,
    );
    ok(report.problems.first[2].message.includes("teleport"), report.problems.first[2].message);
    equal(report.blocks.mined, 3);
    equal(report.blocks.orphaned, 1);
    equal(report.blocks.main_chain_height, 2);
    equal(report.blocks.fork_heights, 1);
    // Full-propagation delays: A 1 s, B 4 s; C never reached everyone.
    equal(report.propagation.blocks_measured, 2);
    equal(report.propagation.blocks_total, 3);
    equal(report.propagation.p50_s, 1);
    equal(report.propagation.p99_s, 4);
    // 90 % of 3 nodes is all 3, so the same delays; C reached only 2 of 3.
    equal(report.propagation.to_90pct.count, 2);
    equal(report.propagation.to_90pct.p99_s, 4);
    deepEqual(report.reorgs, { count: 1, max_depth: 1, depths: { "1": 1 } });
    equal(report.transactions.confirmation.p50_s, 111);
    equal(report.transactions.first_seen.p50_s, 5);
    equal(report.attacks.double_spend.runs, 1);
    equal(report.attacks.double_spend.success_rate, 1);
    equal(report.attacks.outcomes.length, 2);
    const final = report.convergence.samples[report.convergence.samples.length - 1];
    deepEqual(final, { ts: 134, min_height: 2, max_height: 2, spread: 0, tips: 1 });
  });
});

Deno.test("analyze Shadow host stdout: program output ignored, RunEvent lines read", async () => {
  await _withDir(async (dir) => {
    const base = `${dir}/shadow.data/hosts`;
    await _write(`${base}/miner1/hive.1000.stdout`, [
      "hive sim agent miner starting",
      { ts: 5, host: "miner1", event: "mined", height: 1, hash: "h1", parent: "g" },
      '{"ts": 6, "host": "miner1", "event": "mined"',
    ]);
    await _write(`${base}/miner1/monerod.1001.stdout`, [
      "2026-01-01 00:00:00.000 I Monero 'Fluorine Fermi' (v0.18.0.0-release)",
      "2026-01-01 00:00:01.000 I Core initialized OK",
    ]);
    await _write(`${base}/node2/hive.1000.stdout`, [
      { ts: 5.25, host: "node2", event: "block", height: 1, hash: "h1", parent: "g" },
    ]);
    const run = await loadRun({ dir });
    const shadow = run.sources.filter((s) => s.kind === "shadow_stdout");
    equal(shadow.length, 3);
    equal(shadow.reduce((n, s) => n + s.ignored, 0), 3);
    equal(run.problemCount, 1);
    equal(run.problems[0].file, "shadow.data/hosts/miner1/hive.1000.stdout");
    equal(run.problems[0].line, 3);
    const report = analyzeLoadedRun(run);
    equal(report.propagation.p50_s, 0.25);
    equal(report.nodes, 2);
  });
});

Deno.test("analyze fails clearly on a missing folder and on a folder without events", async () => {
  await _withDir(async (dir) => {
    await rejects(() => analyzeRun({ dir: `${dir}/nope` }), (e: Error) => {
      ok(e instanceof UsageError);
      ok(e.message.includes("is not a folder"), e.message);
      return true;
    });
    await rejects(() => analyzeRun({ dir }), (e: Error) => {
      ok(e instanceof UsageError);
      ok(e.message.includes("no run events"), e.message);
      return true;
    });
    await _write(`${dir}/events.ndjson`, ["garbage", "{}"]);
    await rejects(() => analyzeRun({ dir }), /2 bad lines skipped/);
  });
});

Deno.test("plot: an SVG with the CDF and both height series, no NaN", async () => {
  await _withDir(async (dir) => {
    const model = desModel({ nodes: 20, miners: 5, topology: "random", seed: 6, stopTimeS: 7200 });
    await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    const svg = renderAnalysisSvg(report);
    ok(svg.startsWith("<?xml"));
    ok(svg.trimEnd().endsWith("</svg>"));
    equal(svg.match(/<polyline/g)?.length, 3);
    ok(!svg.includes("NaN") && !svg.includes("Infinity"));
    ok(svg.includes("Block propagation to all nodes (CDF)"));
    const empty = renderAnalysisSvg({
      ...report,
      propagation: { ...report.propagation, cdf: [] },
      convergence: { ...report.convergence, samples: [] },
    });
    equal(empty.match(/no data/g)?.length, 2);
  });
});

Deno.test("hive sim analyze CLI: --json document, --plot file, exit 2 on bad input", async () => {
  await _withDir(async (dir) => {
    const model = desModel({ nodes: 12, miners: 4, topology: "ring", seed: 3, stopTimeS: 3600 });
    await new DesEngine().run({ model, outDir: `${dir}/run`, logger: _logger });
    const ok1 = await _hive("--json", "sim", "analyze", `${dir}/run`, "--plot");
    equal(ok1.code, 0, ok1.stderr);
    const doc = JSON.parse(ok1.stdout);
    equal(doc.nodes, 12);
    equal(doc.plot, `${dir}/run/analysis.svg`);
    ok((await Deno.readTextFile(doc.plot)).includes("<svg"));
    const text = formatAnalysis(await analyzeRun({ dir: `${dir}/run` }));
    ok(text.includes("propagation:") && text.includes("orphan rate:"), text);
    const badPlot = await _hive("sim", "analyze", `${dir}/run`, "--plot", "x.png");
    equal(badPlot.code, 2);
    ok(badPlot.stderr.includes('--plot: expected a file name ending in .svg, got "x.png"'));
    await Deno.mkdir(`${dir}/empty`);
    const empty = await _hive("sim", "analyze", `${dir}/empty`);
    equal(empty.code, 2);
    ok(empty.stderr.includes("no run events"), empty.stderr);
    const help = await _hive("sim", "analyze", "--help");
    equal(help.code, 0);
    ok(help.stdout.includes("--plot [file]") && help.stdout.includes("Examples:"));
  });
});
