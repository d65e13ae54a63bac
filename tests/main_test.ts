import { deepEqual, equal, match, ok } from "@std/assert";
import { selfCommand } from "../core/self.ts";
import { hoistGlobalFlags } from "../main.ts";
import { MAIN_MODULE, runHive } from "./_helpers.ts";

function hive(...args: string[]) {
  return runHive(args);
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

Deno.test("a bad config file exits 2 naming the field and value, as JSON on stderr with --json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = `${dir}/hive.yaml`;
    await Deno.writeTextFile(config, 'ports:\n  http: "abc"\n');
    const scenario = new URL("../fixtures/scenarios/ring.yaml", import.meta.url).pathname;
    const human = await hive("--config", config, "sim", "validate", scenario);
    equal(human.code, 2);
    match(human.stderr, /ports\.http: expected integer 0\.\.65535, got "abc"/);
    equal(human.stdout, "");
    const json = await hive("--json", "--config", config, "sim", "validate", scenario);
    equal(json.code, 2);
    const error = JSON.parse(json.stderr.trim().split("\n").at(-1)!).error;
    equal(error.code, "config_invalid");
    equal(error.exit, 2);
    match(error.message, /ports\.http/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runtime failures exit 1 with one line; a stack trace only at --log-level debug", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(probe.addr as Deno.NetAddr).port}`;
  probe.close();
  const plain = await hive("host", "status", "--url", url);
  equal(plain.code, 1);
  equal(plain.stderr.trim().split("\n").length, 1, plain.stderr);
  match(plain.stderr, /^hive: cannot reach the host at http:\/\/127\.0\.0\.1:\d+/);
  const debug = await hive("--log-level", "debug", "host", "status", "--url", url);
  equal(debug.code, 1);
  match(debug.stderr, /\n\s+at /, "debug shows the stack");
});

Deno.test("global flags may follow the subcommand", () => {
  deepEqual(hoistGlobalFlags(["sim", "analyze", "DIR", "--json", "--log-level", "debug"]), [
    "--json",
    "--log-level",
    "debug",
    "sim",
    "analyze",
    "DIR",
  ]);
  deepEqual(hoistGlobalFlags(["host", "--config=x.yaml", "--port", "0"]), [
    "--config=x.yaml",
    "host",
    "--port",
    "0",
  ]);
  deepEqual(hoistGlobalFlags(["daemon", "publish", "t", "--", "--json"]), [
    "daemon",
    "publish",
    "t",
    "--",
    "--json",
  ]);
});

Deno.test("one error path: every usage error is JSON with --json, and names the unknown command", async () => {
  for (
    const [args, message] of [
      [["--json", "--bogus"], "unknown option '--bogus'"],
      [["--json", "hots"], "unknown command 'hots' (Did you mean host?)"],
      [["host", "statsu", "--json"], "unknown command 'statsu' (Did you mean status?)"],
      [["--json", "daemon", "stats"], "unknown command 'stats' (Did you mean status?)"],
      [["--json", "nosuchcommand", "--help"], "unknown command 'nosuchcommand'"],
    ] as const
  ) {
    const run = await hive(...args);
    equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    equal(run.stdout, "");
    deepEqual(JSON.parse(run.stderr), { error: { code: "usage", message, exit: 2 } });
  }
  const plain = await hive("hots");
  equal(plain.stderr.match(/hive:/g)?.length, 1, plain.stderr);
  match(plain.stderr, /^hive: unknown command 'hots'\n\(Did you mean host\?\)/);
});

Deno.test("help CMD and CMD help show that command's help", async () => {
  for (const args of [["help", "sim"], ["sim", "help"], ["sim", "--help"]]) {
    const run = await hive(...args);
    equal(run.code, 0, run.stderr);
    match(run.stdout, /^Usage: hive sim /);
  }
  for (const args of [["sim", "help", "validate"], ["help", "sim", "validate"]]) {
    const nested = await hive(...args);
    equal(nested.code, 0, nested.stderr);
    match(nested.stdout, /^Usage: hive sim validate /);
  }
});

Deno.test("a closed stdout ends quietly with exit 0, as Unix tools do", async () => {
  const hiveCmd = `'${Deno.execPath()}' run -A --quiet '${MAIN_MODULE}' docs`;
  const out = await new Deno.Command("bash", {
    // The reader leaves at once; hive then writes the whole reference into a closed pipe.
    args: ["-c", `${hiveCmd} | head -c 0; echo "rc=\${PIPESTATUS[0]}"`],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  equal(new TextDecoder().decode(out.stdout).trim(), "rc=0");
  equal(new TextDecoder().decode(out.stderr), "");
});

Deno.test("one unit per flag kind: waits and timeouts are durations everywhere", async () => {
  for (
    const args of [
      ["hap", "agents", "--wait", "3000"],
      ["hap", "get", "doc", "--wait", "soon"],
      ["daemon", "id", "--timeout", "5000"],
    ]
  ) {
    const run = await hive("--json", ...args);
    equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    match(JSON.parse(run.stderr).error.message, /expected a duration with a unit/);
  }
});

Deno.test("JSON documents use snake_case keys in every subcommand", async () => {
  const root = await Deno.makeTempDir();
  const camel: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.slice(0, 5).forEach((v) => walk(v, `${path}[]`));
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (/[A-Z]/.test(key) && !/^\d/.test(key)) camel.push(`${path}.${key}`);
        walk(inner, `${path}.${key}`);
      }
    }
  };
  try {
    for (
      const args of [
        ["--version"],
        ["sim", "validate", "fixtures/scenarios/ring.yaml"],
        ["sim", "inspect", "fixtures/scenarios/regions.yaml"],
        ["sim", "run", "fixtures/scenarios/ring.yaml", "--engine", "des", "--out", `${root}/r`],
        ["sim", "analyze", `${root}/r`],
        ["hive", "genesis", "--backend", "simnet", "--data-dir", `${root}/h`],
        ["hive", "status", "--backend", "simnet", "--data-dir", `${root}/h`],
        ["proxy", "keys", "add", "bob", "--scope", "read", "--keys-file", `${root}/keys`],
      ]
    ) {
      const run = await hive("--json", ...args);
      equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
      walk(JSON.parse(run.stdout), args.slice(0, 2).join(" "));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  deepEqual(camel, []);
});
