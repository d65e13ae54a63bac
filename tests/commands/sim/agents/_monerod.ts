/**
 * Test support for the agents: real monerod nodes (regtest) started on loopback, each test file
 * on its own 127.0.<subnet>.x addresses so files never meet each other's nodes, plus an event
 * sink that keeps events in memory and the agent context built over it.
 *
 * @module
 */
import { ok } from "@std/assert";
import { LocalChild } from "../../../../adapters/engine/local/proc.ts";
import { placeHosts } from "../../../../adapters/engine/local/engine.ts";
import { createLogger, type Logger } from "../../../../core/logger.ts";
import { MonerodRpc } from "../../../../adapters/engine/local/rpc.ts";
import {
  type AgentContext,
  type EventSink,
  RunClock,
} from "../../../../commands/sim/agents/runtime.ts";
import { type RunEvent, type SimHost, type SimModel } from "../../../../adapters/engine/types.ts";
import { monerodArgs, WALLET_RPC_BASE_FLAGS } from "../../../../adapters/engine/monerod.ts";

/** Logger for the agents and child processes under test: errors only. */
export const logger: Logger = createLogger({ level: "error" });

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

/** Running nodes by host name: their RPC clients and IPs, the run folder and the processes. */
export interface Net {
  rpc: Record<string, MonerodRpc>;
  ip: Record<string, string>;
  /** ZMQ publisher of each node started with `zmq`. */
  zmq: Record<string, string>;
  dir: string;
  children: LocalChild[];
}

/** A monero-wallet-rpc started by {@link startWalletRpc}: its URL and its process. */
export interface WalletProcess {
  url: string;
  child: LocalChild;
}

/**
 * Start a monero-wallet-rpc beside node `name` of `net` (same address, a free port, wallets
 * under the run folder), trusting that node. The caller stops `child`.
 */
export function startWalletRpc(net: Net, name: string): WalletProcess {
  const ip = net.ip[name];
  const listener = Deno.listen({ hostname: ip, port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = LocalChild.start({
    name: "wallet-rpc",
    argv: [
      "monero-wallet-rpc",
      `--daemon-address=${new URL(net.rpc[name].url).host}`,
      "--trusted-daemon",
      ...WALLET_RPC_BASE_FLAGS,
      `--rpc-bind-ip=${ip}`,
      `--rpc-bind-port=${port}`,
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
  return { url: `http://${ip}:${port}`, child };
}

/**
 * Start one monerod per name on 127.0.`subnet`.2.. (a star around the first) and wait, bounded,
 * until each answers RPC; on failure stops what started and rethrows.
 */
export async function startNodes(
  names: string[],
  subnet: number,
  offline = false,
  options: { zmq?: boolean } = {},
): Promise<Net> {
  const dir = await Deno.makeTempDir({ prefix: "hive_agents_" });
  const base = _model(names, subnet);
  // With zmq, each node publishes on a port of its own (placeHosts picks free ones).
  if (options.zmq) { for (const h of base.hosts) h.zmq = { rpcPort: 0, pubPort: 0 }; }
  const { model, placements } = placeHosts(base, dir);
  const net: Net = { rpc: {}, ip: {}, zmq: {}, dir, children: [] };
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
      if (host.zmq) net.zmq[host.name] = `tcp://${p.ip}:${host.zmq.pubPort}`;
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
    await stopNodes(net);
    throw error;
  }
}

/** Stop every node (bounded) and remove the run folder. */
export async function stopNodes(net: Net): Promise<void> {
  await Promise.all(net.children.map((c) => c.stop(15_000)));
  await Deno.remove(net.dir, { recursive: true }).catch(() => {});
}

/** An event sink that keeps every event in `events`. */
export function memorySink(): EventSink & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, write: (e) => void events.push(e), close() {} };
}

/** An agent context over `sink` with a fresh clock and `signal`. */
export function agentContext(sink: EventSink, signal: AbortSignal): AgentContext {
  return { logger, events: sink, clock: new RunClock(), signal };
}
