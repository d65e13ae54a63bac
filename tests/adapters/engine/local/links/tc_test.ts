/**
 * The exact `tc` lines of the namespace path. The netem leaf cannot run on this machine (its
 * kernel has no netem module), so these lists are the only check of what it would issue.
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  netemArgs,
  parseClassStats,
  peerClassId,
  sideCommands,
  tbfArgs,
  tcRate,
} from "../../../../../adapters/engine/local/links/tc.ts";

Deno.test("tc: netem leaf carries delay, normal jitter, loss and rate of the link", () => {
  deepEqual(
    netemArgs({ latencyMs: 120, jitterMs: 7.5, loss: 0.015 }, 2e7),
    [
      ...["netem", "limit", "10000", "delay", "120ms", "7.5ms", "distribution", "normal"],
      ...["loss", "1.5%", "rate", "20000000bit"],
    ],
  );
  // No jitter, no loss, no bandwidth limit: delay only.
  deepEqual(netemArgs({ latencyMs: 50 }, 0), ["netem", "limit", "10000", "delay", "50ms"]);
  deepEqual(netemArgs({ latencyMs: 0, jitterMs: 0, loss: 0 }, Infinity), [
    ...["netem", "limit", "10000", "delay", "0ms"],
  ]);
  // Rounded to what tc reads, not 0.1 + 0.2 noise.
  deepEqual(netemArgs({ latencyMs: 0.1 + 0.2, loss: 0.07 }, 1e6).slice(4), [
    ...["0.3ms", "loss", "7%", "rate", "1000000bit"],
  ]);
});

Deno.test("tc: tbf holds a frame or 10 ms of bytes, unlimited rates get the htb ceiling", () => {
  deepEqual(tbfArgs(1e8), [
    ...["tbf", "rate", "100000000bit", "burst", "125000", "latency", "200ms"],
  ]);
  deepEqual(tbfArgs(1e6), ["tbf", "rate", "1000000bit", "burst", "1600", "latency", "200ms"]);
  equal(tcRate(0), "10000000000bit");
  equal(tcRate(Infinity), "10000000000bit");
  equal(tcRate(3), "8bit");
  equal(peerClassId(0), "10");
  equal(peerClassId(6), "16");
  equal(peerClassId(10), "1a");
});

Deno.test("tc: one side: htb root, the host's class, a class, leaf and filters per peer", () => {
  const peers = [
    { addresses: ["10.213.7.3", "10.213.7.131"], rateBps: 5e7, shape: { latencyMs: 40 } },
    { addresses: ["10.213.7.4"], rateBps: 0, shape: { latencyMs: 80, jitterMs: 5, loss: 0.01 } },
  ];
  const netem = sideCommands({ dev: "v0", rateBps: 1e8, match: "dst", leaf: "netem", peers });
  deepEqual(netem.map((l) => l.join(" ")), [
    "qdisc add dev v0 root handle 1: htb",
    "class add dev v0 parent 1: classid 1:1 htb rate 100000000bit ceil 100000000bit quantum 60000",
    "class add dev v0 parent 1:1 classid 1:10 htb rate 50000000bit ceil 50000000bit quantum 60000",
    "qdisc add dev v0 parent 1:10 handle 10: netem limit 10000 delay 40ms rate 50000000bit",
    "filter add dev v0 parent 1: protocol ip prio 1 u32 match ip dst 10.213.7.3/32 flowid 1:10",
    "filter add dev v0 parent 1: protocol ip prio 1 u32 match ip dst 10.213.7.131/32 flowid 1:10",
    "class add dev v0 parent 1:1 classid 1:11 htb rate 50000000bit ceil 100000000bit quantum 60000",
    "qdisc add dev v0 parent 1:11 handle 11: netem limit 10000 delay 80ms 5ms distribution " +
    "normal loss 1% rate 100000000bit",
    "filter add dev v0 parent 1: protocol ip prio 1 u32 match ip dst 10.213.7.4/32 flowid 1:11",
  ]);
  // A downlink with tbf leaves matches sources; an unlimited link has no leaf at all.
  const tbf = sideCommands({ dev: "h0", rateBps: 0, match: "src", leaf: "tbf", peers });
  const lines = tbf.map((l) => l.join(" "));
  ok(lines.includes("qdisc add dev h0 parent 1:10 handle 10: " + tbfArgs(5e7).join(" ")));
  ok(!lines.some((l) => l.includes("parent 1:11 handle")), lines.join("\n"));
  ok(lines.includes(
    "filter add dev h0 parent 1: protocol ip prio 1 u32 match ip src 10.213.7.4/32 flowid 1:11",
  ));
});

Deno.test("tc: class counters are read from `tc -s class show` text", () => {
  const text = [
    "class htb 1:10 parent 1:1 leaf 10: prio 0 rate 50Mbit ceil 100Mbit burst 1600b cburst 1600b ",
    " Sent 82498 bytes 61 pkt (dropped 0, overlimits 0 requeues 0) ",
    " backlog 0b 0p requeues 0",
    "",
    "class htb 1:1 root rate 100Mbit ceil 100Mbit burst 1600b cburst 1600b ",
    " Sent 90000 bytes 70 pkt (dropped 0, overlimits 0 requeues 0) ",
    "class tbf 10:1 parent 10: ",
  ].join("\n");
  deepEqual(parseClassStats(text), [
    { classid: "1:10", bytes: 82498, packets: 61 },
    { classid: "1:1", bytes: 90000, packets: 70 },
  ]);
  deepEqual(parseClassStats(""), []);
});
