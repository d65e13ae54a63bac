/**
 * The management client and the host's own CLI around it: which host `status`/`agents` talk to
 * (`--url`, else `<data-dir>/host.json`, else port 8787), secrets never printed back, what a
 * second host on a busy data dir is told, and the text and JSON the commands print. The tests
 * with a real host start `hive host --port 0` on loopback.
 */
import { equal, match, ok, rejects } from "@std/assert";
import { redactSecrets, resolveHostUrl } from "../../../commands/host/manage.ts";
import { hostFilePath, writeHostFile } from "../../../commands/host/host_file.ts";
import { runHive } from "../../_helpers.ts";
import {
  eventually,
  type HostProcess,
  removeTestRoot,
  startHostProcess,
} from "../../e2e/host_helpers.ts";

const DEFAULT = "http://127.0.0.1:8787";
const alive = (live: number[]) => (pid: number) => Promise.resolve(live.includes(pid));

function hive(...args: string[]) {
  return runHive(args, { env: { HOME: "/nonexistent-hive-home" } });
}

Deno.test("manage: --url wins; else a live host.json; a stale or broken one is reported and skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const warnings: string[] = [];
    const warn = (m: string) => void warnings.push(m);
    const base = { dataDir: dir, defaultUrl: DEFAULT, warn };
    equal(await resolveHostUrl({ ...base, url: "http://127.0.0.1:1" }), "http://127.0.0.1:1");
    equal(await resolveHostUrl(base), DEFAULT);
    equal(warnings.length, 0, "no host.json is no news");
    await writeHostFile(dir, {
      url: "http://127.0.0.1:40123/",
      port: 40123,
      pid: 5150,
      started_at: new Date().toISOString(),
      peer_id: null,
      p2p_addrs: [],
    });
    equal(await resolveHostUrl({ ...base, isAlive: alive([5150]) }), "http://127.0.0.1:40123/");
    equal(await resolveHostUrl({ ...base, isAlive: alive([]) }), DEFAULT);
    match(warnings[0], /host\.json is stale/);
    await Deno.writeTextFile(hostFilePath(dir), "[]");
    equal(await resolveHostUrl(base), DEFAULT);
    match(warnings[1], /host\.json is unreadable/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manage: redactSecrets replaces every secret in an error's message", () => {
  let caught: Error | undefined;
  try {
    redactSecrets(() => {
      throw new Error('api_token: bad, got "s3cr3t-value" and s3cr3t-value again');
    }, ["s3cr3t-value", null, undefined]);
  } catch (error) {
    caught = error as Error;
  }
  equal(caught?.message, 'api_token: bad, got "<redacted>" and <redacted> again');
  equal(redactSecrets(() => 7, ["x"]), 7);
});

Deno.test("manage: a secret on the command line is never printed back", async () => {
  const secrets = ["short-secret", "has a space in the secret xyz", "z".repeat(600)];
  for (const secret of secrets) {
    for (
      const args of [
        ["host", "--api-token", secret, "--port", "0"],
        ["host", "--api-token", secret, "--port", "bad-port"],
        ["host", "--bind", "0.0.0.0", "--port", "0", "--api-token", secret],
        ["host", "status", "--api-token", secret, "--url", "http://127.0.0.1:9"],
        ["host", "agents", "--api-token", secret, "--url", "http://127.0.0.1:9", "--json"],
        ["--json", "host", "--api-token", secret, "--port", "0"],
      ]
    ) {
      const run = await hive(...args);
      equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      for (const piece of [secret, secret.slice(0, 12)]) {
        ok(
          !run.stderr.includes(piece),
          `stderr of ${args[0]} ${args[1]} shows the secret: ${run.stderr}`,
        );
        ok(!run.stdout.includes(piece), `stdout shows the secret: ${run.stdout}`);
      }
      match(run.stderr, /api-token|api_token/);
    }
  }
  // A good token with another bad flag: the error is about the flag, and the token stays hidden.
  const good = "good-secret-0123456789abcdef";
  const run = await hive("host", "--api-token", good, "--port", "99999999");
  equal(run.code, 2);
  ok(!run.stderr.includes(good), run.stderr);
  match(run.stderr, /port/);
  // A daemon token file's contents stay hidden too (the daemon there is down).
  const dir = await Deno.makeTempDir();
  try {
    const secret = "file-secret-0123456789abcdef";
    await Deno.writeTextFile(`${dir}/token`, secret + "\n");
    const attach = await hive(
      "host",
      "--port",
      "0",
      "--data-dir",
      `${dir}/data`,
      "--daemon-url",
      "ws://127.0.0.1:9/",
      "--daemon-token-file",
      `${dir}/token`,
    );
    equal(attach.code, 1, attach.stderr);
    ok(!attach.stderr.includes(secret) && !attach.stdout.includes(secret), attach.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Every key of a JSON document, at any depth. */
function _keys(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) { for (const v of value) _keys(v, into); }
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      into.push(k);
      _keys(v, into);
    }
  }
  return into;
}

Deno.test({
  name:
    "manage: status finds a --port 0 host through host.json; text and JSON output; busy data dir",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-manage-" });
    const data = `${root}/data`;
    let host: HostProcess | undefined;
    let daemon: Deno.ChildProcess | undefined;
    try {
      host = await startHostProcess({ dataDir: data });
      const ready = host.ready as typeof host.ready & { p2p_addrs: string[] };
      // The ready line carries what another host passes to --bootstrap.
      equal(ready.p2p_addrs.length, ready.addrs.length);
      for (const addr of ready.p2p_addrs) match(addr, new RegExp(`/p2p/${ready.peer_id}$`));

      // host.json names the host; status and agents find it without --url.
      const file = JSON.parse(await Deno.readTextFile(hostFilePath(data)));
      equal(file.url, ready.url);
      equal(file.port, ready.port);
      equal(file.pid, ready.pid);
      ok(!Number.isNaN(Date.parse(file.started_at)));
      const status = await hive("host", "status", "--data-dir", data, "--json");
      equal(status.code, 0, status.stderr);
      const doc = JSON.parse(status.stdout);
      equal(doc.host.url, ready.url);
      for (const key of _keys(doc)) match(key, /^[a-z0-9_]+$/, `status --json key ${key}`);
      const agents = await hive("host", "agents", "--data-dir", data, "--json");
      equal(agents.code, 0, agents.stderr);
      for (const key of _keys(JSON.parse(agents.stdout))) match(key, /^[a-z0-9_]+$/);

      // Text: words and rounded numbers, no JSON, empty lists say none.
      const text = await hive("host", "status", "--data-dir", data);
      equal(text.code, 0, text.stderr);
      match(text.stdout, /^url: +http:\/\/127\.0\.0\.1:\d+\/$/m);
      match(text.stdout, /^uptime: +\d+ s$/m);
      match(text.stdout, /^daemon: +up$/m);
      match(text.stdout, /^peers: +0$/m);
      match(text.stdout, /^agents: +chat running$/m);
      ok(!/[{}\[\]"]/.test(text.stdout), `no JSON in text output:\n${text.stdout}`);
      const stop = await hive("host", "agent", "stop", "chat", "--data-dir", data);
      equal(stop.stdout, "agent chat: stopped\n");
      const start = await hive("host", "agent", "start", "chat", "--data-dir", data);
      equal(start.stdout, "agent chat: running\n");

      // A second host on the same data dir names the host that holds it.
      const second = await hive("host", "--port", "0", "--data-dir", data, "--no-mdns");
      equal(second.code, 1);
      match(
        second.stderr,
        new RegExp(
          `another hive host at ${
            ready.url.replaceAll(".", "\\.")
          } \\(pid ${ready.pid}\\) already runs on data dir ${data}`,
        ),
      );
      ok(!/before it was ready/.test(second.stderr), second.stderr);

      // A clean stop removes host.json; status then falls back to port 8787 (nothing there).
      equal(await host.stop("SIGTERM"), 0);
      host = undefined;
      await rejects(Deno.stat(hostFilePath(data)), Deno.errors.NotFound);

      // A data dir whose daemon lock is held (a `hive daemon` on it) is named with the holder.
      daemon = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "--quiet",
          new URL("../../../main.ts", import.meta.url).pathname,
          "daemon",
          "--json",
          "--data-dir",
          data,
          "--no-mdns",
          "--p2p-listen",
          "/ip4/127.0.0.1/tcp/0",
        ],
        stdout: "piped",
        stderr: "null",
        stdin: "null",
      }).spawn();
      const reader = daemon.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const first = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("daemon not ready in 60 s")), 60_000)
        ),
      ]);
      ok(first.value?.includes("peer_id"), `daemon ready line: ${first.value}`);
      const busy = await hive("host", "--port", "0", "--data-dir", data, "--no-mdns");
      equal(busy.code, 1);
      match(
        busy.stderr,
        new RegExp(
          `data dir ${data} is in use: ${data}/identity\\.key\\.lock is held by pid ${daemon.pid}`,
        ),
      );
      ok(!/before it was ready/.test(busy.stderr), busy.stderr);
      reader.releaseLock();
      daemon.kill("SIGTERM");
      await daemon.status;
      await daemon.stdout.cancel().catch(() => {});
      daemon = undefined;

      // A host killed with -9 leaves host.json behind: status tells it is stale.
      host = await startHostProcess({ dataDir: data });
      await host.stop("SIGKILL");
      host = undefined;
      await eventually("the killed host's daemon to exit", async () => {
        const left = await new Deno.Command("pgrep", { args: ["-f", root], stdout: "piped" })
          .output();
        return new TextDecoder().decode(left.stdout).trim() === "" ? true : undefined;
      });
      const stale = await hive("host", "status", "--data-dir", data, "--json");
      match(stale.stderr, /host\.json is stale/);
    } finally {
      if (daemon) {
        daemon.kill("SIGKILL");
        await daemon.status;
      }
      await host?.stop("SIGTERM");
      const left = await removeTestRoot(root);
      equal(left.length, 0, `leftover processes: ${left}`);
    }
  },
});

/** The `hive host status|agents|agent` lines of the README's management example. */
async function _readmeManagementLines(): Promise<string[][]> {
  const readme = await Deno.readTextFile(new URL("../../../README.md", import.meta.url));
  const block = readme.split("```sh\n").map((b) => b.split("```")[0])
    .find((b) => b.includes("hive host status") && b.includes("hive host agent stop"));
  if (!block) throw new Error("the README has no host management example");
  return block.split("\n").map((l) => l.replace(/\s+#\s.*$/, "").trim()).filter((l) =>
    l.startsWith("hive host ")
  ).map((l) => l.split(/\s+/).slice(1));
}

Deno.test({
  name: "manage: the README's management examples work on a stock host, found through host.json",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-manage-readme-" });
    let host: HostProcess | undefined;
    try {
      const lines = await _readmeManagementLines();
      ok(lines.length >= 4, `README management lines: ${JSON.stringify(lines)}`);
      // Stock: no agents dir, no token; only the port is free-picked, which host.json covers.
      host = await startHostProcess({ dataDir: `${root}/data` });
      for (const args of lines) {
        const run = await runHive(args, {
          env: { HOME: "/nonexistent-hive-home", HIVE_DATA_DIR: `${root}/data` },
        });
        equal(run.code, 0, `hive ${args.join(" ")}: ${run.stderr}`);
      }
    } finally {
      const code = await host?.stop("SIGTERM");
      const left = await removeTestRoot(root);
      equal(left.length, 0, `leftover processes: ${left}`);
      equal(code, 0);
    }
  },
});
