import { deepEqual, equal, match, ok } from "@std/assert";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { MINERS, OPTS, problem, scenario } from "../_scenario.ts";

const _REGIONS = "  a-{1..4}: { kind: miner, hashrate: 25, region: eu }\n" +
  "  b-{1..4}: { kind: observer, region: na }\n  c-{1..4}: { kind: observer, region: asia }";

Deno.test("network.jitter gives every link its jitter; regions override it and combine", async () => {
  const flat = await parseScenario(scenario("{ topology: ring, jitter: 5 ms }", MINERS), OPTS);
  deepEqual(flat.model.edges.map((e) => e.jitterMs), [5, 5, 5, 5]);
  const net = "{ topology: mesh, jitter: 1 ms, regions: { eu: { jitter: 3 ms }, " +
    "na: { jitter: 4 ms }, asia: {} } }";
  const { model } = await parseScenario(scenario(net, _REGIONS), OPTS);
  const region = new Map(model.hosts.map((h) => [h.name, h.region]));
  const want = (ra: string, rb: string) => {
    const j = (r: string) => ({ eu: 3, na: 4 } as Record<string, number>)[r] ?? 1;
    return ra === rb ? j(ra) : Math.hypot(j(ra), j(rb));
  };
  ok(model.edges.length > 0);
  for (const e of model.edges) {
    const [ra, rb] = [region.get(e.a)!, region.get(e.b)!];
    equal(e.jitterMs, want(ra, rb), `${e.a} (${ra}) - ${e.b} (${rb})`);
  }
  ok(model.edges.some((e) => e.jitterMs === 5), "an eu-na link combines 3 and 4 ms to 5 ms");
});

Deno.test("without jitter the model's links carry no jitter field (models stay as before)", async () => {
  const { model } = await parseScenario(scenario("{ topology: ring }", MINERS), OPTS);
  ok(model.edges.every((e) => !("jitterMs" in e)));
});

Deno.test("bad jitter values name the field and the value; des refuses jitter", async () => {
  match(
    await problem(scenario('{ topology: ring, jitter: "-5 ms" }', MINERS)),
    /network\.jitter: expected a latency >= 0 \(like "50 ms"\), got "-5 ms"/,
  );
  match(
    await problem(scenario("{ topology: ring, jitter: true }", MINERS)),
    /network\.jitter: .*got true/,
  );
  match(
    await problem(scenario("{ topology: ring, regions: { eu: { jiter: 2 ms } } }", MINERS)),
    /network\.regions\.eu\.jiter: unknown key/,
  );
  match(
    await problem(scenario("{ topology: ring, jitter: 2 ms }", MINERS), {
      ...OPTS,
      engine: "des",
    }),
    /network\.jitter: the des engine does not model it: DES links have no per-chunk jitter/,
  );
});
