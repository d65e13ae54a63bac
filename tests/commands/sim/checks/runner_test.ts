/**
 * The check runner on hand-made event sequences: each check passes on a healthy run and fails
 * on the fault it exists for, with a detail that names what went wrong.
 *
 * @module
 */
import { deepEqual, equal, match, ok, rejects } from "@std/assert";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import { CheckRunner } from "../../../../commands/sim/checks/runner.ts";
import { loadChecksFile, parseChecks } from "../../../../commands/sim/checks/config.ts";
import { UsageError } from "../../../../core/errors.ts";

const HOSTS = [
  { name: "a", kind: "miner" },
  { name: "b", kind: "observer" },
  { name: "c", kind: "observer" },
  { name: "x", kind: "attacker" },
];

function mined(ts: number, host: string, height: number, hash: string, parent: string): RunEvent {
  return { ts, host, event: "mined", height, hash, parent };
}
function block(ts: number, host: string, height: number, hash: string, parent: string): RunEvent {
  return { ts, host, event: "block", height, hash, parent };
}

/** A chain G <- h1 <- h2 that every node gets, and an orphan o2 at height 2 seen by c first. */
function _chain(): RunEvent[] {
  return [
    mined(10, "a", 1, "h1", "G"),
    block(11, "b", 1, "h1", "G"),
    block(12, "c", 1, "h1", "G"),
    mined(20, "a", 2, "h2", "h1"),
    mined(20.5, "x", 2, "o2", "h1"),
    block(21, "c", 2, "o2", "h1"),
    block(22, "b", 2, "h2", "h1"),
    mined(30, "a", 3, "h3", "h2"),
    block(31, "b", 3, "h3", "h2"),
    block(33, "c", 3, "h3", "h2"),
    { ts: 33, host: "c", event: "reorg", depth: 1, height: 3 },
  ];
}

function _run(config: unknown, events: RunEvent[], end: number) {
  const verdicts: RunEvent[] = [];
  const runner = new CheckRunner(parseChecks(config), HOSTS, (e) => verdicts.push(e));
  for (const e of events) runner.observe(e);
  return { outcomes: runner.finish(end), verdicts };
}

Deno.test("checks: convergence passes within the bound and fails past it or when split", () => {
  let r = _run({ convergence: { within: "5s" } }, _chain(), 100);
  equal(r.outcomes[0].pass, true);
  match(
    r.outcomes[0].detail,
    /all 3 honest nodes on one tip \(height 3\) 3 s after the last block/,
  );
  r = _run({ convergence: { within: 2 } }, _chain(), 100);
  equal(r.outcomes[0].pass, false);
  // c never gets h3 (mined at 30 s): split at the end, 70 s later, past a 60 s bound.
  const split = _chain().filter((e) => !(e.host === "c" && e.event !== "mined" && e.ts >= 33));
  r = _run({ convergence: { within: "1m" } }, split, 100);
  equal(r.outcomes[0].pass, false);
  match(r.outcomes[0].detail, /1 of 3 honest nodes not on the final tip .*: c$/);
  // Under a 1 h bound, h3 is still within c's bound at the end: not a failure yet.
  r = _run({ convergence: { within: "1h" } }, split, 100);
  equal(r.outcomes[0].pass, true, r.outcomes[0].detail);
  match(
    r.outcomes[0].detail,
    /2 of 3 honest nodes on the final tip \(height 3\) at the end; c still lacked blocks mined less than the bound \(3600 s\) before the end, the last 70 s before it/,
  );
  // A node on a fork that began before the bound is late whatever the last block's age.
  const forked = [
    ...split,
    mined(90, "a", 4, "h4", "h3"),
    block(91, "b", 4, "h4", "h3"),
  ];
  r = _run({ convergence: { within: "1m" } }, forked, 100);
  equal(r.outcomes[0].pass, false, r.outcomes[0].detail);
  match(r.outcomes[0].detail, /1 of 3 honest nodes not on the final tip \(height 4\).*: c$/);
  // Nodes with no block or height event at all cannot be judged (a DES run without receipts).
  r = _run({ convergence: { within: "1m" } }, _chain().filter((e) => e.host !== "c"), 100);
  equal(r.outcomes[0].pass, false);
  match(
    r.outcomes[0].detail,
    /cannot be judged for 1 of 3 honest nodes \(c\): no per-node block or height events/,
  );
  // A node stopped by a command is not expected to converge.
  split.push({ ts: 40, host: "c", event: "agent", command: "stop", state: "stopped" });
  r = _run({ convergence: { within: "1m" } }, split, 100);
  equal(r.outcomes[0].pass, true);
});

Deno.test("checks: disconnected counts command offline time and peerless samples", () => {
  const extra: RunEvent[] = [
    { ts: 40, host: "b", event: "agent", command: "pause", state: "paused" },
    { ts: 70, host: "b", event: "agent", command: "resume", state: "running" },
    { ts: 50, host: "c", event: "height", height: 3, top_hash: "h3", peers: 0 },
    { ts: 60, host: "c", event: "height", height: 3, top_hash: "h3", peers: 2 },
  ];
  const events = [..._chain(), ...extra].sort((p, q) => p.ts - q.ts);
  let r = _run({ disconnected: { max: "40s" } }, events, 100);
  equal(r.outcomes[0].pass, true);
  match(r.outcomes[0].detail, /longest offline: b for 30 s \(bound 40 s\)/);
  r = _run({ disconnected: { max: 20 } }, events, 100);
  equal(r.outcomes[0].pass, false);
  // Still offline at the end: counted up to the end.
  events.push({ ts: 80, host: "a", event: "agent", command: "stop", state: "stopped" });
  r = _run({ disconnected: { max: 40 } }, events, 200);
  equal(r.outcomes[0].pass, false);
  match(r.outcomes[0].detail, /a for 120 s/);
});

Deno.test("checks: a confirmed transaction outside the final chain fails tx_in_chain", () => {
  const ok1: RunEvent = {
    ts: 25,
    host: "a",
    event: "tx_confirmed",
    txid: "t1",
    height: 2,
    block: "h2",
  };
  const lost: RunEvent = {
    ts: 26,
    host: "x",
    event: "tx_confirmed",
    txid: "t2",
    height: 2,
    block: "o2",
  };
  let r = _run({ tx_in_chain: true }, [..._chain(), ok1], 100);
  equal(r.outcomes[0].pass, true);
  match(r.outcomes[0].detail, /all 1 confirmed transactions are in the final chain/);
  r = _run({ tx_in_chain: true }, [..._chain(), ok1, lost], 100);
  equal(r.outcomes[0].pass, false);
  match(r.outcomes[0].detail, /1 of 2 confirmed transactions are not in the final chain.*: t2/);
  // Without a block hash, by height.
  const byHeight: RunEvent = { ts: 26, host: "a", event: "tx_confirmed", txid: "t3", height: 9 };
  r = _run({ tx_in_chain: true }, [..._chain(), byHeight], 100);
  equal(r.outcomes[0].pass, false);
  match(r.outcomes[0].detail, /checked by height only/);
});

Deno.test("checks: a run that ends on a tie leaves a transaction on the other side unsettled", () => {
  // b and a on h3; c on its sibling s3, as high: the tie is not settled at the end.
  const tie: RunEvent[] = [
    ..._chain().filter((e) => !(e.host === "c" && e.ts >= 33)),
    mined(32, "c", 3, "s3", "h2"),
    { ts: 40, host: "c", event: "tx_confirmed", txid: "t9", height: 3, block: "s3" },
  ];
  let r = _run({ tx_in_chain: true }, tie, 100);
  equal(r.outcomes[0].pass, true, r.outcomes[0].detail);
  match(
    r.outcomes[0].detail,
    /0 of 1 confirmed transactions are in the final chain; 1 in a block of another tip as high, held by honest nodes \(the run ended on an unsettled tie\): t9/,
  );
  // The same block held only by an attacker is no tie: the transaction is lost.
  const attacker = tie.map((e) => e.host === "c" ? { ...e, host: "x" } : e);
  r = _run({ tx_in_chain: true }, attacker, 100);
  equal(r.outcomes[0].pass, false);
  match(r.outcomes[0].detail, /1 of 1 confirmed transactions are not in the final chain.*: t9$/);
});

Deno.test("checks: a reorg past the bound fails at once, during the run", () => {
  const verdicts: RunEvent[] = [];
  const runner = new CheckRunner(
    parseChecks({ reorg_depth: { max: 2 } }),
    HOSTS,
    (e) => verdicts.push(e),
  );
  for (const e of _chain()) runner.observe(e);
  equal(verdicts.length, 0, "depth 1 is within the bound");
  runner.observe({ ts: 50, host: "b", event: "reorg", depth: 3, height: 4 });
  equal(verdicts.length, 1, "the failure is written when it happens");
  deepEqual(
    { ...verdicts[0], detail: undefined },
    { ts: 50, host: "hive", event: "check", check: "reorg_depth", pass: false, detail: undefined },
  );
  const final = runner.finish(100);
  equal(final[0].pass, false);
  match(final[0].detail, /deepest reorg 3 block\(s\) at b, t=50 s \(bound 2\)/);
});

Deno.test("checks: config errors name the field and value", async () => {
  let error: unknown;
  try {
    parseChecks({ convergence: { within: "soon" } });
  } catch (e) {
    error = e;
  }
  ok(error instanceof UsageError);
  match((error as Error).message, /convergence\.within/);
  match(String((error as Error).message), /expected a duration/);
  try {
    parseChecks({ reorg_dept: { max: 1 } });
  } catch (e) {
    error = e;
  }
  match((error as Error).message, /reorg_dept/);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/c.yaml`, "checks:\n  reorg_depth: { max: 4 }\n");
    deepEqual(await loadChecksFile(`${dir}/c.yaml`), { reorg_depth: { max: 4 } });
    await rejects(loadChecksFile(`${dir}/none.yaml`), /--checks: no file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
