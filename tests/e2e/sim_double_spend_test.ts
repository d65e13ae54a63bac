/**
 * End to end through the CLI on real monerod: `hive sim run --engine local` on
 * `fixtures/scenarios/double_spend_local.yaml` (attacker q = 0.6, victim waits z = 1). The
 * attacker agent isolates its node, mines a private chain, releases it once it is longer, and
 * the victim's chain reorgs onto it; `hive sim analyze` counts the success.
 */
import { deepEqual, equal, ok } from "@std/assert";
import type { RunEvent } from "../../adapters/engine/types.ts";
import { type HiveRun, runHive } from "../_helpers.ts";

const SCENARIO = new URL("../../fixtures/scenarios/double_spend_local.yaml", import.meta.url)
  .pathname;

function _hive(...args: string[]): Promise<HiveRun> {
  return runHive(args);
}

function _events(path: string): RunEvent[] {
  return Deno.readTextFileSync(path).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

Deno.test("e2e sim local: a q=0.6 double spend reorgs the victim and analyze counts it", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive_e2e_ds_" });
  try {
    const out = `${root}/run`;
    // 60 simulated minutes at 120x: at most 30 wall seconds, about one block a second. The
    // attack resolves in about 12 s on a quiet machine, and the run ends there.
    const run = await _hive(
      ...["sim", "run", SCENARIO, "--engine", "local", "--time-scale", "120"],
      ...["--out", out, "--json", "--stop-when-resolved"],
    );
    equal(run.code, 0, run.stderr);
    const ended = JSON.parse(run.stdout);
    equal(ended.summary.stopped_early, true, "ended once the double spend had its outcome");
    ok(ended.simulated_s < 3600, `simulated ${ended.simulated_s} s of 3600`);
    const attackerLog = () => Deno.readTextFileSync(`${out}/hosts/evil/attacker.log`);
    const summary = JSON.parse(run.stdout).summary;
    equal(summary.events.attack, 1);
    const attacks = _events(`${out}/hosts/evil/attack-0.ndjson`).filter((e) =>
      e.event === "attack"
    );
    equal(attacks.length, 1);
    const a = attacks[0] as Extract<RunEvent, { event: "attack" }>;
    const o = a.outcome as Record<string, number | boolean | string | null>;
    equal(a.attack, "double_spend");
    equal(o.reason, "reorged_victim", attackerLog());
    equal(o.success, true);
    ok((o.honest_len as number) >= 1, "the victim saw the payment block");
    ok((o.private_len as number) > (o.honest_len as number), "released only when longer");
    ok((o.reorg_depth as number) >= (o.honest_len as number));
    equal(o.payment_height, (o.fork_height as number) + 1);
    // The attacker mined (honestly, then in secret) through the same agent.
    ok(_events(`${out}/hosts/evil/attack-0.ndjson`).some((e) => e.event === "mined"));
    // The monitor saw the victim's chain replaced at least as deep as the payment block.
    const reorgs = _events(`${out}/hosts/shop/monitor.ndjson`).filter((e) => e.event === "reorg");
    ok(
      reorgs.some((e) => (e as { depth: number }).depth >= (o.honest_len as number)),
      JSON.stringify(reorgs),
    );

    const analyzed = await _hive("--json", "sim", "analyze", out);
    equal(analyzed.code, 0, analyzed.stderr);
    deepEqual(JSON.parse(analyzed.stdout).attacks.double_spend, {
      runs: 1,
      successes: 1,
      success_rate: 1,
    });
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});
