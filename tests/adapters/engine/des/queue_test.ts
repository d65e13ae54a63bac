import { equal, ok } from "@std/assert";
import { DesQueue } from "../../../../adapters/engine/des/queue.ts";
import { DesHeapQueue } from "../../../../adapters/engine/des/heap_queue.ts";
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

Deno.test("queue pops exactly as the single 4-ary heap does (ring, far heap, ties, earlier times)", () => {
  for (let seed = 1; seed <= 6; seed++) {
    const rng = new DesRandom(seed);
    const q = new DesQueue(16);
    const ref = new DesHeapQueue(16);
    let now = 0;
    let node = 0;
    let pops = 0;
    for (let step = 0; step < 40_000; step++) {
      if (rng.next() < 0.55 || q.size === 0) {
        // Same bucket, the ring's window, past it, exact ties, times before now, far ahead.
        const u = rng.next();
        let t = u < 0.3
          ? now + Math.floor(rng.next() * 8) / 1024
          : u < 0.6
          ? now + rng.next() * 0.5
          : u < 0.75
          ? now + rng.next() * 10
          : u < 0.85
          ? now
          : u < 0.9
          ? now - rng.next()
          : u < 0.95
          ? Math.round(now + rng.next() * 3)
          : now + rng.next() * 1000;
        if (seed === 6 && u < 0.01) t = Infinity;
        q.push(t, 1, node, 2, 3);
        ref.push(t, 1, node, 2, 3);
        node++;
      } else {
        if (rng.next() < 0.3) equal(q.peekTime(), ref.peekTime());
        equal(q.pop(), ref.pop());
        equal(q.current.time, ref.current.time);
        equal(q.current.node, ref.current.node);
        if (q.current.time !== Infinity && q.current.time > now) now = q.current.time;
        pops++;
      }
    }
    while (ref.pop()) {
      ok(q.pop());
      equal(q.current.node, ref.current.node);
    }
    equal(q.pop(), false);
    ok(pops > 10_000);
  }
});

Deno.test("queue keeps the heap's order once only events at time Infinity are left", () => {
  const q = new DesQueue(16);
  const ref = new DesHeapQueue(16);
  let node = 0;
  const push = (t: number) => {
    q.push(t, 1, node, 0, 0);
    ref.push(t, 1, node, 0, 0);
    node++;
  };
  const popBoth = () => {
    equal(q.pop(), ref.pop());
    equal(q.current.time, ref.current.time);
    equal(q.current.node, ref.current.node);
  };
  // Fill a ring bucket's last chunk partly, so a stale fill count is left behind.
  for (let i = 0; i < 5; i++) push(0.5);
  for (let i = 0; i < 40; i++) push(Infinity);
  for (let i = 0; i < 5; i++) popBoth();
  // Only Infinity is left: the queue moves there; earlier and later pushes still order right.
  equal(q.peekTime(), Infinity);
  push(3);
  push(Infinity);
  push(2.5);
  for (let i = 0; i < 10; i++) popBoth();
  for (let i = 0; i < 20; i++) push(i % 2 === 0 ? Infinity : 7 + i);
  while (ref.size > 0) popBoth();
  equal(q.pop(), false);
});

Deno.test("queue's sorted buckets pop exactly as the heap: late times, crowded buckets, one-bit gaps", () => {
  for (let seed = 1; seed <= 4; seed++) {
    const rng = new DesRandom(seed);
    const q = new DesQueue(16);
    const ref = new DesHeapQueue(16);
    // Start late in a run (long times leave fewer bits under the bucket) and in small times.
    let now = seed % 2 === 0 ? 250_000 + rng.next() : 1 + rng.next();
    let node = 0;
    const push = (t: number) => {
      q.push(t, 2, node, 1, 0);
      ref.push(t, 2, node, 1, 0);
      node++;
    };
    for (let round = 0; round < 60; round++) {
      // A crowd of deliveries a little ahead: some in one bucket, some a bit apart, some
      // exactly tied, some one unit of the last bit apart, some in the same bucket as now.
      const crowd = 1 + Math.floor(rng.next() * 3000);
      const at = now + 0.002 + rng.next() * 0.01;
      for (let c = 0; c < crowd; c++) {
        const u = rng.next();
        const t = u < 0.4
          ? at + rng.next() / 4096
          : u < 0.6
          ? at
          : u < 0.7
          ? at + Number.EPSILON * at * Math.floor(rng.next() * 4)
          : u < 0.9
          ? at + rng.next() * 0.05
          : now + rng.next() * 1e-4;
        push(t);
      }
      const pops = Math.floor(crowd * (0.5 + rng.next()));
      for (let k = 0; k < pops && ref.size > 0; k++) {
        equal(q.peekTime(), ref.peekTime());
        equal(q.pop(), ref.pop());
        equal(q.current.time, ref.current.time);
        equal(q.current.node, ref.current.node);
        now = q.current.time;
        // Pushes while a bucket drains: into it, and earlier than it.
        if (rng.next() < 0.05) push(now + rng.next() * 1e-4);
        if (rng.next() < 0.01) push(now - rng.next() * 1e-3);
      }
    }
    while (ref.pop()) {
      ok(q.pop());
      equal(q.current.time, ref.current.time);
      equal(q.current.node, ref.current.node);
    }
    equal(q.pop(), false);
  }
});
