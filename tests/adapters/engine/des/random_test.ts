import { deepEqual, notDeepEqual, ok } from "@std/assert";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";

Deno.test("random: same seed same stream, exponential mean about right", () => {
  const a = new DesRandom(42);
  const b = new DesRandom(42);
  const c = new DesRandom(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  let sum = 0;
  for (let i = 0; i < 20000; i++) sum += a.exponential(120);
  const mean = sum / 20000;
  ok(Math.abs(mean - 120) < 120 * 0.04, `mean ${mean}`);
});
