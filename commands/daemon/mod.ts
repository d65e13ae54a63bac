/**
 * `hive daemon`: a libp2p node (TCP + WebSockets, noise, yamux, gossipsub, identify, ping, mDNS,
 * bootstrap, optional kad-dht) behind a local WebSocket IPC server speaking JSON, plus client
 * subcommands (`id`, `peers`, `status`, `publish`, `subscribe`, `connect`, `ping`) for scripts.
 *
 * @module
 */
import { z } from "zod";
import { multiaddrSchema, peerMultiaddrSchema } from "../../adapters/p2p/types.ts";
import { type ContextLoader, hiveCommand } from "../../core/cli.ts";
import { intRange } from "../../core/config.ts";
import { parseWith, UsageError } from "../../core/errors.ts";
import { clientCommands } from "./client_commands.ts";
import {
  type DaemonCommandConfig,
  type DaemonConfig,
  type DaemonRunOptions,
  daemonRunSchema,
  wholeNumberFlag,
} from "./config.ts";

const _flagSchema = z.object({
  "--p2p-listen": z.array(multiaddrSchema).optional(),
  "--bootstrap": z.array(peerMultiaddrSchema).optional(),
  "--ipc-port": wholeNumberFlag(intRange(0, 65535)).optional(),
  "--max-connections": wholeNumberFlag(intRange(1, 100_000)).optional(),
  "--data-dir": z.string().min(1).optional(),
  "--identity": z.string().min(1).optional(),
});

/** The flags of `hive daemon` itself, as commander hands them over. */
export interface DaemonFlags {
  dataDir?: string;
  identity?: string;
  ipcPort?: string;
  p2pListen?: string[];
  mdns?: boolean;
  bootstrap?: string[];
  dht?: boolean;
  maxConnections?: string;
}

/**
 * Merge flags over the loaded config and validate the result. Flag errors name the flag, e.g.
 * `--ipc-port: expected a whole number, got "abc"`.
 */
export function resolveRunOptions(
  flags: DaemonFlags,
  config: { data_dir: string; daemon: DaemonConfig },
): DaemonRunOptions {
  const f = parseWith(_flagSchema, {
    "--p2p-listen": flags.p2pListen,
    "--bootstrap": flags.bootstrap,
    "--ipc-port": flags.ipcPort,
    "--max-connections": flags.maxConnections,
    "--data-dir": flags.dataDir,
    "--identity": flags.identity,
  }, { what: "hive daemon", makeError: (m) => new UsageError(m) });
  const d = config.daemon;
  const dataDir = f["--data-dir"] ?? config.data_dir;
  return parseWith(daemonRunSchema, {
    listen: f["--p2p-listen"] ?? d.listen,
    mdns: flags.mdns ?? d.mdns,
    bootstrap: f["--bootstrap"] ?? d.bootstrap,
    dht: flags.dht ?? d.dht,
    ipc_port: f["--ipc-port"] ?? d.ipc_port,
    max_connections: f["--max-connections"] ?? d.max_connections,
    max_incoming_pending: d.max_incoming_pending,
    dial_timeout_ms: d.dial_timeout_ms,
    queue_bytes: d.queue_bytes,
    inbound_per_second: d.inbound_per_second,
    allow: d.allow,
    data_dir: dataDir,
    identity: f["--identity"] ?? d.identity ?? `${dataDir}/identity.key`,
  }, { what: "hive daemon" });
}

/**
 * Build the `daemon` command with its client subcommands. The node (libp2p) is loaded only
 * when the daemon runs.
 */
export function daemonCommand(load: ContextLoader<DaemonCommandConfig>) {
  const daemon = hiveCommand("daemon", "hive daemon")
    .description(
      "Run a libp2p node (TCP + WebSockets, noise, yamux, gossipsub, identify, ping, mDNS, " +
        "bootstrap, optional kad-dht) behind a local WebSocket IPC server speaking JSON. Once " +
        "ready it prints its peer id, listen addresses and IPC URL (one JSON line with --json) " +
        "and writes the same to <data-dir>/daemon.json for the client subcommands.",
    )
    .option("--json", "print the ready line as one JSON object")
    .option("--data-dir <dir>", "where daemon.json (and by default the identity) live")
    .option(
      "--identity <path>",
      "Ed25519 key file, created 0600 if absent (<data-dir>/identity.key)",
    )
    .option("--ipc-port <n>", "IPC port on 127.0.0.1; 0 picks a free one (default 0)")
    .option(
      "--p2p-listen <multiaddr...>",
      "libp2p listen addresses (default all interfaces, TCP + WS)",
    )
    .option("--mdns", "discover peers on the LAN with mDNS (the default)")
    .option("--no-mdns", "turn mDNS discovery off")
    .option(
      "--bootstrap <multiaddr...>",
      "peers (multiaddr ending in /p2p/<id>) to dial at start and keep connected",
    )
    .option("--dht", "run a Kademlia DHT and serve dht_put/dht_get/provide/find_providers")
    .option("--max-connections <n>", "connection manager limit on open connections (300)")
    .action(async (_options, command) => {
      const ctx = await load(command, "daemon");
      const run = resolveRunOptions(command.optsWithGlobals() as DaemonFlags, ctx.config);
      const { runDaemon } = await import("./run.ts");
      await runDaemon({ run, output: ctx.output, logger: ctx.logger });
    });
  daemon.addHelpText(
    "after",
    `
The IPC server listens on 127.0.0.1 only; clients authenticate with the token in
<dir of identity>/ipc.token (mode 0600). One daemon per identity: a second one on the same
identity is refused (lock file <identity>.lock holds the owner's pid). SIGINT/SIGTERM stop
the node and exit 0 within 2 s; a daemon that hive host or hive hap supervises leaves SIGINT
(Ctrl-C) to them, and they stop it after their own work.

Bootstrap peers are kept connected: one that is down at start, or drops or restarts later, is
redialled with exponential backoff (1 s doubling to 30 s, with jitter) for as long as the daemon
runs. \`hive daemon status\` lists each with connected, dials, failures and reconnects.

Config (config.yaml section "daemon", or HIVE_DAEMON_* env): listen, mdns, bootstrap, dht,
ipc_port, max_connections, max_incoming_pending, dial_timeout_ms, inbound_per_second, allow
(networks exempt from connection limits; default loopback), queue_bytes, identity.

Examples:
  hive daemon                                   start with defaults (mDNS on, all interfaces)
  hive daemon --json --data-dir /tmp/a --no-mdns --p2p-listen /ip4/127.0.0.1/tcp/4001
  hive daemon --data-dir /tmp/b --no-mdns --p2p-listen /ip4/127.0.0.1/tcp/0 \\
      --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...
  hive daemon id --data-dir /tmp/a              peer id and addresses of the running daemon
  hive daemon subscribe chat --data-dir /tmp/b --json   stream messages as NDJSON
  hive daemon publish chat "hello" --data-dir /tmp/a`,
  );
  for (const sub of clientCommands(load)) daemon.addCommand(sub);
  return daemon;
}
