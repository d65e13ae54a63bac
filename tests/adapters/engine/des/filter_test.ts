import { deepEqual, equal, ok } from "@std/assert";
import { ceilFloat32, DesRelayFilter } from "../../../../adapters/engine/des/filter.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";

Deno.test("ceilFloat32 is the least float32 at least the time", () => {
  const rng = new DesRandom(3);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let k = 0; k < 20_000; k++) {
    const t = rng.next() * 10 ** (rng.next() * 12 - 4);
    const c = ceilFloat32(t);
    ok(c >= t, `${c} < ${t}`);
    equal(Math.fround(c), c);
    // The float32 just below is below t.
    f32[0] = c;
    if (c > 0) {
      u32[0]--;
      ok(f32[0] < t, `${f32[0]} is a float32 >= ${t} below ${c}`);
    }
  }
  equal(ceilFloat32(0), 0);
  equal(ceilFloat32(Infinity), Infinity);
  equal(ceilFloat32(1.5), 1.5);
});

Deno.test("holders bitset follows bHas; tables are dropped with the exact one", () => {
  const n = 70;
  const filter = new DesRelayFilter(n);
  const has = new Uint8Array(n);
  has[3] = 1;
  has[64] = 1;
  const bits = filter.holders(1, has);
  for (const i of [0, 5, 33, 69]) {
    has[i] = 1;
    filter.markHas(1, i);
  }
  const read = (b: Int32Array) =>
    Array.from({ length: n }, (_, i) => (b[i >>> 5] >>> (i & 31)) & 1);
  deepEqual(read(bits), Array.from(has));
  const s = filter.sched(1, false);
  s[4] = 2;
  equal(filter.sched(1, false)[4], 2);
  equal(filter.sched(1, true)[4], Infinity);
  filter.prune([null, new Float64Array(n)]);
  equal(filter.holders(1, has), bits, "block 1 still has its table");
  filter.prune([null, null]);
  const rebuilt = filter.holders(1, has);
  ok(rebuilt !== bits);
  deepEqual(read(rebuilt), Array.from(has));
});
