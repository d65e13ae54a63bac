import { equal, ok, throws } from "@std/assert";
import {
  DesLatency,
  indexRegions,
  normalQuantile,
} from "../../../../adapters/engine/des/latency.ts";
import { parseDesNetModel } from "../../../../adapters/engine/des/netmodel.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";

function _sampler(latency: unknown, seed = 5) {
  const net = parseDesNetModel({ latency });
  // Node 0 and 1 in region a, node 2 in region b.
  return new DesLatency(net.latency!, indexRegions(["a", "a", "b"]), new DesRandom(seed));
}

function _mean(s: DesLatency, from: number, to: number, n = 40_000): number {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += s.sample(from, to);
  return sum / n;
}

Deno.test("latency: each distribution draws with its mean, per region pair, in seconds", () => {
  const cases: [unknown, number][] = [
    [50, 0.05],
    [{ normal: { mean: 80, stddev: 10 } }, 0.08],
    [{ lognormal: { median: 60, sigma: 0.5 } }, 0.06 * Math.exp(0.125)],
    [{ pareto: { mean: 100, shape: 3 } }, 0.1],
    [{ uniform: [10, 30] }, 0.02],
  ];
  for (const [dist, mean] of cases) {
    const got = _mean(_sampler({ default: dist }), 0, 2);
    ok(Math.abs(got - mean) / mean < 0.04, `${JSON.stringify(dist)}: mean ${got}, want ${mean}`);
  }
  const s = _sampler({ default: 200, matrix: { a: { a: 10 } } });
  equal(s.sample(0, 1), 0.01);
  equal(s.sample(0, 2), 0.2);
  equal(s.sample(2, 0), 0.2);
});

Deno.test("latency: draws vary per message and repeat for a seed; pareto keeps its tail", () => {
  const spec = { default: { pareto: { mean: 100, shape: 2.5 } } };
  const a = _sampler(spec, 9);
  const b = _sampler(spec, 9);
  const xs = Array.from({ length: 20_000 }, () => a.sample(0, 2));
  const ys = Array.from({ length: 20_000 }, () => b.sample(0, 2));
  equal(xs.join(), ys.join());
  ok(new Set(xs).size > 19_000, "one draw per message");
  const min = Math.min(...xs);
  ok(min >= 0.06 - 1e-12 && min < 0.061, `pareto minimum is the scale (60 ms): ${min}`);
  // P(X > 4 x scale) = 4^-2.5 = 3.1 %: the tail beyond the table's last cell is still drawn.
  const tail = xs.filter((x) => x > 0.24).length / xs.length;
  ok(Math.abs(tail - 0.03125) < 0.006, `tail share ${tail}`);
  ok(Math.max(...xs) > 0.06 * Math.pow(4096, 1 / 2.5), "draws beyond the top table cell");
});

Deno.test("latency: normal quantile and a missing matrix pair", () => {
  ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  ok(Math.abs(normalQuantile(0.001) + 3.090232) < 1e-5);
  equal(normalQuantile(0.5), 0);
  throws(
    () => _sampler({ matrix: { a: { a: 10, b: 20 }, b: { b: 10 } } }),
    /missing region pair b -> a/,
  );
});
