/**
 * Progress of `hive sim run` for people and scripts: one bar with ETA per phase on a terminal
 * (`start nodes`, `fund wallets`, `simulate`... as the engine names them), NDJSON `progress`
 * records with `--json` (on stderr, so stdout keeps one result document), and otherwise a log line at each tenth so a log file shows
 * the run is alive.
 *
 * @module
 */
import type { EngineProgress } from "../../../adapters/engine/types.ts";
import type { Logger } from "../../../core/logger.ts";
import { createProgress, type Progress, type ProgressRecord } from "../../../core/progress.ts";

/** Options for {@link runProgress}. */
export interface RunProgressOptions {
  logger: Logger;
  /** With `--json`: where each record goes. */
  onRecord?: (record: ProgressRecord) => void;
  /** Draw bars (default: stderr is a terminal and `NO_PROGRESS` is unset). */
  bar?: boolean;
}

/** A run's progress: feed it the engine's reports, call `done()` at the end. */
export interface RunProgress {
  update(p: EngineProgress): void;
  done(): void;
}

/** Start reporting progress. */
export function runProgress(options: RunProgressOptions): RunProgress {
  const bar = options.bar ?? (Deno.stderr.isTerminal() && !Deno.env.get("NO_PROGRESS"));
  let phase: string | null = null;
  let current: Progress | null = null;
  let lastTenth = -1;
  return {
    update(p) {
      const name = p.phase ?? "simulate";
      if (name !== phase) {
        current?.done();
        phase = name;
        lastTenth = -1;
        current = createProgress({
          label: name,
          total: Math.max(1, Math.ceil(p.total)),
          onRecord: options.onRecord,
          bar: bar && !options.onRecord,
        });
      }
      current!.update(Math.floor(p.done));
      if (bar || options.onRecord) return;
      const tenth = p.total > 0 ? Math.floor((p.done / p.total) * 10) : 0;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      options.logger.info("progress", {
        phase: name,
        done: Math.round(p.done),
        total: p.total,
        unit: p.unit,
        pct: tenth * 10,
      });
    },
    done() {
      current?.done();
      current = null;
    },
  };
}
