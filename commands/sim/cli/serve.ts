/**
 * `hive sim serve RUN_DIR`: the orchestrator API and dashboard of a finished run, the same page
 * a live `hive sim run --api` shows, for any engine's run folder. Agent commands answer 409.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { flagInput, parseFlags } from "./flags.ts";

const _flagsSchema = z.object({
  RUN_DIR: z.string().min(1, { error: "expected a run folder" }),
  "--api": z.string().min(1).default("8390"),
  "--api-token": z.string().optional(),
});

/** Build `hive sim serve`. */
export function serveCommand(load: ContextLoader): Command {
  const cmd = hiveCommand("serve", "hive sim serve")
    .summary("serve a finished run's API and dashboard")
    .description(
      "Serve the orchestrator API and the dashboard of a finished run folder (any engine): " +
        "the charts and tables `hive sim run --api` shows live. Runs until Ctrl-C.",
    )
    .argument("<run_dir>", "run folder written by `hive sim run`")
    .option("--api <[addr:]port>", "where to listen (default 127.0.0.1:8390; 0: a free port)")
    .option("--api-token <token>", "bearer token the API requires (needed to bind non-loopback)")
    .option("--json", "the address as one JSON line on stdout");
  cmd.addHelpText(
    "after",
    `
Endpoints: GET / (dashboard), /api/status, /api/agents, /api/agents/{id}, /api/metrics
(Prometheus), /api/events?since=N (JSON, or text/event-stream), /api/series.

Examples:
  hive sim serve runs/ring-des                       then open http://127.0.0.1:8390/
  hive sim serve runs/ring-des --api 0.0.0.0:8390 --api-token "$TOKEN"

Exit codes: 0 stopped with Ctrl-C, 1 runtime failure (port taken), 2 bad flags or folder.`,
  );
  cmd.action(async (runDir, o, command) => {
    const f = parseFlags("hive sim serve", _flagsSchema, { RUN_DIR: runDir, ...flagInput(o) });
    const cli = await load(command, "sim-serve");
    const { parseApiAddress, checkApiBind, startSimApi } = await import("../api/server.ts");
    const { loadFinishedRun } = await import("../api/finished.ts");
    const address = parseApiAddress(f["--api"]);
    checkApiBind(address, f["--api-token"]);
    const { state, problems } = await loadFinishedRun(f.RUN_DIR);
    if (problems > 0) cli.logger.warn("some lines were skipped", { problems });
    const api = await startSimApi({
      ...address,
      token: f["--api-token"],
      state,
      control: () => null,
      logger: cli.logger,
    });
    cli.output.record(
      { type: "api", url: api.url, events: state.lastSeq },
      () => `hive sim serve: ${api.url}/ (${state.lastSeq} events; Ctrl-C stops)`,
    );
    const { promise, resolve } = Promise.withResolvers<void>();
    Deno.addSignalListener("SIGINT", resolve);
    Deno.addSignalListener("SIGTERM", resolve);
    try {
      await promise;
    } finally {
      Deno.removeSignalListener("SIGINT", resolve);
      Deno.removeSignalListener("SIGTERM", resolve);
      await api.close();
    }
  });
  return cmd as unknown as Command;
}
