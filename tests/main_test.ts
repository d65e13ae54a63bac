import { deepEqual, equal, match, ok } from "@std/assert";
import { selfCommand } from "../core/self.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function hive(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return {
    code: output.code,
    stdout: dec.decode(output.stdout),
    stderr: dec.decode(output.stderr),
  };
}

Deno.test("--version --json prints one JSON document", async () => {
  const { code, stdout } = await hive("--version", "--json");
  equal(code, 0);
  const info = JSON.parse(stdout);
  equal(info.name, "hive");
  match(info.version, /^\d+\.\d+\.\d+$/);
  equal(info.deno, Deno.version.deno);
});

Deno.test("--version without --json is one human line", async () => {
  const { code, stdout } = await hive("--version");
  equal(code, 0);
  match(stdout, /^hive \d+\.\d+\.\d+ \(deno .+\)\n$/);
});

Deno.test("--help teaches flags and exit codes", async () => {
  const { code, stdout } = await hive("--help");
  equal(code, 0);
  for (const text of ["--json", "--log-level", "--log-format", "--config", "Exit codes"]) {
    ok(stdout.includes(text), `help mentions ${text}`);
  }
});

Deno.test("unknown flags and commands exit 2 with a helpful message on stderr", async () => {
  const flag = await hive("--bogus");
  equal(flag.code, 2);
  match(flag.stderr, /unknown option '--bogus'/);
  equal(flag.stdout, "");
  const command = await hive("frobnicate");
  equal(command.code, 2);
  match(command.stderr, /frobnicate/);
  const level = await hive("--log-level", "loud", "--version");
  equal(level.code, 2);
  match(level.stderr, /Allowed choices are debug, info, warn, error/);
});

Deno.test("self command re-runs this module under deno from source", () => {
  const self = selfCommand({});
  equal(self.cmd, Deno.execPath());
  deepEqual(self.args.slice(0, 1), ["run"]);
  ok(self.args.at(-1)!.startsWith("file://"));
  deepEqual(selfCommand({ HIVE_BIN: "/opt/hive" }), { cmd: "/opt/hive", args: [] });
});
