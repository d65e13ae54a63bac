/** The byte-keyed table: lookups by content, replacement, a bound, and hash collisions. */
import { equal, ok } from "@std/assert";
import { BytesTable } from "../../../../adapters/p2p/libp2p/bytes_table.ts";

Deno.test("bytes table: values are found by content, not by array identity", () => {
  const table = new BytesTable<string>(8);
  const key = new Uint8Array([1, 2, 3, 4]);
  table.set(key, "a");
  equal(table.get(new Uint8Array([1, 2, 3, 4])), "a");
  equal(table.get(new Uint8Array([1, 2, 3])), undefined, "a prefix is another key");
  equal(table.get(new Uint8Array([1, 2, 3, 4, 0])), undefined);
  key[0] = 9; // the table kept its own copy
  equal(table.get(new Uint8Array([1, 2, 3, 4])), "a");
  table.set(new Uint8Array([1, 2, 3, 4]), "b");
  equal(table.get(new Uint8Array([1, 2, 3, 4])), "b");
  equal(table.size, 1);
  table.clear();
  equal(table.size, 0);
  equal(table.get(new Uint8Array([1, 2, 3, 4])), undefined);
});

Deno.test("bytes table: stays within its limit and keeps the newest entries", () => {
  const table = new BytesTable<number>(100);
  for (let i = 0; i < 1000; i++) table.set(Uint8Array.of(i & 255, i >> 8, 7, 7), i);
  ok(table.size <= 100, `${table.size} entries`);
  equal(table.get(Uint8Array.of(999 & 255, 999 >> 8, 7, 7)), 999);
  equal(table.get(Uint8Array.of(0, 0, 7, 7)), undefined, "the oldest entry was dropped");
});

Deno.test("bytes table: many 32-byte keys, each found with its own value", () => {
  const table = new BytesTable<number>(5000);
  const keys = Array.from({ length: 4000 }, () => crypto.getRandomValues(new Uint8Array(32)));
  keys.forEach((k, i) => table.set(k, i));
  equal(table.size, 4000);
  keys.forEach((k, i) => equal(table.get(Uint8Array.from(k)), i));
});
