/**
 * The namespace path where the kernel has `netem`, as on most Linux machines: this machine's
 * kernel has none, so the test boots one that has (`_netem_vm.ts`) and runs `_netem_guest.ts`
 * in it. There a three-host model on `--links auto` must take the namespaces with a `netem`
 * leaf and no relays, and each link must show its own latency, jitter, loss and rate to
 * packets sent between the namespaces.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { runInNetemVm } from "./_netem_vm.ts";
import { BULK_BYTES, H2_UP_BPS } from "./_netem_guest.ts";
import type { LinksRecord } from "../../../../../adapters/engine/local/links/mod.ts";

interface GuestResult {
  probe: { available: boolean; reason: string };
  path: string;
  rtt: Record<"h0-h1" | "h0-h2", number[]>;
  udp: Record<"h0-h1" | "h1-h2", { sent: number; answered: number; minRttMs: number }>;
  bulk: Record<"h0-h1" | "h2-h0", number>;
  record: LinksRecord;
  leftovers: string[];
}

/** Emulated time adds a few ms to each round trip (measured: 4–7 ms); this bounds it. */
const SLACK_MS = 40;

function _stats(xs: number[]): { min: number; mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { min: Math.min(...xs), mean, sd };
}

Deno.test("netem leaf: in a VM whose kernel has netem, each link gets its latency, jitter, loss and rate", async () => {
  const vm = await runInNetemVm({
    entry: new URL("./_netem_guest.ts", import.meta.url),
    timeoutMs: 240_000,
  });
  const tail = vm.console.split("\n").slice(-40).join("\n");
  equal(vm.exitCode, 0, `the guest program failed:\n${tail}`);
  ok(vm.result, `no result on the console:\n${tail}`);
  const r = vm.result as GuestResult;
  const say = JSON.stringify(r);

  deepEqual(r.probe, { available: true, reason: "ok" });
  equal(r.path, "netns", `--links auto takes the namespaces where netem exists: ${say}`);
  const rec = r.record;
  equal(rec.netns?.leaf, "netem");
  equal(rec.netns?.relays, false, "the kernel carries the whole link: no engine relays");
  equal(rec.stats, undefined, "no relay counters");
  equal(rec.links, 6, "3 links, both directions");
  equal(rec.netns?.classes, 12, "a class per link direction on each of its two nodes");
  ok(rec.netns!.bytes_up >= 2 * BULK_BYTES, `both bulk sends crossed link classes: ${say}`);
  ok(rec.message.includes("netem leaf (latency, jitter, loss, rate)"), rec.message);

  // h0–h1: 40 ms each way, no jitter, no loss. The first connect warms the prober up.
  const fast = _stats(r.rtt["h0-h1"].slice(1));
  ok(fast.min >= 80 && fast.min <= 80 + SLACK_MS, `h0–h1 round trip ${fast.min} ms, not ~80`);
  ok(r.udp["h0-h1"].minRttMs >= 80, `h0–h1 UDP round trip ${r.udp["h0-h1"].minRttMs} ms`);
  equal(r.udp["h0-h1"].answered, r.udp["h0-h1"].sent, "no loss on a link without loss");

  // h0–h2: 100 ms ± 20 ms (normal) each way: round trips of 200 ms, spread sd ≈ 28 ms.
  const slow = _stats(r.rtt["h0-h2"].slice(1));
  ok(
    slow.mean >= 200 - 30 && slow.mean <= 200 + 30 + SLACK_MS,
    `h0–h2 mean ${slow.mean} ms, not ~200`,
  );
  ok(slow.sd >= 10, `h0–h2 jitter: round trips spread by sd ${slow.sd} ms (no jitter: ~4 ms)`);
  ok(fast.sd < slow.sd, `a link without jitter spreads less (${fast.sd} vs ${slow.sd} ms)`);

  // h1–h2: 10 ms each way, 20 % loss each way: about 64 % of echoes come back.
  const lossy = r.udp["h1-h2"];
  const back = lossy.answered / lossy.sent;
  ok(back >= 0.5 && back <= 0.78, `h1–h2 echoes answered ${back}, not ~0.64`);
  ok(lossy.minRttMs >= 20 && lossy.minRttMs <= 20 + SLACK_MS, `h1–h2 ${lossy.minRttMs} ms`);

  // h2 uploads at 2 Mbit/s: its bulk send takes at least the bytes at that rate.
  const atRate = BULK_BYTES * 8 / H2_UP_BPS;
  ok(r.bulk["h2-h0"] >= 0.9 * atRate, `h2 sent ${BULK_BYTES} B in ${r.bulk["h2-h0"]} s`);
  ok(r.bulk["h0-h1"] < r.bulk["h2-h0"], `h0's unlimited upload is faster: ${say}`);

  deepEqual(r.leftovers, [], "the run removed its namespaces, veths and bridge");
});
