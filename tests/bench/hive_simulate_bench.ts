/**
 * `hive hive simulate` at 100 and 1000 nodes: split the fleet in half, change state on both
 * sides, heal, and measure the real time and the messages it takes until every state hash
 * agrees. Messages must grow no faster than N log N: the 1000/100 ratio of messages after the
 * heal must stay within (1000 log 1000) / (100 log 100) = 15x.
 */
import { simulate } from "../../commands/hive/simulate.ts";

const opts = (nodes: number) => ({
  nodes,
  seed: 1,
  partition: "half",
  at: 30,
  heal: 330,
  conflicts: 0,
  loss: 0,
  syncSeconds: 30,
  maxSeconds: 3600,
});

Deno.bench("simulate 20 nodes, partition + heal", { n: 1, warmup: 0 }, async () => {
  await simulate(opts(20));
});

const small = await simulate(opts(100));
const large = await simulate(opts(1000));
const ps = small.partition!, pl = large.partition!;
const bound = (1000 * Math.log(1000)) / (100 * Math.log(100));
const ratio = pl.messages_after_heal / ps.messages_after_heal;
for (const r of [small, large]) {
  const p = r.partition!;
  console.log(
    `simulate ${r.nodes} nodes: converged ${p.heal_converge_s} s simulated (${p.rounds} rounds) ` +
      `after heal in ${p.heal_wall_ms} ms real; ${p.messages_after_heal} messages ` +
      `(${p.messages_per_node}/node), ${(p.bytes_after_heal / 1e6).toFixed(1)} MB; ` +
      `whole run ${r.wall_ms} ms; agreement ${r.state_hash_agreement}`,
  );
}
console.log(
  `messages after heal 1000/100: ${ratio.toFixed(2)}x (N log N bound ${bound.toFixed(1)}x) ` +
    `${ratio <= bound ? "ok" : "OVER"}; wall after heal ${
      (pl.heal_wall_ms / ps.heal_wall_ms).toFixed(1)
    }x`,
);
