import { equal, ok } from "@std/assert";
import { Fleet } from "../../../commands/hive/fleet.ts";
import { toHex } from "../../../adapters/lightning/signmessage.ts";
import { encodeMessage, MessageType } from "../../../commands/hive/protocol.ts";
import { withDeadline } from "./_deadline.ts";

Deno.test("vouches promote across the fleet, a ban carries with 51 %, a member can leave", () =>
  withDeadline(60_000, async () => {
    const fleet = Fleet.create({ nodes: 6, seed: 21 });
    await fleet.bootstrap();
    ok((await fleet.converge(600)) !== null);
    const [admin, n1, n2, , n4, n5] = fleet.nodes;
    const tierEverywhere = (id: string) =>
      new Set(fleet.nodes.map((n) => n.membership.members.get(id)?.tier ?? "none"));

    ok(await admin.vouch(n1.id)); // one voter: the admin is 51 %
    await fleet.advance(10);
    equal([...tierEverywhere(n1.id)].join(), "member"); // PROMOTION carried the proof

    ok(!(await admin.vouch(n2.id))); // two voters now: both are needed
    await fleet.advance(10);
    ok(await n1.vouch(n2.id));
    await fleet.advance(10);
    equal([...tierEverywhere(n2.id)].join(), "member");

    const proposal = await admin.proposeBan(n5.id, "leech");
    await fleet.advance(10);
    ok(fleet.nodes.every((n) => !n.membership.banned.has(n5.id))); // 1 of 3 voters so far
    await n1.voteBan(proposal, "approve");
    await fleet.advance(10);
    for (const n of fleet.nodes.slice(0, 5)) {
      ok(n.membership.banned.has(n5.id), `node ${fleet.nodes.indexOf(n)} did not ban`);
      equal(n.map.get(n5.id), undefined);
    }

    await n4.leave("moving on");
    await fleet.advance(10);
    for (const n of [admin, n1, n2]) equal(n.membership.members.has(n4.id), false);
    fleet.stopLoops();
  }));

Deno.test("the custommsg hook passes foreign payloads, counts junk, refuses non-members", () =>
  withDeadline(20_000, async () => {
    const fleet = Fleet.create({ nodes: 3, seed: 2 });
    const [a, b, c] = fleet.nodes;
    await a.genesis("hive_hook");
    await a.handle({ peer_id: b.id, payload: "00ff" });
    await a.handle({ peer_id: b.id, payload: "48495645" + toHex(new TextEncoder().encode("[1]")) });
    await a.handle({ peer_id: b.id, payload: "zz" });
    equal(a.counters.passed, 1);
    equal(a.counters.dropped.non_object_envelope, 1);
    equal(a.refused.bad_hex, 1);
    const gossip = toHex(encodeMessage(MessageType.STATE_HASH, { fleet_hash: "x" }));
    await a.handle({ peer_id: c.id, payload: gossip });
    equal(a.refused.not_member, 1);
    const fee = toHex(encodeMessage(MessageType.FEE_INTELLIGENCE, {}));
    a.membership.add(c.id, "member", 0);
    await a.handle({ peer_id: c.id, payload: fee });
    equal(a.counters.unhandled, 1); // a known type we do not act on: counted, not an error
  }));
