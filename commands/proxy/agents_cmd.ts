/**
 * `hive proxy agents list|spawn|rm|start|stop|restart|logs`: the command-line client of a running
 * proxy. The URL comes from `--api` (default `proxy.api`, http://127.0.0.1:8788), the key from
 * `HIVE_API_KEY` (never a flag, so it stays out of shell history and process lists). The client
 * is the orchestrator port's `ProxyOrchestrator`, the same one the host's remote agent manager
 * uses; its refusals are turned into CLI errors carrying the proxy's code and message.
 *
 * @module
 */
import { type ContextLoader, hiveCommand, type LoggingConfig } from "../../core/cli.ts";
import { HiveError, UsageError } from "../../core/errors.ts";
import { formatRecord, writeStdout } from "../../core/output.ts";
import type { ProxyConfig } from "./config.ts";

type _Load = ContextLoader<LoggingConfig & { data_dir: string; proxy: ProxyConfig }>;

function _pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag}: expected KEY=VALUE, got ${JSON.stringify(value)}`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

async function _client(command: { optsWithGlobals(): object }, load: _Load, api?: string) {
  const ctx = await load(command, "proxy");
  const { ProxyOrchestrator, OrchestratorError } = await import(
    "../../adapters/orchestrator/mod.ts"
  );
  const url = api ?? ctx.config.proxy.api;
  let client: InstanceType<typeof ProxyOrchestrator>;
  try {
    client = new ProxyOrchestrator({ url, key: Deno.env.get("HIVE_API_KEY") });
  } catch (error) {
    if (error instanceof OrchestratorError) {
      throw new UsageError(`--api: expected an http(s):// URL, got ${JSON.stringify(url)}`);
    }
    throw error;
  }
  return { ctx, client };
}

/** Run one client call; a refusal or an outage becomes a CLI error with the proxy's code. */
async function _call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { ProxyApiError } = await import("../../adapters/orchestrator/mod.ts");
    if (error instanceof ProxyApiError) {
      throw new HiveError(error.message, { code: error.code, cause: error });
    }
    throw error;
  }
}

function _sub(name: string, description: string, example: string) {
  return hiveCommand(name, `hive proxy agents ${name}`)
    .description(description)
    .option("--api <url>", "the proxy (default: proxy.api, http://127.0.0.1:8788)")
    .addHelpText("after", `\nThe key is read from HIVE_API_KEY.\n\nExamples:\n${example}`);
}

const _COLUMNS = [
  { header: "ID", value: (a: { id: string }) => a.id.slice(0, 16) },
  { header: "NAME", value: (a: { name: string }) => a.name },
  { header: "STATE", value: (a: { state: string }) => a.state },
  { header: "IMAGE", value: (a: { image: string }) => a.image },
  { header: "OWNER", value: (a: { owner: string }) => a.owner },
];

/** Build `hive proxy agents`. */
export function agentsCommand(load: _Load) {
  const agents = hiveCommand("agents", "hive proxy agents")
    .description("manage agents through a running proxy");

  agents.addCommand(
    _sub("list", "list agents", "  hive proxy agents list --label team=a --json")
      .option("--label <k=v...>", "only agents with this label (repeatable)")
      .option("--owner <key-name>", "only agents created with this key")
      .option("--state <state>", "created, running, stopped, exited")
      .action(async (flags, command) => {
        const { ctx, client } = await _client(command, load, flags.api);
        const list = await _call(() =>
          client.query({ label: flags.label, owner: flags.owner, state: flags.state })
        );
        ctx.output.table(list, _COLUMNS);
      }),
  );

  agents.addCommand(
    _sub(
      "spawn",
      "create and start an agent",
      "  hive proxy agents spawn box --image localhost/busybox:latest -- sh -c 'echo hi; sleep 60'\n" +
        "  hive proxy agents spawn echo --image /bin/sh --cmd -c 'echo hi; sleep 60'\n" +
        "  hive proxy agents spawn web --image localhost/busybox:latest --env PORT=8080 --json",
    )
      .argument("<name>", "agent name (a DNS label)")
      .argument("[command...]", "command and arguments, after -- (as in kubectl run)")
      .requiredOption("--image <image>", "container image (process orchestrator: a program)")
      .option("--env <k=v...>", "environment variable (repeatable)")
      .option("--label <k=v...>", "label (repeatable)")
      .option(
        "--cmd <args...>",
        "command and arguments; only the first may start with -, so prefer -- CMD ARGS...",
      )
      .option("--restart <policy>", "no, on-failure or always")
      .action(async (name, rest, flags, command) => {
        if (flags.cmd && rest.length) {
          throw new UsageError("give the command either after -- or with --cmd, not both");
        }
        const { ctx, client } = await _client(command, load, flags.api);
        const spec: Record<string, unknown> = { name, image: flags.image };
        if (flags.env) spec.env = _pairs(flags.env, "--env");
        if (flags.label) spec.labels = _pairs(flags.label, "--label");
        if (flags.cmd) spec.cmd = flags.cmd;
        else if (rest.length) spec.cmd = rest;
        if (flags.restart) spec.restart = flags.restart;
        const agent = await _call(() => client.spawn(spec as never));
        ctx.output.result(
          agent,
          (a) => formatRecord({ id: a.id, name: a.name, state: a.state, image: a.image }),
        );
      }),
  );

  agents.addCommand(
    _sub("rm", "stop and delete an agent", "  hive proxy agents rm 3f2a9c")
      .argument("<id>", "agent id")
      .action(async (id, flags, command) => {
        const { ctx, client } = await _client(command, load, flags.api);
        await _call(() => client.remove(id));
        ctx.output.result({ id, removed: true }, (r) => `removed ${r.id}`);
      }),
  );

  for (const action of ["start", "stop", "restart"] as const) {
    agents.addCommand(
      _sub(action, `${action} an agent`, `  hive proxy agents ${action} 3f2a9c --json`)
        .argument("<id>", "agent id")
        .action(async (id, flags, command) => {
          const { ctx, client } = await _client(command, load, flags.api);
          const agent = await _call(() => client.action(id, action));
          ctx.output.result(agent, (a) => `agent ${a.name} (${a.id}): ${a.state}`);
        }),
    );
  }

  agents.addCommand(
    _sub("logs", "print an agent's output", "  hive proxy agents logs 3f2a9c --tail 50 --follow")
      .argument("<id>", "agent id")
      .option("--follow", "keep printing new output until Ctrl-C")
      .option("--tail <n>", "only the last N lines")
      .action(async (id, flags, command) => {
        const { ctx, client } = await _client(command, load, flags.api);
        if (flags.tail !== undefined && !/^\d{1,6}$/.test(flags.tail)) {
          throw new UsageError(
            `--tail: expected a whole number, got ${JSON.stringify(flags.tail)}`,
          );
        }
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        Deno.addSignalListener("SIGINT", onSignal);
        try {
          const stream = await _call(() =>
            client.logs(id, {
              tail: flags.tail === undefined ? undefined : Number(flags.tail),
              follow: flags.follow ?? false,
              signal: stop.signal,
            })
          );
          const lines = stream.pipeThrough(new TextDecoderStream());
          let rest = "";
          try {
            for await (const chunk of lines) {
              if (!ctx.output.json) {
                writeStdout(chunk);
                continue;
              }
              const parts = (rest + chunk).split("\n");
              rest = parts.pop() ?? "";
              for (const line of parts) ctx.output.record({ id, line }, (r) => r.line);
            }
          } catch (error) {
            if (!stop.signal.aborted) throw error;
          }
          if (rest && ctx.output.json) ctx.output.record({ id, line: rest }, (r) => r.line);
        } finally {
          Deno.removeSignalListener("SIGINT", onSignal);
        }
      }),
  );
  return agents;
}
