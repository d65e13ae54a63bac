import { equal, ok } from "@std/assert";
import { SimNet } from "../../../adapters/lightning/simnet.ts";
import {
  CHALLENGE_RATE_LIMIT_SECONDS,
  CHALLENGE_TTL_SECONDS,
  createTicket,
  decodeTicket,
  encodeTicket,
  MAX_PENDING_CHALLENGES,
  NonceBook,
  verifyTicket,
} from "../../../commands/hive/handshake.ts";
import { HiveNode } from "../../../commands/hive/node.ts";
import { Fleet } from "../../../commands/hive/fleet.ts";
import { withDeadline } from "./_deadline.ts";

Deno.test("10-node genesis + invite + join on simnet: all members, all in agreement", () =>
  withDeadline(30_000, async () => {
    const events: string[] = [];
    const fleet = Fleet.create({ nodes: 10, seed: 42, onEvent: (e) => events.push(e.event) });
    await fleet.bootstrap();
    equal(fleet.members().length, 10);
    equal(fleet.nodes[0].tier, "admin");
    for (const n of fleet.nodes.slice(1)) equal(n.tier, "neophyte");
    equal(events.filter((e) => e === "admitted").length, 9);
    const took = await fleet.converge(600); // bounded: 600 simulated seconds
    ok(took !== null, "fleet did not converge in 600 s");
    for (const n of fleet.nodes) {
      equal(n.membership.members.size, 10);
      equal(n.map.size, 10);
    }
    fleet.stopLoops();
  }));

function _pair() {
  const net = new SimNet({ nodes: 3, seed: 9 });
  const nodes = net.nodes.map((sn) => {
    const h = new HiveNode({ ln: sn, id: sn.id, ticketUsed: undefined });
    h.start();
    return h;
  });
  return { net, nodes };
}

Deno.test("expired, forged and replayed tickets are refused", () =>
  withDeadline(20_000, async () => {
    const used = new Set<string>();
    const net = new SimNet({ nodes: 4, seed: 5 });
    const [admin, a, b, c] = net.nodes.map((sn) => {
      const h = new HiveNode({
        ln: sn,
        id: sn.id,
        ticketUsed: (s) => used.has(s),
        useTicket: (s) => void used.add(s),
      });
      h.start();
      return h;
    });
    await admin.genesis("hive_test");
    // Expired: valid for 60 s, presented after 120 s.
    const short = await admin.invite(60);
    await net.runUntil(120_000);
    await a.join(short, admin.id);
    await net.runUntil(130_000);
    equal(a.tier, null);
    equal(admin.refused.ticket_expired, 1);

    // Forged: a ticket "signed" by a non-admin but naming the admin.
    const forged = await createTicket(c.ln, {
      hiveId: "hive_test",
      adminPubkey: admin.id,
      validSeconds: 3600,
    });
    await a.join(forged.base64, admin.id);
    await net.runUntil(140_000);
    equal(a.tier, null);
    equal(admin.refused.ticket_forged, 1);

    // Tampered: a real ticket whose expiry was moved.
    const real = decodeTicket(await admin.invite());
    await a.join(encodeTicket({ ...real, expires_at: real.expires_at + 1 }), admin.id);
    await net.runUntil(150_000);
    equal(admin.refused.ticket_forged, 2);

    // Replayed: the ticket that admitted `a` does not admit `b`.
    const once = await admin.invite();
    await a.join(once, admin.id);
    await net.runUntil(160_000);
    equal(a.tier, "neophyte");
    await b.join(once, admin.id);
    await net.runUntil(170_000);
    equal(b.tier, null);
    equal(admin.refused.ticket_replayed, 1);
  }));

Deno.test("verifyTicket reports the reason and always checks with the claimed key", () =>
  withDeadline(10_000, async () => {
    const { nodes: [admin, other] } = _pair();
    await admin.genesis("hive_x");
    const good = await admin.invite();
    const isAdmin = (k: string) => k === admin.id;
    ok((await verifyTicket(admin.ln, good, { isAdmin })).ok);
    const bad = await verifyTicket(admin.ln, "!!!", { isAdmin });
    ok(!bad.ok && bad.reason === "malformed");
    const foreign = await createTicket(other.ln, {
      hiveId: "hive_x",
      adminPubkey: other.id,
      validSeconds: 60,
    });
    const r = await verifyTicket(admin.ln, foreign.base64, { isAdmin });
    ok(!r.ok && r.reason === "unknown_admin");
  }));

Deno.test("nonces: TTL 300 s, one per peer per 10 s, at most 1000 pending, redeemable once", () => {
  let i = 0;
  const book = new NonceBook(() => new Uint8Array(32).fill(i++ & 0xff));
  const meta = { requirements: 0, ticketSignature: "s" };
  const first = book.issue("p", 1000, meta);
  ok("nonce" in first);
  const again = book.issue("p", 1000 + CHALLENGE_RATE_LIMIT_SECONDS - 1, meta);
  ok("refused" in again && again.refused === "rate_limited");
  // Replayed ATTEST: the nonce redeems once.
  const n = (first as { nonce: string }).nonce;
  ok(!("refused" in book.redeem("p", n, 1001)));
  const replay = book.redeem("p", n, 1002);
  ok("refused" in replay && replay.refused === "unknown");
  // Expired.
  const late = book.issue("q", 2000, meta) as { nonce: string };
  const r = book.redeem("q", late.nonce, 2000 + CHALLENGE_TTL_SECONDS + 1);
  ok("refused" in r && r.refused === "expired");
  // Wrong nonce.
  book.issue("w", 3000, meta);
  const w = book.redeem("w", "00", 3001);
  ok("refused" in w && w.refused === "mismatch");
  // Bounded.
  for (let k = 0; k < MAX_PENDING_CHALLENGES + 50; k++) book.issue(`peer${k}`, 4000, meta);
  equal(book.size, MAX_PENDING_CHALLENGES);
  equal(book.peek("peer0", 4000), undefined);
  ok(book.peek(`peer${MAX_PENDING_CHALLENGES + 49}`, 4000));
});
