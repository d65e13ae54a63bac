/** The run-record schemas: one definition each, parsing what engines write and naming what is wrong. */
import { deepEqual, equal, ok } from "@std/assert";
import {
  convergenceSampleSchema,
  ENGINE_NAMES,
  propagationRecordSchema,
  type RunEvent,
  runEventSchema,
} from "../../../adapters/engine/types.ts";

Deno.test("runEventSchema parses every event kind an engine writes", () => {
  const events: RunEvent[] = [
    { ts: 1, host: "m1", event: "mined", height: 1, hash: "a", parent: "g" },
    { ts: 2, host: "n1", event: "block", height: 1, hash: "a", parent: "g" },
    { ts: 3, host: "n1", event: "height", height: 1, top_hash: "a", peers: 2 },
    { ts: 4, host: "n1", event: "reorg", depth: 2, height: 5 },
    { ts: 5, host: "u1", event: "tx_sent", txid: "t", amount: 0.5 },
    { ts: 6, host: "n1", event: "tx_seen", txid: "t" },
    { ts: 7, host: "u1", event: "tx_confirmed", txid: "t", height: 3 },
    { ts: 8, host: "x", event: "attack", attack: "partition", outcome: { converged: true } },
  ];
  for (const e of events) deepEqual(runEventSchema.parse(e), e);
});

Deno.test("runEventSchema refuses unknown events and bad fields, naming them", () => {
  const unknown = runEventSchema.safeParse({ ts: 1, host: "a", event: "boom" });
  ok(!unknown.success);
  ok(unknown.error!.issues[0].message.includes("mined, block, height"));
  const negative = runEventSchema.safeParse({ ts: -1, host: "a", event: "tx_seen", txid: "t" });
  ok(!negative.success);
  deepEqual(negative.error!.issues[0].path, ["ts"]);
  const depth = runEventSchema.safeParse({ ts: 1, host: "a", event: "reorg", depth: 0, height: 1 });
  ok(!depth.success);
  deepEqual(depth.error!.issues[0].path, ["depth"]);
});

Deno.test("aggregate schemas accept null times (never reached) and refuse missing fields", () => {
  const record = {
    hash: "a",
    height: 1,
    miner: "m1",
    mined_ts: 0,
    reached: 3,
    nodes: 4,
    t50_s: 0.2,
    t90_s: null,
    t100_s: null,
  };
  deepEqual(propagationRecordSchema.parse(record), record);
  ok(!propagationRecordSchema.safeParse({ ...record, nodes: 0 }).success);
  ok(!convergenceSampleSchema.safeParse({ ts: 1, min_height: 0, max_height: 2 }).success);
  equal(ENGINE_NAMES.join(","), "shadow,local,des");
});
