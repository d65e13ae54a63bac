/**
 * `hive sim run` progress: NDJSON records per phase with `--json` (each phase ends at 100 %),
 * and a log line per tenth when neither a bar nor records are wanted.
 *
 * @module
 */
import { deepEqual, equal } from "@std/assert";
import { runProgress } from "../../../../commands/sim/cli/run_progress.ts";
import { createLogger } from "../../../../core/logger.ts";
import type { ProgressRecord } from "../../../../core/progress.ts";

Deno.test("run progress: one record stream per phase, each phase finished at 100 %", () => {
  const records: ProgressRecord[] = [];
  const progress = runProgress({
    logger: createLogger({ level: "error" }),
    onRecord: (r) => records.push(r),
  });
  progress.update({ phase: "fund wallets", done: 0, total: 3, unit: "wallets" });
  progress.update({ phase: "fund wallets", done: 1, total: 3, unit: "wallets" });
  progress.update({ done: 10.7, total: 100, unit: "sim seconds" });
  progress.update({ done: 100, total: 100, unit: "sim seconds" });
  progress.done();
  const phases = records.map((r) => r.phase);
  deepEqual([...new Set(phases)], ["fund wallets", "simulate"]);
  const lastFund = records.filter((r) => r.phase === "fund wallets").at(-1)!;
  equal(lastFund.percent, 100, "a phase that ends is shown finished");
  const last = records.at(-1)!;
  deepEqual({ ...last, eta_s: 0 }, {
    type: "progress",
    phase: "simulate",
    done: 100,
    total: 100,
    percent: 100,
    eta_s: 0,
  });
});

Deno.test("run progress: without a terminal or --json, a log line per tenth", () => {
  const lines: string[] = [];
  const logger = createLogger({
    level: "info",
    sinks: [{ write: (line: string) => lines.push(line), flush() {}, close() {} }],
  });
  const progress = runProgress({ logger, bar: false });
  for (let t = 0; t <= 1000; t += 7) progress.update({ done: t, total: 1000, unit: "sim seconds" });
  progress.done();
  const pcts = lines.map((l) => JSON.parse(l).pct);
  deepEqual(pcts, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
});
