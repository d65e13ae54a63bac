/** Block metrics from hand-written records: chain, orphans, forks and propagation. */
import { deepEqual, equal } from "@std/assert";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import {
  chainMetrics,
  collectBlocks,
  propagationMetrics,
  receiptTimes,
} from "../../../../commands/sim/analyze/blocks.ts";
import type { LoadedRun } from "../../../../commands/sim/analyze/load.ts";

// g <- a <- b (main) and g <- a <- x (orphan at height 2, mined by m2).
const _events: RunEvent[] = [
  { ts: 0, host: "m1", event: "mined", height: 1, hash: "a", parent: "g" },
  { ts: 1, host: "m2", event: "block", height: 1, hash: "a", parent: "g" },
  { ts: 10, host: "m1", event: "mined", height: 2, hash: "b", parent: "a" },
  { ts: 11, host: "m2", event: "mined", height: 2, hash: "x", parent: "a" },
  { ts: 12, host: "m2", event: "block", height: 2, hash: "b", parent: "a" },
  { ts: 13, host: "n1", event: "block", height: 2, hash: "b", parent: "a" },
];

function _run(events: RunEvent[]): LoadedRun {
  return {
    dir: "d",
    events,
    propagation: [],
    convergence: [],
    sources: [],
    problems: [],
    problemCount: 0,
  } as unknown as LoadedRun;
}

Deno.test("collectBlocks and chainMetrics: main chain, one orphan, one fork height", () => {
  const index = collectBlocks(_events);
  equal(index.blocks.size, 3);
  equal(index.hasReceipts, true);
  deepEqual([...index.hosts].sort(), ["m1", "m2", "n1"]);
  deepEqual(chainMetrics(index.blocks), {
    known: 3,
    mined: 3,
    main_chain_height: 2,
    orphaned: 1,
    orphan_rate: 0.333,
    fork_heights: 1,
    fork_rate: 0.5,
  });
});

Deno.test("receipts imply ancestors; propagation counts blocks every node had", () => {
  const index = collectBlocks(_events);
  const recv = receiptTimes(_events, index.blocks);
  equal(recv.get("a")?.get("n1"), 13); // n1 only reported b, so it held a by then
  const p = propagationMetrics(_run(_events), index, 3);
  equal(p.source, "events");
  equal(p.blocks_total, 3);
  equal(p.blocks_measured, 2); // a and b reached m1, m2, n1; x never left m2
  equal(p.max_s, 13);
});
