/**
 * The built-in wallet strategies on a real monerod and monero-wallet-rpc (regtest, offline):
 * `hodler` opens its wallet and sends nothing while it receives, `mining_wallet` mines with
 * the coinbase paid to its own wallet, and `transaction_bot` sends a transfer from that
 * wallet once its rewards unlock.
 */
import { equal, match, ok } from "@std/assert";
import {
  DEFAULT_MINER_ADDRESS,
  MonerodRpc,
  WalletRpc,
} from "../../../../adapters/engine/local/rpc.ts";
import { runBehavior } from "../../../../commands/sim/behaviors/run.ts";
import {
  agentContext,
  memorySink,
  startNodes,
  startWalletRpc,
  stopNodes,
} from "../agents/_monerod.ts";

/** Run a built-in behaviour until `until` holds (bounded), then stop it; returns its result. */
async function _runUntil(
  module: string,
  config: unknown,
  rpc: { node: MonerodRpc; wallet: WalletRpc },
  until: (events: ReturnType<typeof memorySink>["events"]) => boolean | Promise<boolean>,
  timeScale: number,
) {
  const sink = memorySink();
  const stop = new AbortController();
  const running = runBehavior(agentContext(sink, stop.signal), {
    module,
    config,
    host: "w",
    seed: 3,
    timeScale,
    node: rpc.node,
    wallet: rpc.wallet,
  });
  let done = false;
  // Bounded: 240 checks, 500 ms apart.
  for (let i = 0; i < 240 && !done; i++) {
    done = await until(sink.events);
    if (!done) await new Promise((r) => setTimeout(r, 500));
  }
  stop.abort();
  const result = await running;
  return { done, result, events: sink.events };
}

Deno.test("wallet strategies: hodler holds, mining_wallet earns, transaction_bot sends", async (t) => {
  const net = await startNodes(["w"], 6, true);
  const walletRpc = startWalletRpc(net, "w");
  // Mining and building a transfer take seconds on a loaded machine.
  const node = new MonerodRpc({ url: net.rpc.w.url, timeoutMs: 120_000 });
  const wallet = new WalletRpc({ url: walletRpc.url, timeoutMs: 120_000 });
  const rpc = { node, wallet };
  try {
    await t.step("hodler opens its wallet, receives and sends nothing", async () => {
      const run = await _runUntil(
        "hodler",
        { wallet_name: "hodl" },
        rpc,
        async () => {
          try {
            const address = await wallet.getAddress();
            // Pay it once it is open: a hodler receives.
            await node.generateBlocks(1, address);
            await wallet.refresh();
            return (await wallet.getBalance()).balance > 0;
          } catch {
            return false; // not open yet
          }
        },
        60,
      );
      ok(run.done, "the hodler's wallet received a coinbase");
      equal(run.result.ok, true, run.result.error);
      equal(run.events.filter((e) => e.event === "tx_sent").length, 0);
    });
    let minerAddress = "";
    await t.step("mining_wallet mines to its own wallet", async () => {
      const before = (await node.getInfo()).height;
      const run = await _runUntil(
        "mining_wallet",
        { hashrate: 100, wallet_name: "miner" },
        rpc,
        (events) => events.filter((e) => e.event === "mined").length >= 2,
        1200, // 120 s blocks every 0.1 s
      );
      ok(run.done, "two blocks mined");
      equal(run.result.ok, true, run.result.error);
      minerAddress = await wallet.getAddress();
      await wallet.refresh();
      // Every block it mined paid its own wallet (still locked: coinbase unlocks after 60).
      const balance = await wallet.getBalance();
      ok(balance.balance > 0 && balance.unlocked_balance === 0, JSON.stringify(balance));
      const mined = run.events.filter((e) => e.event === "mined");
      ok(mined.every((e) => e.event === "mined" && e.height >= before));
    });
    await t.step("transaction_bot sends from the wallet once its rewards unlock", async () => {
      // 100 more blocks to a burn address: the rewards unlock (60) and enough outputs are old
      // enough to be decoys (with 70, monero-wallet-rpc says "not enough outputs to use").
      await node.generateBlocks(100, DEFAULT_MINER_ADDRESS);
      const run = await _runUntil(
        "transaction_bot",
        { interval_s: 60, amount: 0.5, interval_kind: "fixed", wallet_name: "miner" },
        rpc,
        (events) => events.some((e) => e.event === "tx_sent" || e.event === "tx_failed"),
        120, // a transfer every 0.5 s
      );
      ok(run.done, "a transfer was attempted");
      const sent = run.events.find((e) => e.event === "tx_sent");
      if (sent?.event !== "tx_sent") throw new Error(`no tx_sent: ${JSON.stringify(run.events)}`);
      match(sent.txid, /^[0-9a-f]{64}$/);
      equal(sent.amount, 0.5);
      equal(await wallet.getAddress(), minerAddress, "it used the miner's wallet");
    });
  } finally {
    await walletRpc.child.stop(15_000);
    await stopNodes(net);
  }
});
