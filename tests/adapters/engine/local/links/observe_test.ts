/**
 * Block arrivals read from monerod's own log lines (the format of monerod 0.18 at
 * --log-level=1): main-chain adds with their height, alternative blocks, fluffy-block receipts;
 * the final main chain after a reorg; propagation and orphans as the DES reports them.
 */
import { deepEqual, equal } from "@std/assert";
import {
  finalMainChain,
  observeBlocks,
  parseBlockArrivals,
  validationSeconds,
} from "../../../../../adapters/engine/local/links/observe.ts";
import { added, alt, H, received } from "./_monerod_log.ts";

Deno.test("arrivals: adds with heights, alternatives, receipts; genesis left out of blocks", () => {
  const a = parseBlockArrivals(
    [added("10:00:00.000", H("0"), 0), added("10:00:01.000", H("a"), 1), "noise"].join("\n"),
  );
  deepEqual(a.map((x) => [x.hash[0], x.height, x.main]), [["0", 0, true], ["a", 1, true]]);
  equal(a[1].ms - a[0].ms, 1000);
  const b = parseBlockArrivals(
    [received("10:00:01.250", H("a")), added("10:00:01.400", H("a"), 1)].join("\n"),
  );
  deepEqual(b.map((x) => [x.received ?? false, x.main]), [[true, false], [false, true]]);
  const obs = observeBlocks({ a, b });
  equal(obs.mined, 1);
  // First notice at b: the receipt, 250 ms after the miner's add; once added: 400 ms.
  equal(obs.blocks[0].t100_s, 0.25);
  equal(observeBlocks({ a, b }, -Infinity, { at: "added" }).blocks[0].t100_s, 0.4);
  equal(obs.blocks[0].origin, "a");
});

Deno.test("final main chain follows a reorg; the losing block counts as an orphan", () => {
  // Node x: a1 then b1 as an alternative, b2 makes b's chain longer: b1, b2 re-added at 1, 2.
  const x = parseBlockArrivals([
    added("10:00:01.000", H("a"), 1),
    alt("10:00:02.000", H("b"), 1),
    added("10:00:03.000", H("b"), 1),
    added("10:00:03.000", H("c"), 2),
  ].join("\n"));
  const chain = finalMainChain(x);
  deepEqual([...chain.entries()].map(([h, id]) => [h, id[0]]), [[1, "b"], [2, "c"]]);
  const y = parseBlockArrivals(
    [added("10:00:02.500", H("b"), 1), added("10:00:02.900", H("c"), 2)].join("\n"),
  );
  const obs = observeBlocks({ x, y });
  equal(obs.mined, 3);
  equal(obs.orphaned, 1, "block a lost");
  // Blocks first seen before `since` are left out.
  equal(observeBlocks({ x, y }, Date.UTC(2026, 11, 1, 10, 0, 2, 600)).mined, 1);
});

Deno.test("validation seconds: from a peer's notice of a block to its add, per node", () => {
  const a = parseBlockArrivals(
    [
      received("10:00:01.000", H("a")),
      received("10:00:01.100", H("a")), // a second peer's notice: the first counts
      added("10:00:01.750", H("a"), 1),
      added("10:00:02.000", H("b"), 2), // mined here: no notice, no validation figure
      received("10:00:02.100", H("a")), // a late notice of a block held: no validation
      added("10:00:09.000", H("a"), 1), // added again on a reorg: not a second figure
      received("10:00:09.500", H("b")),
      added("10:00:12.000", H("b"), 2),
    ].join("\n"),
  );
  deepEqual(validationSeconds({ a }), [0.75]);
  // Without each node's first figure (RandomX set up on a node's first received block).
  deepEqual(validationSeconds({ a }, { skipFirst: true }), []);
  const b = parseBlockArrivals(
    [
      received("10:00:01.000", H("a")),
      added("10:00:09.000", H("a"), 1),
      received("10:00:10.000", H("b")),
      added("10:00:10.300", H("b"), 2),
    ].join("\n"),
  );
  deepEqual(validationSeconds({ a, b }, { skipFirst: true }), [0.3]);
});
