/**
 * The per-key fixed window: a key's budget, `Retry-After` seconds, independent keys, reset.
 *
 * @module
 */
import { equal } from "@std/assert";
import { RateWindows } from "../../../commands/proxy/rate_limit.ts";

Deno.test("rate windows: per key budget and seconds until reset", () => {
  let now = 1_000_000;
  const windows = new RateWindows(3, 60_000, () => now);
  for (let i = 0; i < 3; i++) equal(windows.take("a"), 0);
  equal(windows.take("a"), 60);
  equal(windows.take("b"), 0, "another key has its own window");
  now += 59_500;
  equal(windows.take("a"), 1, "never less than one second");
  now += 500;
  equal(windows.take("a"), 0, "a new window");
});
