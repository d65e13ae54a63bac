/**
 * How to start this same program again as a child: the compiled binary runs itself; from source
 * or from the bundle, the Deno executable runs the main module with all permissions.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";

/** A command line: the executable and its leading arguments. */
export interface SelfCommand {
  /** Executable path. */
  cmd: string;
  /** Arguments to put before the subcommand's own. */
  args: string[];
}

/**
 * The command that runs `hive` again. `HIVE_BIN` (a path to a compiled `hive`) overrides the
 * detection, for setups where the child should be a different build.
 */
export function selfCommand(
  env: { HIVE_BIN?: string } = { HIVE_BIN: Deno.env.get("HIVE_BIN") },
): SelfCommand {
  if (env.HIVE_BIN) return { cmd: env.HIVE_BIN, args: [] };
  if (Deno.build.standalone) return { cmd: Deno.execPath(), args: [] };
  return {
    cmd: Deno.execPath(),
    args: ["run", "--allow-all", "--no-prompt", "--quiet", Deno.mainModule],
  };
}

/**
 * V8 settings for long-running children (`hive daemon`, `hive sim agent`), chosen by measurement
 * (README, Performance): the daemon's latency tail was its major garbage collections, above all
 * V8's memory reducer, which shrinks the heap ~8 s after activity drops with a 40 ms pause. A
 * 4 MB semi-space and a 128 MB initial old space as well doubled the p99 under steady load.
 * `deno task compile` bakes the same list into the binary (`deno compile --v8-flags`).
 */
export const CHILD_V8_FLAGS: readonly string[] = ["--no-memory-reducer"];

/** The environment variable that replaces {@link CHILD_V8_FLAGS}; empty means none. */
export const CHILD_V8_FLAGS_ENV = "HIVE_DAEMON_V8_FLAGS";

/**
 * The V8 flags for a long-running child: `HIVE_DAEMON_V8_FLAGS` when set (comma- or
 * space-separated; an empty value turns them off), else {@link CHILD_V8_FLAGS}.
 * Throws a `ConfigError` naming the variable and the value when a word is not a `--flag`.
 */
export function childV8Flags(value = Deno.env.get(CHILD_V8_FLAGS_ENV)): string[] {
  if (value === undefined) return [...CHILD_V8_FLAGS];
  const flags = value.split(/[\s,]+/).filter((f) => f !== "");
  const bad = flags.find((f) => !/^--[a-z0-9_-]+(=[^\s,]+)?$/i.test(f));
  if (bad !== undefined) {
    throw new ConfigError(
      `${CHILD_V8_FLAGS_ENV}: expected V8 flags such as --max-semi-space-size=4, got ` +
        JSON.stringify(bad.slice(0, 80)),
    );
  }
  return flags;
}

/**
 * `argv` with `--v8-flags=...` after `deno run` (from source or the bundle). A compiled binary
 * is returned as it is: it takes no runtime flags and carries those it was compiled with.
 * Does nothing when `argv` already sets V8 flags or `flags` is empty.
 */
export function withV8Flags(argv: readonly string[], flags: readonly string[]): string[] {
  const isDenoRun = !Deno.build.standalone && argv[0] === Deno.execPath() && argv[1] === "run";
  if (!isDenoRun || flags.length === 0 || argv.some((a) => a.startsWith("--v8-flags"))) {
    return [...argv];
  }
  return [argv[0], "run", `--v8-flags=${flags.join(",")}`, ...argv.slice(2)];
}

/** `selfCommand()` as one argv array, executable first, with {@link childV8Flags}. */
export function selfArgv(...subcommand: string[]): string[] {
  const self = selfCommand();
  return withV8Flags([self.cmd, ...self.args, ...subcommand], childV8Flags());
}
