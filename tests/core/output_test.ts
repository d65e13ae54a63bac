import { deepEqual, equal } from "@std/assert";
import { formatRecord, formatTable, Output, roundForPeople } from "../../core/output.ts";

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

Deno.test("output: numbers are rounded for people, objects are never raw JSON, empty is none", () => {
  equal(roundForPeople(0.123456), "0.123");
  equal(roundForPeople(12.3456), "12.35");
  equal(roundForPeople(1234.56), "1235");
  equal(roundForPeople(42), "42");
  equal(formatTable([], [{ header: "A", value: () => 1 }]), "none\n");
  equal(
    formatRecord({ peers: [], mix: { a: 1.23456, b: "x" } }),
    "peers: none\nmix:   a=1.23 b=x\n",
  );
});

Deno.test("output: status words are coloured on a terminal only, never with NO_COLOR", async () => {
  const url = import.meta.resolve("../../core/output.ts");
  const script =
    `import { paintStatus } from "${url}"; console.log(JSON.stringify(paintStatus("failed")));`;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/p.ts`, script);
    const run = async (env: Record<string, string>, tty: boolean) => {
      const cmd = `${Deno.execPath()} run -A --quiet ${dir}/p.ts`;
      const out = await new Deno.Command(tty ? "script" : "bash", {
        args: tty ? ["-qc", cmd, "/dev/null"] : ["-c", cmd],
        // Only what the case sets: CI runs with NO_COLOR=1, which would otherwise be inherited.
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          HOME: Deno.env.get("HOME") ?? "/",
          ...env,
        },
        stdout: "piped",
        signal: AbortSignal.timeout(20_000),
      }).output();
      return new TextDecoder().decode(out.stdout).trim();
    };
    equal(await run({}, true), '"\\u001b[31mfailed\\u001b[39m"');
    equal(await run({ NO_COLOR: "1" }, true), '"failed"');
    equal(await run({}, false), '"failed"');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
