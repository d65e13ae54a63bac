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

Deno.test("event log: an engine's written bytes are kept, numbered as the lines were", () => {
  const log = new EventLog(4096);
  const enc = new TextEncoder();
  const line = (i: number) => JSON.stringify({ i, host: `nœud-${i}` });
  let pending: string[] = [];
  const flush = () => {
    // As the DES engine's events file: lines joined and ended by "\n", encoded once.
    log.adopt(enc.encode(pending.join("\n") + "\n"), pending.length);
    pending = [];
  };
  // 1,500 lines before the first handover: the log sealed 1,024 itself, the rest are encoded
  // here (the count does not match); from then on, the engine's buffers are kept as they are.
  for (let i = 1; i <= 1500; i++) (log.append(line(i)), pending.push(line(i)));
  flush();
  for (let round = 0; round < 6; round++) {
    for (let k = 0; k < 3000 + round * 7; k++) {
      const i = log.last + 1;
      equal(log.append(line(i)), i);
      pending.push(line(i));
    }
    flush();
  }
  // Lines still open (not yet written by the engine) are read too, and a flush of nothing
  // changes nothing.
  for (let k = 0; k < 10; k++) log.append(line(log.last + 1));
  log.adopt(new Uint8Array(0), 0);
  const last = log.last;
  equal(last, 1500 + 6 * 3000 + 105 + 10);
  ok(log.first > 1 && last - log.first + 1 >= 4096);
  const all = log.since(0, 100_000).map((l) => JSON.parse(l));
  equal(all.length, last - log.first + 1);
  ok(all.every((e, i) => e.seq === log.first + i && e.i === e.seq && e.host === `nœud-${e.i}`));
  // Reads from any point, across the chunk boundaries.
  for (const from of [log.first + 3, log.first + 3004, log.first + 3008, last - 5]) {
    deepEqual(log.since(from, 3).map((l) => JSON.parse(l).seq), [from + 1, from + 2, from + 3]);
  }
});

function ok(value: boolean): void {
  equal(value, true);
}
