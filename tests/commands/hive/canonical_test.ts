import { deepEqual, equal, ok } from "@std/assert";
import {
  canonicalJson,
  compareCodePoints,
  parsePyJson,
  pyDumps,
  pyDumpsCompact,
  PyFloat,
  pyFloat,
  pyFloatRepr,
} from "../../../commands/hive/canonical.ts";
import vectors from "../../../fixtures/cl_hive/canonical_vectors.json" with { type: "json" };

function _untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(_untag);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && "$f" in o) return pyFloat(o.$f as number);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, _untag(x)]));
  }
  return v;
}

Deno.test("pyDumps matches CPython's json.dumps on every recorded case", () => {
  equal(vectors.dumps.length, 18);
  for (const c of vectors.dumps) {
    const got = pyDumps(_untag(c.input), {
      sortKeys: c.sort_keys,
      separators: c.compact ? [",", ":"] : [", ", ": "],
    });
    equal(got, c.expected);
  }
});

Deno.test("float repr follows Python, not JavaScript", () => {
  equal(pyFloatRepr(1), "1.0");
  equal(pyFloatRepr(1e-7), "1e-07");
  equal(pyFloatRepr(1e16), "1e+16");
  equal(pyFloatRepr(1e15), "1000000000000000.0");
  equal(pyFloatRepr(0.0001), "0.0001");
  equal(pyFloatRepr(-0), "-0.0");
  equal(pyDumps([1, pyFloat(1), 0.5]), "[1,1.0,0.5]");
});

Deno.test("sort_keys orders by code point: U+FFFF sorts before an astral character", () => {
  ok(compareCodePoints("\uffff", "\u{1F600}") < 0);
  ok("\uffff".localeCompare("\u{1F600}") !== 0);
  equal(canonicalJson({ "\u{1F600}": 1, "\uffff": 2 }), '{"\\uffff":2,"\\ud83d\\ude00":1}');
});

Deno.test("parsePyJson keeps 1.0 a float so re-serialising gives the same bytes", () => {
  const text = '{"a":1.0,"b":1,"c":2.5,"d":1e3,"e":[0.0]}';
  const v = parsePyJson(text) as Record<string, unknown>;
  ok(v.a instanceof PyFloat);
  equal(v.b, 1);
  equal(pyDumps(v), '{"a":1.0,"b":1,"c":2.5,"d":1000.0,"e":[0.0]}');
  deepEqual(JSON.parse(JSON.stringify(v)), { a: 1, b: 1, c: 2.5, d: 1000, e: [0] });
});

Deno.test("cl-hive's ticket and manifest signing strings are reproduced", () => {
  equal(canonicalJson(vectors.ticket.fields), vectors.ticket.signing_string);
  equal(canonicalJson(vectors.manifest.fields), vectors.manifest.signing_string);
  // Ticket.to_base64 uses Python's default separators and insertion order.
  equal(
    btoa(pyDumps(vectors.ticket.with_signature, { separators: [", ", ": "] })),
    vectors.ticket.base64,
  );
});

Deno.test("pyDumpsCompact takes JSON.stringify only when the bytes are Python's", () => {
  for (const c of vectors.dumps.filter((d) => !d.sort_keys && d.compact)) {
    equal(pyDumpsCompact(_untag(c.input)), c.expected);
  }
  equal(pyDumpsCompact({ a: pyFloat(2), b: "\x7f", c: 1e-7 }), '{"a":2.0,"b":"\\u007f","c":1e-07}');
  equal(pyDumpsCompact({ z: 1, a: [true, null, "x"] }), '{"z":1,"a":[true,null,"x"]}');
});
