/** The user agent against a real monerod and monero-wallet-rpc (regtest) on loopback. */
import { equal, match, ok } from "@std/assert";
import { LocalChild } from "../../../../adapters/engine/local/proc.ts";
import { placeHosts } from "../../../../adapters/engine/local/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { runMiner } from "../../../../commands/sim/agents/miner.ts";
import {
  DEFAULT_MINER_ADDRESS,
  MonerodRpc,
  WalletRpc,
} from "../../../../adapters/engine/local/rpc.ts";
import {
  type AgentContext,
  type EventSink,
  RunClock,
} from "../../../../commands/sim/agents/runtime.ts";
import { runUser, transferFailureReason } from "../../../../commands/sim/agents/user.ts";
import { type RunEvent, type SimHost, type SimModel } from "../../../../adapters/engine/types.ts";
import { monerodArgs, WALLET_RPC_BASE_FLAGS } from "../../../../adapters/engine/monerod.ts";
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

Deno.test("transfer failures are named by reason", () => {
  equal(
    transferFailureReason(new Error("transfer: not enough unlocked money")),
    "not_enough_unlocked",
  );
  equal(transferFailureReason(new Error("not enough money")), "not_enough_money");
  equal(transferFailureReason(new Error("request timed out after 60000 ms")), "timeout");
  equal(transferFailureReason("boom"), "other");
});
