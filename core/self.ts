/**
 * How to start this same program again as a child: the compiled binary runs itself; from source
 * or from the bundle, the Deno executable runs the main module with all permissions.
 *
 * @module
 */

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

/** `selfCommand()` as one argv array: executable first. */
export function selfArgv(...subcommand: string[]): string[] {
  const self = selfCommand();
  return [self.cmd, ...self.args, ...subcommand];
}
