import { equal } from "@std/assert";
import {
  durationSchema,
  formatBandwidth,
  formatLatency,
  formatSeconds,
  parseBandwidthBps,
  parseDuration,
  parseLatencyMs,
} from "../../../../commands/sim/scenario/units.ts";
import { formatIssues } from "../../../../core/errors.ts";

Deno.test("durations accept s, m, h, d, ms, long names and plain seconds", () => {
  equal(parseDuration("90s"), 90);
  equal(parseDuration("2h"), 7200);
  equal(parseDuration("1d"), 86400);
  equal(parseDuration("1.5 min"), 90);
  equal(parseDuration("250ms"), 0.25);
  equal(parseDuration("3 hours"), 10800);
  equal(parseDuration("42"), 42);
  equal(parseDuration("2x"), null);
  equal(parseDuration("-5s"), null);
});

Deno.test("durationSchema reports the value and the expected form", () => {
  const r = durationSchema.safeParse("ten minutes", { reportInput: true });
  equal(r.success, false);
  if (!r.success) {
    equal(
      formatIssues(r.error.issues, "general.stop_time")[0],
      'general.stop_time: expected a duration like "90s", "30m", "2h", "1d" or seconds, ' +
        'got "ten minutes"',
    );
  }
  equal(durationSchema.parse(120), 120);
});

Deno.test("latency and bandwidth parse Shadow's units and common rates", () => {
  equal(parseLatencyMs("50 ms"), 50);
  equal(parseLatencyMs("0.2 s"), 200);
  equal(parseLatencyMs("50"), 50);
  equal(parseBandwidthBps("100 Mbit"), 1e8);
  equal(parseBandwidthBps("1 Gbit"), 1e9);
  equal(parseBandwidthBps("10 Mbps"), 1e7);
  equal(parseBandwidthBps("2 Mbits"), 2e6);
  equal(parseBandwidthBps("1 MiB"), 8 * 1024 * 1024);
  equal(parseBandwidthBps("fast"), null);
});

Deno.test("formatting writes units Shadow accepts, exactly", () => {
  equal(formatSeconds(7200), "7200 s");
  equal(formatSeconds(1.5), "1500 ms");
  equal(formatLatency(50), "50 ms");
  equal(formatLatency(12.345), "12345 us");
  equal(formatBandwidth(1e9), "1 Gbit");
  equal(formatBandwidth(150e6), "150 Mbit");
  equal(formatBandwidth(12_345_000), "12345 Kbit");
  equal(formatBandwidth(999), "999 bit");
});
