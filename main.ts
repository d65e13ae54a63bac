/**
 * `hive`: one executable carrying the agent ecosystem. This file only assembles the root command
 * and the subcommands, and maps errors to exit codes.
 *
 * @module
 */
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { daemonCommand } from "./commands/daemon/mod.ts";
import { hostCommand } from "./commands/host/mod.ts";
import { hapCommand } from "./commands/hap/mod.ts";
import { proxyCommand } from "./commands/proxy/mod.ts";
import { hiveFleetCommand } from "./commands/hive/mod.ts";
import denoConfig from "./deno.json" with { type: "json" };
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  exitCodeFor,
  HiveError,
  humanMessage,
} from "./core/errors.ts";
import { LOG_LEVELS } from "./core/logger.ts";
import { paint, writeStdout } from "./core/output.ts";
import { simCommand } from "./commands/sim/mod.ts";
import { hiveConfigSchema } from "./config_schema.ts";
import { contextLoader } from "./core/cli.ts";
import { completionCommand } from "./commands/completion/mod.ts";
import { docsCommand } from "./commands/docs/mod.ts";
import { commanderMessage, prepareTree, rejectUnknownCommands } from "./core/cli_tree.ts";

/** The program's version, from deno.json. */
export const VERSION: string = denoConfig.version;

/** Version details printed by `hive --version`. */
export function versionInfo(): Record<string, string> {
  return {
    name: "hive",
    version: VERSION,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    target: Deno.build.target,
  };
}

/** Build the root command with every subcommand registered. */
export function buildProgram(): Command<[], { json?: true; version?: true }> {
  const load = contextLoader(hiveConfigSchema);
  const program = new Command("hive")
    .description(
      "One executable for a whole agent ecosystem: an agent host with a chat UI, a libp2p " +
        "daemon, and Monero network simulation.",
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

function _isDebug(argv: string[]): boolean {
  const i = argv.indexOf("--log-level");
  return (i >= 0 && argv[i + 1] === "debug") || argv.includes("--log-level=debug");
}

const _GLOBAL_SWITCHES = new Set(["--json"]);
const _GLOBAL_VALUED = new Set(["--log-level", "--log-format", "--config"]);

/**
 * Move the global flags to the front so `hive sim analyze DIR --json` means the same as
 * `hive --json sim analyze DIR`. The root parses its options positionally (before the
 * subcommand) so that subcommands may own flags of their own with other names.
 */
export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const globals: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const name = arg.split("=", 1)[0];
    if (_GLOBAL_SWITCHES.has(arg)) globals.push(arg);
    else if (_GLOBAL_VALUED.has(name) && arg.includes("=")) globals.push(arg);
    else if (_GLOBAL_VALUED.has(arg) && i + 1 < argv.length) globals.push(arg, argv[++i]);
    else rest.push(arg);
  }
  return [...globals, ...rest];
}

/** Run the CLI with `argv` and return the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  argv = hoistGlobalFlags(argv);
  const json = argv.includes("--json");
  prepareTree(program, { json });
  try {
    rejectUnknownCommands(program, argv);
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    // `hive ... | head -0`: the reader left; like other Unix tools, end quietly.
    if (error instanceof Deno.errors.BrokenPipe) return EXIT_OK;
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
        error.code === "commander.help"
      ) return EXIT_OK;
      if (json) _printJsonError("usage", commanderMessage(error.message), EXIT_USAGE);
      return EXIT_USAGE;
    }
    const code = exitCodeFor(error);
    const message = humanMessage(error);
    if (json) _printJsonError(error instanceof HiveError ? error.code : "failure", message, code);
    else console.error(`${paint("red", "hive:", "stderr")} ${message}`);
    if (_isDebug(argv) && error instanceof Error && error.stack) console.error(error.stack);
    return code === EXIT_OK ? EXIT_FAILURE : code;
  }
}

function _printJsonError(kind: string, message: string, exit: number): void {
  console.error(JSON.stringify({ error: { code: kind, message, exit } }));
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
