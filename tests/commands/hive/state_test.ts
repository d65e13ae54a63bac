import { equal, notEqual, ok } from "@std/assert";
import { canonicalJson } from "../../../commands/hive/canonical.ts";
import { Fleet, parsePartition } from "../../../commands/hive/fleet.ts";
import {
  fleetHashJson,
  fleetHashOf,
  HiveMap,
  parseState,
  type PeerState,
} from "../../../commands/hive/state.ts";
import {
  fullSyncSigningString,
  gossipDataHash,
  gossipSigningString,
  gossipTrigger,
  membersHash,
  Relay,
  stateHashSigningString,
} from "../../../commands/hive/gossip.ts";
import vectors from "../../../fixtures/cl_hive/canonical_vectors.json" with { type: "json" };
import { pyFloat } from "../../../commands/hive/canonical.ts";
import { withDeadline } from "./_deadline.ts";

function _state(s: { peer_id: string; version: number; timestamp: number }): PeerState {
  return parseState({ ...s, capacity_sats: 1, available_sats: 1 })!;
}

Deno.test("fleet hash equals cl-hive's (recorded with CPython) and the canonicaliser's bytes", () => {
  const states = vectors.fleet_hash.states.map(_state);
  equal(fleetHashOf(states), vectors.fleet_hash.hash);
  const tuples = states.map((s) => ({
    peer_id: s.peer_id,
    version: s.version,
    timestamp: s.last_update,
  }))
    .sort((a, b) => (a.peer_id < b.peer_id ? -1 : 1));
  equal(fleetHashJson(states), canonicalJson(tuples));
  const map = new HiveMap();
  for (const s of states) map.merge(s);
  equal(map.fleetHash(), vectors.fleet_hash.hash);
});

Deno.test("GOSSIP signing string equals cl-hive's for a payload with a float", () => {
  const p = vectors.gossip.payload as Record<string, unknown>;
  const fee = p.fee_policy as Record<string, unknown>;
  const payload = {
    ...p,
    fee_policy: { ...fee, ratio: pyFloat((fee.ratio as { $f: number }).$f) },
  };
  equal(gossipDataHash(payload), vectors.gossip.data_hash);
  equal(gossipSigningString(payload), vectors.gossip.signing_string);
});

Deno.test("versions: newer replaces, older and equal are ignored; invalid entries rejected", () => {
  const m = new HiveMap();
  const id = "02" + "ab".repeat(32);
  ok(m.merge(_state({ peer_id: id, version: 2, timestamp: 5 })));
  ok(!m.merge(_state({ peer_id: id, version: 2, timestamp: 9 })));
  ok(!m.merge(_state({ peer_id: id, version: 1, timestamp: 9 })));
  ok(m.merge(_state({ peer_id: id, version: 3, timestamp: 9 })));
  equal(parseState({ peer_id: id, capacity_sats: -1 }), null);
  equal(parseState({ peer_id: "zz" }), null);
  equal(parseState({ peer_id: id, topology: new Array(201).fill("x") }), null);
  equal(m.applyFullSync([{ peer_id: id, version: 9 }, "junk", null, [1]]), 1);
});

Deno.test("gossip triggers: >10 % capacity, any fee change, topology, status, heartbeat", () => {
  const last = {
    capacity_sats: 1000,
    available_sats: 1,
    fee_policy: { fee_rate: 1 },
    topology: ["a"],
    last_broadcast: 0,
  };
  const opts = { heartbeatSeconds: 300 };
  equal(gossipTrigger(last, { ...last, capacity_sats: 1100 }, 10, opts), null);
  equal(gossipTrigger(last, { ...last, capacity_sats: 1101 }, 10, opts), "capacity");
  equal(gossipTrigger(last, { ...last, fee_policy: { fee_rate: 2 } }, 10, opts), "fee");
  equal(gossipTrigger(last, { ...last, topology: ["b"] }, 10, opts), "topology");
  equal(gossipTrigger(last, last, 10, { ...opts, forceStatus: true }), "status");
  equal(gossipTrigger(last, last, 300, opts), "heartbeat");
  equal(gossipTrigger(last, last, 300, { heartbeatSeconds: 0 }), null);
});

Deno.test("relay: dedup, TTL decrement, path skip, stop at TTL 1", () => {
  const a = new Relay("A"), b = new Relay("B");
  const msg = a.originate({ x: 1 }, 100, 2);
  ok(b.firstSight(msg, 100));
  ok(!b.firstSight(msg, 101));
  const f = b.forward(msg, "A", ["A", "B", "C", "D"])!;
  equal(f.to.join(), "C,D");
  equal((f.payload._relay as { ttl: number }).ttl, 1);
  equal(new Relay("C").forward(f.payload, "B", ["D"]), null);
  equal(b.stats.deduplicated, 1);
});

Deno.test("partition and heal: both sides change, all state hashes equal within bounded rounds", () =>
  withDeadline(60_000, async () => {
    const fleet = Fleet.create({ nodes: 16, seed: 11, syncSeconds: 30 });
    await fleet.bootstrap();
    ok((await fleet.converge(600)) !== null);
    const before = fleet.agreement().hash;
    fleet.partition(parsePartition("0-7|8-15", 16));
    for (const i of [1, 6, 9, 14]) {
      const n = fleet.nodes[i];
      await n.publishState({ ...fleet.initialState(n), capacity_sats: 50_000_000 + i });
    }
    await fleet.advance(120);
    // During the partition the two sides disagree.
    const left = fleet.nodes[0].map.fleetHash(), right = fleet.nodes[15].map.fleetHash();
    notEqual(left, right);
    fleet.heal();
    const took = await fleet.converge(20 * 30); // at most 20 anti-entropy rounds
    ok(took !== null, "did not converge within 20 rounds after heal");
    const after = fleet.agreement();
    equal(after.fraction, 1);
    notEqual(after.hash, before);
    for (const i of [1, 6, 9, 14]) {
      equal(fleet.nodes[0].map.get(fleet.nodes[i].id)?.capacity_sats, 50_000_000 + i);
    }
    fleet.stopLoops();
  }));

Deno.test("with 10 % of messages lost the fleet still converges and intents stay exclusive", () =>
  withDeadline(90_000, async () => {
    const { simulate } = await import("../../../commands/hive/simulate.ts");
    const r = await simulate({
      nodes: 30,
      seed: 3,
      partition: "half",
      at: 30,
      heal: 300,
      conflicts: 20,
      loss: 0.1,
      syncSeconds: 30,
      maxSeconds: 3600,
    });
    ok(r.lost.random > 0);
    equal(r.bootstrap.members, 30);
    ok(r.partition!.heal_converge_s !== null);
    equal(r.state_hash_agreement, 1);
    equal(r.conflicts!.violations, 0);
    equal(r.conflicts!.committed, 20);
  }));

Deno.test("STATE_HASH and FULL_SYNC signing strings and the members hash equal cl-hive's", () => {
  equal(stateHashSigningString(vectors.state_hash.payload), vectors.state_hash.signing_string);
  const fs = vectors.full_sync;
  equal(membersHash(fs.members), fs.members_hash);
  equal(membersHash([]), "");
  equal(fullSyncSigningString(fs), fs.signing_string);
});
