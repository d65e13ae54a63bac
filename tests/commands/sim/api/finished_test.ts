/**
 * A run folder served after the run: one that was stopped early reads as `interrupted`, with
 * the progress it reached, not as a finished run at 100 %; one without an outcome (written by
 * an older hive) reads as finished.
 *
 * @module
 */
import { equal } from "@std/assert";
import { loadFinishedRun } from "../../../../commands/sim/api/finished.ts";
import { runStatus } from "../../../../commands/sim/api/views.ts";
import { RUN_META_FILE } from "../../../../commands/sim/api/run_meta.ts";

const EVENTS = [
  { ts: 10, host: "a", event: "mined", height: 1, hash: "h1", parent: "h0" },
  { ts: 12, host: "b", event: "block", height: 1, hash: "h1", parent: "h0" },
].map((e) => JSON.stringify(e)).join("\n") + "\n";

async function _folder(extra: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sim_finished_" });
  await Deno.writeTextFile(`${dir}/events.ndjson`, EVENTS);
  await Deno.writeTextFile(
    `${dir}/${RUN_META_FILE}`,
    JSON.stringify({
      engine: "des",
      scenario: "s",
      seed: 1,
      version: "0.1.0",
      stopTimeS: 600,
      hosts: [{ name: "a", kind: "miner" }, { name: "b", kind: "observer" }],
      attacks: [],
      ...extra,
    }),
  );
  return dir;
}

Deno.test("serve: an interrupted run reads as interrupted, at the time it reached", async () => {
  const dir = await _folder({ outcome: "interrupted", simulatedS: 150 });
  try {
    const { state } = await loadFinishedRun(dir);
    const status = runStatus(state, null);
    equal(status.state, "interrupted");
    equal((status.progress as { done: number }).done, 150);
    equal((status.progress as { percent: number }).percent, 25);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: a folder without an outcome is a finished run", async () => {
  const dir = await _folder({});
  try {
    const status = runStatus((await loadFinishedRun(dir)).state, null);
    equal(status.state, "finished");
    equal((status.progress as { percent: number }).percent, 100);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
