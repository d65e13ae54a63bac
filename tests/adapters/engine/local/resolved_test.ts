/** `--stop-when-resolved` on the local engine: which attacks it waits for, read from their files. */
import { deepEqual, equal } from "@std/assert";
import { attacksResolved, resolvableAttacks } from "../../../../adapters/engine/local/resolved.ts";
import type { SimModel } from "../../../../adapters/engine/types.ts";
import { testHost, testModel } from "../_sim_model.ts";

Deno.test("stop when resolved: a double spend by its record, a partition once healed, eclipses never", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const hosts = ["evil", "shop", "a", "b"].map((n) => testHost(n));
    const model: SimModel = testModel(
      hosts,
      {
        name: "resolved",
        attacks: [
          { kind: "double_spend", attacker: "evil", victim: "shop", confirmations: 1, startS: 60 },
          {
            kind: "eclipse",
            victim: "shop",
            attackers: ["evil"],
            startS: 0,
            behaviour: "withhold",
          },
          { kind: "partition", groupA: ["a"], groupB: ["b"], startS: 10, endS: 20 },
        ],
      } as Parameters<typeof testModel>[1],
    );
    const attacks = resolvableAttacks(model, (name) => ({ dir: `${dir}/${name}` }) as never);
    deepEqual(attacks.map((a) => [a.index, a.kind, a.file]), [
      [0, "double_spend", `${dir}/evil/attack-0.ndjson`],
      [2, "partition", `${dir}/a/attack-2.ndjson`],
    ]);
    equal(await attacksResolved(attacks), false, "no record yet");
    await Deno.mkdir(`${dir}/evil`);
    await Deno.mkdir(`${dir}/a`);
    const line = (o: unknown) => JSON.stringify(o) + "\n";
    await Deno.writeTextFile(
      `${dir}/evil/attack-0.ndjson`,
      line({ ts: 61, host: "evil", event: "mined", height: 3, hash: "x", parent: "y" }) +
        line({ ts: 90, host: "evil", event: "attack", attack: "double_spend", outcome: {} }),
    );
    const cut = {
      ts: 10,
      host: "a",
      event: "attack",
      attack: "partition",
      outcome: { phase: "cut" },
    };
    await Deno.writeTextFile(`${dir}/a/attack-2.ndjson`, line(cut) + '{"ts": 2');
    equal(
      await attacksResolved(attacks),
      false,
      "the partition is only cut (and a line is half written)",
    );
    await Deno.writeTextFile(
      `${dir}/a/attack-2.ndjson`,
      line(cut) + line({ ...cut, ts: 20, outcome: { phase: "healed" } }),
    );
    equal(await attacksResolved(attacks), true);
    equal(await attacksResolved([]), false, "nothing to wait for: the run goes on");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
