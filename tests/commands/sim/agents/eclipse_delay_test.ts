/**
 * The eclipse `delay` loop against stand-in RPCs (the real-monerod run is in
 * `attacker_test.ts`): once the victim is as high as the attackers were when the link opened,
 * the link is cut again, even when the victim went past their top of that moment (monerod
 * syncs it to whatever the attackers hold by then).
 */
import { equal, ok } from "@std/assert";
import { type AttackNode, runEclipse } from "../../../../commands/sim/agents/attacker.ts";
import type { MonerodRpc } from "../../../../adapters/engine/local/rpc.ts";
import { agentContext, memorySink } from "./_monerod.ts";

/** A stand-in node: a height and a top, and the bans it was given. */
function _node(host: string, ip: string) {
  const state = { height: 1, top: "g", banned: false, bans: 0, polls: 0 };
  const rpc = {
    url: `http://${ip}:18081`,
    getInfo: () => {
      state.polls++;
      return Promise.resolve({
        status: "OK",
        height: state.height,
        top_block_hash: state.top,
        incoming_connections_count: 0,
        outgoing_connections_count: 0,
      });
    },
    setBans: (entries: { ban: boolean }[]) => {
      state.banned = entries.some((e) => e.ban);
      if (state.banned) state.bans++;
      return Promise.resolve();
    },
  } as unknown as MonerodRpc;
  return { state, node: { host, rpc } satisfies AttackNode };
}

Deno.test("eclipse delay: the link is cut again once the victim is as high as the attackers were", async () => {
  const evil = _node("evil", "10.0.0.2");
  const victim = _node("victim", "10.0.0.3");
  const stop = new AbortController();
  const attack = runEclipse(agentContext(memorySink(), stop.signal), {
    attackers: [evil.node],
    victim: victim.node,
    behaviour: "delay",
    delayS: 0.05,
    startS: 0,
    pollS: 0.01,
    sampleS: 60,
  });
  try {
    // Bounded: 200 x 10 ms for the attack to cut the link.
    for (let i = 0; i < 200 && victim.state.bans === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    equal(victim.state.bans, 1, "the link is cut from the start");
    // The attackers get block 2; once the hold ends the link opens, and the victim syncs past
    // it: to block 3, found meanwhile, with another top.
    evil.state.height = 2;
    evil.state.top = "b2";
    for (let i = 0; i < 200 && victim.state.banned; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    ok(!victim.state.banned, "the link opened after the hold");
    const polls = victim.state.polls;
    victim.state.height = 3;
    victim.state.top = "b3";
    for (let i = 0; i < 200 && !victim.state.banned; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    ok(victim.state.banned, "the link is cut again");
    ok(
      victim.state.polls - polls <= 3,
      `cut after ${victim.state.polls - polls} polls of the victim (at most 3)`,
    );
  } finally {
    stop.abort();
    equal(await attack, 1, "one block held");
  }
});
