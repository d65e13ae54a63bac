/** The DES attack dispatcher: bad attack specs fail before the run, outcomes keep scenario order. */
import { deepEqual, ok, throws } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import type { SimAttack } from "../../../../adapters/engine/types.ts";
import { ConfigError } from "../../../../core/errors.ts";
import { desModel, hostName } from "./_fixtures.ts";

function _run(attacks: SimAttack[]) {
  const model = desModel({ nodes: 6, miners: 3, topology: "ring", stopTimeS: 3600, attacks });
  return simulateDes({ model, sink: { event() {} } });
}

function _configError(text: string) {
  return (e: unknown) => e instanceof ConfigError && e.message.includes(text);
}

Deno.test("attack specs naming unknown hosts or doubling an attacker fail before the run", () => {
  throws(
    () => _run([{ kind: "sybil", attackers: ["ghost"], subnet: "12.0.0.0/24" }]),
    _configError('attacks[0].attackers[0]: unknown host "ghost"'),
  );
  const ds = (victim: string): SimAttack => ({
    kind: "double_spend",
    attacker: hostName(0),
    victim,
    q: 0.2,
    confirmations: 2,
    startS: 0,
  });
  throws(() => _run([ds(hostName(0))]), _configError("must differ from the attacker"));
  throws(
    () => _run([ds(hostName(1)), ds(hostName(2))]),
    _configError("already runs a double spend"),
  );
  throws(
    () => _run([{ ...ds(hostName(1)), q: 1 } as SimAttack]),
    _configError("q values sum to 1; expected < 1"),
  );
});

Deno.test("every attack reports an outcome, in scenario order", () => {
  const out = _run([
    { kind: "partition", groupA: [hostName(0)], groupB: [hostName(3)], startS: 60, endS: 600 },
    { kind: "sybil", attackers: [hostName(5)], subnet: "10.0.0.0/24" },
    {
      kind: "eclipse",
      victim: hostName(4),
      attackers: [hostName(5)],
      behaviour: { kind: "withhold" },
      startS: 0,
    },
  ]);
  deepEqual(out.summary.attacks.map((a) => a.attack), ["partition", "sybil", "eclipse"]);
  ok(out.summary.attacks.every((a) => typeof a.success === "boolean" || "converged" in a));
});
