/**
 * What every simulation agent shares: the run clock (`ts` = seconds since the run's start), a
 * RunEvent NDJSON sink, a seeded PRNG for Poisson timing, abortable sleeps, and a stop signal
 * fed by SIGINT/SIGTERM and by the parent process going away.
 *
 * @module
 */
import type { Logger } from "../../../core/logger.ts";
import { writeStdout } from "../../../core/output.ts";
import { watchParent } from "../../../core/supervisor.ts";
import type { RunEvent } from "../../../adapters/engine/types.ts";
import { sleep } from "../../../adapters/engine/local/sleep.ts";

export { sleep };
import { createRng, type Rng } from "../scenario/prng.ts";

/** Shadow's simulated clock starts at 2000-01-01T00:00:00Z (`SIMULATION_START_SEC`). */
export const SHADOW_EPOCH_MS = 946_684_800_000;

/**
 * The run start when `--t0` is not given: under Shadow (a clock reading within the year 2000,
 * which no real clock does) the simulation start, so all agents share the origin whenever
 * they start; otherwise now.
 */
export function defaultT0(now: number = Date.now()): number {
  return now < SHADOW_EPOCH_MS + 366 * 86_400_000 ? SHADOW_EPOCH_MS : now;
}

/** Seconds since the run started, from a shared epoch so every agent of a run agrees. */
export class RunClock {
  /** Run start, epoch milliseconds. */
  readonly t0Ms: number;
  constructor(t0Ms: number = defaultT0()) {
    this.t0Ms = t0Ms;
  }
  /** Seconds since the run started, millisecond resolution. */
  ts(): number {
    return Math.round(Date.now() - this.t0Ms) / 1000;
  }
  /** Milliseconds from now until run second `s` (never negative). */
  msUntil(s: number): number {
    return Math.max(0, this.t0Ms + s * 1000 - Date.now());
  }
}

/** Where an agent's RunEvent records go. */
export interface EventSink {
  /** Append one event as an NDJSON line. */
  write(event: RunEvent): void;
  /** Release files. */
  close(): void;
}

const _encoder = new TextEncoder();

function _fileWriter(path: string): { write(line: string): void; close(): void } {
  const dir = path.replace(/\/[^/]*$/, "");
  if (dir && dir !== path) Deno.mkdirSync(dir, { recursive: true });
  const file = Deno.openSync(path, { append: true, create: true });
  return {
    write(line) {
      // Synchronous appends: a line is on disk before the agent sleeps, so a SIGKILL loses nothing.
      const bytes = _encoder.encode(line);
      let n = 0;
      while (n < bytes.length) n += file.writeSync(bytes.subarray(n));
    },
    close: () => file.close(),
  };
}

/** Options for {@link createEventSink}. */
export interface EventSinkOptions {
  /** NDJSON file to append to; stdout when neither this nor `dir` is given. */
  path?: string;
  /** Write each host's events to `dir/<host>/<fileName>` instead (one monitor, many hosts). */
  dir?: string;
  /** File name under `dir/<host>/`. Default `events.ndjson`. */
  fileName?: string;
}

/** An NDJSON sink: one file, one file per host under a folder, or stdout. */
export function createEventSink(options: EventSinkOptions = {}): EventSink {
  if (options.dir) {
    const dir = options.dir;
    const name = options.fileName ?? "events.ndjson";
    const writers = new Map<string, ReturnType<typeof _fileWriter>>();
    return {
      write(event) {
        let w = writers.get(event.host);
        if (!w) {
          w = _fileWriter(`${dir}/${event.host}/${name}`);
          writers.set(event.host, w);
        }
        w.write(JSON.stringify(event) + "\n");
      },
      close() {
        for (const w of writers.values()) w.close();
        writers.clear();
      },
    };
  }
  if (options.path) {
    const w = _fileWriter(options.path);
    return { write: (event) => w.write(JSON.stringify(event) + "\n"), close: () => w.close() };
  }
  return { write: (event) => writeStdout(JSON.stringify(event) + "\n"), close() {} };
}

/** A seeded random stream for one agent: the run seed and host name pick it (see `prng.ts`). */
export function agentRng(seed: number, host: string): Rng {
  return createRng(seed, `agent:${host}`);
}

/** Exponentially distributed with the given mean: inter-arrival time of a Poisson process. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** A stop signal for a long-running agent, and how to release its listeners. */
export interface StopHandle {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Abort on SIGINT/SIGTERM, when the parent (`HIVE_PARENT_PID`) goes away, or after
 * `durationMs` when given.
 */
export function stopOnSignals(logger: Logger, durationMs?: number): StopHandle {
  const controller = new AbortController();
  const stop = (reason: string) => {
    if (controller.signal.aborted) return;
    logger.info("stopping", { reason });
    controller.abort(reason);
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  const unwatch = watchParent({ onParentGone: () => stop("parent gone") });
  const timer = durationMs !== undefined ? setTimeout(() => stop("duration"), durationMs) : null;
  return {
    signal: controller.signal,
    dispose() {
      Deno.removeSignalListener("SIGINT", onInt);
      Deno.removeSignalListener("SIGTERM", onTerm);
      unwatch();
      if (timer !== null) clearTimeout(timer);
    },
  };
}

/** What every agent loop receives. */
export interface AgentContext {
  logger: Logger;
  events: EventSink;
  clock: RunClock;
  signal: AbortSignal;
}
