/** Seeded random streams: one per (seed, purpose), the same on every run. */
import { equal, ok } from "@std/assert";
import { createRng } from "../../../../commands/sim/scenario/prng.ts";

Deno.test("same seed and stream give the same numbers; another stream differs", () => {
  const a = createRng(42, "topology");
  const b = createRng(42, "topology");
  const c = createRng(42, "latency");
  const xs = Array.from({ length: 5 }, () => a.next());
  equal(xs.join(), Array.from({ length: 5 }, () => b.next()).join());
  ok(xs[0] !== c.next());
});

Deno.test("next is in [0, 1) and int(n) in [0, n), spread over the range", () => {
  const rng = createRng(7, "x");
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const u = rng.next();
    ok(u >= 0 && u < 1);
    const k = rng.int(10);
    ok(Number.isInteger(k) && k >= 0 && k < 10);
    seen.add(k);
  }
  equal(seen.size, 10);
});
