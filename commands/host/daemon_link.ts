/**
 * The host's side of the daemon: the P2P port's {@link ManagedDaemon} (a supervised `hive daemon`
 * child or an attached daemon), reported the host's way: `daemon_up`/`daemon_down` and peer
 * events on the bus and in the log, the state for `/api/status`, and {@link DaemonLink.p2p}
 * handed to agents. A busy data dir is named with the host that holds it, from its `host.json`.
 *
 * @module
 */
import type { DaemonP2P } from "../../adapters/p2p/daemon/client.ts";
import {
  type DaemonSpawnOptions,
  ManagedDaemon,
  type ManagedDaemonStatus,
} from "../../adapters/p2p/daemon/supervise.ts";
import type { Reply } from "../../adapters/p2p/ipc_protocol.ts";
import type { Bus } from "../../core/bus.ts";
import type { Logger } from "../../core/logger.ts";
import { describeHostHolder } from "./host_file.ts";

/** Options for {@link DaemonLink.start}. */
export interface DaemonLinkOptions {
  /** Host event bus: gets `daemon_up`, `daemon_down`, `p2p_peer_connected`, `p2p_peer_disconnected`. */
  bus: Bus;
  /** Audit logger. */
  logger: Logger;
  /** Attach to this daemon instead of starting one. */
  attach?: { url: string; tokenFile: string };
  /** Settings for a supervised daemon. */
  spawn?: DaemonSpawnOptions;
  /** How long the first start may take. Default 60 s (a cold start compiles TypeScript). */
  readyTimeoutMs?: number;
}

/** What `/api/status` shows about the daemon. */
export type DaemonLinkStatus = ManagedDaemonStatus;

/** A supervised or attached daemon, and the P2P port over it. */
export class DaemonLink {
  /** The P2P port agents use; its subscriptions survive daemon restarts. */
  readonly p2p: DaemonP2P;
  readonly #daemon: ManagedDaemon;

  private constructor(daemon: ManagedDaemon) {
    this.#daemon = daemon;
    this.p2p = daemon.p2p;
  }

  /** Start (or attach to) the daemon and wait until it answers over IPC. */
  static async start(options: DaemonLinkOptions): Promise<DaemonLink> {
    const { bus, logger } = options;
    const daemon = new ManagedDaemon({
      logger,
      attach: options.attach,
      spawn: options.spawn,
      readyTimeoutMs: options.readyTimeoutMs,
      holder: describeHostHolder,
    });
    daemon.p2p.on((event) => {
      if (event.type === "peer_connected" || event.type === "peer_disconnected") {
        const { type, ...data } = event;
        bus.publish(`p2p_${type}`, data);
      }
    });
    daemon.on((event) => {
      if (event.type === "up") {
        const { peer_id, url, restarts } = event;
        logger.info("daemon up", { peer_id, ipc_url: url, restarts });
        bus.publish("daemon_up", { peerId: peer_id, url, restarts });
      } else {
        const { code, signal, restarts } = event;
        logger.warn("daemon down", { code, signal, restarts });
        bus.publish("daemon_down", { code, signal, restarts });
      }
    });
    await daemon.start();
    return new DaemonLink(daemon);
  }

  /** Current status. */
  status(): DaemonLinkStatus {
    return this.#daemon.status();
  }

  /** Ask the daemon for its own status (for `/api/status`), or null while it is down. */
  async daemonStatus(): Promise<Reply<"status"> | null> {
    if (!this.p2p.connected) return null;
    return await this.p2p.request("status", {}, { timeoutMs: 2000 }).catch(() => null);
  }

  /** Kill the supervised daemon (as a crash would); it is restarted by the supervisor. */
  killDaemon(): void {
    this.#daemon.kill();
  }

  /** Disconnect and, when supervised, stop the daemon (SIGTERM, then SIGKILL after 3 s). */
  async stop(): Promise<void> {
    await this.#daemon.stop();
  }
}
