import { deepEqual, equal } from "@std/assert";
import { ConnReader } from "../../core/conn_reader.ts";

/** A source that hands out `chunks` one read at a time, then closes. */
function source(chunks: number[][]) {
  const queue = chunks.map((c) => new Uint8Array(c));
  return {
    read(into: Uint8Array): Promise<number | null> {
      const next = queue.shift();
      if (!next) return Promise.resolve(null);
      const n = Math.min(into.length, next.length);
      into.set(next.subarray(0, n));
      if (n < next.length) queue.unshift(next.subarray(n));
      return Promise.resolve(n);
    },
  };
}

Deno.test("conn reader: exact lengths across chunk edges, the rest kept, null at a short close", async () => {
  const reader = new ConnReader(source([[1], [2, 3, 4], [5, 6]]), 2);
  deepEqual([...(await reader.exactly(2))!], [1, 2]);
  deepEqual([...(await reader.exactly(3))!], [3, 4, 5]);
  // Reads ask for at most max(chunk, missing) bytes, so the sixth byte came with the fifth.
  deepEqual([...reader.rest()], [6]);
  equal(reader.bytesRead, 6);
  deepEqual([...(await reader.exactly(0))!], []);
  equal(await reader.exactly(2), null, "one byte left, then the close");
});
