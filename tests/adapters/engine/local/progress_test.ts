/**
 * The local engine's phase progress: `start nodes` counts ready nodes, and `fund wallets`
 * follows a real monerod's height while blocks are mined, against the funding's block total.
 *
 * @module
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  LOCAL_PHASES,
  reportNodesReady,
  watchFunding,
  watchSeconds,
} from "../../../../adapters/engine/local/progress.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../../adapters/engine/local/rpc.ts";
import { FUNDING_UNLOCK_BLOCKS } from "../../../../adapters/engine/local/wallet.ts";
import type { EngineProgress } from "../../../../adapters/engine/types.ts";
import { startNodes, stopNodes } from "../../../commands/sim/agents/_monerod.ts";
import { deadline } from "../../../_helpers.ts";

Deno.test("start nodes: ready nodes of all, under the phase's name", () => {
  const seen: EngineProgress[] = [];
  reportNodesReady({ onProgress: (p) => seen.push(p) }, 1, 3);
  reportNodesReady({}, 2, 3); // no sink: nothing to do, no throw
  deepEqual(seen, [{ done: 1, total: 3, unit: "nodes", phase: "start nodes" }]);
});

Deno.test("settle: seconds of the phase's bound, never past it, nothing once disposed", async () => {
  const seen: EngineProgress[] = [];
  {
    await using _ = watchSeconds({ onProgress: (p) => seen.push(p) }, LOCAL_PHASES.settle, 0.01);
    await new Promise((r) => setTimeout(r, 20));
  }
  const after = seen.length;
  ok(after >= 1);
  deepEqual({ ...seen[0], done: 0 }, { done: 0, total: 0.01, unit: "seconds", phase: "settle" });
  ok(seen.every((p) => p.done >= 0 && p.done <= 0.01));
  await new Promise((r) => setTimeout(r, 600));
  equal(seen.length, after, "no report after disposal");
});

Deno.test({
  name: "fund wallets: blocks mined on a real monerod, counted from the watch's start",
  ignore: !(await Deno.stat("/usr/bin/monerod").then(() => true, () => false)),
  fn: async () => {
    const net = await startNodes(["funder"], 41, true);
    try {
      const url = net.rpc.funder.url;
      // The first blocks wait for the miner's set-up, longer than the helper's 5 s.
      const rpc = new MonerodRpc({ url, timeoutMs: 60_000 });
      await rpc.generateBlocks(2, DEFAULT_MINER_ADDRESS); // blocks before the watch do not count
      const seen: EngineProgress[] = [];
      const watch = watchFunding({ onProgress: (p) => seen.push(p) }, {
        rpcUrl: url,
        userBlocks: [3, 2],
        intervalMs: 50,
      });
      const total = 5 + FUNDING_UNLOCK_BLOCKS;
      deepEqual(seen[0], { done: 0, total, unit: "blocks", phase: LOCAL_PHASES.fund });
      // The first poll fixes the starting height before anything is mined.
      await deadline(
        (async () => {
          while (seen.length < 2) await new Promise((r) => setTimeout(r, 20));
        })(),
        20_000,
        "the first poll",
      );
      for (let i = 0; i < 4; i++) await rpc.generateBlocks(1, DEFAULT_MINER_ADDRESS);
      await deadline(
        (async () => {
          while (seen.at(-1)!.done < 4) await new Promise((r) => setTimeout(r, 20));
        })(),
        20_000,
        "progress to reach 4 blocks",
      );
      await watch.stop();
      const after = seen.length;
      await new Promise((r) => setTimeout(r, 200));
      equal(seen.length, after, "no report after stop()");
      const dones = seen.map((p) => p.done);
      deepEqual(dones, [...dones].sort((a, b) => a - b), "never goes back");
      equal(Math.max(...dones), 4);
      ok(seen.every((p) => p.total === total && p.phase === "fund wallets"));
      // Without a sink, nothing polls and stopping is immediate.
      await using _ = watchFunding({}, { rpcUrl: url, userBlocks: [] });
    } finally {
      await stopNodes(net);
    }
  },
});
