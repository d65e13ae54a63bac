/**
 * The command tree: the root command and every subcommand, each built by its own
 * `commands/<name>/mod.ts`. `main.ts` loads this module only when it has something to parse.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { daemonCommand } from "./commands/daemon/mod.ts";
import { hostCommand } from "./commands/host/mod.ts";
import { hapCommand } from "./commands/hap/mod.ts";
import { proxyCommand } from "./commands/proxy/mod.ts";
import { hiveFleetCommand } from "./commands/hive/mod.ts";
import { simCommand } from "./commands/sim/mod.ts";
import { completionCommand } from "./commands/completion/mod.ts";
import { docsCommand } from "./commands/docs/mod.ts";
import { contextLoader } from "./core/cli.ts";
import { LOG_LEVELS } from "./core/logger.ts";
import { writeStdout } from "./core/output.ts";
import { VERSION, versionInfo } from "./version.ts";

/** Build the root command with every subcommand registered. */
export function buildProgram(): Command<[], { json?: true; version?: true }> {
  // The whole-file config schema is built on first use: `--help` and `--version` need none of it.
  const load = contextLoader(
    async () => (await import("./config_schema.ts")).hiveConfigSchema,
    { version: VERSION },
  );
  const program = new Command("hive")
    .description(
      "One executable for a whole agent ecosystem: an agent host with a chat UI, a human " +
        "portal, a libp2p daemon, a secure agent API, Monero network simulation and a " +
        "Lightning fleet.",
    )
    .option("--json", "machine output: one JSON document on stdout (NDJSON for streams)")
    .addOption(
      new Option("--log-level <level>", "lowest log level written to stderr").choices(LOG_LEVELS),
    )
    .addOption(new Option(
      "--log-format <format>",
      "log lines: json (NDJSON), pretty, or auto (pretty on a terminal; the default)",
    ).choices(["auto", "json", "pretty"]))
    .option(
      "--config <file>",
      "YAML config file (default: $HIVE_CONFIG, then ~/.config/hive/config.yaml)",
    )
    .option("-V, --version", "print the version and exit")
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `hive --help` for usage)")
    .enablePositionalOptions()
    .action((options, command) => {
      if (options.version) {
        const info = versionInfo();
        writeStdout(
          options.json ? JSON.stringify(info) + "\n" : `hive ${info.version} (deno ${info.deno})\n`,
        );
        return;
      }
      writeStdout(command.helpInformation());
    });
  program.addCommand(
    hostCommand(load).summary("agent host: chat web UI, management API, agents, supervised daemon"),
  );
  program.addCommand(
    hapCommand(load).summary(
      "human agent portal: a person on the mesh with a signed identity and role",
    ),
  );
  program.addCommand(
    daemonCommand(load).summary("libp2p node (gossipsub, discovery, identity) behind JSON IPC"),
  );
  program.addCommand(
    simCommand(load).summary(
      "Monero network simulation: scenarios, Shadow configs, engines, analysis",
    ),
  );
  program.addCommand(
    proxyCommand(load).summary(
      "secure agent API: scoped keys, policy, audit; Docker, Kubernetes, processes",
    ),
  );
  program.addCommand(
    hiveFleetCommand(load).summary("Lightning fleet coordination (cl-hive protocol) on simnet"),
  );
  program.addCommand(completionCommand());
  program.addCommand(docsCommand(VERSION));
  program.addHelpText(
    "after",
    `
Examples:
  hive host                                   chat UI on http://127.0.0.1:8787/ with its own daemon
  hive daemon status --json                   the local daemon's peers, topics and queue drops
  hive sim run fixtures/scenarios/ring.yaml --engine des --out runs/ring
  hive sim analyze runs/ring --json | jq .    metrics of a run
  hive --version --json                       version details as JSON
  hive <command> --help                       flags and examples of one command
  hive --log-level debug <command>            more detail (and stack traces) on stderr

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.`,
  );
  program.exitOverride();
  return program;
}
