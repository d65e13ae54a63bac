/**
 * Child processes of a local run: started with their stderr in a log file, each in a session of
 * its own (out of reach of a terminal's Ctrl-C), stopped with SIGTERM and then SIGKILL after a
 * grace period, and always awaited so nothing is left behind.
 *
 * @module
 */
import type { Logger } from "../../../core/logger.ts";

/** Options for {@link LocalChild.start}. */
export interface LocalChildOptions {
  /** Label for logs, e.g. `monerod miner-001`. */
  name: string;
  /** Executable first. */
  argv: string[];
  /** File the child's stderr is appended to; stdout is discarded (agents use `--out`). */
  logPath: string;
  /** Extra environment. */
  env?: Record<string, string>;
  logger: Logger;
}

/** One running child. */
export class LocalChild {
  readonly name: string;
  readonly pid: number;
  /** Where the child writes: the file of its `--log-file=` flag if any, then its stderr file. */
  readonly logFiles: string[];
  /** Resolves with the exit status once the child is gone and its log is closed. */
  readonly done: Promise<Deno.CommandStatus>;
  #exited = false;
  #stopping = false;
  readonly #child: Deno.ChildProcess;
  readonly #logger: Logger;

  private constructor(
    name: string,
    child: Deno.ChildProcess,
    logPath: string,
    argv: string[],
    logger: Logger,
  ) {
    this.name = name;
    this.pid = child.pid;
    const flagged = argv.find((a) => a.startsWith("--log-file="));
    this.logFiles = [...flagged ? [flagged.slice("--log-file=".length)] : [], logPath];
    this.#child = child;
    this.#logger = logger;
    const file = Deno.openSync(logPath, { append: true, create: true });
    const piped = child.stderr.pipeTo(file.writable).catch(() => {});
    this.done = (async () => {
      const status = await child.status;
      this.#exited = true;
      await piped;
      if (!this.#stopping) {
        // Exit 0 is an agent whose work is done (a partition after its end); anything else is
        // worth a look.
        const fields = { process: name, pid: child.pid, code: status.code, signal: status.signal };
        if (status.success) logger.info("process finished", fields);
        else logger.warn("process exited on its own", fields);
      }
      return status;
    })();
  }

  /** Spawn a child. Throws `Deno.errors.NotFound` when the executable is missing. */
  static start(options: LocalChildOptions): LocalChild {
    const child = new Deno.Command(options.argv[0], {
      args: options.argv.slice(1),
      env: options.env,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      // A session of its own: Ctrl-C at a terminal signals the whole foreground group, and the
      // run must stop its children itself, in order (agents, then the monitor's last reads and
      // the final state, then the nodes), instead of losing them all at once.
      detached: true,
    }).spawn();
    options.logger.debug("started", { process: options.name, pid: child.pid });
    return new LocalChild(
      options.name,
      child,
      options.logPath,
      options.argv,
      options.logger,
    );
  }

  /** True once the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs: number): Promise<Deno.CommandStatus> {
    this.#stopping = true;
    if (!this.#exited) {
      try {
        this.#child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    const timer = setTimeout(() => {
      if (this.#exited) return;
      this.#logger.warn("did not stop in time, killing", { process: this.name, pid: this.pid });
      try {
        this.#child.kill("SIGKILL");
      } catch { /* gone meanwhile */ }
    }, graceMs);
    const status = await this.done;
    clearTimeout(timer);
    return status;
  }
}
