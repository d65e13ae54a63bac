/**
 * The miner agent: its timing (mean block interval by hashrate share and time scale), and on
 * real monerod, what it records when a `generateblocks` call fails.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { minerMeanIntervalS, runMiner } from "../../../../commands/sim/agents/miner.ts";
import {
  DEFAULT_MINER_ADDRESS,
  MonerodRpc,
  RpcError,
} from "../../../../adapters/engine/local/rpc.ts";
import { agentContext, memorySink, startNodes, stopNodes } from "./_monerod.ts";

Deno.test("miner timing: mean interval scales with hashrate share and time scale", () => {
  equal(minerMeanIntervalS({ hashrate: 100, timeScale: 1 }), 120);
  equal(minerMeanIntervalS({ hashrate: 25, timeScale: 1 }), 480);
  equal(minerMeanIntervalS({ hashrate: 50, timeScale: 60 }), 4);
});

/**
 * A client whose `generateblocks` fails as a loaded machine makes it fail: the 1st call before
 * it reaches monerod (no block), the 2nd after monerod mined (the reply is lost).
 */
class _LossyRpc extends MonerodRpc {
  calls = 0;
  override async generateBlocks(
    count: number,
    address: string,
    options: { startingNonce?: number; timeoutMs?: number } = {},
  ): Promise<{ status: string; height: number; blocks: string[] }> {
    const call = ++this.calls;
    if (call === 1) throw new RpcError(`${this.url}: unreachable (timed out before sending)`);
    const reply = await super.generateBlocks(count, address, options);
    if (call === 2) throw new RpcError(`${this.url}: unreachable (the reply was lost)`);
    return reply;
  }
}

Deno.test("miner on real monerod: a call lost before or after mining records each block once and mines none twice", async () => {
  const net = await startNodes(["m"], 6, true);
  try {
    const rpc = new _LossyRpc({ url: net.rpc.m.url, timeoutMs: 10_000 });
    const sink = memorySink();
    const stop = new AbortController();
    const { mined } = await runMiner(agentContext(sink, stop.signal), {
      rpc,
      host: "m",
      hashrate: 100,
      seed: 3,
      timeScale: 1000,
      address: DEFAULT_MINER_ADDRESS,
      maxBlocks: 3,
    });
    equal(mined, 3);
    ok(rpc.calls >= 4, `the lost calls were retried or recovered (${rpc.calls} calls)`);
    const chain = await net.rpc.m.headersRange(1, (await net.rpc.m.getInfo()).height - 1);
    const events = sink.events.filter((e) => e.event === "mined");
    deepEqual(
      events.map((e) => [e.height, e.hash, e.parent]),
      chain.map((h) => [h.height, h.hash, h.prev_hash]),
      "one mined event per block on the chain, no block without one",
    );
    ok(events.every((e) => e.ts >= 0), "recovered blocks are stamped within the run");
  } finally {
    await stopNodes(net);
  }
});
