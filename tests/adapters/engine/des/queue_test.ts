import { equal, ok } from "@std/assert";
import { DesQueue } from "../../../../adapters/engine/des/queue.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";

Deno.test("queue pops in time order, ties in insertion order, and grows", () => {
  const q = new DesQueue(16);
  const rng = new DesRandom(3);
  const times: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = Math.floor(rng.next() * 100);
    times.push(t);
    q.push(t, 1, i, 0, 0);
  }
  let lastT = -1;
  let lastNode = -1;
  let count = 0;
  while (q.pop()) {
    const { time, node } = q.current;
    ok(time >= lastT);
    if (time === lastT) ok(node > lastNode, "ties keep insertion order");
    lastT = time;
    lastNode = node;
    count++;
  }
  equal(count, 5000);
  equal(q.size, 0);
});
