/**
 * `hive host`: run the agent host (chat web UI, management API, agents, supervised P2P daemon),
 * and the management subcommands that talk to a running host.
 *
 * @module
 */
import { type ContextLoader, type GlobalOptions, hiveCommand } from "../../core/cli.ts";
import { formatIssues, parseWith, UsageError } from "../../core/errors.ts";
import { formatRecord, paintStatus, roundForPeople } from "../../core/output.ts";
import { agentNameSchema } from "./agent.ts";
import { apiTokenSchema, type HostCommandConfig, hostRunSchema, hostUrlSchema } from "./config.ts";
import {
  agentAction,
  fetchAgents,
  fetchStatus,
  type ManageOptions,
  redactSecrets,
  resolveHostUrl,
} from "./manage.ts";

type _Load = ContextLoader<HostCommandConfig>;

/** Flags of `hive host` itself. */
interface _RunFlags {
  port?: string;
  bind?: string;
  apiToken?: string;
  agentsDir?: string;
  room?: string[];
  dataDir?: string;
  daemonUrl?: string;
  daemonTokenFile?: string;
  p2pListen?: string[];
  bootstrap?: string[];
  mdns?: boolean;
  json?: boolean;
}

/** A decimal flag becomes a number; anything else stays text so the error can show it. */
function _int(text: string | undefined): number | string | undefined {
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : text;
}

/**
 * Merge flags over the config and validate (exported for tests). An error never shows the API
 * token: a token that breaks the rules is named, not printed.
 */
export function hostRunOptions(flags: _RunFlags, config: HostCommandConfig) {
  const host = config.host;
  const token = flags.apiToken ?? host.api_token;
  if (token && !apiTokenSchema.safeParse(token).success) {
    const where = flags.apiToken !== undefined ? "--api-token" : "host.api_token";
    throw new UsageError(
      `hive host: ${where}: expected 16..512 printable characters without spaces (value not shown)`,
    );
  }
  return redactSecrets(() => _hostRunOptions(flags, config), [token]);
}

/** Each run option: the flag that sets it and the config field it falls back to. */
const _SOURCES: Record<string, [keyof _RunFlags, string, string]> = {
  port: ["port", "--port", "ports.http"],
  bind: ["bind", "--bind", "host.bind"],
  api_token: ["apiToken", "--api-token", "host.api_token"],
  agents_dir: ["agentsDir", "--agents-dir", "host.agents_dir"],
  rooms: ["room", "--room", "host.rooms"],
  data_dir: ["dataDir", "--data-dir", "data_dir"],
  daemon_url: ["daemonUrl", "--daemon-url", "host.daemon_url"],
  daemon_token_file: ["daemonTokenFile", "--daemon-token-file", "host.daemon_token_file"],
  p2p_listen: ["p2pListen", "--p2p-listen", "daemon.listen"],
  bootstrap: ["bootstrap", "--bootstrap", "daemon.bootstrap"],
  mdns: ["mdns", "--no-mdns", "daemon.mdns"],
};

function _hostRunOptions(flags: _RunFlags, config: HostCommandConfig) {
  const host = config.host;
  const input = {
    port: _int(flags.port) ?? config.ports.http,
    bind: flags.bind ?? host.bind,
    api_token: flags.apiToken ?? host.api_token,
    agents_dir: flags.agentsDir ?? host.agents_dir,
    rooms: flags.room ?? host.rooms,
    history: host.history,
    data_dir: flags.dataDir ?? config.data_dir,
    daemon_url: flags.daemonUrl ?? host.daemon_url,
    daemon_token_file: flags.daemonTokenFile ?? host.daemon_token_file,
    p2p_listen: flags.p2pListen ?? config.daemon.listen,
    bootstrap: flags.bootstrap ?? config.daemon.bootstrap,
    mdns: flags.mdns ?? config.daemon.mdns,
    allowed_hosts: host.allowed_hosts,
    allowed_origins: host.allowed_origins,
    limits: host.limits,
    agent_manager: host.agent_manager,
  };
  const result = hostRunSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  // Name what the user wrote: the flag when one was given, else the config field.
  const lines = result.error.issues.map((issue) => {
    const source = _SOURCES[String(issue.path[0])];
    const label = source ? (flags[source[0]] !== undefined ? source[1] : source[2]) : undefined;
    const [line] = formatIssues([{ ...issue, path: issue.path.slice(1) }], label);
    return label ? line : formatIssues([issue])[0];
  });
  throw new UsageError(`hive host: ${lines.join("; ")}`);
}

function _globals(command: { optsWithGlobals(): unknown }): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

/** Flags every management subcommand takes. */
interface _ManageFlags {
  url?: string;
  apiToken?: string;
  dataDir?: string;
}

/**
 * Resolve the host to talk to: `--url`, else the running host recorded in
 * `<data-dir>/host.json` (found even when it was started with `--port 0`), else port 8787.
 */
async function _manageOptions(
  flags: _ManageFlags,
  config: HostCommandConfig,
  warn: (message: string, fields: Record<string, unknown>) => void,
): Promise<ManageOptions> {
  if (flags.url !== undefined) {
    parseWith(hostUrlSchema, flags.url, { prefix: "--url", makeError: (m) => new UsageError(m) });
  }
  const token = flags.apiToken ?? config.host.api_token ?? undefined;
  if (token !== undefined && !apiTokenSchema.safeParse(token).success) {
    // Named, never printed: the value is a secret.
    throw new UsageError(
      "--api-token: expected 16..512 printable characters without spaces (value not shown)",
    );
  }
  const url = await resolveHostUrl({
    url: flags.url,
    dataDir: flags.dataDir ?? config.data_dir,
    defaultUrl: `http://127.0.0.1:${config.ports.http}`,
    warn,
  });
  return { url, token };
}

const _EXAMPLES: Record<string, string> = {
  status: `
Examples:
  hive host status                              the host in <data-dir>/host.json, else :8787
  hive host status --url http://127.0.0.1:9999 --json
  hive host status --api-token "$TOKEN"         a host started with --api-token`,
  agents: `
Examples:
  hive host agents                              NAME, STATE, STARTS, SOURCE, ERROR table
  hive host agents --json                       the same as a JSON array`,
  start: `
Examples:
  hive host agent start echo                    start the agent named echo
  hive host agent start echo --url http://127.0.0.1:9999 --json`,
  stop: `
Examples:
  hive host agent stop chat                     stop the built-in chat agent
  hive host agent stop echo --api-token "$TOKEN"`,
};

function _manageCommand(name: string, path: string, description: string) {
  return hiveCommand(name, path)
    .addHelpText("after", _EXAMPLES[name] ?? "")
    .description(description)
    .option(
      "--url <url>",
      "host to talk to (default: the host in <data-dir>/host.json, else http://127.0.0.1:8787)",
    )
    .option(
      "--data-dir <dir>",
      "data dir of the host to find through host.json (default: data_dir)",
    )
    .option("--api-token <token>", "bearer token, when the host requires one")
    .option("--json", "print one JSON document");
}

function _statusCommand(load: _Load) {
  return _manageCommand(
    "status",
    "hive host status",
    "show a running host's status: daemon, peers, topics, agents",
  )
    .action(async (flags, command) => {
      const ctx = await load(command, "host");
      const warn = (m: string, f: Record<string, unknown>) => ctx.logger.warn(m, f);
      const status = await fetchStatus(await _manageOptions(flags, ctx.config, warn));
      ctx.output.result(status, (s) =>
        formatRecord({
          url: s.host.url,
          uptime: `${roundForPeople(s.host.uptime_s)} s`,
          daemon: s.daemon.state,
          daemon_mode: s.daemon.mode,
          peer_id: s.daemon.peer_id,
          addrs: s.daemon.addrs,
          peers: s.daemon.peers,
          topics: s.daemon.topics,
          daemon_restarts: s.daemon.restarts,
          agents: s.agents.length
            ? s.agents.map((a) => `${a.name} ${paintStatus(a.state)}`).join(", ")
            : "none",
        }));
    });
}

function _agentsCommand(load: _Load) {
  return _manageCommand(
    "agents",
    "hive host agents",
    "list a running host's agents and their states",
  )
    .action(async (flags, command) => {
      const ctx = await load(command, "host");
      const warn = (m: string, f: Record<string, unknown>) => ctx.logger.warn(m, f);
      const agents = await fetchAgents(await _manageOptions(flags, ctx.config, warn));
      ctx.output.table(agents, [
        { header: "NAME", value: (a) => a.name },
        { header: "STATE", value: (a) => a.state },
        { header: "STARTS", value: (a) => a.starts, alignRight: true },
        { header: "SOURCE", value: (a) => a.source },
        { header: "ERROR", value: (a) => a.error },
      ]);
    });
}

function _agentActionCommand(load: _Load, action: "start" | "stop") {
  return _manageCommand(action, `hive host agent ${action}`, `${action} an agent on a running host`)
    .argument("<name>", "agent name (see `hive host agents`)")
    .action(async (name, flags, command) => {
      const ctx = await load(command, "host");
      parseWith(agentNameSchema, name, { prefix: "NAME", makeError: (m) => new UsageError(m) });
      const warn = (m: string, f: Record<string, unknown>) => ctx.logger.warn(m, f);
      const options = await _manageOptions(flags, ctx.config, warn);
      const agent = await agentAction(options, name, action);
      ctx.output.result(agent, (a) => `agent ${a.name}: ${paintStatus(a.state)}`);
    });
}

/**
 * Build `hive host` with its subcommands. The host itself (hono, the daemon client, agents) is
 * loaded only when it runs.
 */
export function hostCommand(load: _Load) {
  const agent = hiveCommand("agent", "hive host agent")
    .description("start or stop one agent on a running host")
    .addHelpText(
      "after",
      "\nExamples:\n  hive host agent start echo\n  hive host agent stop echo --json",
    )
    .addCommand(_agentActionCommand(load, "start"))
    .addCommand(_agentActionCommand(load, "stop"));

  const command = hiveCommand("host", "hive host")
    .description(
      "Run the agent host: chat web UI, management API and agents, with its own supervised " +
        "`hive daemon` (restarted with backoff if it dies). Prints the URL to open.",
    )
    .option("--port <n>", "HTTP port; 0 picks a free one (default: ports.http, 8787)")
    .option("--bind <addr>", "HTTP bind address (default 127.0.0.1; others need --api-token)")
    .option(
      "--api-token <token>",
      "token required on /api/*, /ws/chat and /agents/* (16+ characters; header or ?token=)",
    )
    .option("--agents-dir <dir>", "load agent modules (*.ts, *.js) from this folder")
    .option("--room <name...>", "chat rooms to join at start (default: general)")
    .option(
      "--data-dir <dir>",
      "data folder: identity, IPC token, daemon.json, host.json (default: data_dir)",
    )
    .option("--daemon-url <url>", "attach to a running daemon instead of starting one (ws://...)")
    .option("--daemon-token-file <file>", "that daemon's IPC token file (with --daemon-url)")
    .option("--p2p-listen <multiaddr...>", "daemon listen addresses (passed as --listen)")
    .option("--bootstrap <multiaddr...>", "daemon bootstrap peers (…/p2p/<peer-id>)")
    .option("--no-mdns", "daemon without mDNS discovery")
    .option("--json", "print the ready line as JSON")
    // `hive host agents --api-token T` must reach the subcommand, not this command's own flag.
    .enablePositionalOptions()
    .action(async (flags, cmd) => {
      const globals = _globals(cmd);
      const ctx = await load(cmd, "host");
      // Commander sets mdns=true by default for --no-mdns; only an explicit flag beats config.
      const mdnsFlag = cmd.getOptionValueSource("mdns") === "cli" ? flags.mdns : undefined;
      const run = hostRunOptions({ ...flags, mdns: mdnsFlag }, ctx.config);
      const logLevel = globals.logLevel ?? ctx.config.log.level;
      const { startHost } = await import("./host.ts");
      const host = await startHost({ run, logger: ctx.logger, logLevel, rbac: ctx.config.rbac });
      const stopped = Promise.withResolvers<string>();
      const listeners = (["SIGINT", "SIGTERM"] as const).map((signal) => {
        const listener = () => stopped.resolve(signal);
        Deno.addSignalListener(signal, listener);
        return () => Deno.removeSignalListener(signal, listener);
      });
      const link = host.daemon.status();
      const { dialableAddr } = await import("./host_file.ts");
      ctx.output.record({
        url: host.url,
        port: host.port,
        pid: Deno.pid,
        peer_id: link.peer_id,
        addrs: link.addrs,
        // What another host passes to --bootstrap: full multiaddrs ending in /p2p/<peer id>.
        p2p_addrs: link.addrs.map((a) => dialableAddr(a, link.peer_id)),
        daemon_pid: link.pid,
        agents: host.agents.list().map((a) => ({ name: a.name, state: a.state })),
      }, (r) =>
        [
          run.api_token
            ? `hive host ready: open ${r.url}?token=<your --api-token, percent-encoded>`
            : `hive host ready: open ${r.url}`,
          `  peer id:   ${r.peer_id}`,
          ...(r.p2p_addrs.length
            ? r.p2p_addrs.map((a, i) => `  ${i ? "          " : "bootstrap:"} ${a}`)
            : ["  bootstrap: none (no P2P listen address)"]),
          `  agents:    ${
            r.agents.length
              ? r.agents.map((a) => `${a.name} (${paintStatus(a.state)})`).join(", ")
              : "none"
          }`,
          `  stop with Ctrl-C`,
        ].join("\n"));
      const signal = await stopped.promise;
      for (const remove of listeners) remove();
      await host.stop(signal);
    });

  command.addHelpText(
    "after",
    `
Examples:
  hive host                                  chat UI on http://127.0.0.1:8787/, mDNS on
  hive host --port 0 --json                  any free port; one JSON ready line on stdout
  hive host --agents-dir ./agents            also load agent modules from ./agents
  hive host --bind 0.0.0.0 --api-token "$TOKEN"
  hive host --data-dir /tmp/a --no-mdns --p2p-listen /ip4/127.0.0.1/tcp/0 \\
            --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...
  hive host --daemon-url ws://127.0.0.1:9000/ --daemon-token-file ~/.local/share/hive/ipc.token
  hive host status --json                    the host of this data dir (host.json), else :8787
  hive host agents --url http://127.0.0.1:9999
  hive host agent stop chat

HTTP: GET / (chat), GET /remote-agents, WS /ws/chat, GET /healthz, GET /metrics, GET /api/status,
GET /api/agents, POST /api/agents/NAME/start|stop, agents' routes under /agents/NAME/.
With --api-token, open the page as http://HOST:PORT/?token=TOKEN (percent-encoded).
Config: the "host" section (bind, api_token, agents_dir, rooms, history, daemon_url,
daemon_token_file, agent_manager), ports.http and data_dir; env HIVE_HOST_API_TOKEN etc.`,
  );
  command.addCommand(_statusCommand(load));
  command.addCommand(_agentsCommand(load));
  command.addCommand(agent);
  return command;
}
