/**
 * Agents against real monerod (regtest) and real monero-wallet-rpc on loopback.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { LocalChild } from "../../../../adapters/engine/local/proc.ts";
import { placeHosts } from "../../../../adapters/engine/local/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import {
  partitionForkLength,
  runEclipse,
  runPartition,
} from "../../../../commands/sim/agents/attacker.ts";
import { runDoubleSpend } from "../../../../commands/sim/agents/double_spend.ts";
import { runMiner } from "../../../../commands/sim/agents/miner.ts";
import { runMonitor } from "../../../../commands/sim/agents/monitor.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../../adapters/engine/local/rpc.ts";
import {
  type AgentContext,
  type EventSink,
  RunClock,
} from "../../../../commands/sim/agents/runtime.ts";
import { type RunEvent, type SimHost, type SimModel } from "../../../../adapters/engine/types.ts";
import { monerodArgs } from "../../../../adapters/engine/monerod.ts";
import { waitFor } from "../../../_helpers.ts";
const logger = createLogger({ level: "error" });
const _ADDR = DEFAULT_MINER_ADDRESS;

function _host(name: string, ip: string, peers: string[]): SimHost {
  return {
    name,
    kind: "miner",
    region: "default",
    ip,
    p2pPort: 0,
    rpcPort: 0,
    hashrate: 0,
    startTimeS: 0,
    bandwidthUpBps: 1e8,
    bandwidthDownBps: 1e8,
    daemonArgs: [],
    peers,
  };
}

/** A model whose hosts sit on 127.0.<subnet>.2.. so this file never meets other tests' nodes. */
function _model(names: string[], subnet: number): SimModel {
  return {
    name: "agents-test",
    seed: 5,
    stopTimeS: 60,
    bootstrapEndTimeS: 0,
    parallelism: 1,
    peerMode: "hardcoded",
    // Each later node peers with the first one: a star, enough for two or three nodes.
    hosts: names.map((n, i) => _host(n, `127.0.${subnet}.${2 + i}`, i === 0 ? [] : [names[0]])),
    edges: [],
    attacks: [],
  };
}

interface _Net {
  rpc: Record<string, MonerodRpc>;
  ip: Record<string, string>;
  dir: string;
  children: LocalChild[];
}

async function _startNodes(names: string[], subnet: number, offline = false): Promise<_Net> {
  const dir = await Deno.makeTempDir({ prefix: "hive_agents_" });
  const { model, placements } = placeHosts(_model(names, subnet), dir);
  const net: _Net = { rpc: {}, ip: {}, dir, children: [] };
  try {
    for (const host of model.hosts) {
      const p = placements.find((x) => x.name === host.name)!;
      await Deno.mkdir(p.dir, { recursive: true });
      const args = monerodArgs(host, model, { dataDir: `${p.dir}/data`, peerMode: "hardcoded" });
      args.push(`--log-file=${p.dir}/monerod.log`);
      if (offline) args.push("--offline");
      net.children.push(LocalChild.start({
        name: host.name,
        argv: ["monerod", ...args],
        logPath: `${p.dir}/stderr.log`,
        logger,
      }));
      net.rpc[host.name] = new MonerodRpc({ url: p.rpcUrl, timeoutMs: 5000 });
      net.ip[host.name] = p.ip;
    }
    for (const name of names) {
      let up = false;
      // Bounded: 240 x 250 ms.
      for (let i = 0; i < 240 && !up; i++) {
        up = await net.rpc[name].getInfo().then(() => true, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 250));
      }
      ok(up, `${name} answers RPC`);
    }
    return net;
  } catch (error) {
    await _stopNodes(net);
    throw error;
  }
}

async function _stopNodes(net: _Net): Promise<void> {
  await Promise.all(net.children.map((c) => c.stop(15_000)));
  await Deno.remove(net.dir, { recursive: true }).catch(() => {});
}

function _memorySink(): EventSink & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, write: (e) => void events.push(e), close() {} };
}

function _ctx(sink: EventSink, signal: AbortSignal): AgentContext {
  return { logger, events: sink, clock: new RunClock(), signal };
}

Deno.test("miner, monitor and attackers on two real monerod nodes", async (t) => {
  const net = await _startNodes(["a", "b"], 2);
  try {
    await t.step("miner mines Poisson-timed blocks and records each one", async () => {
      const sink = _memorySink();
      const result = await runMiner(_ctx(sink, new AbortController().signal), {
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
      const sink = _memorySink();
      const stop = new AbortController();
      const monitor = runMonitor(_ctx(sink, stop.signal), {
        targets: [{ host: "a", rpc: net.rpc.a }, { host: "b", rpc: net.rpc.b }],
        intervalS: 0.2,
      });
      try {
        // Let the monitor take its baseline before mining.
        ok(
          await waitFor(() => sink.events.filter((e) => e.event === "height").length >= 2, 30_000),
        );
        const minerSink = _memorySink();
        await runMiner(_ctx(minerSink, stop.signal), {
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
        const sink = _memorySink();
        const stop = new AbortController();
        const ctx = _ctx(sink, stop.signal);
        const watch = new AbortController();
        const monitor = runMonitor(_ctx(sink, watch.signal), {
          targets: [{ host: "a", rpc: net.rpc.a }, { host: "b", rpc: net.rpc.b }],
          intervalS: 0.2,
        });
        const attack = runPartition(ctx, {
          groupA: [{ host: "a", rpc: net.rpc.a }],
          groupB: [{ host: "b", rpc: net.rpc.b }],
          startS: 0,
          endS: 600, // healed by the abort below, long before this
        });
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
        const sink = _memorySink();
        const stop = new AbortController();
        const attack = runEclipse(_ctx(sink, stop.signal), {
          attackers: [{ host: "a", rpc: net.rpc.a }],
          victim: { host: "b", rpc: net.rpc.b },
          behaviour: "delay",
          delayS: 2,
          startS: 0,
          pollS: 0.1,
        });
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
      },
    );

    await t.step(
      "double spend: isolates its node, gives up at the timeout, lifts the bans",
      async () => {
        const sink = _memorySink();
        const stop = new AbortController();
        const fork = (await net.rpc.a.getInfo()).height - 1;
        const run = runDoubleSpend(_ctx(sink, stop.signal), {
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
    await _stopNodes(net);
  }
});

Deno.test("partition fork length: the shorter side's gain over the top at the cut", () => {
  const atCut = { a: 10, b: 10, c: 9 };
  equal(partitionForkLength(atCut, { a: 14, b: 13, c: 12 }, ["a"], ["b", "c"]), 3);
  equal(partitionForkLength(atCut, { a: 10, b: 15, c: 15 }, ["a"], ["b", "c"]), 0);
});
