/**
 * `hive sim agent reaper`: started by the local engine, not by people (hidden from help).
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { parseFlags } from "./flags.ts";

const _flags = z.strictObject({
  children: z.string().min(1),
  parent: z.coerce.number().int().min(2, { error: "expected a pid >= 2" }),
});

/** Build the hidden `hive sim agent reaper`. */
export function reaperCommand(load: ContextLoader): Command {
  return hiveCommand("reaper", "hive sim agent reaper")
    .description(
      "Stop a local run's processes (listed in --children) if the run (--parent) dies without " +
        "stopping them. Started by `hive sim run --engine local`.",
    )
    .requiredOption("--children <file>", "JSON file {pids: [...]} kept by the run")
    .requiredOption("--parent <pid>", "pid of the run to watch")
    .action(async (flags, command) => {
      const { runReaper } = await import("../../../adapters/engine/local/reaper.ts");
      const parsed = parseFlags("hive sim agent reaper", _flags, flags);
      const ctx = await load(command, "sim-reaper");
      await runReaper({
        childrenFile: parsed.children,
        parentPid: parsed.parent,
        logger: ctx.logger,
      });
    });
}
