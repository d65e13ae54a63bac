/**
 * One daemon process: lock the identity, load or create it, start the libp2p node and the IPC
 * server, announce readiness (one JSON line plus `<data-dir>/daemon.json`) and stop cleanly on
 * SIGINT/SIGTERM or when a supervising parent vanishes.
 *
 * @module
 */
import { DAEMON_INFO_FILE, type DaemonInfo, TOKEN_FILE } from "../../adapters/p2p/ipc_protocol.ts";
import { createP2PNode, type P2PNode, type P2PNodeOptions } from "../../adapters/p2p/mod.ts";
import { HiveError } from "../../core/errors.ts";
import { ensureTokenFile, IpcServer } from "../../core/ipc/mod.ts";
import { acquireLock, type Lock } from "../../core/lock.ts";
import type { Logger } from "../../core/logger.ts";
import type { Output } from "../../core/output.ts";
import { PARENT_PID_ENV, watchParent } from "../../core/supervisor.ts";
import { startBootstrapKeeper } from "./bootstrap.ts";
import type { DaemonRunOptions } from "./config.ts";
import { loadOrCreateIdentity } from "./identity.ts";
import { startDaemonService } from "./service.ts";

/** How long shutdown may take before the process exits regardless. */
export const STOP_DEADLINE_MS = 1500;

/** Options for {@link runDaemon}. */
export interface RunDaemonOptions {
  /** Validated settings. */
  run: DaemonRunOptions;
  /** Where the ready line goes. */
  output: Output;
  /** Audit logger. */
  logger: Logger;
}

/**
 * The P2P node settings a daemon runs with. Benchmarks build their in-process baseline from
 * this too, so both sides of a comparison use the same libp2p settings.
 */
export function nodeOptions(run: DaemonRunOptions, privateKey: Uint8Array): P2PNodeOptions {
  return {
    backend: "libp2p",
    privateKey,
    listen: run.listen,
    mdns: run.mdns,
    bootstrap: run.bootstrap,
    dht: run.dht,
    maxConnections: run.max_connections,
    maxIncomingPendingConnections: run.max_incoming_pending,
    dialTimeoutMs: run.dial_timeout_ms,
    inboundConnectionThreshold: run.inbound_per_second,
    allow: run.allow,
  };
}

/** Folder part of a path. */
export function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : i === 0 ? "/" : ".";
}

async function _writeInfo(path: string, info: DaemonInfo): Promise<void> {
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(info) + "\n", { mode: 0o600 });
  await Deno.rename(tmp, path);
}

function _removeInfoSync(path: string): void {
  try {
    const info = JSON.parse(Deno.readTextFileSync(path)) as Partial<DaemonInfo>;
    // A newer daemon may have replaced the file; only remove our own announcement.
    if (info.pid === Deno.pid) Deno.removeSync(path);
  } catch { /* gone or unreadable: nothing of ours to remove */ }
}

function _after(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // The race timer must not be what keeps a finished daemon alive.
    Deno.unrefTimer(timer);
  });
}

/** Run the daemon until a signal arrives. Never returns normally: the process exits 0. */
export async function runDaemon(options: RunDaemonOptions): Promise<never> {
  const { run, output, logger } = options;
  await Deno.mkdir(run.data_dir, { recursive: true, mode: 0o700 });
  await Deno.mkdir(dirOf(run.identity), { recursive: true, mode: 0o700 });
  const lock = await acquireLock({ path: `${run.identity}.lock` });
  let node: P2PNode | undefined;
  let server: IpcServer | undefined;
  try {
    if (lock.reclaimed) logger.warn("reclaimed stale lock", { path: lock.path });
    const identity = await loadOrCreateIdentity(run.identity);
    if (identity.created) logger.info("created identity", { path: identity.path });
    const tokenFile = `${dirOf(run.identity)}/${TOKEN_FILE}`;
    const token = await ensureTokenFile(tokenFile);
    node = await createP2PNode(nodeOptions(run, identity.privateKey));
    server = await IpcServer.listen({
      token,
      port: run.ipc_port,
      maxQueueBytes: run.queue_bytes,
      logger,
    });
    const keeper = startBootstrapKeeper({
      node,
      bootstrap: run.bootstrap,
      logger,
      dialTimeoutMs: run.dial_timeout_ms,
    });
    const service = startDaemonService({ node, server, logger, bootstrap: keeper });
    const info: DaemonInfo = {
      peer_id: node.peerId,
      addrs: node.addrs(),
      ipc_url: server.url,
      token_file: tokenFile,
      pid: Deno.pid,
    };
    const infoPath = `${run.data_dir}/${DAEMON_INFO_FILE}`;
    await _writeInfo(infoPath, info);
    _installStop({
      node,
      server,
      lock,
      infoPath,
      logger,
      detach: () => {
        keeper.close();
        service.close();
      },
    });
    logger.info("daemon ready", { peer_id: info.peer_id, ipc_url: info.ipc_url });
    output.record(info, (i) =>
      [
        `peer id:    ${i.peer_id}`,
        ...i.addrs.map((a, n) => `${n === 0 ? "listening: " : "           "} ${a}`),
        `ipc:        ${i.ipc_url}`,
        `token file: ${i.token_file}`,
        `pid:        ${i.pid}`,
      ].join("\n"));
  } catch (error) {
    await server?.close().catch(() => {});
    if (node) await Promise.race([node.stop().catch(() => {}), _after(STOP_DEADLINE_MS)]);
    await lock.release();
    if (error instanceof HiveError) throw error;
    throw new HiveError(`daemon failed to start: ${(error as Error).message}`, {
      code: "daemon_start",
      cause: error,
    });
  }
  return await new Promise<never>(() => {});
}

interface _StopParts {
  node: P2PNode;
  server: IpcServer;
  lock: Lock;
  infoPath: string;
  logger: Logger;
  detach: () => void;
}

function _installStop(parts: _StopParts): void {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    parts.logger.info("daemon stopping", { reason });
    // A stopped libp2p node keeps a handle open under Deno, so exit on a deadline regardless.
    const hard = setTimeout(() => Deno.exit(0), STOP_DEADLINE_MS + 300);
    Deno.unrefTimer(hard);
    parts.detach();
    _removeInfoSync(parts.infoPath);
    await Promise.race([parts.server.close().catch(() => {}), _after(300)]);
    await Promise.race([parts.node.stop().catch(() => {}), _after(STOP_DEADLINE_MS - 300)]);
    parts.lock.releaseSync();
    parts.logger.info("daemon stopped", { reason });
    Deno.exit(0);
  };
  const parent = Number(Deno.env.get(PARENT_PID_ENV));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      // Ctrl-C reaches the terminal's whole foreground group. A supervised daemon leaves it to
      // its parent, which stops it in order (SIGTERM) after its own users of the daemon; a
      // parent that died is caught by the watch below.
      if (signal === "SIGINT" && parent > 0 && Deno.ppid === parent) {
        parts.logger.debug("SIGINT left to the supervising parent", { parent_pid: parent });
        return;
      }
      void stop(signal);
    });
  }
  watchParent({ onParentGone: () => void stop("parent gone") });
}
