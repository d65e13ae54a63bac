/**
 * An eclipse on real monerod, built from a scenario as users write it: the victim, whose only
 * peers are its attackers, still gets the chain (late, in `delay` mode). The victim's flags
 * come from the scenario model; with `--in-peers=0` (as before) monerod 0.18.0.0 refused the
 * victim's own outgoing connections and it never left height 0.
 */
import { equal, ok } from "@std/assert";
import { LocalEngine } from "../../../../adapters/engine/local/engine.ts";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import { createLogger } from "../../../../core/logger.ts";
import { HIVE_ARGV } from "../_sim_model.ts";

Deno.test("local run: an eclipse victim connects to its attackers and gets the chain late", async () => {
  const fixtures = new URL("../../../../fixtures/", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "hive_local_eclipse_" });
  try {
    // Time scale 60: a block every 2 wall seconds on average, each held back 1 s from the
    // victim from 1 simulated minute on; 15 wall seconds of run.
    const { model } = await parseScenario(
      "general: { stop_time: 15m, seed: 3 }\nnetwork: { topology: ring }\nagents:\n" +
        "  miner-1: { kind: miner, hashrate: 100 }\n" +
        "  evil-1: { kind: attacker }\n" +
        "  victim: { kind: observer }\n" +
        "attacks:\n" +
        "  - { kind: eclipse, victim: victim, attackers: [evil-1], behaviour: delay, " +
        "delay: 60s, start: 1m }\n",
      { baseDir: `${fixtures}scenarios`, name: "eclipse-small", addressing: "loopback" },
    );
    const result = await new LocalEngine({
      timeScale: 60,
      graceMs: 20_000,
      firstOctet: 60,
      hiveArgv: HIVE_ARGV,
    }).run({ model, outDir: dir, logger: createLogger({ level: "error" }) });
    equal(result.interrupted, false);
    const summary = result.summary as { final: Record<string, { height: number }> };
    const final = summary.final;
    ok(final.victim.height > 0, `the victim got blocks: ${JSON.stringify(final)}`);
    const attack = (await Deno.readTextFile(`${dir}/hosts/victim/attack-0.ndjson`))
      .trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    const stopped = attack.at(-1);
    ok(
      stopped?.event === "attack" && stopped.outcome.phase === "stopped" &&
        (stopped.outcome.blocks_held as number) >= 1 &&
        (stopped.outcome.samples as number) > 0 && typeof stopped.outcome.success === "boolean",
      `the attack held blocks back: ${JSON.stringify(stopped)}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
