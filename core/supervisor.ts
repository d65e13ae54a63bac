/**
 * Child process lifecycle: start a command (usually `hive <sub>` via `selfArgv()`), restart it
 * with exponential backoff when it dies, probe its health, stop it with SIGTERM then SIGKILL, and
 * never leave it behind: children are killed when the parent stops, and a child started with
 * `HIVE_PARENT_PID` can call {@link watchParent} to exit when its parent vanishes (even after a
 * SIGKILL of the parent, which no parent-side code can observe).
 *
 * @example
 * ```ts
 * import { Supervisor } from "./supervisor.ts";
 * import { selfArgv } from "./self.ts";
 * const sup = new Supervisor({ name: "daemon", argv: selfArgv("daemon", "--json") });
 * sup.on("exit", (e) => console.error("daemon exited", e));
 * await sup.start();
 * // ...
 * await sup.stop();
 * ```
 * @module
 */
import { Bus } from "./bus.ts";
import {
  killQuietly,
  releaseOnSignal,
  stopOnSignal,
  trackChild,
  untrackChild,
} from "./child_registry.ts";
import { LineSplitter } from "./line_splitter.ts";
import type { Logger } from "./logger.ts";
import { PARENT_PID_ENV } from "./parent_watch.ts";

export { liveChildPids } from "./child_registry.ts";
export { PARENT_PID_ENV, watchParent } from "./parent_watch.ts";

/** Lifecycle state of a supervised child. */
export type SupervisorState = "idle" | "running" | "backoff" | "stopping" | "stopped" | "failed";

/** Events a {@link Supervisor} emits. */
export interface SupervisorEvents {
  /** A child process was started. */
  spawn: { pid: number; restarts: number };
  /** A stdout line from the child (only when `onStdoutLine`/events are wanted: stdout is piped). */
  stdout: { pid: number; line: string };
  /** The child exited. `expected` is true when it was stopped on purpose. */
  exit: { pid: number; code: number; signal: string | null; expected: boolean; restarts: number };
  /** A restart was scheduled after `delayMs`. */
  backoff: { delayMs: number; attempt: number; restarts: number };
  /** The health probe failed `failures` times in a row; the child is being killed. */
  unhealthy: { pid: number; failures: number };
  /** The restart limit was reached; no further restarts. */
  gave_up: { restarts: number };
  [topic: string]: unknown;
}

/** Restart policy. */
export interface RestartPolicy {
  /** First delay before a restart. Default 200 ms. */
  initialMs?: number;
  /** Largest delay; the delay doubles up to this. Default 10000 ms. */
  maxMs?: number;
  /** Give up after this many restarts. Default: unlimited. */
  maxRestarts?: number;
  /** A child that ran at least this long resets the delay to `initialMs`. Default 10000 ms. */
  resetAfterMs?: number;
}

/** Health probe settings. */
export interface HealthProbe {
  /** Resolve true when healthy. A rejection or a timeout counts as a failure. */
  check: (pid: number) => Promise<boolean>;
  /** Time between probes. Default 2000 ms. */
  intervalMs?: number;
  /** Time one probe may take. Default 2000 ms. */
  timeoutMs?: number;
  /** Consecutive failures before the child is killed (and restarted). Default 3. */
  failures?: number;
  /** Wait this long after a spawn before the first probe. Default `intervalMs`. */
  startDelayMs?: number;
}

/** Options for {@link Supervisor}. */
export interface SupervisorOptions {
  /** Name for logs. */
  name: string;
  /** Command line, executable first (e.g. `selfArgv("daemon", "--json")`). */
  argv: string[];
  /** Extra environment for the child (added to the parent's). */
  env?: Record<string, string>;
  /** Working directory of the child. */
  cwd?: string;
  /** Where the child's stdout goes. `piped` emits `stdout` events line by line. Default piped. */
  stdout?: "piped" | "inherit" | "null";
  /** Where the child's stderr goes. Default inherit. */
  stderr?: "inherit" | "null";
  /** Restart policy; `false` never restarts. */
  restart?: RestartPolicy | false;
  /** SIGTERM-to-SIGKILL grace period on stop. Default 3000 ms. */
  graceMs?: number;
  /** Optional health probe. */
  health?: HealthProbe;
  /** Audit logger. */
  logger?: Logger;
  /**
   * Install SIGINT/SIGTERM listeners that stop every supervised child and then exit the process
   * (130/143). Leave off when the program has its own orderly shutdown that calls `stop()`.
   * Default false.
   */
  exitOnSignal?: boolean;
}

/** A snapshot of the supervisor for status pages. */
export interface SupervisorStatus {
  name: string;
  state: SupervisorState;
  pid: number | null;
  restarts: number;
  last_exit: { code: number; signal: string | null; at: string } | null;
  started_at: string | null;
}

/** Supervises one child process. */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #bus = new Bus<SupervisorEvents>();
  #state: SupervisorState = "idle";
  #child: Deno.ChildProcess | undefined;
  #restarts = 0;
  #attempt = 0;
  #lastExit: SupervisorStatus["last_exit"] = null;
  #startedAt: number | null = null;
  #backoffTimer: ReturnType<typeof setTimeout> | undefined;
  #backoffWake: (() => void) | undefined;
  #exited: Promise<void> = Promise.resolve();
  #healthTimer: ReturnType<typeof setTimeout> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    if (options.argv.length === 0) throw new TypeError("Supervisor: argv must not be empty");
    this.#options = options;
  }

  /** Current state. */
  get state(): SupervisorState {
    return this.#state;
  }

  /** Pid of the running child, if any. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Restarts performed so far (not counting the first start). */
  get restarts(): number {
    return this.#restarts;
  }

  /** A snapshot for status output. */
  status(): SupervisorStatus {
    return {
      name: this.#options.name,
      state: this.#state,
      pid: this.pid,
      restarts: this.#restarts,
      last_exit: this.#lastExit,
      started_at: this.#startedAt === null ? null : new Date(this.#startedAt).toISOString(),
    };
  }

  /** Listen to an event; returns an unsubscribe function. */
  on<K extends keyof SupervisorEvents & string>(
    event: K,
    handler: (payload: SupervisorEvents[K]) => void,
  ): () => void {
    return this.#bus.on(event, handler);
  }

  /** Start the first child. Resolves once it is spawned (not when it is ready). */
  start(): Promise<void> {
    if (this.#state !== "idle") {
      return Promise.reject(new Error(`${this.#options.name}: already started`));
    }
    if (this.#options.exitOnSignal) {
      stopOnSignal(this);
    }
    try {
      this.#spawn();
    } catch (error) {
      // E.g. the executable does not exist: report it as a rejection, like every other failure.
      this.#state = "failed";
      return Promise.reject(
        new Error(`${this.#options.name}: cannot start ${this.#options.argv[0]}: ${error}`),
      );
    }
    return Promise.resolve();
  }

  /** Kill the current child with SIGKILL (to test or recover); the restart policy applies. */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (this.#child) killQuietly(this.#child.pid, signal);
  }

  /** Stop for good: SIGTERM, then SIGKILL after the grace period. Resolves once the child is gone. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const previous = this.#state;
    this.#state = "stopping";
    this.#clearHealth();
    if (this.#backoffTimer !== undefined) {
      clearTimeout(this.#backoffTimer);
      this.#backoffTimer = undefined;
      this.#backoffWake?.();
    }
    const child = this.#child;
    if (child && previous !== "stopped") {
      killQuietly(child.pid, "SIGTERM");
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<"grace">((resolve) => {
        graceTimer = setTimeout(() => resolve("grace"), this.#options.graceMs ?? 3000);
      });
      const outcome = await Promise.race([this.#exited.then(() => "exited" as const), grace]);
      clearTimeout(graceTimer);
      if (outcome === "grace") {
        this.#options.logger?.warn("child ignored SIGTERM; killing", {
          child: this.#options.name,
          pid: child.pid,
        });
        killQuietly(child.pid, "SIGKILL");
      }
    }
    await this.#exited;
    this.#state = "stopped";
    releaseOnSignal(this);
  }

  #spawn(): void {
    const options = this.#options;
    const [cmd, ...args] = options.argv;
    const stdout = options.stdout ?? "piped";
    const child = new Deno.Command(cmd, {
      args,
      cwd: options.cwd,
      env: { ...options.env, [PARENT_PID_ENV]: String(Deno.pid) },
      stdin: "null",
      stdout,
      stderr: options.stderr ?? "inherit",
    }).spawn();
    this.#child = child;
    this.#state = "running";
    this.#startedAt = Date.now();
    trackChild(child.pid);
    options.logger?.info("child started", {
      child: options.name,
      pid: child.pid,
      restarts: this.#restarts,
    });
    this.#bus.publish("spawn", { pid: child.pid, restarts: this.#restarts });
    const reading = stdout === "piped" ? this.#readLines(child) : Promise.resolve();
    this.#exited = Promise.all([child.status, reading]).then(([status]) =>
      this.#onExit(child, status)
    );
    this.#scheduleHealth(child.pid, true);
  }

  async #readLines(child: Deno.ChildProcess): Promise<void> {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
      new LineSplitter(),
    );
    try {
      for await (const line of lines) {
        this.#bus.publish("stdout", { pid: child.pid, line });
      }
    } catch { /* the pipe breaks when the child is killed */ }
  }

  #onExit(child: Deno.ChildProcess, status: Deno.CommandStatus): void {
    untrackChild(child.pid);
    if (this.#child === child) this.#child = undefined;
    this.#clearHealth();
    const expected = this.#state === "stopping" || this.#state === "stopped";
    const ranMs = Date.now() - (this.#startedAt ?? Date.now());
    this.#lastExit = { code: status.code, signal: status.signal, at: new Date().toISOString() };
    const fields = {
      child: this.#options.name,
      pid: child.pid,
      code: status.code,
      signal: status.signal,
      ran_ms: ranMs,
      restarts: this.#restarts,
    };
    if (expected) this.#options.logger?.info("child stopped", fields);
    else this.#options.logger?.warn("child exited unexpectedly", fields);
    this.#bus.publish("exit", {
      pid: child.pid,
      code: status.code,
      signal: status.signal,
      expected,
      restarts: this.#restarts,
    });
    if (expected) return;
    const policy = this.#options.restart;
    if (policy === false) {
      this.#state = "failed";
      return;
    }
    if (this.#restarts >= (policy?.maxRestarts ?? Infinity)) {
      this.#state = "failed";
      this.#options.logger?.error("child restart limit reached", fields);
      this.#bus.publish("gave_up", { restarts: this.#restarts });
      return;
    }
    if (ranMs >= (policy?.resetAfterMs ?? 10_000)) this.#attempt = 0;
    const delayMs = Math.min(
      (policy?.initialMs ?? 200) * 2 ** this.#attempt,
      policy?.maxMs ?? 10_000,
    );
    this.#attempt++;
    this.#state = "backoff";
    this.#bus.publish("backoff", { delayMs, attempt: this.#attempt, restarts: this.#restarts });
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#backoffWake = resolve;
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      this.#backoffWake = undefined;
      resolve();
      if (this.#state !== "backoff") return;
      this.#restarts++;
      this.#options.logger?.info("child restarting", {
        child: this.#options.name,
        restarts: this.#restarts,
        delay_ms: delayMs,
      });
      this.#spawn();
    }, delayMs);
    // stop() during backoff waits on #exited; make it cover the backoff wait as well.
    this.#exited = promise;
  }

  #scheduleHealth(pid: number, first: boolean): void {
    const health = this.#options.health;
    if (!health) return;
    const interval = health.intervalMs ?? 2000;
    const delay = first ? health.startDelayMs ?? interval : interval;
    let failures = 0;
    const tick = async () => {
      if (this.#child?.pid !== pid || this.#state !== "running") return;
      const ok = await _probe(health, pid);
      if (this.#child?.pid !== pid || this.#state !== "running") return;
      failures = ok ? 0 : failures + 1;
      if (failures >= (health.failures ?? 3)) {
        this.#options.logger?.warn("child unhealthy; killing", {
          child: this.#options.name,
          pid,
          failures,
        });
        this.#bus.publish("unhealthy", { pid, failures });
        killQuietly(pid, "SIGKILL");
        return;
      }
      this.#healthTimer = setTimeout(tick, interval);
    };
    this.#healthTimer = setTimeout(tick, delay);
  }

  #clearHealth(): void {
    if (this.#healthTimer !== undefined) clearTimeout(this.#healthTimer);
    this.#healthTimer = undefined;
  }
}

async function _probe(health: HealthProbe, pid: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), health.timeoutMs ?? 2000);
  });
  try {
    return await Promise.race([health.check(pid).catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
