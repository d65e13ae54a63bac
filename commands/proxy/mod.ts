/**
 * `hive proxy`: the secure agent API, the only process that touches a container engine. The
 * command itself runs the server; `hive proxy agents ...` is its client and `hive proxy keys add`
 * makes keys. Flags and help only: the server and the engines load inside the actions.
 *
 * @module
 */
import { type ContextLoader, hiveCommand, type LoggingConfig } from "../../core/cli.ts";
import { parseWith, UsageError } from "../../core/errors.ts";
import { intRange } from "../../core/config.ts";
import { agentsCommand } from "./agents_cmd.ts";
import { PROXY_ORCHESTRATORS, proxyBindSchema, type ProxyConfig } from "./config.ts";
import type { ProxyRunOptions } from "./run.ts";

/** The config sections `hive proxy` reads. */
export type ProxyCommandConfig = LoggingConfig & { data_dir: string; proxy: ProxyConfig };
type _Load = ContextLoader<ProxyCommandConfig>;

/** Flags of `hive proxy` itself. */
export interface ProxyFlags {
  port?: string;
  bind?: string;
  orchestrator?: string;
  stateDir?: string;
  keysFile?: string;
  policy?: string;
  dev?: boolean;
  dockerSocket?: string;
  kubeconfig?: string;
  namespace?: string;
}

function _usage(message: string): UsageError {
  return new UsageError(message);
}

function _stateDir(flags: { stateDir?: string }, config: ProxyCommandConfig): string {
  return flags.stateDir ?? config.proxy.state_dir ?? `${config.data_dir}/proxy`;
}

/** Merge flags over the config and validate (exported for tests). */
export function proxyRunOptions(
  flags: ProxyFlags,
  config: ProxyCommandConfig,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): ProxyRunOptions {
  const p = config.proxy;
  const port = flags.port === undefined
    ? p.port
    : /^\d{1,5}$/.test(flags.port)
    ? Number(flags.port)
    : flags.port;
  parseWith(intRange(0, 65535), port, { prefix: "--port", makeError: _usage });
  const bind = parseWith(proxyBindSchema, flags.bind ?? p.bind, {
    prefix: "--bind",
    makeError: _usage,
  });
  const orchestrator = flags.orchestrator ?? p.orchestrator;
  if (!PROXY_ORCHESTRATORS.includes(orchestrator as typeof PROXY_ORCHESTRATORS[number])) {
    throw _usage(
      `--orchestrator: expected one of ${PROXY_ORCHESTRATORS.join(", ")}, got ${
        JSON.stringify(orchestrator)
      }`,
    );
  }
  const stateDir = _stateDir(flags, config);
  return {
    port: port as number,
    bind,
    orchestrator: orchestrator as ProxyRunOptions["orchestrator"],
    stateDir,
    keysFile: flags.keysFile ?? p.keys_file ?? `${stateDir}/keys.yaml`,
    policy: flags.policy ?? p.policy,
    dev: flags.dev ?? false,
    dockerSocket: flags.dockerSocket ?? p.docker_socket,
    kubeconfig: flags.kubeconfig ?? p.kubeconfig,
    namespace: flags.namespace ?? p.namespace,
    envKeys: env.HIVE_PROXY_KEYS,
  };
}

function _keysCommand(load: _Load) {
  const add = hiveCommand("add", "hive proxy keys add")
    .description("make a new API key; prints it once (the keys file stores only its hash)")
    .argument("<name>", "the key's name (becomes hive.owner on what it creates)")
    .requiredOption("--scope <scope>", "read or write")
    .option("--keys-file <file>", "keys file (default: <state dir>/keys.yaml)")
    .option("--state-dir <dir>", "proxy state folder (default: <data_dir>/proxy)")
    .addHelpText(
      "after",
      "\nExamples:\n  hive proxy keys add ci --scope write\n  hive proxy keys add grafana --scope read --json | jq -r .key",
    )
    .action(async (name, flags, command) => {
      const ctx = await load(command, "proxy");
      if (flags.scope !== "read" && flags.scope !== "write") {
        throw _usage(`--scope: expected read or write, got ${JSON.stringify(flags.scope)}`);
      }
      const file = flags.keysFile ?? ctx.config.proxy.keys_file ??
        `${_stateDir(flags, ctx.config)}/keys.yaml`;
      const { addKeyToFile } = await import("./keys.ts");
      const key = await addKeyToFile(file, { name, scope: flags.scope });
      ctx.output.result(
        { name, scope: flags.scope, key, keys_file: file },
        (r) =>
          `${r.key}\n(key ${r.name}, scope ${r.scope}; shown once, stored hashed in ${r.keys_file})`,
      );
    });
  return hiveCommand("keys", "hive proxy keys").description("manage API keys").addCommand(add);
}

/**
 * Build `hive proxy` with its subcommands.
 *
 * @example
 * ```ts
 * program.addCommand(proxyCommand(load).summary("secure agent API"));
 * ```
 */
export function proxyCommand(load: _Load) {
  const command = hiveCommand("proxy", "hive proxy")
    .description(
      "The secure agent API: the only process that touches Docker, Kubernetes or local " +
        "processes. Clients authenticate with their own scoped key; policy checks every " +
        "request body; every change and refusal is audited; everything it creates is labelled.",
    )
    .option("--port <n>", "HTTP port; 0 picks a free one (default 8788)")
    .option("--bind <addr>", "bind address (default 127.0.0.1)")
    .option("--orchestrator <name>", "process (default), docker or kubernetes")
    .option("--state-dir <dir>", "state folder: keys, process agents (default <data_dir>/proxy)")
    .option("--keys-file <file>", "hashed keys file (default <state dir>/keys.yaml)")
    .option("--policy <file>", "policy YAML (default: the safe built-in policy)")
    .option("--dev", "run without keys, loopback only (prints a warning)")
    .option("--docker-socket <path>", "Docker engine socket (default /var/run/docker.sock)")
    .option("--kubeconfig <file>", "kubeconfig (default: the in-cluster service account)")
    .option("--namespace <ns>", "Kubernetes namespace of the agents")
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `
Keys: \`hive proxy keys add NAME --scope read|write\` prints a key once; or set
HIVE_PROXY_KEYS=name:scope:key,... Clients send it as "Authorization: Bearer KEY" or "X-API-Key".

Examples:
  hive proxy keys add ci --scope write      make a key (shown once)
  hive proxy                                serve on http://127.0.0.1:8788 with local processes
  hive proxy --orchestrator docker --policy fixtures/deploy/proxy/policy.yaml
  hive proxy --dev --port 0 --json          no keys, loopback only
  HIVE_API_KEY=... hive proxy agents list   the client`,
    )
    .action(async (flags, cmd) => {
      const ctx = await load(cmd, "proxy");
      const options = proxyRunOptions(flags, ctx.config);
      const { runProxy } = await import("./run.ts");
      await runProxy(options, ctx);
    });
  command.addCommand(_keysCommand(load));
  command.addCommand(agentsCommand(load));
  return command;
}
