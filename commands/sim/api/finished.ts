/**
 * A finished run folder as a {@link RunState}: its events (any engine: `events.ndjson`, host
 * logs, Shadow stdout) in time order, its meta (`hive_run.json`), and the engine's propagation
 * aggregates for runs without per-node receipts. `hive sim serve` shows it with the live
 * run's API and dashboard.
 *
 * @module
 */
import { UsageError } from "../../../core/errors.ts";
import { loadRun } from "../analyze/load.ts";
import { readRunMeta } from "./run_meta.ts";
import { RunState, type RunStateOptions } from "./state.ts";

/** Read a run folder into a finished {@link RunState}. */
export async function loadFinishedRun(
  dir: string,
  options: RunStateOptions = {},
): Promise<{ state: RunState; problems: number }> {
  const run = await loadRun({ dir });
  const meta = await readRunMeta(run.dir);
  if (!meta && run.events.length === 0) {
    throw new UsageError(
      `RUN_DIR: ${JSON.stringify(dir)} holds no run (no hive_run.json, summary.json or events)`,
    );
  }
  const hosts = meta?.hosts ??
    [...new Set(run.events.map((e) => e.host))].map((name) => ({ name, kind: "node" }));
  const state = new RunState(
    meta ?? {
      engine: "unknown",
      scenario: "unknown",
      seed: 0,
      version: "unknown",
      stopTimeS: run.events.reduce((m, e) => Math.max(m, e.ts), 0),
      hosts,
      attacks: [],
    },
    options,
  );
  // Host logs are read file by file: merge them into one timeline (stable for equal times).
  const events = run.events.map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.ts - b.e.ts || a.i - b.i);
  for (const { e } of events) state.record(e);
  // The check verdicts (`checks.ndjson`) after the run's own events, as the live run gave them.
  for (const e of run.checks) state.record(e);
  state.propagationT90 = run.propagation.map((p) => p.t90_s).filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  // The folder holds what ran: to its end (events stop before it, at the last one), or as far
  // as an interrupted or failed run got, when hive_run.json says so.
  const total = Math.max(state.meta.stopTimeS, state.lastTs);
  const outcome = state.meta.outcome ?? "finished";
  const done = outcome === "finished" ? total : Math.max(state.lastTs, state.meta.simulatedS ?? 0);
  state.progress = { done: Math.min(done, total), total, unit: "sim seconds" };
  state.end(outcome);
  return { state, problems: run.problemCount };
}
