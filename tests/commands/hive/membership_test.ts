import { equal, ok } from "@std/assert";
import { Membership, membershipSigningString, quorum } from "../../../commands/hive/membership.ts";
import { ContributionLedger } from "../../../commands/hive/contribution.ts";

const id = (n: number) => "02" + n.toString(16).padStart(2, "0").repeat(32);

Deno.test("promotion needs vouches from 51 % of members and at least 3", () => {
  const m = new Membership();
  m.add(id(0), "admin", 0);
  for (let i = 1; i <= 6; i++) m.add(id(i), "member", 0);
  m.add(id(9), "neophyte", 0);
  equal(quorum(7, 3), 4);
  ok(!m.vouch(id(9), id(1), 10));
  ok(!m.vouch(id(9), id(2), 10));
  ok(!m.vouch(id(9), id(3), 10));
  ok(!m.vouch(id(9), id(99), 10)); // not a member: ignored
  ok(m.vouch(id(9), id(4), 10));
  ok(m.promote(id(9), 10));
  equal(m.members.get(id(9))!.tier, "member");
  // With two voters the minimum of 3 cannot be met, so all of them are needed.
  equal(quorum(2, 3), 2);
});

Deno.test("a ban carries with 51 % approvals of the other members and removes the target", () => {
  const m = new Membership();
  for (let i = 0; i < 5; i++) m.add(id(i), i === 0 ? "admin" : "member", 0);
  m.propose("ab", id(4), id(0), "leech", 0); // proposer approves implicitly when counted
  equal(m.vote("ab", id(0), "approve"), null);
  equal(m.vote("ab", id(1), "reject"), null);
  equal(m.vote("ab", id(2), "approve"), null);
  equal(m.vote("ab", id(3), "approve"), id(4));
  ok(m.banned.has(id(4)));
  ok(!m.has(id(4)));
  equal(m.vote("ab", id(1), "approve"), null); // executed once
});

Deno.test("contribution ratio over 7 days, throttle below 0.5", () => {
  const l = new ContributionLedger();
  const p = id(1);
  l.record({ peer_id: p, direction: "received", amount_sats: 1000, timestamp: 0 });
  l.record({ peer_id: p, direction: "forwarded", amount_sats: 400, timestamp: 100 });
  let r = l.report(p, 200);
  equal(r.ratio, 0.4);
  ok(r.throttle);
  l.record({ peer_id: p, direction: "forwarded", amount_sats: 200, timestamp: 300 });
  r = l.report(p, 400);
  equal(r.ratio, 0.6);
  ok(!r.throttle);
  // Eight days later the old receipt has left the window.
  r = l.report(p, 8 * 86400);
  equal(r.received_sats, 0);
  equal(l.report(id(2), 0).ratio, 1);
});

Deno.test("membership signing strings are cl-hive's", () => {
  const t = id(7), v = id(8);
  equal(
    membershipSigningString("VOUCH", {
      target_pubkey: t,
      request_id: "ab12",
      timestamp: 1700000000,
      voucher_pubkey: v,
    }),
    `hive:vouch:${t}:ab12:1700000000`,
  );
  equal(
    membershipSigningString("BAN_PROPOSAL", {
      proposal_id: "ff",
      target_peer_id: t,
      timestamp: 5,
      reason: "a: b",
    }),
    `hive:ban_proposal:ff:${t}:5:a: b`,
  );
  equal(
    membershipSigningString("BAN_VOTE", { proposal_id: "ff", vote: "approve", timestamp: 6 }),
    "hive:ban_vote:ff:approve:6",
  );
  equal(
    membershipSigningString("MEMBER_LEFT", { peer_id: t, timestamp: 7, reason: "bye" }),
    `hive:leave:${t}:7:bye`,
  );
});
