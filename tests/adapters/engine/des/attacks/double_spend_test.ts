import { ok } from "@std/assert";
import { simulateDes } from "../../../../../adapters/engine/des/engine.ts";
import { desModel, hostName } from "../_fixtures.ts";

function _binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Attacker success probability after Rosenfeld (2014): the attacker's blocks m by the time the
 * honest chain has found z blocks (payment block included) are negative-binomial,
 * C(m+z-1, m) p^z q^m; from a deficit d the attacker ever gets strictly ahead with probability
 * (q/p)^d (gambler's ruin). The engine's fork choice needs a strictly longer chain (no
 * pre-mined block), so the deficit at the z-th honest block is z - m + 1:
 * r = 1 - sum_{m=0..z} C(m+z-1, m) p^z q^m (1 - (q/p)^(z-m+1)).
 */
function _rosenfeldStrict(q: number, z: number): number {
  const p = 1 - q;
  let s = 0;
  for (let m = 0; m <= z; m++) {
    s += _binom(m + z - 1, m) * p ** z * q ** m * (1 - (q / p) ** (z - m + 1));
  }
  return 1 - s;
}

Deno.test("double-spend success over seeded trials matches Rosenfeld's negative-binomial formula", () => {
  const trials = 1000;
  const lines: string[] = [];
  for (const q of [0.1, 0.3]) {
    for (let z = 1; z <= 6; z++) {
      let wins = 0;
      for (let s = 0; s < trials; s++) {
        // Reduced model: one honest miner (the victim) and the attacker, zero latency, so the
        // race is exactly the one the formula describes; it runs the engine's full code path.
        const model = desModel({
          nodes: 2,
          miners: 1,
          topology: "ring",
          latencyMs: 0,
          bandwidthBps: 1e12,
          seed: s * 7919 + z * 31 + q * 1000,
          stopTimeS: 1e7,
          kinds: { 1: "attacker" },
          attacks: [{
            kind: "double_spend",
            attacker: hostName(1),
            victim: hostName(0),
            q,
            confirmations: z,
            startS: 0,
          }],
        });
        const out = simulateDes({
          model,
          options: {
            validationDelayS: 0,
            blockSizeBytes: 1,
            stopWhenAttacksResolved: true,
            receiptEvents: false,
            // A deficit of 15 is hopeless ((3/7)^15 < 1e-5), and samples are not needed here.
            doubleSpendGiveUp: 15,
            sampleIntervalS: 1e9,
          },
          sink: { event() {} },
        });
        const outcome = out.summary.attacks[0] as { success: boolean; reason: string };
        ok(outcome.reason !== "not_resolved", "every race resolves");
        if (outcome.success) wins++;
      }
      const r = _rosenfeldStrict(q, z);
      const expected = trials * r;
      const sd = Math.sqrt(trials * r * (1 - r));
      lines.push(`q=${q} z=${z}: ${wins}/${trials} vs ${expected.toFixed(1)}`);
      ok(
        Math.abs(wins - expected) <= 4 * sd + 3,
        `q=${q} z=${z}: ${wins} wins, expected ${expected.toFixed(1)} ± ${(4 * sd + 3).toFixed(1)}`,
      );
    }
  }
  // The formula itself: known values (q=0.1: 0.0311 at z=1; success falls with z).
  ok(Math.abs(_rosenfeldStrict(0.1, 1) - 0.0311) < 1e-3, lines.join("\n"));
  ok(_rosenfeldStrict(0.3, 6) < _rosenfeldStrict(0.3, 1));
});
