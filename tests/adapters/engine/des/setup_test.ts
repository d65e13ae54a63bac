/**
 * The network a DES run builds: each directed link's target and latency region pair packed in
 * one number when both fit, and kept apart when they do not.
 */
import { equal, ok } from "@std/assert";
import {
  isolatedNodes,
  setupNetwork,
  shortOutbound,
} from "../../../../adapters/engine/des/setup.ts";
import { parseDesOptions } from "../../../../adapters/engine/des/options.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";
import { desModel } from "./_fixtures.ts";

function _setup(regions: number) {
  const base = desModel({ nodes: 60, miners: 2, topology: "random", degree: 4, stopTimeS: 60 });
  const names = Array.from({ length: regions }, (_, r) => `r${r}`);
  const model = {
    ...base,
    hosts: base.hosts.map((h, i) => ({ ...h, region: names[i % regions] })),
    des: { latency: { default: { lognormal: { median: 50, sigma: 0.3 } } } },
  };
  const index = new Map(model.hosts.map((h, i) => [h.name, i]));
  return setupNetwork(model, parseDesOptions({}), index, new DesRandom(1));
}

Deno.test("setup packs each link's target and latency pair in one number while they fit", () => {
  const net = _setup(15); // 225 pairs: fits 8 bits
  ok(net.adjPacked !== null);
  equal(net.adjPair, null, "no second copy of the pairs");
  const { adjStart, adjTo } = net.adjacency;
  for (let i = 0; i + 1 < adjStart.length; i++) {
    for (let e = adjStart[i]; e < adjStart[i + 1]; e++) {
      equal(net.adjPacked![e] >> 8, adjTo[e]);
      equal(net.adjPacked![e] & 0xff, net.latency!.pair(i, adjTo[e]));
    }
  }
  // 16 regions make pair numbers up to 255 (16 * 15 + 15): still packed; 17 do not fit.
  ok(_setup(16).adjPacked !== null);
  const wide = _setup(17);
  equal(wide.adjPacked, null);
  ok(wide.adjPair !== null);
  const { adjStart: s17, adjTo: t17 } = wide.adjacency;
  for (let e = s17[5]; e < s17[6]; e++) equal(wide.adjPair![e], wide.latency!.pair(5, t17[e]));
});

Deno.test("setup counts the nodes its own peer graph left without a peer", () => {
  const base = desModel({ nodes: 200, miners: 2, topology: "ring", stopTimeS: 60 });
  const index = new Map(base.hosts.map((h, i) => [h.name, i]));
  const build = (des: Record<string, unknown> | undefined) =>
    setupNetwork({ ...base, des }, parseDesOptions({}), index, new DesRandom(1));
  // Half the nodes hidden and one inbound slot each: more want out than can get in.
  const tight = build({ peers: { outbound: 2, inbound: 1, hidden: 0.5 } });
  const { adjStart } = tight.adjacency;
  let alone = 0;
  for (let i = 0; i + 1 < adjStart.length; i++) if (adjStart[i + 1] === adjStart[i]) alone++;
  ok(alone > 0, "the limits leave some nodes alone");
  equal(isolatedNodes(tight), alone);
  equal(isolatedNodes(build({ peers: { outbound: 4, inbound: 64 } })), 0);
  // The scenario's own topology (a ring here) is the validator's to check, not counted.
  equal(isolatedNodes(build(undefined)), 0);
  // Outbound that the inbound room cannot hold: counted, with the fewest a node got.
  const short = shortOutbound(build({ peers: { outbound: 100, inbound: 8 } }))!;
  ok(short.nodes > 0 && short.fewest < 100, JSON.stringify(short));
  equal(short.asked, 100);
  equal(shortOutbound(build({ peers: { outbound: 4, inbound: 64 } })), null);
  equal(shortOutbound(build(undefined)), null);
});

Deno.test("block interval and size: defaults per model, a value given is kept even if it is the default", () => {
  const base = desModel({ nodes: 30, miners: 2, topology: "random", degree: 2, stopTimeS: 60 });
  const index = new Map(base.hosts.map((h, i) => [h.name, i]));
  const setup = (des: Record<string, unknown> | undefined, options: Record<string, unknown>) => {
    const s = setupNetwork(
      des ? { ...base, des } : base,
      parseDesOptions(options),
      index,
      new DesRandom(1),
    );
    return [s.blockIntervalS, s.blockSizeBytes];
  };
  const simblock = { preset: "simblock" };
  equal(setup(undefined, {}).join(), "120,100000");
  equal(setup(simblock, {}).join(), "600,535000", "SimBlock's own under the preset");
  // 120 s and 100 kB are the plain defaults: asked for under the preset, they still hold.
  equal(setup(simblock, { blockIntervalS: 120, blockSizeBytes: 100_000 }).join(), "120,100000");
  equal(setup(undefined, { blockIntervalS: 30, blockSizeBytes: 1 }).join(), "30,1");
});

Deno.test("setup gives drawn peers the latency and loss of the scenario's links between the same regions", () => {
  const base = desModel({ nodes: 80, miners: 2, topology: "random", stopTimeS: 60 });
  const hosts = base.hosts.map((h, i) => ({ ...h, region: i < 40 ? "near" : "far" }));
  const regionOf = (name: string) => hosts.find((h) => h.name === name)!.region;
  // The scenario's links: 20 ms inside "near", 800 ms with 30 % loss wherever "far" is involved.
  const edges = base.edges.map((e) =>
    regionOf(e.a) === "near" && regionOf(e.b) === "near"
      ? { ...e, latencyMs: 20, packetLoss: 0 }
      : { ...e, latencyMs: 800, packetLoss: 0.3 }
  );
  const index = new Map(hosts.map((h, i) => [h.name, i]));
  const build = (seed: number) =>
    setupNetwork(
      { ...base, hosts, edges, seed, des: { peers: { outbound: 6 } } },
      parseDesOptions({}),
      index,
      new DesRandom(seed),
    );
  const net = build(1);
  const { adjStart, adjTo, adjLatS, adjLoss } = net.adjacency;
  const seen = new Set<string>();
  for (let i = 0; i < 80; i++) {
    for (let e = adjStart[i]; e < adjStart[i + 1]; e++) {
      const r = adjTo[e];
      const near = i < 40 && r < 40;
      equal(adjLatS[e], near ? 0.02 : 0.8, `link ${i}-${r}`);
      equal(adjLoss[e], near ? 0 : 0.3);
      seen.add(near ? "near" : "far");
    }
  }
  equal(seen.size, 2, "both kinds of link were drawn");
  equal(net.lossless, false);
  // Links of varied latency: both directions of a drawn link take the same one.
  const varied = setupNetwork(
    {
      ...base,
      edges: base.edges.map((e, k) => ({ ...e, latencyMs: 10 + k })),
      des: { peers: { outbound: 6 } },
    },
    parseDesOptions({}),
    index,
    new DesRandom(1),
  ).adjacency;
  const latencies = new Set<number>();
  for (let i = 0; i < 80; i++) {
    for (let e = varied.adjStart[i]; e < varied.adjStart[i + 1]; e++) {
      const r = varied.adjTo[e];
      let back = -1;
      for (let f = varied.adjStart[r]; f < varied.adjStart[r + 1]; f++) {
        if (varied.adjTo[f] === i) back = f;
      }
      equal(varied.adjLatS[back], varied.adjLatS[e], `${i}-${r} both ways`);
      latencies.add(varied.adjLatS[e]);
    }
  }
  ok(latencies.size > 20, `drawn from many of the scenario's links: ${latencies.size}`);
  // Without scenario links the drawn links keep 50 ms and lose nothing.
  const bare = setupNetwork(
    { ...base, hosts, edges: [], des: { peers: { outbound: 6 } } },
    parseDesOptions({}),
    index,
    new DesRandom(1),
  );
  ok(bare.adjacency.adjLatS.every((x) => x === 0.05));
  ok(bare.lossless);
});
