/** The abortable sleep the local engine and the agents wait with. */
import { equal } from "@std/assert";
import { sleep } from "../../../../adapters/engine/local/sleep.ts";

Deno.test("sleep: a wait past the 2^31 ms timer limit does not end at once", async () => {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 100);
  try {
    // Ended by the abort (false), not by an overflowing timer firing immediately (true).
    equal(await sleep(2 ** 40, stop.signal), false);
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("sleep: a short wait ends with true; an aborted signal ends at once with false", async () => {
  equal(await sleep(10, new AbortController().signal), true);
  equal(await sleep(60_000, AbortSignal.abort()), false);
});
