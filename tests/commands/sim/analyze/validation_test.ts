/**
 * `hive sim analyze` on a local run reads each node's monerod.log for the nodes' validation
 * delays and the `des.validation` that matches them.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { formatAnalysis } from "../../../../commands/sim/cli/analyze.ts";
import { added, H, received } from "../../../adapters/engine/local/links/_monerod_log.ts";

const _EVENT = JSON.stringify({
  ts: 1,
  host: "a",
  event: "mined",
  height: 1,
  hash: H("a"),
  parent: H("0"),
});

async function _folder(logs: Record<string, Record<string, string[]>>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "hive_analyze_validation_" });
  await Deno.mkdir(`${dir}/hosts/a`, { recursive: true });
  await Deno.writeTextFile(`${dir}/hosts/a/monitor.ndjson`, _EVENT + "\n");
  for (const [host, files] of Object.entries(logs)) {
    await Deno.mkdir(`${dir}/hosts/${host}`, { recursive: true });
    for (const [name, lines] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/hosts/${host}/${name}`, lines.join("\n") + "\n");
    }
  }
  return dir;
}

Deno.test("analyze: a local run's validation delays from monerod logs, first block left out", async () => {
  const dir = await _folder({
    a: {
      // The rotated part is read before the live log.
      "monerod.log-2026-12-01-10-00-00": [
        received("10:00:01.000", H("1")),
        added("10:00:10.000", H("1"), 1), // RandomX set up: left out
        received("10:00:20.000", H("2")),
      ],
      "monerod.log": [
        added("10:00:20.200", H("2"), 2),
        received("10:00:30.000", H("3")),
        added("10:00:30.300", H("3"), 3),
        received("10:00:40.000", H("4")),
        added("10:00:40.400", H("4"), 4),
      ],
    },
    b: {
      "monerod.log": [
        received("10:00:01.000", H("1")),
        added("10:00:06.000", H("1"), 1),
        received("10:00:20.000", H("2")),
        added("10:00:20.250", H("2"), 2),
        received("10:00:30.000", H("3")),
        added("10:00:30.350", H("3"), 3),
      ],
    },
    // A host folder without a log is not a node the figure counts.
    c: { "monitor.ndjson": [_EVENT] },
  });
  try {
    const report = await analyzeRun({ dir });
    const v = report.node_validation!;
    equal(v.nodes, 2);
    equal(v.count, 5);
    equal(v.p50_s, 0.3);
    equal(v.max_s, 0.4);
    deepEqual(v.des_validation, { lognormal: { median: 300, sigma: 0.2245 } });
    const text = formatAnalysis(report);
    match(text, /node validation: +p50 0\.3 s, p90 0\.4 s/);
    match(text, /des\.validation \{ lognormal: \{ median: 300, sigma: 0\.2245 \} \}/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("analyze: logs with no block from a peer, and runs without logs", async () => {
  const dir = await _folder({ a: { "monerod.log": ["not a monerod line", "\u0000\u0001"] } });
  try {
    const report = await analyzeRun({ dir });
    equal(report.node_validation!.count, 0);
    equal(report.node_validation!.des_validation, null);
    match(
      formatAnalysis(report),
      /node validation: +- \(no block a peer sent in 1 monerod log; .*--log-level=1/,
    );
    await Deno.remove(`${dir}/hosts/a/monerod.log`);
    const none = await analyzeRun({ dir });
    equal(none.node_validation, null);
    ok(!formatAnalysis(none).includes("node validation"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
