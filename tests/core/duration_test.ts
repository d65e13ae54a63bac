import { equal, throws } from "@std/assert";
import { durationFlag, parseDurationMs, parseDurationSeconds } from "../../core/duration.ts";

Deno.test("duration: units with or without a space; a bare number or unknown unit is refused", () => {
  equal(parseDurationMs("10s"), 10_000);
  equal(parseDurationMs("250 ms"), 250);
  equal(parseDurationMs("1.5m"), 90_000);
  equal(parseDurationSeconds("2 hours"), 7200);
  equal(parseDurationSeconds("1d"), 86_400);
  equal(parseDurationMs("10"), null);
  equal(parseDurationMs("10 parsecs"), null);
  equal(parseDurationMs("-5s"), null);
  equal(parseDurationMs(""), null);
});

Deno.test("duration flag: milliseconds out, bounds named in the error", () => {
  const flag = durationFlag({ minMs: 100, maxMs: 60_000 });
  equal(flag.parse("2s"), 2000);
  throws(() => flag.parse("50ms"), /from 100ms to 1m/);
  throws(() => flag.parse("5000"), /with a unit/);
  throws(() => flag.parse("9".repeat(40) + "s"), /too_big|<=/);
});
