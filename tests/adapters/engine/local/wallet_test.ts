/**
 * Funding on a real monerod that cannot mine: a node with no peer answers BUSY to
 * `generateblocks` (not synchronised), and funding fails in bounded time saying so, with the
 * node's peer counts, instead of waiting on.
 */
import { equal, match, ok } from "@std/assert";
import { fundWallets } from "../../../../adapters/engine/local/wallet.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../../adapters/engine/local/rpc.ts";
import { LocalChild } from "../../../../adapters/engine/local/proc.ts";
import { LOCAL_DNS_ENV, MONEROD_BASE_FLAGS } from "../../../../adapters/engine/monerod.ts";
import { HiveError } from "../../../../core/errors.ts";
import { createLogger } from "../../../../core/logger.ts";
import { rejection } from "../../../_helpers.ts";

Deno.test("fundWallets on a node that never synchronises fails naming the reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive_wallet_" });
  const logger = createLogger({ level: "error" });
  // 127.0.43.x: no other test file uses this /24. Itself as exclusive node: no peer, and no
  // dialling of Monero's public seed nodes.
  const ip = "127.0.43.2";
  const ports = [0, 0].map(() => {
    const l = Deno.listen({ hostname: ip, port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    return port;
  });
  const child = LocalChild.start({
    name: "monerod",
    argv: [
      "monerod",
      ...MONEROD_BASE_FLAGS,
      `--data-dir=${dir}/data`,
      `--log-file=${dir}/monerod.log`,
      `--p2p-bind-ip=${ip}`,
      `--p2p-bind-port=${ports[0]}`,
      `--rpc-bind-ip=${ip}`,
      `--rpc-bind-port=${ports[1]}`,
      "--confirm-external-bind",
      `--add-exclusive-node=${ip}:${ports[0]}`,
    ],
    logPath: `${dir}/stderr.log`,
    env: { ...LOCAL_DNS_ENV },
    logger,
  });
  try {
    const daemon = new MonerodRpc({ url: `http://${ip}:${ports[1]}`, timeoutMs: 5000 });
    let up = false;
    // Bounded: 240 x 250 ms.
    for (let i = 0; i < 240 && !up; i++) {
      up = await daemon.getInfo().then(() => true, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 250));
    }
    ok(up, "monerod answers RPC");
    // The caller's signal is far off: a rejection means funding gave up by itself (an aborted
    // funding returns quietly).
    const ctx = { signal: AbortSignal.timeout(60_000), busyTimeoutMs: 1500 };
    const error = await rejection(
      fundWallets(ctx, daemon, [DEFAULT_MINER_ADDRESS], 2),
      HiveError,
    );
    equal(error.code, "funding_failed");
    match(error.message, /generateblocks answered BUSY for 1\.5 s/);
    match(error.message, /not synchronised with a peer \(0 outgoing and 0 incoming/);
  } finally {
    await child.stop(15_000);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
