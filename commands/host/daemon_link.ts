/**
 * The host's side of the daemon: supervision. Either a `hive daemon` child that the host starts
 * and restarts with backoff when it dies, or an attached daemon reached by URL and token file.
 * Talking to the daemon (requests, events, re-subscribing after a restart or a reconnect) is
 * the P2P port's daemon client ({@link DaemonP2P}); this link tells it where the daemon is,
 * tracks up/down for `/api/status` and the bus, and hands agents {@link DaemonLink.p2p}.
 *
 * @module
 */
import { DaemonP2P } from "../../adapters/p2p/daemon/client.ts";
import { endpointOfInfo, resolveEndpoint } from "../../adapters/p2p/daemon/endpoint.ts";
import { type DaemonInfo, daemonInfoSchema, type Reply } from "../../adapters/p2p/ipc_protocol.ts";
import type { Bus } from "../../core/bus.ts";
import { formatIssues, HiveError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { selfArgv } from "../../core/self.ts";
import { Supervisor } from "../../core/supervisor.ts";

/** Options for {@link DaemonLink.start}. */
export interface DaemonLinkOptions {
  /** Host event bus: gets `daemon_up`, `daemon_down`, `p2p_peer_connected`, `p2p_peer_disconnected`. */
  bus: Bus;
  /** Audit logger. */
  logger: Logger;
  /** Attach to this daemon instead of starting one. */
  attach?: { url: string; tokenFile: string };
  /** Settings for a supervised daemon. */
  spawn?: {
    dataDir: string;
    listen: string[];
    bootstrap: string[];
    mdns: boolean;
    logLevel?: string;
  };
  /** How long the first start may take. Default 60 s (a cold start compiles TypeScript). */
  readyTimeoutMs?: number;
}

/** What `/api/status` shows about the daemon. */
export interface DaemonLinkStatus {
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
export class DaemonLink {
  /** The P2P port agents use; its subscriptions survive daemon restarts. */
  readonly p2p: DaemonP2P;
  readonly #options: DaemonLinkOptions;
  #supervisor: Supervisor | undefined;
  /** The latest ready line of the supervised child. */
  #announced: DaemonInfo | null = null;
  #state: DaemonLinkStatus["state"] = "starting";
  #upSince: number | null = null;
  #firstUp = Promise.withResolvers<void>();
  #stopped = false;

  private constructor(options: DaemonLinkOptions) {
    this.#options = options;
    const attach = options.attach;
    this.p2p = new DaemonP2P({
      // Attached: the same URL again, with the token file re-read, until the daemon is back.
      // Supervised: the supervisor announces each new child through `use()`.
      endpoint: attach ? () => resolveEndpoint(attach) : undefined,
      logger: options.logger,
    });
    this.p2p.on((event) => {
      if (event.type === "up") this.#up();
      else if (event.type === "down" && !this.#supervisor) this.#down(null, null);
      else if (event.type === "peer_connected" || event.type === "peer_disconnected") {
        const { type, ...data } = event;
        options.bus.publish(`p2p_${type}`, data);
      }
    });
  }

  /** Start (or attach to) the daemon and wait until it answers over IPC. */
  static async start(options: DaemonLinkOptions): Promise<DaemonLink> {
    const link = new DaemonLink(options);
    // Nobody may be waiting on it when the host stops during startup.
    link.#firstUp.promise.catch(() => {});
    try {
      if (options.attach) await link.p2p.use(await resolveEndpoint(options.attach));
      else await link.#supervise();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = options.readyTimeoutMs ?? 60_000;
      await Promise.race([
        link.#firstUp.promise,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new HiveError(`daemon not ready within ${limit} ms`)),
            limit,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      // Bootstrap peers that drop or restart are redialled by the daemon itself (its
      // bootstrap keeper, see `hive daemon status`), so the host needs no loop of its own.
    } catch (error) {
      await link.stop();
      throw error;
    }
    return link;
  }

  /** Current status. */
  status(): DaemonLinkStatus {
    const sup = this.#supervisor?.status();
    const identity = this.p2p.identity;
    return {
      mode: this.#supervisor ? "supervised" : "attached",
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

  /** Ask the daemon for its own status (for `/api/status`), or null while it is down. */
  async daemonStatus(): Promise<Reply<"status"> | null> {
    if (!this.p2p.connected) return null;
    return await this.p2p.request("status", {}, { timeoutMs: 2000 }).catch(() => null);
  }

  /** Kill the supervised daemon (as a crash would); it is restarted by the supervisor. */
  killDaemon(): void {
    this.#supervisor?.kill("SIGKILL");
  }

  /** Disconnect and, when supervised, stop the daemon (SIGTERM, then SIGKILL after 3 s). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#firstUp.reject(new HiveError("host stopped before the daemon was ready"));
    await this.p2p.close();
    await this.#supervisor?.stop();
    this.#state = "stopped";
  }

  #supervise(): Promise<void> {
    const spawn = this.#options.spawn!;
    const { logger } = this.#options;
    const root = spawn.logLevel ? ["--log-level", spawn.logLevel] : [];
    const args = [...root, "daemon", "--json", "--data-dir", spawn.dataDir];
    for (const ma of spawn.listen) args.push("--listen", ma);
    for (const ma of spawn.bootstrap) args.push("--bootstrap", ma);
    if (!spawn.mdns) args.push("--no-mdns");
    let readyPid = 0;
    const sup = new Supervisor({
      name: "daemon",
      argv: selfArgv(...args),
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
        logger.debug("daemon stdout", { line });
        return;
      }
      const parsed = daemonInfoSchema.safeParse(raw, { reportInput: true });
      if (!parsed.success) {
        logger.warn("daemon ready line rejected", { issues: formatIssues(parsed.error.issues) });
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
    return sup.start();
  }

  async #connectTo(info: DaemonInfo): Promise<void> {
    try {
      await this.p2p.use(await endpointOfInfo(info));
    } catch (error) {
      if (this.#stopped) return;
      this.#options.logger.error("cannot reach the daemon's IPC", { url: info.ipc_url, error });
      this.#supervisor?.kill("SIGKILL");
    }
  }

  #up(): void {
    if (this.#stopped) return;
    this.#state = "up";
    this.#upSince = Date.now();
    const identity = this.p2p.identity!;
    const restarts = this.#supervisor?.restarts ?? this.p2p.reconnects;
    this.#options.logger.info("daemon up", {
      peer_id: identity.peer_id,
      ipc_url: identity.url,
      restarts,
    });
    this.#options.bus.publish("daemon_up", {
      peerId: identity.peer_id,
      url: identity.url,
      restarts,
    });
    this.#firstUp.resolve();
  }

  #down(code: number | null, signal: string | null): void {
    if (this.#stopped || this.#state === "down") return;
    this.#state = "down";
    this.#upSince = null;
    const restarts = this.#supervisor?.restarts ?? this.p2p.reconnects;
    this.#options.logger.warn("daemon down", { code, signal, restarts });
    this.#options.bus.publish("daemon_down", { code, signal, restarts });
  }
}
