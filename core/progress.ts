/**
 * Progress of long work, the way a person and a script each want it: a bar with ETA on stderr
 * when stderr is a terminal, NDJSON `progress` records through a callback with `--json`, and
 * nothing otherwise (a log file gains nothing from 100 redraws). The bar is `cli-progress`.
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const progress = createProgress({ label: "fund wallets", total: 8 });
 * for (let i = 0; i < 8; i++) progress.update(i + 1);
 * progress.done();
 * ```
 * @module
 */
// @ts-types="@types/cli-progress"
import cliProgress from "cli-progress";

/** One progress report, as written in NDJSON with `--json`. */
export interface ProgressRecord {
  /** Always `progress`, so consumers can tell it from result records. */
  type: "progress";
  /** What is being done. */
  phase: string;
  /** Units done so far. */
  done: number;
  /** Units in all. */
  total: number;
  /** Whole percent, 0..100. */
  percent: number;
  /** Estimated seconds left, or null before the first unit. */
  eta_s: number | null;
}

/** Options for {@link createProgress}. */
export interface ProgressOptions {
  /** What is being done: shown before the bar and as `phase`. */
  label: string;
  /** Units in all (blocks, hosts, seconds of simulated time). */
  total: number;
  /** Receives records instead of drawing a bar (`--json`). */
  onRecord?: (record: ProgressRecord) => void;
  /** Draw a bar: default when stderr is a terminal and `NO_PROGRESS` is unset. */
  bar?: boolean;
  /** Shortest gap between two records, so fast loops do not flood. Default 1000 ms. */
  recordIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** A running progress report. */
export interface Progress {
  /** Set the units done (clamped to the total). */
  update(done: number): void;
  /** Finish: the bar ends at 100 % and the last record is written. */
  done(): void;
}

/** Start a progress report for `options.total` units. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const total = Math.max(1, options.total);
  const drawBar = options.bar ?? (Deno.stderr.isTerminal() && !Deno.env.get("NO_PROGRESS"));
  const interval = options.recordIntervalMs ?? 1000;
  let lastRecord = -Infinity;
  let current = 0;
  const bar = drawBar && !options.onRecord
    ? new cliProgress.SingleBar({
      stream: globalThis.process.stderr,
      format: "{phase} [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total}",
      hideCursor: true,
      etaBuffer: 20,
      // Before the first unit the ETA is unknown ("INF" to cli-progress, drawn as "NFs").
      formatTime: (t, o, r) => Number.isFinite(t) ? cliProgress.Format.TimeFormat(t, o, r) : "?",
    }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(total, 0, { phase: options.label });
  const record = (force: boolean) => {
    if (!options.onRecord) return;
    const t = now();
    if (!force && t - lastRecord < interval) return;
    lastRecord = t;
    const elapsed = (t - started) / 1000;
    options.onRecord({
      type: "progress",
      phase: options.label,
      done: current,
      total,
      percent: Math.floor((current / total) * 100),
      eta_s: current > 0 ? Math.round((elapsed / current) * (total - current)) : null,
    });
  };
  return {
    update(done: number) {
      current = Math.min(total, Math.max(current, done));
      bar?.update(current);
      record(current === total);
    },
    done() {
      if (current < total) {
        current = total;
        bar?.update(total);
        record(true);
      }
      bar?.stop();
    },
  };
}
