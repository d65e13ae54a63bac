/** The attack hook helpers: the `attack` RunEvent and outcome rounding. */
import { deepEqual, equal } from "@std/assert";
import { emitAttack, round4 } from "../../../../../adapters/engine/des/attacks/hook.ts";
import type { DesNetwork } from "../../../../../adapters/engine/des/network.ts";
import type { RunEvent } from "../../../../../adapters/engine/types.ts";

Deno.test("emitAttack writes one attack event at the current time, rounded to microseconds", () => {
  const events: RunEvent[] = [];
  const net = { now: 12.3456789, emit: (e: RunEvent) => events.push(e) } as unknown as DesNetwork;
  emitAttack(net, "eclipse", "victim", { success: true });
  deepEqual(events, [{
    ts: 12.345679,
    host: "victim",
    event: "attack",
    attack: "eclipse",
    outcome: { success: true },
  }]);
  equal(round4(2 / 3), 0.6667);
});
