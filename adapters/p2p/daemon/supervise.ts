/**
 * Supervision of the daemon behind the P2P port, written once for every command that needs a
 * mesh (`hive host`, `hive hap`): either a `hive daemon` child, started through
 * `core/supervisor.ts`, restarted with backoff when it dies or stops answering `/healthz`, and
 * stopped with its owner; or an existing daemon attached by URL and token file (`--daemon-url`),
 * followed across its restarts by the client. Either way the owner talks through one
 * {@link DaemonP2P}; this module only tells it where the daemon is, waits until it first answers,
 * and keeps the up/down state, restarts and last exit for status pages.
 *
 * A supervised child runs with the V8 settings of `core/self.ts` (`childV8Flags`): fewer and
 * shorter garbage-collection pauses, which were the daemon's latency tail.
 *
 * Before a child is spawned, a data dir whose daemon lock is held by a live process is refused
 * with a clear error (`busy.ts`) instead of a child that could only fail on that lock.
 *
 * @example
 * ```ts
 * import { ManagedDaemon } from "./supervise.ts";
 * const daemon = new ManagedDaemon({
 *   spawn: { dataDir: "/tmp/hive-a", listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: [], mdns: false },
 * });
 * daemon.on((event) => console.log(event.type));
 * await daemon.start();
 * await daemon.p2p.publish("chat", "hi");
 * await daemon.stop();
 * ```
 *
 * @module
 */
import { formatIssues, HiveError } from "../../../core/errors.ts";
import type { Logger } from "../../../core/logger.ts";
import { childV8Flags, selfArgv, withV8Flags } from "../../../core/self.ts";
import { Supervisor } from "../../../core/supervisor.ts";
import { type DaemonInfo, daemonInfoSchema } from "../ipc_protocol.ts";
import { DaemonP2P } from "./client.ts";
import { busyDataDir, type BusyDataDirOptions } from "./busy.ts";
import { endpointOfInfo, resolveEndpoint } from "./endpoint.ts";

/** Settings of a supervised `hive daemon` child. */
export interface DaemonSpawnOptions {
  /** `--data-dir` of the daemon (its identity, lock, token and `daemon.json` live there). */
  dataDir: string;
  /** `--p2p-listen` multiaddrs. */
  listen: string[];
  /** `--bootstrap` multiaddrs. */
  bootstrap: string[];
  /** False passes `--no-mdns`. */
  mdns: boolean;
  /** Root `--log-level` of the child. */
  logLevel?: string;
  /**
   * Keep the daemon's log off the terminal (e.g. a portal owns the screen): its stderr is
   * dropped and its log goes to this file instead.
   */
  logFile?: string;
}

/** Options for {@link ManagedDaemon}. */
export interface ManagedDaemonOptions {
  /** Supervision and connection logger. */
  logger?: Logger;
  /** Attach to this daemon instead of starting one. */
  attach?: { url: string; tokenFile: string };
  /** Settings for a supervised daemon (used when `attach` is not given). */
  spawn?: DaemonSpawnOptions;
  /** How long the first start may take. Default 60 s (a cold start compiles TypeScript). */
  readyTimeoutMs?: number;
  /** Names the holder of a busy data dir better than a pid alone; see {@link BusyDataDirOptions}. */
  holder?: BusyDataDirOptions["holder"];
  /** The command line that runs `hive <args>`. Default {@link selfArgv} (tests point it at main.ts). */
  argv?: (...args: string[]) => string[];
}

/** What {@link ManagedDaemon.on} listeners hear. */
export type ManagedDaemonEvent =
  | { type: "up"; peer_id: string; url: string; restarts: number }
  | { type: "down"; code: number | null; signal: string | null; restarts: number };

/** Status of a {@link ManagedDaemon}, as status pages show it. */
export interface ManagedDaemonStatus {
  mode: "supervised" | "attached";
  state: "starting" | "up" | "down" | "stopped";
  peer_id: string | null;
  addrs: string[];
  ipc_url: string | null;
  pid: number | null;
  restarts: number;
  reconnects: number;
  last_exit: { code: number; signal: string | null; at: string } | null;
  up_since: string | null;
  topics: string[];
}

/** A supervised or attached daemon, and the P2P port over it. */
export class ManagedDaemon {
  /** The P2P port over the daemon; its subscriptions survive daemon restarts. */
  readonly p2p: DaemonP2P;
  /** `supervised` (a child of ours) or `attached` (reached by URL). */
  readonly mode: "supervised" | "attached";
  readonly #options: ManagedDaemonOptions;
  readonly #listeners = new Set<(event: ManagedDaemonEvent) => void>();
  #supervisor: Supervisor | undefined;
  /** The latest ready line of the supervised child. */
  #announced: DaemonInfo | null = null;
  #state: ManagedDaemonStatus["state"] = "starting";
  #upSince: number | null = null;
  #firstUp = Promise.withResolvers<void>();
  #stopped = false;

  /** A daemon not started yet: add listeners, then {@link ManagedDaemon.start}. */
  constructor(options: ManagedDaemonOptions) {
    if (!options.attach && !options.spawn) {
      throw new TypeError("ManagedDaemon needs `attach` or `spawn`");
    }
    this.#options = options;
    this.mode = options.attach ? "attached" : "supervised";
    const attach = options.attach;
    this.p2p = new DaemonP2P({
      // Attached: the same URL again, with the token file re-read, until the daemon is back.
      // Supervised: each new child's ready line is handed over through `use()`.
      endpoint: attach ? () => resolveEndpoint(attach) : undefined,
      logger: options.logger,
    });
    this.p2p.on((event) => {
      if (event.type === "up") this.#up();
      else if (event.type === "down" && !this.#supervisor) this.#down(null, null);
    });
    // Nobody may be waiting on it when the owner stops during startup.
    this.#firstUp.promise.catch(() => {});
  }

  /**
   * Start (or attach to) the daemon and wait until it answers over IPC. Throws, after stopping
   * what it started, when the data dir is busy, the child exits first, or time runs out.
   */
  async start(): Promise<void> {
    try {
      if (this.#options.attach) await this.p2p.use(await resolveEndpoint(this.#options.attach));
      else await this.#supervise(this.#options.spawn!);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = this.#options.readyTimeoutMs ?? 60_000;
      await Promise.race([
        this.#firstUp.promise,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new HiveError(`daemon not ready within ${limit} ms`)),
            limit,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      // Bootstrap peers that drop or restart are redialled by the daemon itself (its bootstrap
      // keeper, see `hive daemon status`), so the owner needs no loop of its own.
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Listen to up and down; returns the function that stops listening. */
  on(listener: (event: ManagedDaemonEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** PID of the supervised daemon, or null (attached, or between restarts). */
  get pid(): number | null {
    return this.#supervisor?.pid ?? null;
  }

  /** Current status. */
  status(): ManagedDaemonStatus {
    const sup = this.#supervisor?.status();
    const identity = this.p2p.identity;
    return {
      mode: this.mode,
      state: this.#state,
      peer_id: identity?.peer_id ?? null,
      addrs: identity?.addrs ?? [],
      ipc_url: identity?.url ?? null,
      pid: sup?.pid ?? null,
      restarts: sup?.restarts ?? 0,
      reconnects: this.#supervisor ? 0 : this.p2p.reconnects,
      last_exit: sup?.last_exit ?? null,
      up_since: this.#upSince === null ? null : new Date(this.#upSince).toISOString(),
      topics: this.p2p.topics(),
    };
  }

  /** Kill the supervised daemon (as a crash would); the supervisor restarts it. */
  kill(): void {
    this.#supervisor?.kill("SIGKILL");
  }

  /** Disconnect and, when supervised, stop the daemon (SIGTERM, then SIGKILL after 3 s). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#firstUp.reject(new HiveError("stopped before the daemon was ready"));
    await this.p2p.close();
    await this.#supervisor?.stop();
    this.#state = "stopped";
  }

  async #supervise(spawn: DaemonSpawnOptions): Promise<void> {
    const busy = await busyDataDir(spawn.dataDir, { holder: this.#options.holder });
    if (busy) throw new HiveError(busy, { code: "locked" });
    const { logger } = this.#options;
    const root = spawn.logLevel ? ["--log-level", spawn.logLevel] : [];
    const args = [...root, "daemon", "--json", "--data-dir", spawn.dataDir];
    for (const ma of spawn.listen) args.push("--p2p-listen", ma);
    for (const ma of spawn.bootstrap) args.push("--bootstrap", ma);
    if (!spawn.mdns) args.push("--no-mdns");
    let readyPid = 0;
    const sup = new Supervisor({
      name: "daemon",
      // The daemon's V8 settings (`HIVE_DAEMON_V8_FLAGS` or the defaults), also when a test
      // or an embedder supplies its own command line.
      argv: withV8Flags((this.#options.argv ?? selfArgv)(...args), childV8Flags()),
      env: spawn.logFile ? { HIVE_LOG_FILE: spawn.logFile } : undefined,
      stderr: spawn.logFile ? "null" : "inherit",
      logger,
      restart: { initialMs: 250, maxMs: 8000, resetAfterMs: 15_000 },
      graceMs: 3000,
      health: {
        // The IPC server answers plain HTTP on /healthz; a daemon that never became ready fails.
        check: async (pid) => {
          if (readyPid !== pid || !this.#announced) return false;
          const url = this.#announced.ipc_url.replace(/^ws/, "http").replace(/\/?$/, "/healthz");
          const response = await fetch(url);
          await response.body?.cancel();
          return response.ok;
        },
        intervalMs: 2000,
        failures: 3,
        startDelayMs: 10_000,
      },
    });
    this.#supervisor = sup;
    sup.on("stdout", ({ pid, line }) => {
      if (readyPid === pid) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        logger?.debug("daemon stdout", { line });
        return;
      }
      const parsed = daemonInfoSchema.safeParse(raw, { reportInput: true });
      if (!parsed.success) {
        logger?.warn("daemon ready line rejected", { issues: formatIssues(parsed.error.issues) });
        return;
      }
      readyPid = pid;
      this.#announced = parsed.data;
      void this.#connectTo(parsed.data);
    });
    sup.on("exit", ({ code, signal, expected }) => {
      readyPid = 0;
      if (expected) return;
      if (this.#state === "starting" && this.#upSince === null) {
        this.#firstUp.reject(
          new HiveError(`hive daemon exited (code ${code}, signal ${signal}) before it was ready`),
        );
        return;
      }
      this.#down(code, signal);
    });
    await sup.start();
  }

  async #connectTo(info: DaemonInfo): Promise<void> {
    try {
      await this.p2p.use(await endpointOfInfo(info));
    } catch (error) {
      if (this.#stopped) return;
      this.#options.logger?.error("cannot reach the daemon's IPC", { url: info.ipc_url, error });
      this.#supervisor?.kill("SIGKILL");
    }
  }

  #restarts(): number {
    return this.#supervisor?.restarts ?? this.p2p.reconnects;
  }

  #emit(event: ManagedDaemonEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.logger?.error("daemon listener failed", { event: event.type, error });
      }
    }
  }

  #up(): void {
    if (this.#stopped) return;
    this.#state = "up";
    this.#upSince = Date.now();
    const identity = this.p2p.identity!;
    this.#emit({
      type: "up",
      peer_id: identity.peer_id,
      url: identity.url,
      restarts: this.#restarts(),
    });
    this.#firstUp.resolve();
  }

  #down(code: number | null, signal: string | null): void {
    if (this.#stopped || this.#state === "down") return;
    this.#state = "down";
    this.#upSince = null;
    this.#emit({ type: "down", code, signal, restarts: this.#restarts() });
  }
}
