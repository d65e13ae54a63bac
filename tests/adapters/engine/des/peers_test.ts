import { equal, ok } from "@std/assert";
import { buildPeerGraph } from "../../../../adapters/engine/des/peers.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";

Deno.test("peers: outbound as asked, inbound within the limit, hidden nodes get none", () => {
  const n = 3000;
  const accepts = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i += 5) accepts[i] = 0; // a fifth hidden
  const g = buildPeerGraph({
    n,
    outbound: 12,
    inboundLimit: 24,
    accepts,
    latencyS: 0.05,
    rng: new DesRandom(3),
  });
  let minDeg = Infinity;
  let maxDeg = 0;
  for (let i = 0; i < n; i++) {
    equal(g.outCount[i], 12, `node ${i} outbound`);
    ok(g.inCount[i] <= 24, `node ${i} inbound ${g.inCount[i]}`);
    if (accepts[i] === 0) equal(g.inCount[i], 0, `hidden node ${i} accepts none`);
    const deg = g.adjStart[i + 1] - g.adjStart[i];
    equal(deg, g.outCount[i] + g.inCount[i]);
    minDeg = Math.min(minDeg, deg);
    maxDeg = Math.max(maxDeg, deg);
    // Links are undirected, without duplicates or self-loops.
    const peers = new Set<number>();
    for (let e = g.adjStart[i]; e < g.adjStart[i + 1]; e++) {
      const j = g.adjTo[e];
      ok(j !== i && !peers.has(j));
      peers.add(j);
      let back = false;
      for (let f = g.adjStart[j]; f < g.adjStart[j + 1]; f++) back ||= g.adjTo[f] === i;
      ok(back, `${j} -> ${i} exists`);
    }
  }
  equal(minDeg, 12, "hidden nodes have outbound only");
  ok(maxDeg >= 30, `uneven degrees: max ${maxDeg}`);
  const again = buildPeerGraph({
    n,
    outbound: 12,
    inboundLimit: 24,
    accepts,
    latencyS: 0.05,
    rng: new DesRandom(3),
  });
  equal(again.adjTo.join(), g.adjTo.join(), "same seed, same graph");
});
