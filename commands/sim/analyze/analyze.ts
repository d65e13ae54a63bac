/**
 * `hive sim analyze`: turn a run folder's RunEvent records (loaded by `load.ts`) into metrics:
 * block propagation delay to all nodes (p50/p90/p99), orphan and fork rate, reorg depths,
 * transaction confirmation latency, height convergence over time, attack outcomes and, for a
 * local run, the nodes' own validation delays (`validation.ts`). The steps live in `blocks.ts`
 * and `events.ts`; the report's shape in `report.ts`.
 *
 * @example
 * ```ts
 * import { analyzeRun } from "./analyze.ts";
 * const report = await analyzeRun({ dir: "runs/ring" });
 * console.log(report.blocks.orphan_rate, report.propagation.p90_s);
 * ```
 * @module
 */
import { UsageError } from "../../../core/errors.ts";
import { chainMetrics, collectBlocks, propagationMetrics } from "./blocks.ts";
import { attackSummary, convergenceMetrics, reorgMetrics, transactionMetrics } from "./events.ts";
import { type LoadedRun, loadRun, type LoadRunOptions } from "./load.ts";
import type { AnalysisReport } from "./report.ts";
import { readRunInfo, type RunInfo } from "./run_info.ts";
import { type NodeValidation, readNodeValidation } from "./validation.ts";
import type { RunEvent } from "../../../adapters/engine/types.ts";

export type { AnalysisReport, ConvergencePoint } from "./report.ts";

/** Options for {@link analyzeLoadedRun}. */
export interface AnalyzeOptions {
  /** Height-convergence samples over the run. Default 200. */
  samples?: number;
}

/** Compute the metrics of a loaded run. */
export function analyzeLoadedRun(
  run: LoadedRun,
  options: AnalyzeOptions & { info?: RunInfo | null; validation?: NodeValidation | null } = {},
): AnalysisReport {
  const events = run.events;
  const index = collectBlocks(events);
  const nodes = run.hosts?.length ?? run.nodeCount ?? index.hosts.size;
  return {
    dir: run.dir,
    run: options.info ?? null,
    sources: run.sources,
    problems: { count: run.problemCount, first: run.problems },
    nodes,
    events: events.length,
    time: {
      first_ts: events.length > 0 ? events[0].ts : null,
      last_ts: events.length > 0 ? events[events.length - 1].ts : null,
    },
    blocks: chainMetrics(index.blocks),
    propagation: propagationMetrics(run, index, nodes),
    reorgs: reorgMetrics(events),
    transactions: transactionMetrics(events),
    convergence: convergenceMetrics(
      run,
      index.hasReceipts,
      Math.max(2, options.samples ?? 200),
    ),
    attacks: attackSummary(events),
    node_validation: options.validation ?? null,
    checks: _checks(run.checks),
  };
}

function _checks(events: RunEvent[]): AnalysisReport["checks"] {
  const out = new Map<string, AnalysisReport["checks"][number]>();
  for (const e of events) {
    if (e.event !== "check") continue;
    const before = out.get(e.check);
    if (before && !before.pass) continue;
    out.set(e.check, { check: e.check, pass: e.pass, detail: e.detail, ts: e.ts });
  }
  return [...out.values()];
}

/**
 * Load and analyse a run folder. Throws UsageError (exit 2) when the folder is missing or holds
 * no events at all.
 */
export async function analyzeRun(
  options: LoadRunOptions & AnalyzeOptions,
): Promise<AnalysisReport> {
  const run = await loadRun(options);
  if (run.events.length === 0 && run.propagation.length === 0) {
    const bad = run.problemCount > 0 ? ` (${run.problemCount} bad lines skipped)` : "";
    throw new UsageError(
      `no run events in ${JSON.stringify(options.dir)}${bad}: looked for events.ndjson, ` +
        "hosts/<host>/*.ndjson and shadow.data/hosts/<host>/*.stdout",
      { code: "no_events" },
    );
  }
  return analyzeLoadedRun(run, {
    ...options,
    info: await readRunInfo(run.dir),
    validation: await readNodeValidation(run.dir),
  });
}
