import { equal, ok } from "@std/assert";
import { simulateDes } from "../../../../../adapters/engine/des/engine.ts";
import { desModel, hostName } from "../_fixtures.ts";

Deno.test("eclipse: withholding keeps the victim behind, delaying a little less so", () => {
  const outcomes: Record<string, number | boolean>[] = [];
  for (const behaviour of [{ kind: "withhold" as const }, { kind: "delay" as const, delayS: 30 }]) {
    const model = desModel({
      nodes: 20,
      miners: 10,
      topology: "random",
      seed: 3,
      stopTimeS: 3 * 3600,
      kinds: { 18: "attacker", 19: "attacker" },
      hashrate: { 18: 0, 19: 0 },
      attacks: [{
        kind: "eclipse",
        victim: hostName(15),
        attackers: [hostName(18), hostName(19)],
        behaviour,
        startS: 60,
      }],
    });
    model.edges.push(
      { a: hostName(15), b: hostName(18), latencyMs: 50, packetLoss: 0 },
      { a: hostName(15), b: hostName(19), latencyMs: 50, packetLoss: 0 },
    );
    const out = simulateDes({ model, sink: { event() {} } });
    outcomes.push(out.summary.attacks[0] as Record<string, number | boolean>);
  }
  const [withhold, delay] = outcomes;
  equal(withhold.success, true);
  ok((withhold.final_lag_blocks as number) > 10, JSON.stringify(withhold));
  ok((withhold.relays_withheld as number) > 0);
  ok((delay.max_lag_blocks as number) >= 1);
  ok((delay.mean_lag_blocks as number) < (withhold.mean_lag_blocks as number));
  equal(delay.final_lag_blocks as number <= 1, true);
});

Deno.test("eclipse: attackers that mine on the honest chain do not leak it to the victim", () => {
  const lags: number[] = [];
  for (const attackerShare of [0, 5]) {
    const model = desModel({
      nodes: 20,
      miners: 10,
      topology: "random",
      seed: 5,
      stopTimeS: 4 * 3600,
      kinds: { 18: "attacker", 19: "attacker" },
      hashrate: { 18: attackerShare, 19: attackerShare },
      attacks: [{
        kind: "eclipse",
        victim: hostName(15),
        attackers: [hostName(18), hostName(19)],
        behaviour: { kind: "withhold" },
        startS: 600,
      }],
    });
    model.edges.push(
      { a: hostName(15), b: hostName(18), latencyMs: 50, packetLoss: 0 },
      { a: hostName(15), b: hostName(19), latencyMs: 50, packetLoss: 0 },
    );
    const out = simulateDes({ model, sink: { event() {} } });
    const attack = out.summary.attacks[0] as Record<string, number | boolean>;
    equal(attack.success, true, JSON.stringify(attack));
    lags.push(attack.final_lag_blocks as number);
  }
  // Before: every attacker block synced the honest blocks under it to the victim (final lag 3
  // with mining attackers against 100+ without).
  ok(lags[1] >= lags[0] * 0.8, `final lag without attacker mining ${lags[0]}, with ${lags[1]}`);
});
