import { deepEqual, equal, ok } from "@std/assert";
import { Fleet } from "../../../commands/hive/fleet.ts";
import {
  decodeMessage,
  encodeMessage,
  fromHex,
  MAX_MESSAGE_BYTES,
  MessageType,
  type Payload,
  toHex,
} from "../../../commands/hive/protocol.ts";
import { chunkFullSync, statesHash } from "../../../commands/hive/sync.ts";
import type { SimNode } from "../../../adapters/lightning/simnet.ts";
import {
  clComputeStatesHash,
  clFullSyncSigningPayload,
  clHandleFullSync,
  clStateHashSigningPayload,
} from "./_cl_hive_model.ts";
import { withDeadline } from "./_deadline.ts";

const T = 1_700_000_000;
const hex = (n: number, prefix = "02") => prefix + n.toString(16).padStart(64, "0");

/** A state as cl-hive's `HivePeerState.to_dict` writes it (every field, `last_update`). */
function clState(peerId: string, version: number, lastUpdate: number): Payload {
  return {
    peer_id: peerId,
    capacity_sats: 20_000_000,
    available_sats: 7_000_000,
    fee_policy: { base_fee: 1000, fee_rate: 250 },
    topology: [hex(0xdead, "03")],
    version,
    last_update: lastUpdate,
    state_hash: "",
    budget_available_sats: 1_000_000,
    budget_reserved_until: 0,
    budget_last_update: lastUpdate,
    capabilities: [],
  };
}

/** A fleet where node 0 founded a hive and node 2 plays a cl-hive member (no handshake ran). */
async function setup(extraMembers = 0) {
  const fleet = Fleet.create({ nodes: 3, seed: 5 });
  const [a, , c] = fleet.nodes;
  await a.genesis("hive_sync");
  a.membership.add(c.id, "member", T);
  for (let i = 1; i <= extraMembers; i++) {
    const id = hex(i * 7919, i % 2 ? "02" : "03");
    a.membership.add(id, i % 3 ? "member" : "neophyte", T + i);
    a.map.merge({ ...clState(id, 1 + (i % 5), T + i) } as never);
  }
  const sent: { to: string; payload: Payload }[] = [];
  const aLn = a.ln as SimNode;
  aLn.sendcustommsg = (to: string, msg: string) => {
    const d = decodeMessage(fromHex(msg));
    ok(fromHex(msg).length <= MAX_MESSAGE_BYTES, `message of ${fromHex(msg).length} bytes`);
    if (d.kind === "message") sent.push({ to, payload: d.payload });
    return Promise.resolve();
  };
  return { fleet, a, c, cLn: fleet.net.node(c.id)!, sent };
}

/** cl-hive's `_create_signed_state_hash_msg` from `c`. */
async function clStateHash(c: SimNode, fleetHash: string, peerCount: number): Promise<string> {
  const p: Payload = { fleet_hash: fleetHash, peer_count: peerCount, timestamp: T };
  p.sender_id = c.id;
  p.signature = (await c.signmessage(clStateHashSigningPayload(p))).zbase;
  return toHex(encodeMessage(MessageType.STATE_HASH, p));
}

/** cl-hive's `_create_signed_full_sync_msg` from `c`: the whole fleet in one message. */
async function clFullSync(c: SimNode, states: Payload[], members: Payload[]): Promise<Payload> {
  const p: Payload = {
    states,
    fleet_hash: clComputeStatesHash(states) ||
      "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
    timestamp: T,
    members,
    sender_id: c.id,
  };
  p.signature = (await c.signmessage(clFullSyncSigningPayload(p))).zbase;
  return p;
}

const fullSyncs = (sent: { payload: Payload }[]) =>
  sent.filter((s) => s.payload.states !== undefined).map((s) => s.payload);

Deno.test("states hash equals cl-hive's compute_states_hash (recorded with CPython)", () => {
  // Vector from CPython over cl-hive's algorithm: to_dict, a bare `timestamp`, and both fields.
  const vec = [
    { ...clState("03" + "b".repeat(64), 7, 1700000123), capacity_sats: 18446744073709551615n },
    { peer_id: "02" + "a".repeat(64), version: 2, timestamp: 1700000000 },
    { peer_id: "02" + "e".repeat(64), version: 1, last_update: 5, timestamp: 9 },
  ];
  const expected = "24b0cfbe7d7c8ec6c1b46569749f9784a91c555af0dd06f58a756b46ad7d2cd6";
  equal(statesHash(vec), expected);
  equal(clComputeStatesHash(vec), expected);
  equal(statesHash([]), "");
});

Deno.test("our FULL_SYNC to a cl-hive member: every chunk passes cl-hive's handle_full_sync", () =>
  withDeadline(30_000, async () => {
    const { a, c, cLn, sent } = await setup(700);
    // A cl-hive STATE_HASH (no buckets, no members digest) with a different fleet hash.
    await a.handle({ peer_id: c.id, payload: await clStateHash(cLn, "ab".repeat(32), 1) });
    const chunks = fullSyncs(sent);
    ok(chunks.length >= 3, `${chunks.length} chunks`);
    const seenStates = new Set<string>(), seenMembers = new Set<string>();
    for (const p of chunks) {
      const out = clHandleFullSync(a.id, p, (id) => a.membership.has(id));
      equal(out.reason, "");
      equal(out.states.length, (p.states as unknown[]).length); // every entry valid for cl-hive
      for (const s of out.states) seenStates.add(s.peer_id as string);
      for (const m of out.members) {
        seenMembers.add(m.peer_id);
        // cl-hive files an unknown tier as neophyte: the admin must travel as member.
        equal(
          m.tier,
          a.membership.members.get(m.peer_id)!.tier === "neophyte" ? "neophyte" : "member",
        );
      }
      ok(!("banned" in p) || Array.isArray(p.banned));
    }
    equal(seenStates.size, a.map.size);
    equal(seenMembers.size, a.membership.members.size);
    // The old way (every chunk carrying the whole fleet's hash) is what cl-hive refuses.
    const whole: Payload = { ...chunks[0], fleet_hash: a.map.fleetHash() };
    whole.signature = (await a.ln.signmessage(clFullSyncSigningPayload(whole))).zbase;
    equal(clHandleFullSync(a.id, whole, () => true).reason, "states hash mismatch");
  }));

Deno.test("a cl-hive FULL_SYNC and STATE_HASH are accepted as cl-hive sends them", () =>
  withDeadline(20_000, async () => {
    const { a, c, cLn, sent } = await setup();
    const other = hex(424242, "03");
    const states = [clState(c.id, 4, T + 10), clState(other, 2, T + 11)];
    const members = [
      { peer_id: c.id, tier: "member", joined_at: T },
      { peer_id: other, tier: "neophyte", joined_at: T + 5 },
    ];
    const p = await clFullSync(cLn, states, members);
    ok(clHandleFullSync(c.id, p, () => true).accepted); // the model agrees it is well formed
    await a.handle({ peer_id: c.id, payload: toHex(encodeMessage(MessageType.FULL_SYNC, p)) });
    deepEqual(a.refused, {});
    equal(a.membership.members.get(other)?.tier, "neophyte");
    equal(a.map.get(c.id)?.version, 4);
    equal(a.map.get(other)?.last_update, T + 11);
    // Members only, states empty (fleet_hash of an empty map): the hash check is skipped.
    const third = hex(31337, "02");
    const q = await clFullSync(cLn, [], [{ peer_id: third, tier: "member", joined_at: T }]);
    await a.handle({ peer_id: c.id, payload: toHex(encodeMessage(MessageType.FULL_SYNC, q)) });
    ok(a.membership.has(third));
    // A STATE_HASH with our own fleet hash needs no sync; cl-hive sends no members digest.
    sent.length = 0;
    await a.handle({
      peer_id: c.id,
      payload: await clStateHash(cLn, a.map.fleetHash(), a.map.size),
    });
    equal(fullSyncs(sent).length, 0);
    deepEqual(a.refused, {});
  }));

Deno.test("FULL_SYNC refusals match cl-hive's: hash mismatch, sender, signature, size", () =>
  withDeadline(20_000, async () => {
    const { fleet, a, c, cLn } = await setup();
    const send = (p: Payload, from = c.id) =>
      a.handle({ peer_id: from, payload: toHex(encodeMessage(MessageType.FULL_SYNC, p)) });
    const good = await clFullSync(cLn, [clState(c.id, 9, T)], []);
    const tampered = { ...good, states: [clState(c.id, 10, T)] }; // version bumped after signing
    await send(tampered);
    equal(a.refused.states_hash_mismatch, 1);
    equal(clHandleFullSync(c.id, tampered, () => true).reason, "states hash mismatch");
    const b = fleet.nodes[1];
    a.membership.add(b.id, "member", T);
    await send(good, b.id); // relayed by b: cl-hive wants sender_id to be the direct peer
    equal(a.refused.sender_mismatch, 1);
    // A bad signature from the direct peer: refused by cl-hive and by us.
    const forged = { ...good, signature: (await fleet.net.node(b.id)!.signmessage("x")).zbase };
    equal(clHandleFullSync(c.id, forged, () => true).reason, "signature invalid");
    await send(forged);
    equal(a.refused.bad_signature, 1);
    const many = await clFullSync(
      cLn,
      Array.from({ length: 501 }, (_, i) => ({ peer_id: hex(i + 1), version: 1, timestamp: T })),
      [],
    );
    await send(many);
    equal(a.refused.bad_full_sync_too_many_states, 1);
    equal(a.map.get(c.id), undefined);
    await send(good);
    equal(a.map.get(c.id)?.version, 9);
  }));

/** `zbase` with one character changed: still 104 zbase32 characters, no longer a signature of it. */
function tamper(zbase: string): string {
  const i = 60, alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";
  return zbase.slice(0, i) + alphabet[(alphabet.indexOf(zbase[i]) + 1) % 32] + zbase.slice(i + 1);
}

/** Counts `checkmessage` calls (key recoveries) made by `node`. */
function countChecks(node: SimNode): { n: number } {
  const count = { n: 0 };
  const check = node.checkmessage.bind(node);
  node.checkmessage = (m: string, z: string, k?: string) => {
    count.n++;
    return check(m, z, k);
  };
  return count;
}

Deno.test("a FULL_SYNC from the direct peer with a forged, wrong-key or missing signature changes nothing and is counted", () =>
  withDeadline(20_000, async () => {
    const { fleet, a, c, cLn, sent } = await setup();
    const bLn = fleet.net.node(fleet.nodes[1].id)!;
    const newcomer = hex(515151, "03"), outlaw = hex(616161, "02");
    const good: Payload = {
      ...await clFullSync(cLn, [clState(c.id, 9, T)], [
        { peer_id: newcomer, tier: "member", joined_at: T },
      ]),
      banned: [outlaw], // not covered by cl-hive's signing payload, like buckets and reply
    };
    // Nothing new in it, but it asks for an answer: our buckets differ from these.
    const ask: Payload = {
      ...await clFullSync(cLn, [], []),
      reply: true,
      buckets: Array(256).fill("0".repeat(16)),
    };
    const send = (p: Payload) =>
      a.handle({ peer_id: c.id, payload: toHex(encodeMessage(MessageType.FULL_SYNC, p)) });
    const unchanged = () => {
      equal(a.map.get(c.id), undefined);
      ok(!a.membership.has(newcomer));
      ok(!a.membership.banned.has(outlaw));
      equal(fullSyncs(sent).length, 0);
    };
    const hashBefore = a.map.fleetHash(), membersBefore = a.membership.members.size;
    const forgeries = [
      (await bLn.signmessage(clFullSyncSigningPayload(good))).zbase, // a member's key, not c's
      tamper(good.signature as string), // c's signature, altered
      (await cLn.signmessage("another message")).zbase, // c's key over another text
    ];
    for (const [i, signature] of forgeries.entries()) {
      await send({ ...good, signature });
      await send({ ...ask, signature });
      equal(a.refused.bad_signature, 2 * (i + 1));
      unchanged();
    }
    const { signature: _, ...missing } = good;
    await send(missing);
    equal(a.refused.bad_full_sync_signature, 1);
    unchanged();
    equal(a.map.fleetHash(), hashBefore);
    equal(a.membership.members.size, membersBefore);
    // The same messages signed by the sender act.
    await send(good);
    equal(a.map.get(c.id)?.version, 9);
    ok(a.membership.has(newcomer));
    ok(a.membership.banned.has(outlaw));
    await send(ask);
    equal(fullSyncs(sent).length, 1);
    equal(sent[0].to, c.id);
    equal(a.refused.bad_signature, 6);
  }));

Deno.test("a mismatching STATE_HASH with a forged signature triggers no FULL_SYNC; a matching one is left unverified", () =>
  withDeadline(20_000, async () => {
    const { fleet, a, c, cLn, sent } = await setup();
    const checks = countChecks(a.ln as SimNode);
    const bLn = fleet.net.node(fleet.nodes[1].id)!;
    const send = (p: Payload) =>
      a.handle({ peer_id: c.id, payload: toHex(encodeMessage(MessageType.STATE_HASH, p)) });
    const signed = async (fleetHash: string, signer = cLn) => {
      const p: Payload = { sender_id: c.id, fleet_hash: fleetHash, peer_count: 1, timestamp: T };
      p.signature = (await signer.signmessage(clStateHashSigningPayload(p))).zbase;
      return p;
    };
    const other = "ab".repeat(32);
    const good = await signed(other);
    await send(await signed(other, bLn)); // a member's key, not the sender's
    await send({ ...good, signature: tamper(good.signature as string) });
    await send({ ...good, peer_count: 2 }); // altered after signing
    equal(a.refused.bad_signature, 3);
    equal(fullSyncs(sent).length, 0);
    equal(checks.n, 3);
    // Our own fleet hash: no action follows, so no key is recovered and nothing is counted.
    await send({ ...(await signed(a.map.fleetHash(), bLn)) });
    equal(checks.n, 3);
    equal(a.refused.bad_signature, 3);
    equal(fullSyncs(sent).length, 0);
    await send(good);
    equal(checks.n, 4);
    ok(fullSyncs(sent).length > 0);
    ok(sent.every((s) => s.to === c.id));
    equal(a.refused.bad_signature, 3);
  }));

Deno.test("a FULL_SYNC with nothing new and nothing to answer is dropped without a key recovery", () =>
  withDeadline(20_000, async () => {
    const { a, c, cLn, sent } = await setup();
    const checks = countChecks(a.ln as SimNode);
    const send = (p: Payload) =>
      a.handle({ peer_id: c.id, payload: toHex(encodeMessage(MessageType.FULL_SYNC, p)) });
    const p = await clFullSync(cLn, [clState(c.id, 3, T)], [
      { peer_id: c.id, tier: "member", joined_at: T },
    ]);
    await send(p);
    equal(checks.n, 1);
    equal(a.map.get(c.id)?.version, 3);
    // The same states and rows again, then under a bad signature: both change nothing.
    await send(p);
    await send({ ...p, signature: tamper(p.signature as string) });
    equal(checks.n, 1);
    deepEqual(a.refused, {});
    equal(fullSyncs(sent).length, 0);
    // One newer state makes it act, so the bad signature is found.
    const newer = await clFullSync(cLn, [clState(c.id, 4, T)], []);
    await send({ ...newer, signature: tamper(newer.signature as string) });
    equal(checks.n, 2);
    equal(a.refused.bad_signature, 1);
    equal(a.map.get(c.id)?.version, 3);
  }));

Deno.test("chunks: at most 500 states, under 65535 bytes, each hashing to its own fleet_hash", () => {
  const states = Array.from({ length: 1200 }, (_, i) => clState(hex(i + 1), 1, T + i));
  const members = states.map((s) => ({ peer_id: s.peer_id, tier: "member", joined_at: T }));
  const chunks = chunkFullSync(states, members, [hex(99999, "03")], { overhead: 6000 });
  let n = 0, m = 0, banned = 0;
  for (const c of chunks) {
    ok(c.states.length <= 500);
    equal(c.fleet_hash, clComputeStatesHash(c.states));
    const bytes = new TextEncoder().encode(JSON.stringify(c)).length;
    ok(bytes + 6000 <= MAX_MESSAGE_BYTES, `${bytes} bytes`);
    n += c.states.length;
    m += c.members.length;
    banned += c.banned.length;
  }
  deepEqual([n, m, banned], [1200, 1200, 1]);
  deepEqual(chunkFullSync([], [], [], { overhead: 0 }), [
    { states: [], members: [], banned: [], fleet_hash: "" },
  ]);
});
