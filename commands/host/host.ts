/**
 * One running host: event bus, daemon link, agents (the built-in chat agent plus any loaded from
 * `--agents-dir`), and the HTTP server. {@link startHost} brings it up; `stop()` takes it down in
 * order: `host_shutdown` on the bus, agents in reverse start order, HTTP, then the daemon.
 *
 * @module
 */
import { Bus } from "../../core/bus.ts";
import { SignedPubSub } from "../../core/envelope/signed_pubsub.ts";
import { DROP_REASONS } from "../../core/envelope/verifier.ts";
import { acquireInstanceLock } from "../../core/identity/instance.ts";
import { Rbac, type RbacConfig, rbacConfigSchema } from "../../core/rbac/rbac.ts";
import { HiveError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { AgentManager } from "./agents.ts";
import { createHostApp } from "./app.ts";
import { crossSiteGuard } from "../../core/http/guard.ts";
import { limitsFromConfig } from "../../core/http/limits.ts";
import { type HttpServerHandle, serveHttp } from "../../core/http/server.ts";
import { AuthThrottle } from "../../core/http/auth_throttle.ts";
import { createChatAgent } from "./chat_agent.ts";
import { AGENT_MANAGER_NAME, createAgentManagerAgent } from "./agent_manager.ts";
import type { HostRunOptions } from "./config.ts";
import { DaemonLink } from "./daemon_link.ts";
import { adoptDaemonKey, loadHostIdentity } from "./host_identity.ts";
import { dialableAddr, readHostFile, removeHostFileSync, writeHostFile } from "./host_file.ts";
import { loadAgentsDir } from "./loader.ts";
import { withPeerNames } from "./peer_names.ts";
import { LockHeldError } from "../../core/lock.ts";
import type { Metric } from "./metrics.ts";

/** Options for {@link startHost}. */
export interface StartHostOptions {
  /** Validated run options. */
  run: HostRunOptions;
  /** Audit logger. */
  logger: Logger;
  /** Log level handed to the daemon child. */
  logLevel?: string;
  /** Roles and their topic rights (default: the built-in roles). */
  rbac?: RbacConfig;
}

/** A running host. */
export interface HostHandle {
  /** URL to open, e.g. `http://127.0.0.1:8787/`. */
  url: string;
  /** The HTTP port actually bound (useful with `--port 0`). */
  port: number;
  bus: Bus;
  agents: AgentManager;
  daemon: DaemonLink;
  /** Status as `/api/status` shows it. */
  status(): Promise<Record<string, unknown>>;
  /** Stop everything, in order. Safe to call twice. */
  stop(reason: string): Promise<void>;
}

function _urlHost(bind: string): string {
  if (bind === "0.0.0.0") return "127.0.0.1";
  if (bind === "::") return "[::1]";
  return bind.includes(":") ? `[${bind}]` : bind;
}

/** Start a host. Throws (after cleaning up) when the daemon or the HTTP port cannot start. */
export async function startHost(options: StartHostOptions): Promise<HostHandle> {
  const { run, logger } = options;
  const startedAt = Date.now();
  const bus = new Bus({
    onHandlerError: (error, topic) => logger.error("bus handler failed", { topic, error }),
  });
  // Signed identity (kind agent, role agent), one instance per id: see core/identity. A
  // supervised daemon shares its key where it can (host_identity.ts): envelopes are peer-signed.
  const rbac = new Rbac(options.rbac ?? rbacConfigSchema.parse({}));
  const attach = run.daemon_url && run.daemon_token_file
    ? { url: run.daemon_url, tokenFile: run.daemon_token_file }
    : undefined;
  const identity = await loadHostIdentity({ dataDir: run.data_dir, supervised: !attach, rbac });
  const lock = await acquireInstanceLock({ dataDir: run.data_dir, kind: "agent", id: identity.id })
    .catch(async (error) => {
      if (!(error instanceof LockHeldError)) throw error;
      const other = await readHostFile(run.data_dir);
      const where = other.state === "live" ? ` at ${other.info.url}` : "";
      throw new HiveError(
        `another hive host${where} (pid ${error.pid}) already runs on data dir ${run.data_dir} ` +
          `(it holds ${error.path}); stop it, or pass another --data-dir`,
        { code: "locked" },
      );
    });
  // A daemon already on this data dir is refused by DaemonLink before spawning (code `locked`).
  const daemon = await (async () => {
    if (!attach) await adoptDaemonKey(run.data_dir, identity, logger.child({ part: "daemon" }));
    return await DaemonLink.start({
      bus,
      logger: logger.child({ part: "daemon" }),
      attach,
      spawn: {
        dataDir: run.data_dir,
        listen: run.p2p_listen,
        bootstrap: run.bootstrap,
        mdns: run.mdns,
        logLevel: options.logLevel,
      },
    });
  })().catch(async (error) => {
    await lock.release();
    throw error;
  });
  const signed = new SignedPubSub({ inner: daemon.p2p, identity, rbac, logger });
  const agents = new AgentManager({
    bus,
    logger,
    p2p: withPeerNames(signed, () => signed.registry.list()),
  });
  const chat = createChatAgent({ rooms: run.rooms, history: run.history });
  agents.add({ name: "chat", source: "builtin", factory: () => chat });
  if (run.agent_manager) {
    const { url, key_env, key_file, timeout_ms } = run.agent_manager;
    agents.add({
      name: AGENT_MANAGER_NAME,
      source: "builtin",
      factory: () =>
        createAgentManagerAgent({ url, keyEnv: key_env, keyFile: key_file, timeoutMs: timeout_ms }),
    });
  }
  let server: HttpServerHandle | undefined;
  const authThrottle = new AuthThrottle({ logger, what: "host api" });
  try {
    if (run.agents_dir) {
      for (const loaded of await loadAgentsDir(run.agents_dir)) {
        if (!loaded.ok) {
          logger.error("agent module is broken; skipped", {
            source: loaded.source,
            error: loaded.error,
          });
          agents.addBroken(loaded);
          continue;
        }
        try {
          agents.add(loaded);
        } catch (error) {
          logger.error("agent skipped", { source: loaded.source, error });
          agents.addBroken({ ...loaded, error: (error as Error).message });
        }
      }
    }
    await signed.start();
    await agents.startAll();

    const status = async (): Promise<Record<string, unknown>> => {
      const link = daemon.status();
      const remote = await daemon.daemonStatus();
      return {
        host: {
          pid: Deno.pid,
          uptime_s: Math.round((Date.now() - startedAt) / 1000),
          url: handle.url,
          bind: run.bind,
          port: handle.port,
        },
        daemon: {
          ...link,
          peers: typeof remote?.peers === "number" ? remote.peers : null,
          topics: Array.isArray(remote?.topics) ? remote.topics : link.topics,
          queue_drops: typeof remote?.queue_drops === "number" ? remote.queue_drops : null,
        },
        agents: agents.list(),
      };
    };

    const metrics = (): Metric[] => {
      const link = daemon.status();
      const byState = new Map<string, number>();
      for (const a of agents.list()) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
      const chatStats = chat.stats();
      return [
        {
          name: "hive_host_uptime_seconds",
          help: "Seconds since the host started.",
          type: "gauge",
          samples: [{ value: (Date.now() - startedAt) / 1000 }],
        },
        {
          name: "hive_host_daemon_up",
          help: "1 when the P2P daemon is connected.",
          type: "gauge",
          samples: [{ value: link.state === "up" ? 1 : 0 }],
        },
        {
          name: "hive_host_daemon_restarts_total",
          help: "Times the supervised daemon was restarted.",
          type: "counter",
          samples: [{ value: link.restarts }],
        },
        {
          name: "hive_host_agents",
          help: "Agents by state.",
          type: "gauge",
          samples: [...byState].map(([state, value]) => ({ labels: { state }, value })),
        },
        {
          name: "hive_host_chat_messages_total",
          help: "Chat messages by direction (rejected: malformed payloads dropped).",
          type: "counter",
          samples: (["sent", "received", "rejected"] as const).map((direction) => ({
            labels: { direction },
            value: chatStats[direction],
          })),
        },
        {
          name: "hive_host_chat_clients",
          help: "Browser clients connected to /ws/chat.",
          type: "gauge",
          samples: [{ value: chatStats.clients }],
        },
        {
          name: "hive_host_envelopes_dropped_total",
          help: "Incoming messages dropped by envelope verification, by reason.",
          type: "counter",
          samples: DROP_REASONS.map((reason) => ({
            labels: { reason },
            value: signed.verifier.drops()[reason],
          })),
        },
        {
          name: "hive_host_bus_events_total",
          help: "Events published on the host bus.",
          type: "counter",
          samples: [{ value: bus.stats.published }],
        },
      ];
    };

    // Other websites must not drive this host (cross-site WebSocket, simple POST, DNS rebinding).
    const guard = crossSiteGuard({
      hostname: run.bind,
      port: () => server?.port ?? run.port,
      allowedHosts: run.allowed_hosts,
      allowedOrigins: run.allowed_origins,
      configHint: { hosts: "host.allowed_hosts", origins: "host.allowed_origins" },
    });
    const app = createHostApp({
      guard,
      authThrottle,
      agents,
      chat,
      status,
      daemonState: () => daemon.status().state,
      metrics,
      apiToken: run.api_token,
      logger,
    });
    // Limits hold before buffering: bodies and WebSocket frames, timeouts, a connection cap.
    server = await serveHttp({
      hostname: run.bind,
      port: run.port,
      fetch: app.fetch,
      limits: limitsFromConfig(run.limits),
      logger,
    });
    const addr = { port: server.port };
    let stopping: Promise<void> | undefined;
    const handle: HostHandle = {
      url: `http://${_urlHost(run.bind)}:${addr.port}/`,
      port: addr.port,
      bus,
      agents,
      daemon,
      status,
      stop(reason) {
        stopping ??= (async () => {
          logger.info("host stopping", { reason });
          bus.publish("host_shutdown", { reason });
          await agents.stopAll(`host shutdown: ${reason}`);
          await _bounded(server!.shutdown(), 3000);
          authThrottle.close();
          await signed.stop().catch(() => {});
          await daemon.stop();
          removeHostFileSync(run.data_dir, Deno.pid);
          await lock.release();
          logger.info("host stopped", { reason });
        })();
        return stopping;
      },
    };
    const link = daemon.status();
    // `hive host status` finds this host (even on --port 0) through host.json.
    await writeHostFile(run.data_dir, {
      url: handle.url,
      port: handle.port,
      pid: Deno.pid,
      started_at: new Date(startedAt).toISOString(),
      peer_id: link.peer_id,
      p2p_addrs: link.addrs.map((a) => dialableAddr(a, link.peer_id)),
    });
    logger.info("host ready", { url: handle.url, peer_id: link.peer_id });
    return handle;
  } catch (error) {
    await agents.stopAll("startup failed");
    if (server) await _bounded(server.shutdown(), 3000);
    authThrottle.close();
    await signed.stop().catch(() => {});
    await daemon.stop();
    await lock.release();
    if (error instanceof Deno.errors.AddrInUse) {
      throw new HiveError(
        `port ${run.port} on ${run.bind} is in use; pass --port 0 (any free port) or another port`,
        { code: "port_in_use" },
      );
    }
    throw error;
  }
}

async function _bounded(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise((resolve) => timer = setTimeout(resolve, ms)),
  ]);
  clearTimeout(timer);
}
