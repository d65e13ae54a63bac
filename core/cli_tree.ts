/**
 * The command tree as data: every command with its path, flags and subcommands, and the checks
 * commander does not make on a tree whose commands have both an action and subcommands (an
 * unknown word after `hive` or `hive host` is an unknown command, not "too many arguments").
 * Completion scripts and the command reference are generated from the same walk, so they can
 * never miss a command.
 *
 * @example
 * ```ts
 * import { commandPaths } from "./cli_tree.ts";
 * for (const node of commandPaths(program)) console.log(node.path.join(" "));
 * ```
 * @module
 */
import type { CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { paint } from "./output.ts";

/** One command of the tree, with what completion and docs need. */
export interface CommandNode {
  /** Names from the root: `["hive", "sim", "validate"]`. */
  path: string[];
  /** The commander command. */
  command: CommandUnknownOpts;
  /** Visible subcommand names. */
  subcommands: string[];
  /** Visible flags (long and short forms). */
  flags: string[];
}

function _visible(command: CommandUnknownOpts): CommandUnknownOpts[] {
  return command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

/** Every visible command, depth first, the root included. */
export function commandPaths(root: CommandUnknownOpts): CommandNode[] {
  const out: CommandNode[] = [];
  const visit = (command: CommandUnknownOpts, path: string[]) => {
    const options = command.options.filter((o) => !o.hidden) as Option[];
    const flags = options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
    flags.push("--help");
    out.push({ path, command, subcommands: _visible(command).map((c) => c.name()), flags });
    for (const sub of _visible(command)) visit(sub, [...path, sub.name()]);
  };
  visit(root, [root.name()]);
  return out;
}

/** Apply `fn` to every command of the tree, hidden ones included. */
export function eachCommand(
  root: CommandUnknownOpts,
  fn: (command: CommandUnknownOpts) => void,
): void {
  fn(root);
  for (const sub of root.commands) eachCommand(sub, fn);
}

function _takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/**
 * Turn `help` followed by a command path into that command's `--help`, at any depth:
 * `hive help sim run` and `hive sim help run` both become `hive sim run --help`. Commander's own
 * help command looks at one word only and would show `hive sim`'s help. Anything else (no
 * `help` word, or a flag after it) is returned unchanged; a word naming no command is commander's
 * "unknown command" error with its suggestion.
 *
 * @example
 * ```ts
 * expandHelpWord(program, ["help", "daemon", "status"]); // ["daemon", "status", "--help"]
 * ```
 */
export function expandHelpWord(root: CommandUnknownOpts, argv: readonly string[]): string[] {
  const stop = _descend(root, argv);
  // `help help` is commander's own (the help command's help).
  if (!stop || argv[stop.index] !== "help" || argv[stop.index + 1] === "help") return [...argv];
  const path: string[] = [];
  let target = stop.command;
  for (const word of argv.slice(stop.index + 1)) {
    if (word.startsWith("-")) return [...argv];
    const next = _subcommand(target, word);
    if (!next) _unknown(target, word);
    path.push(word);
    target = next;
  }
  if (path.length < 2) return [...argv]; // commander's own help command handles one word
  return [...argv.slice(0, stop.index), ...path, "--help"];
}

/**
 * Follow `argv` down the tree, past flags and their values, to the first word that names no
 * subcommand: that word's index and the command it was given to. Null when the walk ends first
 * (the words run out, `--`, or a command that takes arguments or has no subcommands).
 */
function _descend(
  root: CommandUnknownOpts,
  argv: readonly string[],
): { command: CommandUnknownOpts; index: number } | null {
  let command = root;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return null;
    if (arg.startsWith("-") && arg.length > 1) {
      i = _afterOption(command, argv, i);
      continue;
    }
    if (command.commands.length === 0 || command.registeredArguments.length > 0) return null;
    const sub = _subcommand(command, arg);
    if (!sub) return { command, index: i };
    command = sub;
  }
  return null;
}

/** The index of the last word the flag at `argv[i]` takes (its values), as commander reads it. */
function _afterOption(command: CommandUnknownOpts, argv: readonly string[], i: number): number {
  const arg = argv[i];
  const name = arg.split("=", 1)[0];
  const option = (command.options as Option[]).find((o) => o.long === name || o.short === name);
  if (!option || arg.includes("=") || !_takesValue(option)) return i;
  if (option.variadic) {
    while (i + 1 < argv.length && !argv[i + 1].startsWith("-")) i++;
  } else if (option.required || (i + 1 < argv.length && !argv[i + 1].startsWith("-"))) i++;
  return i;
}

function _subcommand(command: CommandUnknownOpts, name: string): CommandUnknownOpts | undefined {
  return command.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/**
 * Walk `argv` down the tree and raise commander's "unknown command" error (with its suggestion)
 * at the first word that names no subcommand of a command that takes no arguments of its own.
 * Commander reports such a word as "too many arguments" when the command also has an action,
 * and shows the parent's help when `--help` follows it.
 */
export function rejectUnknownCommands(root: CommandUnknownOpts, argv: readonly string[]): void {
  const stop = _descend(root, argv);
  if (!stop) return;
  const arg = argv[stop.index];
  if (arg === "help") {
    const target = argv[stop.index + 1];
    // `help help` is commander's own: the help command's help.
    if (target === undefined || target.startsWith("-") || target === "help") return;
    if (_subcommand(stop.command, target)) return;
    _unknown(stop.command, target);
  }
  _unknown(stop.command, arg);
}

function _unknown(command: CommandUnknownOpts, name: string): never {
  // Commander's own message and "Did you mean" suggestion; `unknownCommand` reads `args[0]`.
  const internal = command as unknown as { args: string[]; unknownCommand(): never };
  internal.args = [name];
  internal.unknownCommand();
  throw new Error(`unknown command '${name}'`); // not reached: unknownCommand throws (exitOverride)
}

/**
 * Give every command of the tree hive's error path: commander's own error lines start with
 * `hive:` like ours (or are left to the caller in JSON mode, which prints one JSON document),
 * every command with subcommands answers `help [command]`, and mandatory flags say
 * "(required)" in help.
 */
export function prepareTree(root: CommandUnknownOpts, options: { json: boolean }): void {
  eachCommand(root, (command) => {
    if (command.commands.length > 0) command.helpCommand(true);
    for (const option of command.options as Option[]) {
      // Commander lists a mandatory option like any other; say so where people read.
      if (option.mandatory && !option.description.endsWith("(required)")) {
        option.description = `${option.description} (required)`;
      }
    }
    command.configureOutput({
      outputError: (text, write) => {
        if (!options.json) {
          write(`${paint("red", "hive:", "stderr")} ${text.replace(/^error: /, "")}`);
        }
      },
      writeErr: (text) => {
        if (!options.json) Deno.stderr.writeSync(new TextEncoder().encode(text));
      },
    });
  });
}

/** Commander's error text as one line without its `error:` prefix. */
export function commanderMessage(message: string): string {
  return message.replace(/^error: /, "").split("\n").map((l) => l.trim()).filter(Boolean)
    .join(" ");
}
