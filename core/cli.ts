/**
 * What every subcommand needs from the global flags: output mode, a logger and the loaded
 * configuration.
 *
 * @module
 */
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
}

/**
 * Load configuration and build output and logger. Flags beat env, env beats the file.
 * Logs go to stderr and, when `log.file` is set, also to that file.
 */
export async function createCliContext<S extends z.ZodType<LoggingConfig>>(
  globals: GlobalOptions,
  schema: S,
  component: string,
): Promise<CliContext<z.output<S>>> {
  const { config, source } = await loadConfig(schema, { path: globals.config });
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
  return {
    globals,
    output: new Output({ json: globals.json ?? false }),
    logger,
    config,
    configSource: source,
  };
}
