/**
 * Agents against real monerod (regtest) and real monero-wallet-rpc on loopback.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { LocalChild } from "../../../adapters/engine/local/proc.ts";
import { placeHosts } from "../../../adapters/engine/local/engine.ts";
import { createLogger } from "../../../core/logger.ts";
import { runEclipse, runPartition } from "../../../commands/sim/agents/attacker.ts";
import { runDoubleSpend } from "../../../commands/sim/agents/double_spend.ts";
import { minerMeanIntervalS, runMiner } from "../../../commands/sim/agents/miner.ts";
import { runMonitor } from "../../../commands/sim/agents/monitor.ts";
import {
  DEFAULT_MINER_ADDRESS,
  MonerodRpc,
  RpcError,
  WalletRpc,
} from "../../../adapters/engine/local/rpc.ts";
import {
  type AgentContext,
  defaultT0,
  type EventSink,
  RunClock,
  SHADOW_EPOCH_MS,
  sleep,
} from "../../../commands/sim/agents/runtime.ts";
import { runUser } from "../../../commands/sim/agents/user.ts";
import { type RunEvent, type SimHost, type SimModel } from "../../../adapters/engine/types.ts";
import { monerodArgs, WALLET_RPC_BASE_FLAGS } from "../../../adapters/engine/monerod.ts";
import { rejection, waitFor } from "../../_helpers.ts";

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

Deno.test("user agent funds a real wallet, sends a transfer and sees it confirmed", async () => {
  const net = await _startNodes(["u"], 3, true);
  const ip = net.ip.u;
  const listener = Deno.listen({ hostname: ip, port: 0 });
  const walletPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const wallet = LocalChild.start({
    name: "wallet-rpc",
    argv: [
      "monero-wallet-rpc",
      `--daemon-address=${new URL(net.rpc.u.url).host}`,
      "--trusted-daemon",
      ...WALLET_RPC_BASE_FLAGS,
      `--rpc-bind-ip=${ip}`,
      `--rpc-bind-port=${walletPort}`,
      "--confirm-external-bind",
      "--disable-rpc-login",
      `--wallet-dir=${net.dir}/wallet`,
      `--shared-ringdb-dir=${net.dir}/ringdb`,
      `--log-file=${net.dir}/wallet.log`,
      "--non-interactive",
    ],
    logPath: `${net.dir}/wallet.stderr.log`,
    logger,
  });
  const stop = new AbortController();
  try {
    const sink = _memorySink();
    const ctx = _ctx(sink, stop.signal);
    // A background miner confirms the transfer; user funding mines its own blocks first.
    const user = runUser(ctx, {
      wallet: new WalletRpc({ url: `http://${ip}:${walletPort}`, timeoutMs: 60_000 }),
      daemon: new MonerodRpc({ url: net.rpc.u.url, timeoutMs: 60_000 }),
      host: "u",
      seed: 9,
      intervalMeanS: 0.5,
      timeScale: 1,
      amount: { kind: "uniform", min: 0.1, max: 0.2 },
      walletName: "alice",
      fundBlocks: 1,
      maxTransfers: 1,
    });
    ok(await waitFor(() => sink.events.some((e) => e.event === "tx_sent"), 150_000), "sent");
    const miner = runMiner(_ctx(_memorySink(), stop.signal), {
      rpc: net.rpc.u,
      host: "u",
      hashrate: 100,
      seed: 3,
      timeScale: 240,
      address: _ADDR,
      maxBlocks: 5,
    });
    const result = await user;
    await miner;
    equal(result.sent, 1);
    equal(result.confirmed, 1);
    const sent = sink.events.find((e) => e.event === "tx_sent");
    const confirmed = sink.events.find((e) => e.event === "tx_confirmed");
    if (sent?.event !== "tx_sent" || confirmed?.event !== "tx_confirmed") {
      throw new Error(`expected tx_sent and tx_confirmed, got ${JSON.stringify(sink.events)}`);
    }
    equal(confirmed.txid, sent.txid);
    match(sent.txid, /^[0-9a-f]{64}$/);
    ok(sent.amount >= 0.1 && sent.amount <= 0.2);
    ok(confirmed.height > 60, "mined after the 60-block unlock window");
  } finally {
    stop.abort();
    await wallet.stop(15_000);
    await _stopNodes(net);
  }
});

Deno.test("RPC replies are validated: a wrong field names its path and value", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    if (new URL(req.url).pathname === "/get_info") {
      return Response.json({ status: "OK", height: "tall", top_block_hash: "x" });
    }
    const method = JSON.parse(body).method;
    if (method === "generateblocks") {
      return Response.json({ jsonrpc: "2.0", id: "0", error: { code: -7, message: "boom" } });
    }
    return new Response("not json", { status: 200 });
  });
  try {
    const rpc = new MonerodRpc({ url: `http://127.0.0.1:${server.addr.port}` });
    const e1 = await rejection(rpc.getInfo(), RpcError);
    match(e1.message, /height: expected number, got "tall"/);
    const e2 = await rejection(rpc.generateBlocks(1, _ADDR), RpcError);
    equal(e2.rpcCode, -7);
    match(e2.message, /generateblocks: boom/);
    const e3 = await rejection(rpc.getBans(), RpcError);
    match(e3.message, /not JSON/);
    const gone = new MonerodRpc({ url: "http://127.0.0.1:1", timeoutMs: 2000 });
    match((await rejection(gone.getInfo(), RpcError)).message, /unreachable/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("agents' clock: under Shadow's year-2000 clock, times count from the simulation start", () => {
  equal(defaultT0(SHADOW_EPOCH_MS + 12_000), SHADOW_EPOCH_MS);
  const now = Date.UTC(2026, 0, 1);
  equal(defaultT0(now), now);
  equal(new RunClock(SHADOW_EPOCH_MS).t0Ms, SHADOW_EPOCH_MS);
});

Deno.test("sleep: a wait past the 2^31 ms timer limit does not end at once", async () => {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 100);
  try {
    // Ended by the abort (false), not by an overflowing timer firing immediately (true).
    equal(await sleep(2 ** 40, stop.signal), false);
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("miner timing: mean interval scales with hashrate share and time scale", () => {
  equal(minerMeanIntervalS({ hashrate: 100, timeScale: 1 }), 120);
  equal(minerMeanIntervalS({ hashrate: 25, timeScale: 1 }), 480);
  equal(minerMeanIntervalS({ hashrate: 50, timeScale: 60 }), 4);
});

async function _cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL("../../../main.ts", import.meta.url).pathname, ...args],
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("agent flags are validated before anything runs (exit 2, path and value named)", async () => {
  const miner = await _cli("sim", "agent", "miner", "--rpc", "ftp://x", "--hashrate", "150");
  equal(miner.code, 2);
  match(miner.stderr, /--rpc: expected an http:\/\/ URL, got "ftp:\/\/x"/);
  match(miner.stderr, /--hashrate: expected value <= 100, got 150/);
  const user = await _cli(
    "sim",
    "agent",
    "user",
    "--wallet-rpc",
    "http://127.0.0.1:1",
    "--daemon-rpc",
    "http://127.0.0.1:2",
    "--interval-mean",
    "0",
    "--amount",
    "2..1",
  );
  equal(user.code, 2);
  match(user.stderr, /--interval-mean: expected a number > 0, got 0/);
  match(user.stderr, /--amount: expected MIN <= MAX, got "2..1"/);
  const monitor = await _cli(
    "sim",
    "agent",
    "monitor",
    "--rpc",
    "a=http://x:1,bad name=http://y:2",
  );
  equal(monitor.code, 2);
  match(monitor.stderr, /--rpc\[1\]: bad host name before '='/);
  const attacker = await _cli(
    "sim",
    "agent",
    "attacker",
    "--mode",
    "partition",
    "--group-a",
    "http://127.0.0.2:1",
    "--group-b",
    "http://127.0.0.3:1",
    "--start",
    "10",
    "--end",
    "5",
  );
  equal(attacker.code, 2);
  match(attacker.stderr, /--end: expected --end after --start/);
  const doubleSpend = await _cli(
    ...["sim", "agent", "attacker", "--mode", "double_spend", "--rpc", "evil=http://127.0.0.2:1"],
    ...["--victim", "ftp://127.0.0.3:1", "--peers", "http://127.0.0.3:1", "--hashrate", "0"],
    ...["--confirmations", "1.5", "--timeout", "-1"],
  );
  equal(doubleSpend.code, 2);
  match(doubleSpend.stderr, /--victim: expected URL or NAME=URL with an http:\/\/ URL/);
  match(doubleSpend.stderr, /--hashrate: expected a number > 0, got 0/);
  match(doubleSpend.stderr, /--confirmations: expected an integer, got "?1\.5"?/);
  match(doubleSpend.stderr, /--timeout: expected a number > 0, got -1/);
});
