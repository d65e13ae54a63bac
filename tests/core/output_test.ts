import { deepEqual, equal } from "@std/assert";
import { formatRecord, formatTable, Output } from "../../core/output.ts";

function capture(json: boolean) {
  const chunks: string[] = [];
  return { chunks, out: new Output({ json, write: (t) => chunks.push(t) }) };
}

const rows = [{ name: "chat", state: "running", restarts: 0 }, {
  name: "loader-x",
  state: "failed",
  restarts: 12,
}];
const columns = [
  { header: "NAME", value: (r: typeof rows[number]) => r.name },
  { header: "STATE", value: (r: typeof rows[number]) => r.state },
  { header: "RESTARTS", value: (r: typeof rows[number]) => r.restarts, alignRight: true },
];

Deno.test("json mode writes one parseable document", () => {
  const { chunks, out } = capture(true);
  out.result({ a: 1 }, () => "human");
  equal(chunks.length, 1);
  deepEqual(JSON.parse(chunks[0]), { a: 1 });
});

Deno.test("json mode streams NDJSON, one object per line", () => {
  const { chunks, out } = capture(true);
  out.record({ n: 1 }, () => "x");
  out.record({ n: 2 }, () => "x");
  const lines = chunks.join("").trimEnd().split("\n");
  deepEqual(lines.map((l) => JSON.parse(l)), [{ n: 1 }, { n: 2 }]);
});

Deno.test("human mode uses the renderer and ends lines", () => {
  const { chunks, out } = capture(false);
  out.result({ a: 1 }, (d) => `a is ${d.a}`);
  deepEqual(chunks, ["a is 1\n"]);
});

Deno.test("tables align columns; json tables are arrays", () => {
  equal(
    formatTable(rows, columns),
    "NAME      STATE    RESTARTS\nchat      running         0\nloader-x  failed         12\n",
  );
  const { chunks, out } = capture(true);
  out.table(rows, columns);
  deepEqual(JSON.parse(chunks[0]), rows);
});

Deno.test("records align keys and show missing values as -", () => {
  equal(
    formatRecord({ peer: "12D3", addrs: ["/a", "/b"], none: null }),
    "peer:  12D3\naddrs: /a,/b\nnone:  -\n",
  );
});
