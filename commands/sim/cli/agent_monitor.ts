/**
 * `hive sim agent monitor`: poll nodes and write `height`, `block` and `reorg` events.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { z } from "zod";
import { UsageError } from "../../../core/errors.ts";
import {
  addCommonFlags,
  commonFlagsShape,
  flagInput,
  hostNameFlag,
  intFlag,
  parseAgentFlags,
  positiveSecondsFlag,
  targetsFlag,
} from "./flags.ts";
import { runAgent } from "./run_agent.ts";
import type { EventSinkOptions } from "../agents/runtime.ts";

/** `NAME=tcp://IP:PORT,...`: the ZMQ publisher of each named host. */
const _zmqFlag = z.string().transform((text, ctx) => {
  const out: Record<string, string> = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(tcp:\/\/[^:/]+:\d{1,5})$/.exec(part);
    if (!m || !hostNameFlag.safeParse(m[1]).success) {
      ctx.addIssue({ code: "custom", message: `expected NAME=tcp://IP:PORT, got "${part}"` });
      return z.NEVER;
    }
    out[m[1]] = m[2];
  }
  return out;
});

/** Build `hive sim agent monitor`. */
export function monitorCommand(load: ContextLoader): Command {
  const cmd = addCommonFlags(
    hiveCommand("monitor", "hive sim agent monitor")
      .summary("poll nodes (writes `height`, `block`, `reorg` events)")
      .description(
        "Poll get_info on every node; write `height` events each poll, `block` events when a " +
          "node first has a block, `reorg` events when its chain replaced blocks. Event `height` " +
          "is the top block's height.",
      )
      .requiredOption(
        "--rpc <urls>",
        "comma-separated monerod RPC URLs, each optionally NAME=URL to name the host",
      )
      .option("--interval <d>", "wall time between polls, e.g. 500ms (default 1s)")
      .option("--out-dir <dir>", "write each host's events to DIR/<host>/monitor.ndjson instead")
      .option(
        "--zmq <list>",
        "NAME=tcp://IP:PORT,... monerod ZMQ publishers (--zmq-pub): read a node when it changes",
      )
      .option("--max-polls <n>", "stop after N polls"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent monitor --rpc http://127.0.0.2:18081,http://127.0.0.3:18081 --interval 1s \\
    --out heights.ndjson
  hive sim agent monitor --rpc a=http://127.0.0.2:18081,b=http://127.0.0.3:18081 --out-dir run/hosts`,
  );
  return cmd.action(async (o, command) => {
    const { runMonitor } = await import("../agents/monitor.ts");
    const { MonerodRpc } = await import("../../../adapters/engine/local/rpc.ts");
    const f = parseAgentFlags(
      "monitor",
      z.object({
        ...commonFlagsShape,
        "--rpc": targetsFlag,
        "--interval": positiveSecondsFlag.default(1),
        "--out-dir": z.string().min(1).optional(),
        "--max-polls": intFlag(1).optional(),
        "--zmq": _zmqFlag.optional(),
      }),
      flagInput(o),
    );
    if (f["--out-dir"] && f["--out"]) {
      throw new UsageError("hive sim agent monitor: give --out or --out-dir, not both");
    }
    const sink: EventSinkOptions = f["--out-dir"]
      ? { dir: f["--out-dir"], fileName: "monitor.ndjson" }
      : { path: f["--out"] };
    await runAgent({
      kind: "monitor",
      load,
      command,
      common: f,
      sink,
      body: async (ctx) => ({
        ...await runMonitor(ctx, {
          targets: f["--rpc"].map((t) => ({
            host: t.host,
            rpc: new MonerodRpc({ url: t.url, signal: ctx.signal }),
          })),
          intervalS: f["--interval"],
          maxPolls: f["--max-polls"],
          zmq: f["--zmq"],
        }),
      }),
    });
  }) as unknown as Command;
}
