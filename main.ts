/**
 * `hive`: one executable carrying the agent ecosystem. This file only runs the command tree
 * (`program.ts`) and maps errors to exit codes. `hive --version` is answered before the tree
 * is loaded, so it costs a runtime start and little more.
 *
 * @module
 */
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  exitCodeFor,
  HiveError,
  humanMessage,
} from "./core/errors.ts";
import { paint, writeStdout } from "./core/output.ts";
import { versionInfo } from "./version.ts";

export { VERSION, versionInfo } from "./version.ts";

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
  argv = hoistGlobalFlags(argv);
  const json = argv.includes("--json");
  if (argv.length > 0 && argv.every((a) => a === "--json" || a === "--version" || a === "-V")) {
    if (argv.includes("--version") || argv.includes("-V")) {
      const info = versionInfo();
      writeStdout(
        json ? JSON.stringify(info) + "\n" : `hive ${info.version} (deno ${info.deno})\n`,
      );
      return EXIT_OK;
    }
  }
  const [{ buildProgram }, { CommanderError }, tree] = await Promise.all([
    import("./program.ts"),
    import("@commander-js/extra-typings"),
    import("./core/cli_tree.ts"),
  ]);
  const { commanderMessage, expandHelpWord, prepareTree, rejectUnknownCommands } = tree;
  const program = buildProgram();
  prepareTree(program, { json });
  try {
    argv = expandHelpWord(program, argv);
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
