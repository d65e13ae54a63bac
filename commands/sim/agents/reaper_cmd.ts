/**
 * `hive sim agent reaper`: started by the local engine, not by people (hidden from help).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { createCliContext, type GlobalOptions } from "../../../core/cli.ts";
import { parseWith, UsageError } from "../../../core/errors.ts";
import { hiveConfigSchema } from "../../config_schema.ts";
import { runReaper } from "./reaper.ts";

const _flags = z.strictObject({
  children: z.string().min(1),
  parent: z.coerce.number().int().min(2, { error: "expected a pid >= 2" }),
});

/** Build the hidden `hive sim agent reaper`. */
export function reaperCommand(): Command {
  return new Command("reaper")
    .description(
      "Stop a local run's processes (listed in --children) if the run (--parent) dies without " +
        "stopping them. Started by `hive sim run --engine local`.",
    )
    .requiredOption("--children <file>", "JSON file {pids: [...]} kept by the run")
    .requiredOption("--parent <pid>", "pid of the run to watch")
    .exitOverride()
    .action(async (flags, command) => {
      const parsed = parseWith(_flags, flags, {
        what: "hive sim agent reaper",
        makeError: (message) => new UsageError(message),
      });
      const globals = command.optsWithGlobals() as GlobalOptions;
      const ctx = await createCliContext(globals, hiveConfigSchema, "sim-reaper");
      await runReaper({
        childrenFile: parsed.children,
        parentPid: parsed.parent,
        logger: ctx.logger,
      });
    });
}
