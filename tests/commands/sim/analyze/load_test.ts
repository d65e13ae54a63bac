import { deepEqual, equal, ok, rejects } from "@std/assert";
import { UsageError } from "../../../../core/errors.ts";
import { analyzeLoadedRun, analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { loadRun } from "../../../../commands/sim/analyze/load.ts";
import { withTempDir } from "../../../_helpers.ts";

async function _write(path: string, lines: (string | object)[]): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(
    path,
    lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
  );
}

Deno.test("analyze hand-written local-engine logs, skipping bad lines with file:line", async () => {
  await withTempDir(async (dir) => {
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
  await withTempDir(async (dir) => {
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
  await withTempDir(async (dir) => {
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

Deno.test("a local run's wall-second stamps are read as simulated seconds (its time scale)", async () => {
  await withTempDir(async (dir) => {
    await _write(`${dir}/hosts/n1/miner.ndjson`, [
      { ts: 2, host: "n1", event: "mined", height: 1, hash: "A", parent: "G" },
      { ts: 2.5, host: "n1", event: "tx_sent", txid: "t1", amount: 0.5 },
    ]);
    await _write(`${dir}/hosts/n2/monitor.ndjson`, [
      { ts: 2.25, host: "n2", event: "block", height: 1, hash: "A", parent: "G" },
    ]);
    const plain = await loadRun({ dir });
    deepEqual(plain.events.map((e) => e.ts), [2, 2.25, 2.5]);
    await Deno.writeTextFile(`${dir}/local_run.json`, JSON.stringify({ time_scale: 60 }));
    const scaled = await loadRun({ dir });
    deepEqual(scaled.events.map((e) => e.ts), [120, 135, 150]);
    const report = await analyzeRun({ dir });
    equal(report.propagation.max_s, 15); // 0.25 wall seconds at 60x
  });
});
