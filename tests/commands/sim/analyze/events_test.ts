/** Reorg, transaction, convergence and attack metrics from hand-written records. */
import { deepEqual, equal } from "@std/assert";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import {
  attackSummary,
  convergenceMetrics,
  reorgMetrics,
  transactionMetrics,
} from "../../../../commands/sim/analyze/events.ts";
import type { LoadedRun } from "../../../../commands/sim/analyze/load.ts";

Deno.test("reorgs by depth and transaction latencies from first records", () => {
  const events: RunEvent[] = [
    { ts: 1, host: "a", event: "reorg", depth: 1, height: 5 },
    { ts: 2, host: "b", event: "reorg", depth: 3, height: 5 },
    { ts: 3, host: "c", event: "reorg", depth: 1, height: 6 },
    { ts: 10, host: "u", event: "tx_sent", txid: "t1", amount: 1 },
    { ts: 11, host: "n", event: "tx_seen", txid: "t1" },
    { ts: 12, host: "m", event: "tx_seen", txid: "t1" },
    { ts: 130, host: "u", event: "tx_confirmed", txid: "t1", height: 7 },
    { ts: 20, host: "u", event: "tx_sent", txid: "t2", amount: 1 },
  ];
  deepEqual(reorgMetrics(events), { count: 3, max_depth: 3, depths: { "1": 2, "3": 1 } });
  const tx = transactionMetrics(events);
  equal(tx.sent, 2);
  equal(tx.confirmed, 1);
  equal(tx.confirmation.max_s, 120);
  equal(tx.first_seen.max_s, 1);
});

Deno.test("convergence from events samples heights; without receipts it reads the aggregates", () => {
  const events: RunEvent[] = [
    { ts: 0, host: "a", event: "mined", height: 1, hash: "h1", parent: "g" },
    { ts: 10, host: "b", event: "block", height: 1, hash: "h1", parent: "g" },
  ];
  const run = { events, convergence: [] } as unknown as LoadedRun;
  const c = convergenceMetrics(run, true, 2);
  equal(c.source, "events");
  deepEqual(c.samples.map((s) => s.spread), [0, 0]);
  equal(c.samples[0].max_height, 1);
  const agg = {
    events: [],
    convergence: [{ ts: 5, min_height: 1, max_height: 3, tips: 2 }],
  } as unknown as LoadedRun;
  const d = convergenceMetrics(agg, false, 10);
  equal(d.source, "convergence.ndjson");
  equal(d.final_spread, 2);
  equal(d.converged_fraction, 0);
});

/** An attack record of `kind`, at `ts`, with `outcome`. */
function _attack(
  kind: "double_spend" | "partition" | "eclipse",
  ts: number,
  outcome: Record<string, unknown>,
): RunEvent {
  return { ts, host: "x", event: "attack", attack: kind, outcome };
}

Deno.test("attack summary counts runs and successes per kind", () => {
  const s = attackSummary([
    _attack("double_spend", 1, { success: true }),
    _attack("double_spend", 1, { success: false }),
    _attack("partition", 1, { fork_length: 4, converged: true }),
  ]);
  deepEqual(s.double_spend, { runs: 2, successes: 1, success_rate: 0.5 });
  deepEqual(s.partition, { runs: 1, max_fork_length: 4, converged: 1 });
  equal(s.outcomes.length, 3);
});

Deno.test("a local partition (cut, then healed with its outcome) counts once, with its fork", () => {
  const s = attackSummary([
    _attack("partition", 90, { phase: "cut", group_a: ["m"], group_b: ["o"], heights: {} }),
    _attack("partition", 540, {
      phase: "healed",
      completed: true,
      fork_length: 2,
      converged: true,
    }),
  ]);
  deepEqual(s.partition, { runs: 1, max_fork_length: 2, converged: 1 });
});

Deno.test("a local eclipse (started, then stopped with its outcome) counts once", () => {
  const s = attackSummary([
    _attack("eclipse", 600, { phase: "started", behaviour: "delay", heights: {} }),
    _attack("eclipse", 7200, { phase: "stopped", time_behind_fraction: 0.62, success: true }),
    // The des engine writes one record, with no phase.
    _attack("eclipse", 7200, { victim: "v2", time_behind_fraction: 0.1, success: false }),
  ]);
  deepEqual(s.eclipse, { runs: 2, successes: 1 });
});

Deno.test("failed transfers are counted by reason", () => {
  const fail = (reason: string): RunEvent => ({
    ts: 1,
    host: "user-1",
    event: "tx_failed",
    reason,
    amount: 0.5,
  });
  const t = transactionMetrics([
    fail("not_enough_unlocked"),
    fail("timeout"),
    fail("not_enough_unlocked"),
  ]);
  equal(t.failed, 3);
  deepEqual(t.failed_by_reason, { not_enough_unlocked: 2, timeout: 1 });
  equal(transactionMetrics([]).failed, 0);
});

Deno.test("a tx confirmed again after a reorg: the latest confirmation holds", () => {
  const tx = transactionMetrics([
    { ts: 10, host: "u", event: "tx_sent", txid: "t1", amount: 1 },
    { ts: 50, host: "u", event: "tx_confirmed", txid: "t1", height: 4, block: "orphan" },
    { ts: 90, host: "u", event: "tx_confirmed", txid: "t1", height: 5, block: "main" },
  ]);
  equal(tx.confirmed, 1);
  equal(tx.confirmation.max_s, 80);
});
