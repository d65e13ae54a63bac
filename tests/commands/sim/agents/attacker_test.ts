/**
 * Agents against real monerod (regtest) and real monero-wallet-rpc on loopback.
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  partitionForkLength,
  runEclipse,
  runPartition,
} from "../../../../commands/sim/agents/attacker.ts";
import { runDoubleSpend } from "../../../../commands/sim/agents/double_spend.ts";
import { runMiner } from "../../../../commands/sim/agents/miner.ts";
import { runMonitor } from "../../../../commands/sim/agents/monitor.ts";
import { DEFAULT_MINER_ADDRESS } from "../../../../adapters/engine/local/rpc.ts";
import { waitFor } from "../../../_helpers.ts";
import { agentContext, memorySink, startNodes, stopNodes } from "./_monerod.ts";
const _ADDR = DEFAULT_MINER_ADDRESS;

Deno.test("miner, monitor and attackers on two real monerod nodes", async (t) => {
  const net = await startNodes(["a", "b"], 2);
  try {
    await t.step("miner mines Poisson-timed blocks and records each one", async () => {
      const sink = memorySink();
      const result = await runMiner(agentContext(sink, new AbortController().signal), {
        rpc: net.rpc.a,
        host: "a",
        hashrate: 50,
        seed: 1,
        timeScale: 2400, // mean 0.1 s between blocks
        address: _ADDR,
        maxBlocks: 3,
      });
      equal(result.mined, 3);
      const mined = sink.events.filter((e) => e.event === "mined");
      equal(mined.length, 3);
      for (const [i, e] of mined.entries()) {
        if (e.event !== "mined") continue;
        const header = await net.rpc.a.headerByHash(e.hash);
        equal(header.height, e.height, "the event names a real block at its height");
        equal(header.prev_hash, e.parent);
        if (i > 0) equal(e.parent, (mined[i - 1] as { hash: string }).hash, "a chain");
      }
    });

    await t.step("monitor sees each mined block arrive on both nodes", async () => {
      const sink = memorySink();
      const stop = new AbortController();
      const monitor = runMonitor(agentContext(sink, stop.signal), {
        targets: [{ host: "a", rpc: net.rpc.a }, { host: "b", rpc: net.rpc.b }],
        intervalS: 0.2,
      });
      try {
        // Let the monitor take its baseline before mining.
        ok(
          await waitFor(() => sink.events.filter((e) => e.event === "height").length >= 2, 30_000),
        );
        const minerSink = memorySink();
        await runMiner(agentContext(minerSink, stop.signal), {
          rpc: net.rpc.a,
          host: "a",
          hashrate: 100,
          seed: 2,
          timeScale: 1200,
          address: _ADDR,
          maxBlocks: 2,
        });
        const hashes = minerSink.events.map((e) => (e as { hash: string }).hash);
        const seenOn = (host: string) =>
          hashes.every((h) =>
            sink.events.some((e) => e.event === "block" && e.host === host && e.hash === h)
          );
        ok(await waitFor(() => seenOn("a") && seenOn("b"), 60_000), "blocks reached b");
      } finally {
        stop.abort();
        const r = await monitor;
        ok(r.polls > 0);
      }
      const heights = sink.events.filter((e) => e.event === "height");
      ok(heights.every((e) => e.event === "height" && e.top_hash.length === 64));
    });

    await t.step(
      "partition: both sides mine apart; after the heal b reorgs onto a's chain",
      async () => {
        const sink = memorySink();
        const stop = new AbortController();
        const ctx = agentContext(sink, stop.signal);
        const watch = new AbortController();
        const monitor = runMonitor(agentContext(sink, watch.signal), {
          targets: [{ host: "a", rpc: net.rpc.a }, { host: "b", rpc: net.rpc.b }],
          intervalS: 0.2,
        });
        const attack = runPartition(ctx, {
          groupA: [{ host: "a", rpc: net.rpc.a }],
          groupB: [{ host: "b", rpc: net.rpc.b }],
          startS: 0,
          endS: 600, // healed by the abort below, long before this
        });
        // A failure before the step awaits it must fail this step, not the whole file.
        attack.catch(() => {});
        let aTop = "";
        try {
          ok(await waitFor(() => sink.events.some((e) => e.event === "attack"), 30_000));
          deepEqual((await net.rpc.a.getBans()).map((b) => b.host), [net.ip.b], "a bans b");
          deepEqual((await net.rpc.b.getBans()).map((b) => b.host), [net.ip.a], "b bans a");
          // Each side extends its own chain: b by one block, a by three (a's chain wins).
          const minedOnB = await net.rpc.b.generateBlocks(1, _ADDR);
          equal(minedOnB.status, "OK");
          // The monitor can only report a reorg of a block it saw: wait until it has b's own.
          const bTop = minedOnB.blocks[0];
          ok(
            await waitFor(
              () =>
                sink.events.some((e) => e.event === "block" && e.host === "b" && e.hash === bTop),
              30_000,
            ),
            "the monitor saw b's own block",
          );
          const mined = await net.rpc.a.generateBlocks(3, _ADDR);
          equal(mined.status, "OK");
          aTop = mined.blocks[2];
          await new Promise((r) => setTimeout(r, 1500));
          const b = await net.rpc.b.getInfo();
          ok(b.top_block_hash !== aTop, "b gets nothing while cut off");
        } finally {
          stop.abort();
          equal(await attack, false, "stopped before its end time");
        }
        try {
          deepEqual(await net.rpc.a.getBans(), [], "bans lifted on stop");
          const phases = sink.events.flatMap((e) => e.event === "attack" ? [e.outcome.phase] : []);
          deepEqual(phases, ["cut", "healed"]);
          // b's one block is the shorter branch: the fork the heal resolves is one block long.
          const healed = sink.events.find((e) =>
            e.event === "attack" && e.outcome.phase === "healed"
          );
          equal(healed?.event === "attack" ? healed.outcome.fork_length : null, 1);
          equal(typeof (healed?.event === "attack" ? healed.outcome.converged : null), "boolean");
          // A poll writes its `height` line before it reads headers and reports reorg and
          // block lines, so wait for the block line: by then the poll's reorg line is out too.
          const onB = () =>
            sink.events.some((e) => e.event === "block" && e.host === "b" && e.hash === aTop);
          ok(await waitFor(onB, 90_000), "b caught up with a after the heal");
          const reorg = sink.events.find((e) => e.event === "reorg" && e.host === "b");
          const onBSide = sink.events.filter((e) => e.host === "b" && e.event !== "height");
          equal(
            reorg?.event === "reorg" ? reorg.depth : null,
            1,
            `b dropped its one block; b's events: ${JSON.stringify(onBSide)}`,
          );
        } finally {
          watch.abort();
          await monitor;
        }
      },
    );

    await t.step(
      "eclipse delay: a new block reaches the victim only after the delay",
      async () => {
        const sink = memorySink();
        const stop = new AbortController();
        const attack = runEclipse(agentContext(sink, stop.signal), {
          attackers: [{ host: "a", rpc: net.rpc.a }],
          victim: { host: "b", rpc: net.rpc.b },
          behaviour: "delay",
          delayS: 2,
          startS: 0,
          pollS: 0.1,
          sampleS: 0.2,
        });
        attack.catch(() => {});
        let held = -1;
        try {
          ok(await waitFor(() => sink.events.some((e) => e.event === "attack"), 30_000));
          deepEqual((await net.rpc.a.getBans()).map((b) => b.host), [net.ip.b], "link cut");
          const mined = await net.rpc.a.generateBlocks(1, _ADDR);
          equal(mined.status, "OK");
          await new Promise((r) => setTimeout(r, 1000));
          ok((await net.rpc.b.getInfo()).top_block_hash !== mined.blocks[0], "held back");
          let through = false;
          // Bounded: 180 x 500 ms; after 2 s the link opens, the victim reconnects and syncs.
          for (let i = 0; i < 180 && !through; i++) {
            through = (await net.rpc.b.getInfo()).top_block_hash === mined.blocks[0];
            if (!through) await new Promise((r) => setTimeout(r, 500));
          }
          ok(through, "the block reached the victim after the delay");
        } finally {
          stop.abort();
          held = await attack;
        }
        ok(held >= 1, `blocks held: ${held}`);
        deepEqual(await net.rpc.a.getBans(), [], "bans lifted on stop");
        deepEqual(await net.rpc.b.getBans(), []);
        const phases = sink.events.flatMap((e) => e.event === "attack" ? [e.outcome.phase] : []);
        deepEqual(phases, ["started", "stopped"]);
        // The lag, sampled every 0.2 s: the victim was a block behind while the block was held.
        const stopped = sink.events.at(-1);
        const outcome = stopped?.event === "attack" ? stopped.outcome : {};
        ok((outcome.samples as number) >= 5, JSON.stringify(outcome));
        equal(outcome.max_lag_blocks, 1, JSON.stringify(outcome));
        equal(typeof outcome.success, "boolean");
        const fraction = outcome.time_behind_fraction as number;
        ok(fraction > 0 && fraction <= 1, JSON.stringify(outcome));
        equal(outcome.success, fraction >= 0.5);
      },
    );

    await t.step(
      "double spend: isolates its node, gives up at the timeout, lifts the bans",
      async () => {
        const sink = memorySink();
        const stop = new AbortController();
        const fork = (await net.rpc.a.getInfo()).height - 1;
        const run = runDoubleSpend(agentContext(sink, stop.signal), {
          attacker: { host: "a", rpc: net.rpc.a },
          victim: { host: "b", rpc: net.rpc.b },
          peers: [{ host: "b", rpc: net.rpc.b }],
          // A share this small draws no block within the test: nobody mines, so it must give up.
          mining: { rpc: net.rpc.a, hashrate: 1e-6, seed: 1, timeScale: 1, address: _ADDR },
          confirmations: 1,
          startS: 0,
          timeoutS: 3,
          pollS: 0.1,
        });
        try {
          // The attack bans both ends right after it starts; seen before the timeout.
          const cut = async () => (await net.rpc.a.getBans()).some((b) => b.host === net.ip.b);
          let isCut = false;
          // Bounded: 40 x 100 ms.
          for (let i = 0; i < 40 && !isCut; i++) {
            isCut = await cut();
            if (!isCut) await new Promise((r) => setTimeout(r, 100));
          }
          ok(isCut, "the attacker's node banned its peer");
          ok(await waitFor(() => sink.events.some((e) => e.event === "attack"), 30_000));
        } finally {
          stop.abort();
        }
        const result = await run;
        equal(result.mined, 0);
        equal(result.outcome?.reason, "timeout");
        equal(result.outcome?.success, false);
        equal(result.outcome?.fork_height, fork);
        deepEqual([result.outcome?.private_len, result.outcome?.honest_len], [0, 0]);
        deepEqual(await net.rpc.a.getBans(), [], "bans lifted");
        deepEqual(await net.rpc.b.getBans(), []);
        const records = sink.events.filter((e) => e.event === "attack");
        equal(records.length, 1);
        deepEqual(records[0].event === "attack" ? records[0].outcome : null, { ...result.outcome });
      },
    );
  } finally {
    await stopNodes(net);
  }
});

Deno.test("partition fork length: the shorter side's gain over the top at the cut", () => {
  const atCut = { a: 10, b: 10, c: 9 };
  equal(partitionForkLength(atCut, { a: 14, b: 13, c: 12 }, ["a"], ["b", "c"]), 3);
  equal(partitionForkLength(atCut, { a: 10, b: 15, c: 15 }, ["a"], ["b", "c"]), 0);
});
