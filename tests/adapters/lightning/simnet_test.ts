import { deepEqual, equal, ok, rejects } from "@std/assert";
import { assertBackend, createSimNet } from "../../../adapters/lightning/mod.ts";
import type { CustomMessage } from "../../../adapters/lightning/types.ts";

async function _run(seed: number, loss: number) {
  const net = createSimNet({ nodes: 6, seed, loss, latencyMs: [10, 200] });
  for (let i = 0; i < 6; i++) net.link(net.nodes[i], net.nodes[(i + 1) % 6]);
  const got: string[] = [];
  for (const n of net.nodes) {
    n.onCustomMessage((m: CustomMessage) =>
      void got.push(`${net.now.toFixed(3)}:${n.index}<-${m.payload}`)
    );
  }
  for (let k = 0; k < 200; k++) {
    const from = net.nodes[k % 6];
    await from.sendcustommsg(net.nodes[(k + 1) % 6].id, (k % 256).toString(16).padStart(2, "0"));
  }
  await net.runUntil(10_000);
  return { got, stats: net.stats };
}

Deno.test("simnet is deterministic per seed: same deliveries at the same virtual times", async () => {
  const a = await _run(7, 0.1), b = await _run(7, 0.1), c = await _run(8, 0.1);
  deepEqual(a.got, b.got);
  ok(JSON.stringify(a.got) !== JSON.stringify(c.got));
  equal(a.stats.sent, 200);
  equal(a.stats.delivered + a.stats.lostRandom, 200);
  ok(a.stats.lostRandom > 5 && a.stats.lostRandom < 40, `lost ${a.stats.lostRandom}`);
});

Deno.test("partitions cut links, heal restores them; unconnected peers get nothing", async () => {
  const net = createSimNet({ nodes: 3, seed: 1 });
  net.link(net.nodes[0], net.nodes[1]);
  let n = 0;
  net.nodes[1].onCustomMessage(() => void n++);
  net.partition([[0], [1, 2]]);
  await net.nodes[0].sendcustommsg(net.nodes[1].id, "00");
  ok(!(await net.nodes[0].listpeers())[0].connected);
  net.heal();
  await net.nodes[0].sendcustommsg(net.nodes[1].id, "00");
  await net.nodes[0].sendcustommsg(net.nodes[2].id, "00"); // not a peer
  await net.runUntil(1000);
  equal(n, 1);
  equal(net.stats.lostPartition, 1);
  equal(net.stats.notConnected, 1);
});

Deno.test("keys, signatures, channels and forwards of simnet nodes", async () => {
  const net = createSimNet({ nodes: 2, seed: 3, onchainSats: [10_000_000, 0] });
  const [a, b] = net.nodes;
  const again = createSimNet({ nodes: 2, seed: 3 });
  equal(a.id, again.nodes[0].id); // keys come from the seed
  const info = await a.getinfo();
  equal(info.id, a.id);
  const sig = await a.signmessage("m");
  deepEqual(await b.checkmessage("m", sig.zbase, a.id), { verified: true, pubkey: a.id });
  equal((await b.checkmessage("m", sig.zbase, b.id)).verified, false);
  equal((await b.checkmessage("m", sig.zbase)).pubkey, a.id);
  const { short_channel_id } = await a.fundchannel({ id: b.id, amount_sats: 4_000_000 });
  ok(/^\d+x\d+x0$/.test(short_channel_id));
  equal((await a.listfunds()).onchain_sats, 6_000_000);
  await a.setchannel({ id: b.id, feeppm: 250 });
  equal((await a.listchannels())[0].fee_proportional_millionths, 250);
  await rejects(a.fundchannel({ id: b.id, amount_sats: 1e12 }));
  const seen: (number | bigint)[] = [];
  a.onForward((e) => void seen.push(e.fee_msat));
  a.emitForward({
    in_channel: "1x1x0",
    out_channel: "2x2x0",
    in_peer: b.id,
    out_peer: b.id,
    in_msat: 1000,
    out_msat: 999,
    fee_msat: 1,
    status: "settled",
    received_time: a.now(),
  });
  deepEqual(seen, [1]);
  equal(assertBackend("simnet"), "simnet");
  let threw = false;
  try {
    assertBackend("cln");
  } catch {
    threw = true;
  }
  ok(threw);
});
