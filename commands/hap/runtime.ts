/**
 * What every `hive hap` form starts from: the validated options, the identity (key file), the
 * lock of the instance (for long-running forms), the daemon and the session over it, and the
 * small HTTP server for `/healthz` and `/metrics`. `stop()` undoes all of it in reverse order.
 *
 * @module
 */
import { busyDataDir } from "../../adapters/p2p/daemon/busy.ts";
import { giveDaemonKey } from "../../adapters/p2p/daemon/daemon_key.ts";
import {
  callDaemon,
  connectEndpoint,
  resolveEndpoint,
} from "../../adapters/p2p/daemon/endpoint.ts";
import { ManagedDaemon } from "../../adapters/p2p/daemon/supervise.ts";
import { multiaddrSchema, peerMultiaddrSchema } from "../../adapters/p2p/types.ts";
import { ConfigError, HiveError } from "../../core/errors.ts";
import { type AgentIdentity, loadOrCreateIdentity } from "../../core/identity/identity.ts";
import { acquireInstanceLock } from "../../core/identity/instance.ts";
import type { Lock } from "../../core/lock.ts";
import type { Logger } from "../../core/logger.ts";
import { Rbac } from "../../core/rbac/rbac.ts";
import {
  type HapCommandConfig,
  type HapFlags,
  type HapRunOptions,
  hapRunOptions,
} from "./config.ts";
import { AddressDialer } from "./dialer.ts";
import { HapSession } from "./session.ts";

/** Validate flags over config; config problems exit 2 with every problem named. */
export function resolveOptions(flags: HapFlags, config: HapCommandConfig): HapRunOptions {
  const { options, problems } = hapRunOptions(flags, config);
  if (problems.length) throw new ConfigError(`hive hap: ${problems.join("; ")}`);
  if ((options.daemon_url === null) !== (options.daemon_token_file === null)) {
    throw new ConfigError("hive hap: --daemon-url and --daemon-token-file go together");
  }
  const bad = options.bootstrap.find((a) => !multiaddrSchema.safeParse(a).success);
  if (bad !== undefined) {
    throw new ConfigError(`hive hap: --bootstrap: "${bad}" is not a multiaddr`);
  }
  return options;
}

/** Load (or create) the portal's identity. */
export async function loadIdentity(
  options: HapRunOptions,
  rbac: Rbac,
): Promise<AgentIdentity> {
  return await loadOrCreateIdentity({
    path: options.key_file,
    kind: "hap",
    role: options.role,
    capabilities: rbac.capabilities(options.role),
    id: options.id ?? undefined,
  });
}

/** A running portal runtime. */
export interface HapRuntime {
  options: HapRunOptions;
  identity: AgentIdentity;
  session: HapSession;
  daemon: ManagedDaemon;
  /** The HTTP server's port, when one runs. */
  httpPort: number | null;
  stop(): Promise<void>;
}

/** Options for {@link startRuntime}. */
export interface StartRuntimeOptions {
  flags: HapFlags;
  config: HapCommandConfig;
  logger: Logger;
  /** Take the instance lock (long-running forms). */
  lock: boolean;
  /** Serve `/healthz` and `/metrics`. */
  http: boolean;
  /** Send the supervised daemon's log to a file instead of the terminal. */
  daemonLogFile?: (options: HapRunOptions, id: string) => string;
}

/** Build the runtime; on any failure, what was started is stopped again. */
export async function startRuntime(start: StartRuntimeOptions): Promise<HapRuntime> {
  const options = resolveOptions(start.flags, start.config);
  const rbac = new Rbac(start.config.rbac);
  const identity = await loadIdentity(options, rbac);
  const undo: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of undo.reverse()) await step().catch(() => {});
    undo.length = 0;
  };
  try {
    if (start.lock) {
      const lock: Lock = await acquireInstanceLock({
        dataDir: options.data_dir,
        kind: "hap",
        id: identity.id,
      });
      if (lock.reclaimed) start.logger.info("reclaimed a stale instance lock", { path: lock.path });
      undo.push(() => lock.release());
    }
    // The portal's own daemon child, or the one named by --daemon-url; see ManagedDaemon.
    const daemonDir = `${options.data_dir}/hap/${identity.id}/daemon`;
    // Its libp2p key is the identity's, so its envelopes are peer-signed (one signature, see
    // core/envelope). The dir is the portal's own, named by its id: a different key there can
    // only be a stray one, and is replaced. (Never under a daemon that runs there now:
    // ManagedDaemon refuses that dir, naming it.)
    if (!options.daemon_url && !(await busyDataDir(daemonDir))) {
      await giveDaemonKey(daemonDir, identity, { replace: true });
    }
    const daemon = new ManagedDaemon({
      logger: start.logger.child({ component: "hap.daemon" }),
      attach: options.daemon_url
        ? { url: options.daemon_url, tokenFile: options.daemon_token_file! }
        : undefined,
      spawn: {
        dataDir: daemonDir,
        listen: options.p2p_listen,
        // Addresses with a peer id go to the daemon's bootstrap keeper; the others are dialled
        // through it by an AddressDialer below (the peer id is learned from the handshake).
        bootstrap: options.bootstrap.filter((a) => peerMultiaddrSchema.safeParse(a).success),
        mdns: options.mdns,
        logFile: start.daemonLogFile?.(options, identity.id),
      },
    });
    undo.push(() => daemon.stop());
    await daemon.start();
    const addressOnly = options.bootstrap.filter((a) => !peerMultiaddrSchema.safeParse(a).success);
    if (addressOnly.length) {
      const endpoint = () =>
        resolveEndpoint(
          options.daemon_url
            ? { url: options.daemon_url, tokenFile: options.daemon_token_file! }
            : { dataDir: daemonDir },
        );
      const dialer = new AddressDialer({
        addrs: addressOnly,
        p2p: daemon.p2p,
        logger: start.logger.child({ component: "hap.dialer" }),
        dial: async (multiaddr) => {
          const client = await connectEndpoint(await endpoint(), { timeoutMs: 15_000 });
          try {
            return (await callDaemon(client, "connect", { multiaddr })).peer_id;
          } finally {
            client.close();
          }
        },
      });
      dialer.start();
      undo.push(() => Promise.resolve(dialer.stop()));
    }
    const session = new HapSession({
      identity,
      p2p: daemon.p2p,
      rbac,
      logger: start.logger,
      skewMs: options.clock_skew_ms,
      announceMs: options.announce_ms,
      recordTtlMs: options.record_ttl_ms,
      pinned: options.pinned_keys,
    });
    await session.start();
    undo.push(() => session.close());
    let httpPort: number | null = null;
    if (start.http) {
      const server = _serve(options, session);
      httpPort = server.addr.port;
      undo.push(() => server.shutdown());
    }
    return { options, identity, session, daemon, httpPort, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function _serve(options: HapRunOptions, session: HapSession): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve({ hostname: options.bind, port: options.port, onListen: () => {} }, (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/healthz") {
        const up = session.daemonUp;
        return Response.json(
          { status: up ? "ok" : "degraded", daemon: up ? "up" : "down", id: session.identity.id },
          { status: up ? 200 : 503 },
        );
      }
      if (path === "/metrics") {
        return new Response(session.metrics(), {
          headers: { "content-type": "text/plain; version=0.0.4" },
        });
      }
      return new Response("not found\n", { status: 404 });
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new HiveError(
        `port ${options.port} on ${options.bind} is in use (another hap?); set hap.port or --port`,
        { code: "port_in_use" },
      );
    }
    throw error;
  }
}
