/**
 * What every subcommand needs from the global flags: output mode, a logger and the loaded
 * configuration.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { z } from "zod";
import { loadConfig } from "./config.ts";
import {
  createLogger,
  fileSink,
  type LogFormat,
  type Logger,
  type LogLevel,
  stderrSink,
} from "./logger.ts";
import { Output } from "./output.ts";

/** Flags accepted by the root command and inherited by every subcommand. */
export interface GlobalOptions {
  json?: boolean;
  logLevel?: LogLevel;
  logFormat?: LogFormat | "auto";
  config?: string;
}

/** `auto` becomes `pretty` when stderr is a terminal and `json` otherwise. */
export function resolveLogFormat(
  format: LogFormat | "auto",
  stderrIsTerminal: boolean = Deno.stderr.isTerminal(),
): LogFormat {
  if (format !== "auto") return format;
  return stderrIsTerminal ? "pretty" : "json";
}

/** Config fields the CLI context reads itself. */
export interface LoggingConfig {
  log: {
    level: LogLevel;
    format: LogFormat | "auto";
    file: string | null;
    max_bytes: number;
    max_files: number;
  };
}

/** Everything a subcommand action starts from. */
export interface CliContext<C> {
  globals: GlobalOptions;
  output: Output;
  logger: Logger;
  config: C;
  /** Config file read, or null. */
  configSource: string | null;
  /** This program's version (for captions, records and `User-Agent`s). */
  version: string;
}

/**
 * Load configuration and build output and logger. Flags beat env, env beats the file.
 * Logs go to stderr and, when `log.file` is set, also to that file.
 */
export async function createCliContext<S extends z.ZodType<LoggingConfig>>(
  globals: GlobalOptions,
  schema: S,
  component: string,
  version = "unknown",
): Promise<CliContext<z.output<S>>> {
  const { config, source, envMisspelt } = await loadConfig(schema, { path: globals.config });
  const log = (config as LoggingConfig).log;
  const sinks = [stderrSink()];
  if (log.file) {
    sinks.push(fileSink({ path: log.file, maxBytes: log.max_bytes, maxFiles: log.max_files }));
  }
  const logger = createLogger({
    level: globals.logLevel ?? log.level,
    format: resolveLogFormat(globals.logFormat ?? log.format),
    sinks,
  }).child({ component });
  for (const { name, suggestion } of envMisspelt) {
    logger.warn(`${name} is not a hive setting; did you mean ${suggestion}?`, { env: name });
  }
  return {
    globals,
    output: new Output({ json: globals.json ?? false }),
    logger,
    config,
    configSource: source,
    version,
  };
}

/**
 * Builds the {@link CliContext} of one component. `main.ts` makes it once over the whole-file
 * config schema and hands it to every subcommand, so no command needs to know the other
 * commands' config sections (each declares only the sections it reads in `C`).
 */
export type ContextLoader<C extends LoggingConfig = LoggingConfig> = (
  command: { optsWithGlobals(): object },
  component: string,
) => Promise<CliContext<C>>;

/**
 * The {@link ContextLoader} over one config schema, or over a function that loads it on first
 * use (so commands that read no config never build it).
 *
 * @example
 * ```ts
 * const load = contextLoader(hiveConfigSchema);
 * // in an action: const ctx = await load(command, "sim");
 * ```
 */
export function contextLoader<S extends z.ZodType<LoggingConfig>>(
  schema: S | (() => Promise<S>),
  options: { version?: string } = {},
): ContextLoader<z.output<S>> {
  return async (command, component) =>
    createCliContext(
      command.optsWithGlobals() as GlobalOptions,
      typeof schema === "function" ? await schema() : schema,
      component,
      options.version,
    );
}

/**
 * A subcommand with hive's usual behaviour: errors raise instead of exiting (so `main.ts` maps
 * them to exit codes), a misspelt name gets a suggestion, and the error ends with a pointer to
 * the command's own `--help`.
 *
 * @param name the command's name, e.g. `"validate"`
 * @param path how a user types it, for the help hint, e.g. `"hive sim validate"`
 * @example
 * ```ts
 * const cmd = hiveCommand("validate", "hive sim validate").argument("<file>");
 * ```
 */
export function hiveCommand(name: string, path: string): Command {
  return new Command(name)
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(`(run \`${path} --help\` for usage)`);
}
