/**
 * Progress of a Shadow run read from Shadow's own output. Shadow cannot be installed here, so
 * the lines under `fixtures/` are written in the formats of Shadow 3.x's source (the status
 * line of src/main/utility/status_bar.rs, the log line of src/main/core/logger/shadow_logger.rs),
 * not captured from a run.
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  parseShadowLogTime,
  parseShadowStatus,
  SHADOW_PHASE,
  ShadowProgress,
} from "../../../../adapters/engine/shadow/progress.ts";
import type { EngineProgress } from "../../../../adapters/engine/types.ts";

const STDOUT = Deno.readTextFileSync(new URL("./fixtures/shadow_stdout.txt", import.meta.url));
const STDERR = Deno.readTextFileSync(new URL("./fixtures/shadow_stderr.txt", import.meta.url));

Deno.test("parseShadowStatus reads the printed and the terminal forms of the status line", () => {
  deepEqual(
    parseShadowStatus(
      "Progress: 25% — simulated: 00:07:30/00:30:00, realtime: 00:02:00, processes failed: 0",
    ),
    { percent: 25, simulatedS: 450, endS: 1800, realtimeS: 120, failedProcesses: 0 },
  );
  // The terminal bar: escapes around the line, no "Progress: " prefix; the last one counts.
  const bar = "\u001b[s\u001b[r\u001b[u\u001b[s\n\u001b[u\u001b[1E\u001b[1F\u001b[s\u001b[1;23r" +
    "\u001b[9999H3% — simulated: 00:00:54/00:30:00, realtime: 00:00:09, processes failed: 0" +
    "\u001b[K\u001b[u" +
    "\u001b[9999H4% — simulated: 01:10:00/120:00:00, realtime: 00:00:10, processes failed: 2" +
    "\u001b[K\u001b[u";
  deepEqual(parseShadowStatus(bar), {
    percent: 4,
    simulatedS: 4200,
    endS: 432_000,
    realtimeS: 10,
    failedProcesses: 2,
  });
  equal(parseShadowStatus("** Starting Shadow 3.2.0"), null);
});

Deno.test("parseShadowLogTime reads the simulated time of a log line, null without one", () => {
  const lines = STDOUT.trim().split("\n");
  deepEqual(lines.map(parseShadowLogTime), [null, null, 0, 10, 450.125, 899.999999999]);
  equal(parseShadowLogTime("not a shadow line 00:00:01.000000000 [INFO]"), null);
});

Deno.test("ShadowProgress: simulated seconds from both streams, never going back", () => {
  const reports: EngineProgress[] = [];
  const failed: number[] = [];
  const p = new ShadowProgress({
    totalS: 1800,
    onProgress: (r) => reports.push(r),
    onFailedProcesses: (n) => failed.push(n),
  });
  // The log arrives in chunks that split lines.
  const cut = STDOUT.indexOf("00:07:30") + 3;
  p.stdout(STDOUT.slice(0, cut));
  equal(p.simulatedS, 10, "the split line waits for its end");
  p.stdout(STDOUT.slice(cut));
  equal(p.simulatedS, 899.999999999);
  // A status line behind the log does not move the bar back; Shadow's own lines pass through.
  const shown = p.stderr(STDERR);
  deepEqual(shown, ["** Starting Shadow 3.2.0", "** Shadow completed successfully"]);
  equal(p.simulatedS, 900, "the 50% status line (15 min) is ahead of the log");
  deepEqual(failed, [1]);
  equal(p.failedProcesses, 1);
  p.finish();
  const last = reports.at(-1)!;
  deepEqual(last, { done: 1800, total: 1800, unit: "sim seconds", phase: SHADOW_PHASE });
  ok(reports.every((r, i) => i === 0 || r.done >= reports[i - 1].done), "monotonic");
  ok(reports.every((r) => r.phase === "simulate" && r.total === 1800));
});
