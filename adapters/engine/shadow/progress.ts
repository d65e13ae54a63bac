/**
 * Progress of a Shadow run, read from what Shadow prints, so `hive sim run --engine shadow`
 * draws the same `simulate` bar (and NDJSON `progress` records with `--json`) as the local
 * engine instead of passing Shadow's own status line through.
 *
 * Two sources, in Shadow's own formats (Shadow 3.x source):
 * - Its status line on stderr with `--progress=true` (src/main/utility/status_bar.rs,
 *   `ShadowStatusBarState`): `N% — simulated: HH:MM:SS/HH:MM:SS, realtime: HH:MM:SS, processes
 *   failed: N`. On a terminal it is redrawn each second on the last row between ANSI escapes;
 *   otherwise (our pipe) `StatusPrinter` writes it as `Progress: ...` once a minute.
 * - Its log lines on stdout (src/main/core/logger/shadow_logger.rs): `HH:MM:SS.uuuuuu [thread]
 *   HH:MM:SS.nnnnnnnnn [LEVEL] [host~ip] [file:line] [module] message`, the third field being
 *   the simulated time (`n/a` outside a host). They come far more often than the status line,
 *   so the bar moves between two status lines.
 *
 * Hours are at least two digits (`{:02}`), so a run past 99 h still parses.
 *
 * @module
 */
import type { EngineProgress } from "../types.ts";

/** One status line of Shadow's `--progress`. */
export interface ShadowStatus {
  percent: number;
  /** Simulated seconds so far. */
  simulatedS: number;
  /** Simulated seconds at the end of the run. */
  endS: number;
  /** Wall seconds since Shadow started. */
  realtimeS: number;
  /** Managed processes that failed so far. */
  failedProcesses: number;
}

const _HMS = String.raw`(\d{2,}):(\d{2}):(\d{2})`;
const _STATUS_SOURCE = String
  .raw`(-?\d+)% \u2014 simulated: ${_HMS}/${_HMS}, realtime: ${_HMS}, processes failed: (\d+)`;
const _STATUS = new RegExp(_STATUS_SOURCE, "g");
const _IS_STATUS = new RegExp(_STATUS_SOURCE);
const _LOG = new RegExp(String.raw`^\d{2,}:\d{2}:\d{2}\.\d{6} \[[^\]]*\] ${_HMS}\.(\d{9}) \[`);
// CSI escape sequences (the terminal status bar's cursor moves and clears).
// deno-lint-ignore no-control-regex
const _ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function _seconds(h: string, m: string, s: string): number {
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/**
 * The last status line in a piece of Shadow's stderr (either form, escapes removed), or null.
 *
 * @example
 * ```ts
 * parseShadowStatus("Progress: 25% — simulated: 00:15:00/01:00:00, realtime: 00:02:10, processes failed: 0");
 * // { percent: 25, simulatedS: 900, endS: 3600, realtimeS: 130, failedProcesses: 0 }
 * ```
 */
export function parseShadowStatus(text: string): ShadowStatus | null {
  let last: RegExpExecArray | null = null;
  for (const m of text.replace(_ANSI, "\n").matchAll(_STATUS)) last = m;
  if (!last) return null;
  const n = last.slice(1);
  return {
    percent: Number(n[0]),
    simulatedS: _seconds(n[1], n[2], n[3]),
    endS: _seconds(n[4], n[5], n[6]),
    realtimeS: _seconds(n[7], n[8], n[9]),
    failedProcesses: Number(n[10]),
  };
}

/**
 * The simulated time (seconds) of one Shadow log line, or null when it has none (`n/a`) or is
 * not a Shadow log line.
 *
 * @example
 * ```ts
 * parseShadowLogTime("00:00:02.113409 [worker-0] 00:10:00.250000000 [INFO] [miner-1~11.0.0.1] ...");
 * // 600.25
 * ```
 */
export function parseShadowLogTime(line: string): number | null {
  const m = _LOG.exec(line);
  if (!m) return null;
  return _seconds(m[1], m[2], m[3]) + Number(m[4]) / 1e9;
}

/** Options for {@link ShadowProgress}. */
export interface ShadowProgressOptions {
  /** Simulated seconds the run lasts (the model's stop time). */
  totalS: number;
  onProgress?: (p: EngineProgress) => void;
  /** Called when the failed-process count rises. */
  onFailedProcesses?: (count: number) => void;
}

/** The phase Shadow runs are reported under (the local engine's clock phase too). */
export const SHADOW_PHASE = "simulate";

/**
 * Follows Shadow's stdout and stderr chunks and reports simulated seconds, never going back
 * (log lines of different worker threads are not in time order). Lines split across chunks are
 * joined. Stderr lines that are not status lines are handed back, for the caller to show.
 */
export class ShadowProgress {
  readonly #o: ShadowProgressOptions;
  #done = 0;
  #failed = 0;
  #outTail = "";
  #errTail = "";

  constructor(options: ShadowProgressOptions) {
    this.#o = options;
  }

  /** Simulated seconds reported so far. */
  get simulatedS(): number {
    return this.#done;
  }

  /** Failed processes Shadow counted so far. */
  get failedProcesses(): number {
    return this.#failed;
  }

  /** A chunk of Shadow's stdout (its log). */
  stdout(chunk: string): void {
    const text = this.#outTail + chunk;
    const end = text.lastIndexOf("\n");
    this.#outTail = text.slice(end + 1);
    if (end < 0) return;
    // Only the last few lines of a chunk: they carry its latest time, and a big log is not
    // matched line by line.
    let best: number | null = null;
    let to = end;
    for (let i = 0; i < 8 && to > 0; i++) {
      const from = text.lastIndexOf("\n", to - 1) + 1;
      const t = parseShadowLogTime(text.slice(from, to));
      if (t !== null && (best === null || t > best)) best = t;
      to = from - 1;
    }
    if (best !== null) this.#report(best);
  }

  /**
   * A chunk of Shadow's stderr; returns its complete lines that are not status lines (the
   * terminal form, redrawn in place, has no newline of its own and is dropped too).
   */
  stderr(chunk: string): string[] {
    const text = this.#errTail + chunk;
    const end = text.lastIndexOf("\n");
    this.#errTail = text.slice(end + 1);
    const status = parseShadowStatus(text);
    if (status) {
      this.#report(status.simulatedS);
      if (status.failedProcesses > this.#failed) {
        this.#failed = status.failedProcesses;
        this.#o.onFailedProcesses?.(this.#failed);
      }
    }
    // A tail that is only a status bar redraw is not kept for the next chunk.
    if (_IS_STATUS.test(this.#errTail.replace(_ANSI, ""))) this.#errTail = "";
    if (end < 0) return [];
    return text.slice(0, end).split("\n").filter((line) => {
      const plain = line.replace(_ANSI, "");
      return !_IS_STATUS.test(plain) && plain.trim() !== "";
    });
  }

  /** Report the run complete (Shadow exited 0). */
  finish(): void {
    this.#report(this.#o.totalS);
  }

  #report(simulatedS: number): void {
    const done = Math.min(this.#o.totalS, Math.max(this.#done, simulatedS));
    if (done === this.#done && done !== 0) return;
    this.#done = done;
    this.#o.onProgress?.({ done, total: this.#o.totalS, unit: "sim seconds", phase: SHADOW_PHASE });
  }
}
