/**
 * Hosts and models for the engine tests that build a `SimModel` in code (local engine, its
 * links, loopback addressing), and the wait on a real monerod's height they share.
 *
 * @module
 */
import type { SimHost, SimModel } from "../../../adapters/engine/types.ts";
import { DEFAULT_MINER_ADDRESS, type MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { MAIN_MODULE } from "../../_helpers.ts";

/** How a local run under test starts its `hive sim agent` processes. */
export const HIVE_ARGV: string[] = [Deno.execPath(), "run", "-A", "--quiet", MAIN_MODULE];

/**
 * An observer host with the defaults these tests share; `fields` overrides any of them.
 *
 * @example
 * ```ts
 * const a = testHost("a", { kind: "miner", hashrate: 100, peers: ["b"] });
 * ```
 */
export function testHost(name: string, fields: Partial<SimHost> = {}): SimHost {
  return {
    name,
    kind: "observer",
    region: "default",
    ip: "11.0.0.1",
    p2pPort: 18080,
    rpcPort: 18081,
    hashrate: 0,
    startTimeS: 0,
    bandwidthUpBps: 1e8,
    bandwidthDownBps: 1e8,
    daemonArgs: [],
    peers: [],
    ...fields,
  };
}

/** A hardcoded-peer model of `hosts` with no links or attacks; `fields` overrides any field. */
export function testModel(hosts: SimHost[], fields: Partial<SimModel> = {}): SimModel {
  return {
    name: "test",
    seed: 1,
    stopTimeS: 10,
    bootstrapEndTimeS: 0,
    parallelism: 1,
    peerMode: "hardcoded",
    hosts,
    edges: [],
    attacks: [],
    ...fields,
  };
}

/** Whether the node reaches chain height `height` (blocks past genesis) within `ms`. */
export async function waitHeight(rpc: MonerodRpc, height: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  // Bounded by the deadline; one poll per 50 ms.
  while (Date.now() < end) {
    const info = await rpc.getInfo().catch(() => null);
    if (info && info.height - 1 >= height) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Mine one block on the node. It answers BUSY until it counts itself synchronised (it has its
 * peer), so this retries every 200 ms, `tries` times at most; false if it never mined.
 */
export async function mineOneBlock(rpc: MonerodRpc, tries = 150): Promise<boolean> {
  for (let k = 0; k < tries; k++) {
    const r = await rpc.generateBlocks(1, DEFAULT_MINER_ADDRESS).catch(() => null);
    if (r?.status === "OK") return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Names of namespaces and links on the machine that belong to netns run `id`. */
export async function netnsLeftovers(id: string): Promise<string[]> {
  const read = async (args: string[]) => {
    const out = await new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).output();
    if (!out.success) {
      throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  };
  const text = `${await read(["netns", "list"])} ${await read(["-o", "link", "show"])}`;
  return text.split(/\s+/).filter((w) => w.includes(`hv${id}`));
}
