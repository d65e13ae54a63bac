/**
 * The monitor against a real monerod (regtest, offline) publishing on ZMQ (`--zmq-pub`): the
 * SUB socket gets monerod's chain notifications, and the monitor, polling only once an hour,
 * still records each block as the node takes it.
 */
import { equal, ok } from "@std/assert";
import { runMonitor } from "../../../../commands/sim/agents/monitor.ts";
import { ZmqSubscriber } from "../../../../commands/sim/agents/zmq.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../../adapters/engine/local/rpc.ts";
import { waitFor } from "../../../_helpers.ts";
import { agentContext, memorySink, startNodes, stopNodes } from "./_monerod.ts";

Deno.test("monitor over ZMQ: monerod's chain notifications drive block events", async (t) => {
  const net = await startNodes(["z"], 4, true, { zmq: true });
  // The first block makes monerod build its RandomX cache: seconds on a loaded machine.
  const miner = new MonerodRpc({ url: net.rpc.z.url, timeoutMs: 120_000 });
  try {
    await t.step("a SUB socket receives json-minimal-chain_main for a new block", async () => {
      const sub = await ZmqSubscriber.connect(net.zmq.z, ["json-minimal-chain_main"]);
      try {
        const first = sub.messages().next();
        // The subscription reaches the publisher asynchronously: mine until one arrives.
        const mined: string[] = [];
        let got: IteratorResult<{ topic: string; body: string }> | null = null;
        for (let i = 0; i < 20 && got === null; i++) {
          mined.push(...(await miner.generateBlocks(1, DEFAULT_MINER_ADDRESS)).blocks);
          const tick = new Promise<null>((r) => setTimeout(() => r(null), 500));
          got = await Promise.race([first, tick]);
        }
        ok(got !== null && !got.done, "a notification within 20 blocks");
        const m = got!.value;
        equal(m.topic, "json-minimal-chain_main");
        const body = JSON.parse(m.body) as { first_height: number; ids: string[] };
        ok(mined.includes(body.ids[0]), `${body.ids[0]} is a block mined here`);
      } finally {
        sub.close();
      }
    });
    await t.step("the monitor records blocks between polls an hour apart", async () => {
      const sink = memorySink();
      const stop = new AbortController();
      const run = runMonitor(agentContext(sink, stop.signal), {
        targets: [{ host: "z", rpc: net.rpc.z }],
        intervalS: 3600,
        zmq: { z: net.zmq.z },
      });
      try {
        ok(await waitFor(() => sink.events.some((e) => e.event === "height"), 30_000));
        // Mine a block every 500 ms (at most 40) until the monitor has a block event for one.
        const mined = new Set<string>();
        const seen = () => sink.events.some((e) => e.event === "block" && mined.has(e.hash));
        for (let i = 0; i < 40 && !seen(); i++) {
          for (const b of (await miner.generateBlocks(1, DEFAULT_MINER_ADDRESS)).blocks) {
            mined.add(b);
          }
          await waitFor(seen, 500);
        }
        ok(seen(), "a block event for a block mined after the only poll");
      } finally {
        stop.abort();
      }
      const result = await run;
      equal(result.polls, 1, "one timed poll: every later read came from a notification");
      ok(result.notifications >= 1);
    });
  } finally {
    await stopNodes(net);
  }
});
