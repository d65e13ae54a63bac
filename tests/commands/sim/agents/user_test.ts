/** The user agent against a real monerod and monero-wallet-rpc (regtest) on loopback. */
import { equal, match, ok } from "@std/assert";
import { runMiner } from "../../../../commands/sim/agents/miner.ts";
import {
  DEFAULT_MINER_ADDRESS,
  MonerodRpc,
  WalletRpc,
} from "../../../../adapters/engine/local/rpc.ts";
import { runUser, transferFailureReason } from "../../../../commands/sim/agents/user.ts";
import { waitFor } from "../../../_helpers.ts";
import { agentContext, memorySink, startNodes, startWalletRpc, stopNodes } from "./_monerod.ts";
const _ADDR = DEFAULT_MINER_ADDRESS;

Deno.test("user agent funds a real wallet, sends a transfer and sees it confirmed", async () => {
  const net = await startNodes(["u"], 3, true);
  const wallet = startWalletRpc(net, "u");
  const stop = new AbortController();
  try {
    const sink = memorySink();
    const ctx = agentContext(sink, stop.signal);
    // A background miner confirms the transfer; user funding mines its own blocks first.
    const user = runUser(ctx, {
      wallet: new WalletRpc({ url: wallet.url, timeoutMs: 60_000 }),
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
    const miner = runMiner(agentContext(memorySink(), stop.signal), {
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
    await wallet.child.stop(15_000);
    await stopNodes(net);
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
