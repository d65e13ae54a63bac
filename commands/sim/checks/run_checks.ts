/**
 * The checks around one `hive sim run`: a {@link CheckRunner} fed live where the engine hands
 * out its events (DES), else from the finished folder; verdicts written to `checks.ndjson` in
 * the run folder (which `analyze` reads) and passed to the API's state for the dashboard.
 *
 * @module
 */
import type { RunEvent } from "../../../adapters/engine/types.ts";
import { loadRun } from "../analyze/load.ts";
import type { ChecksConfig } from "./config.ts";
import { type CheckOutcome, CheckRunner } from "./runner.ts";

/** File of check verdicts in a run folder. */
export const CHECKS_FILE = "checks.ndjson";

/** A run's checks. */
export interface RunChecks {
  /** Give every live event here. */
  observe(event: RunEvent): void;
  /** Judge at the end (reads the folder when nothing came live) and write `checks.ndjson`. */
  finish(outDir: string, endTs: number): Promise<CheckOutcome[]>;
}

/** Set up the checks of a run; `onVerdict` gets each `check` event as it is made. */
export function runChecks(
  config: ChecksConfig,
  hosts: { name: string; kind: string }[],
  onVerdict: (event: RunEvent) => void,
): RunChecks {
  const verdicts: RunEvent[] = [];
  const runner = new CheckRunner(config, hosts, (e) => {
    verdicts.push(e);
    onVerdict(e);
  });
  return {
    observe: (e) => runner.observe(e),
    async finish(outDir, endTs) {
      if (runner.observed === 0) {
        // Engines that log to files (local, shadow): read them back in time order.
        const run = await loadRun({ dir: outDir });
        const events = run.events.map((e, i) => ({ e, i })).sort((a, b) =>
          a.e.ts - b.e.ts || a.i - b.i
        );
        for (const { e } of events) runner.observe(e);
      }
      const outcomes = runner.finish(endTs);
      await Deno.writeTextFile(
        `${outDir}/${CHECKS_FILE}`,
        verdicts.map((v) => JSON.stringify(v) + "\n").join(""),
      );
      return outcomes;
    },
  };
}
