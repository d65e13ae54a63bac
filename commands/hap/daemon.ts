/**
 * How a portal reaches the mesh: its own supervised `hive daemon` child (restarted with backoff
 * when it dies, stopped with the portal), or an existing daemon named by `--daemon-url` and its
 * token file. Either way the portal talks through the P2P port's daemon client; this module only
 * tells the client where the daemon is.
 *
 * @module
 */
import { DaemonP2P } from "../../adapters/p2p/daemon/client.ts";
import { endpointOfInfo, resolveEndpoint } from "../../adapters/p2p/daemon/endpoint.ts";
import { type DaemonInfo, daemonInfoSchema } from "../../adapters/p2p/ipc_protocol.ts";
import { HiveError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { selfArgv } from "../../core/self.ts";
import { Supervisor } from "../../core/supervisor.ts";

/** Options for {@link connectDaemon}. */
export interface HapDaemonOptions {
  logger: Logger;
  /** Attach to this daemon instead of starting one. */
  attach?: { url: string; tokenFile: string };
  /** A supervised daemon's settings. */
  spawn?: { dataDir: string; listen: string[]; bootstrap: string[]; mdns: boolean };
  /** How long the first start may take. Default 60 s (a cold start compiles TypeScript). */
  readyTimeoutMs?: number;
  /**
   * Keep the daemon's log off the terminal (the portal owns the screen): its stderr is dropped
   * and its log goes to this file instead.
   */
  logFile?: string;
}

/** The P2P port over the daemon, and a way to let go of both. */
export interface HapDaemon {
  p2p: DaemonP2P;
  /** `supervised` or `attached`. */
  mode: "supervised" | "attached";
  /** PID of the supervised daemon, if any. */
  pid(): number | null;
  /** Disconnect; stop the supervised daemon (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** Start or attach to a daemon and wait until it answers over IPC. */
export async function connectDaemon(options: HapDaemonOptions): Promise<HapDaemon> {
  const { logger } = options;
  if (options.attach) {
    const attach = options.attach;
    const p2p = await DaemonP2P.connect({
      endpoint: () => resolveEndpoint(attach),
      logger,
    });
    return { p2p, mode: "attached", pid: () => null, stop: () => p2p.close() };
  }
  const spawn = options.spawn!;
  const p2p = new DaemonP2P({ logger });
  const args = ["daemon", "--json", "--data-dir", spawn.dataDir];
  for (const ma of spawn.listen) args.push("--listen", ma);
  for (const ma of spawn.bootstrap) args.push("--bootstrap", ma);
  if (!spawn.mdns) args.push("--no-mdns");
  const ready = Promise.withResolvers<void>();
  ready.promise.catch(() => {});
  let readyPid = 0;
  const sup = new Supervisor({
    name: "daemon",
    argv: selfArgv(...args),
    env: options.logFile ? { HIVE_LOG_FILE: options.logFile } : undefined,
    stderr: options.logFile ? "null" : "inherit",
    logger,
    restart: { initialMs: 250, maxMs: 8000, resetAfterMs: 15_000 },
    graceMs: 3000,
  });
  sup.on("stdout", ({ pid, line }) => {
    if (readyPid === pid) return;
    let info: DaemonInfo;
    try {
      info = daemonInfoSchema.parse(JSON.parse(line));
    } catch {
      logger.debug("daemon stdout", { line });
      return;
    }
    readyPid = pid;
    void endpointOfInfo(info).then((endpoint) => p2p.use(endpoint)).then(
      () => ready.resolve(),
      (error) => {
        logger.error("cannot reach the daemon's IPC", { url: info.ipc_url, error });
        sup.kill("SIGKILL");
      },
    );
  });
  sup.on("exit", ({ code, signal, expected }) => {
    readyPid = 0;
    if (!expected) {
      ready.reject(
        new HiveError(`hive daemon exited (code ${code}, signal ${signal}) before it was ready`),
      );
    }
  });
  await sup.start();
  const limit = options.readyTimeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      ready.promise,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new HiveError(`daemon not ready within ${limit} ms`)),
          limit,
        );
      }),
    ]);
  } catch (error) {
    await p2p.close();
    await sup.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    p2p,
    mode: "supervised",
    pid: () => sup.pid,
    stop: async () => {
      await p2p.close();
      await sup.stop();
    },
  };
}
