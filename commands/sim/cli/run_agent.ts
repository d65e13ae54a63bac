/**
 * The plumbing every `hive sim agent` subcommand runs its loop in: CLI context and logger,
 * run clock, event sink and a stop signal fed by SIGINT/SIGTERM and `--duration`.
 *
 * @module
 */
import type { ContextLoader } from "../../../core/cli.ts";
import type { Logger } from "../../../core/logger.ts";
import type { CommonFlags } from "./flags.ts";
import {
  type AgentContext,
  createEventSink,
  type EventSinkOptions,
  RunClock,
  stopOnSignals,
} from "../agents/runtime.ts";

/** Options for {@link runAgent}. */
export interface RunAgentOptions {
  /** Agent kind, for the log component `sim-agent-<kind>`. */
  kind: string;
  /** Builds the CLI context (logger, config) from the root flags. */
  load: ContextLoader;
  /** The agent's command, whose root flags the context is built from. */
  command: { optsWithGlobals(): object };
  /** The validated shared flags. */
  common: CommonFlags;
  /** Where events go. Default: the `--out` file, or stdout without it. */
  sink?: EventSinkOptions;
  /** The agent loop; its result is logged when it ends. */
  body: (ctx: AgentContext) => Promise<Record<string, unknown>>;
}

/** Run one agent loop with the shared plumbing: logger, clock, sink, stop signal. */
export async function runAgent(options: RunAgentOptions): Promise<void> {
  const { kind, common, body } = options;
  const cli = await options.load(options.command, `sim-agent-${kind}`);
  const logger: Logger = cli.logger.child(common["--host"] ? { host: common["--host"] } : {});
  const stop = stopOnSignals(
    logger,
    common["--duration"] !== undefined ? common["--duration"] * 1000 : undefined,
  );
  const events = createEventSink(options.sink ?? { path: common["--out"] });
  try {
    const result = await body({
      logger,
      events,
      clock: new RunClock(common["--t0"]),
      signal: stop.signal,
    });
    logger.info("agent finished", result);
  } catch (error) {
    // A call cut short by SIGINT/SIGTERM is a normal stop, not a failure.
    if (!stop.signal.aborted) throw error;
    logger.info("agent stopped during a call", { error });
  } finally {
    stop.dispose();
    events.close();
  }
}
