import { deepEqual, equal, ok } from "@std/assert";
import {
  canonicalJson,
  jsonSafe,
  parsePyJson,
  pyDumpsCompact,
  pyFloat,
} from "../../../commands/hive/canonical.ts";
import { Fleet } from "../../../commands/hive/fleet.ts";
import { gossipSigningString } from "../../../commands/hive/gossip.ts";
import {
  decodeMessage,
  encodeMessage,
  fromHex,
  MessageType,
  type Payload,
} from "../../../commands/hive/protocol.ts";
import { HiveStore } from "../../../commands/hive/store.ts";
import { sumSats } from "../../../commands/hive/state.ts";
import { msatToSats } from "../../../adapters/lightning/types.ts";
import { withDeadline } from "./_deadline.ts";

const U64_MAX = "18446744073709551615";

Deno.test("integers past 2^53 parse as bigint and re-encode byte for byte", () => {
  const text = `{"a":${U64_MAX},"b":[9007199254740993,-9007199254740993,9007199254740991],` +
    `"c":1.0,"d":"0312345678901234567890","e":1e+22}`;
  const v = parsePyJson(text) as Record<string, unknown>;
  equal(v.a, 18446744073709551615n);
  deepEqual(v.b, [9007199254740993n, -9007199254740993n, 9007199254740991]);
  equal(v.d, "0312345678901234567890"); // digits inside a string stay a string
  equal(pyDumpsCompact(v), text);
  equal(canonicalJson(v), text); // keys already sorted
  // Plain JSON.parse would have rounded it: the reason this exists.
  equal(String((JSON.parse(text) as { a: number }).a), "18446744073709552000");
});

Deno.test("a HIVE envelope with u64 amounts decodes and re-encodes identically", () => {
  const payload: Payload = {
    peer_id: "02" + "1".repeat(64),
    capacity_sats: BigInt(U64_MAX),
    available_sats: 2n ** 63n,
    fee_policy: { base_fee: 1000, fee_rate: pyFloat(1) },
  };
  const bytes = encodeMessage(MessageType.GOSSIP, payload);
  ok(new TextDecoder().decode(bytes).includes(`"capacity_sats":${U64_MAX}`));
  const d = decodeMessage(bytes);
  if (d.kind !== "message") throw new Error(`decoded as ${d.kind}`);
  equal(d.payload.capacity_sats, BigInt(U64_MAX));
  deepEqual(encodeMessage(MessageType.GOSSIP, d.payload), bytes);
});

Deno.test("GOSSIP with a u64 capacity: signature checks, every node holds the exact value", () =>
  withDeadline(30_000, async () => {
    const fleet = Fleet.create({ nodes: 4, seed: 64 });
    await fleet.bootstrap();
    ok((await fleet.converge(600)) !== null);
    const [a, b, c, d] = fleet.nodes;
    const seen: string[] = [];
    const bLn = fleet.net.node(b.id)!;
    const send = bLn.sendcustommsg.bind(bLn);
    bLn.sendcustommsg = (to: string, msg: string) => {
      seen.push(msg);
      return send(to, msg);
    };
    await a.publishState({
      ...fleet.initialState(a),
      capacity_sats: BigInt(U64_MAX),
      available_sats: BigInt(U64_MAX) - 1n,
    }, { force: true });
    await fleet.advance(30);
    for (const n of [b, c, d]) {
      equal(n.map.get(a.id)?.capacity_sats, BigInt(U64_MAX));
      equal(n.map.get(a.id)?.available_sats, BigInt(U64_MAX) - 1n);
      equal(n.refused.bad_signature ?? 0, 0);
    }
    // What b relays carries the same digits, and its signing string is the original's.
    const relayed = seen.map((h) => decodeMessage(fromHex(h))).find((m) =>
      m.kind === "message" && m.name === "GOSSIP" && m.payload.sender_id === a.id
    );
    if (relayed?.kind !== "message") throw new Error("b relayed no GOSSIP of a");
    ok(gossipSigningString(relayed.payload).includes('"data_hash"'));
    equal(relayed.payload.capacity_sats, BigInt(U64_MAX));
    const stats = b.map.stats();
    equal(typeof stats.total_capacity_sats, "bigint");
    equal(
      stats.total_capacity_sats,
      sumSats(b.map.all().map((s) => s.capacity_sats)),
    );
    equal(
      JSON.stringify(jsonSafe({ total: stats.total_capacity_sats })),
      `{"total":${b.map.all().reduce((t, s) => t + BigInt(s.capacity_sats), 0n)}}`,
    );
    fleet.stopLoops();
  }));

Deno.test("the store keeps u64 amounts and Python floats across a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/n.sqlite`;
    const state = {
      peer_id: "03" + "f".repeat(64),
      capacity_sats: BigInt(U64_MAX),
      fee: pyFloat(1),
    };
    let store = HiveStore.open(path);
    store.put("hive_state", state.peer_id, 1, state);
    store.close();
    store = HiveStore.open(path);
    const [back] = store.all<Record<string, unknown>>("hive_state");
    store.close();
    equal(back.capacity_sats, BigInt(U64_MAX));
    equal(canonicalJson(back), canonicalJson(state));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a forward of u64 msat lands in the ledger and the store with every digit", async () => {
  equal(msatToSats(BigInt(U64_MAX)), 18446744073709551n);
  equal(msatToSats(123_456_789), 123_456);
  equal(msatToSats(9_007_199_254_740_993_000n), 9_007_199_254_740_993n);
  const fleet = Fleet.create({ nodes: 2, seed: 3 });
  const [a, b] = fleet.nodes;
  await a.genesis("hive_msat");
  a.membership.add(b.id, "member", 0);
  const now = a.ln.now();
  const sn = fleet.net.node(a.id)!;
  for (let k = 0; k < 2; k++) {
    sn.emitForward({
      in_channel: "1x1x0",
      out_channel: "2x2x0",
      in_peer: b.id,
      out_peer: "03" + "9".repeat(64),
      in_msat: BigInt(U64_MAX),
      out_msat: BigInt(U64_MAX) - 1000n,
      fee_msat: 1000,
      status: "settled",
      received_time: now,
    });
  }
  const r = a.ledger.report(b.id, now);
  equal(r.forwarded_sats, 2n * 18446744073709551n);
  equal(
    JSON.stringify(jsonSafe({ fwd: r.forwarded_sats })),
    `{"fwd":${2n * 18446744073709551n}}`,
  );
  const dir = await Deno.makeTempDir();
  try {
    let store = HiveStore.open(`${dir}/c.sqlite`);
    for (const e of a.ledger.entries) {
      store.addContribution(e.peer_id, e.direction, e.amount_sats, e.timestamp);
    }
    store.close();
    store = HiveStore.open(`${dir}/c.sqlite`);
    deepEqual(store.contributions().map((e) => e.amount_sats), [
      18446744073709551n,
      18446744073709551n,
    ]);
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  fleet.stopLoops();
});
