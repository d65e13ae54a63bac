import { equal, ok } from "@std/assert";
import {
  DEFAULT_GOVERNANCE,
  Governance,
  type PendingAction,
} from "../../../commands/hive/governance.ts";
import { withDeadline } from "./_deadline.ts";

function _gov(over: Partial<typeof DEFAULT_GOVERNANCE>, fail = false) {
  const executed: PendingAction[] = [];
  const g = new Governance({
    config: { ...DEFAULT_GOVERNANCE, ...over },
    execute: (a) => {
      if (fail) return Promise.reject(new Error("no route"));
      executed.push(a);
      return Promise.resolve();
    },
  });
  return { g, executed };
}

Deno.test("advisor queues; approve executes; reject rejects; a decided action cannot be decided again", async () => {
  const { g, executed } = _gov({ mode: "advisor" });
  const d = await g.submit("channel_open", { target: "x" }, 1000, 0);
  equal(d.outcome, "queued");
  equal(g.pending().length, 1);
  equal((await g.approve(d.action.id)).outcome, "executed");
  equal(executed.length, 1);
  const d2 = await g.submit("channel_open", {}, 1000, 0);
  equal(g.reject(d2.action.id).outcome, "rejected");
  let threw = false;
  try {
    await g.approve(d2.action.id);
  } catch {
    threw = true;
  }
  ok(threw);
});

Deno.test("autonomous executes within the daily budget and the hourly limit, queues the rest", async () => {
  const { g, executed } = _gov({
    mode: "autonomous",
    budget_sats_per_day: 10_000,
    actions_per_hour: 2,
  });
  equal((await g.submit("a", {}, 4000, 0)).outcome, "executed");
  equal((await g.submit("a", {}, 4000, 10)).outcome, "executed");
  const third = await g.submit("a", {}, 1000, 20);
  equal(third.outcome, "queued");
  ok(third.note.includes("rate limit"));
  const big = await g.submit("a", {}, 5000, 4000);
  equal(big.outcome, "queued");
  ok(big.note.includes("daily budget"));
  equal((await g.submit("a", {}, 1000, 4000)).outcome, "executed");
  equal(executed.length, 3);
  const { g: failing } = _gov({ mode: "autonomous" }, true);
  equal((await failing.submit("a", {}, 1, 0)).outcome, "failed");
});

Deno.test("oracle approves or rejects over HTTP; a timeout falls back to advisor", () =>
  withDeadline(15_000, async () => {
    let verdict = "approve";
    let delay = 0;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const body = await req.json();
        ok(body.action.action_type === "channel_open");
        if (delay) await new Promise((r) => setTimeout(r, delay));
        return Response.json({ decision: verdict });
      },
    );
    try {
      const url = `http://127.0.0.1:${server.addr.port}/decide`;
      const { g, executed } = _gov({ mode: "oracle", oracle_url: url, oracle_timeout_ms: 300 });
      equal((await g.submit("channel_open", {}, 1, 0)).outcome, "executed");
      verdict = "reject";
      equal((await g.submit("channel_open", {}, 1, 0)).outcome, "rejected");
      verdict = "maybe";
      equal((await g.submit("channel_open", {}, 1, 0)).outcome, "queued");
      verdict = "approve";
      delay = 1000;
      const slow = await g.submit("channel_open", {}, 1, 0);
      equal(slow.outcome, "queued");
      ok(slow.note.includes("timeout"));
      equal(executed.length, 1);
      equal(g.pending().length, 2);
    } finally {
      await server.shutdown();
    }
  }));
