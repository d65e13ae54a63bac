import { deepEqual, equal } from "@std/assert";
import { distribution, percentile } from "../../../../commands/sim/analyze/stats.ts";

Deno.test("percentiles use the nearest rank", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  equal(percentile(xs, 50), 50);
  equal(percentile(xs, 90), 90);
  equal(percentile(xs, 99), 99);
  equal(percentile([], 50), null);
  deepEqual(distribution([3, 1, 2]), {
    count: 3,
    p50_s: 2,
    p90_s: 3,
    p99_s: 3,
    mean_s: 2,
    max_s: 3,
  });
});
