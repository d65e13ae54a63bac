/**
 * The API's event log: numbering across chunk boundaries, the cap dropping whole old chunks,
 * and reads before the oldest kept line starting at that line.
 *
 * @module
 */
import { deepEqual, equal } from "@std/assert";
import { EventLog } from "../../../../commands/sim/api/event_log.ts";

Deno.test("event log: numbered lines across chunks, capped, read from any point", () => {
  const log = new EventLog(2048);
  for (let i = 1; i <= 5000; i++) equal(log.append(`{"n":${i}}`), i);
  equal(log.last, 5000);
  // 4 sealed chunks would be 4096 lines; the cap keeps at least 2048, dropping whole chunks.
  equal(log.first, 2049);
  deepEqual(log.since(0, 2), ['{"seq":2049,"n":2049}', '{"seq":2050,"n":2050}']);
  deepEqual(log.since(3070, 3).map((l) => JSON.parse(l).seq), [3071, 3072, 3073]);
  const tail = log.since(4990, 100);
  equal(tail.length, 10);
  deepEqual(JSON.parse(tail[9]), { seq: 5000, n: 5000 });
  deepEqual(log.since(5000, 10), []);
  // Every line once, in order, across the sealed chunks and the open one.
  const all = log.since(0, 10_000).map((l) => JSON.parse(l));
  equal(all.length, 5000 - 2048);
  ok(all.every((e, i) => e.seq === 2049 + i && e.n === e.seq));
});

Deno.test("event log: lines come back as they went in, non-ASCII text included", () => {
  const log = new EventLog(1024);
  const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, host: `nœud-${i} ✓` }));
  for (const line of lines) log.append(line);
  const back = log.since(0, 5000).map((l) => JSON.parse(l));
  equal(back.length, 3000 - 1024);
  ok(back.every((e) => e.host === `nœud-${e.i} ✓` && e.seq === e.i + 1));
});

function ok(value: boolean): void {
  equal(value, true);
}
