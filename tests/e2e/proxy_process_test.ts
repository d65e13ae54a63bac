/**
 * `hive proxy` as its own process on the default `process` orchestrator, driven by its own CLI:
 * keys made with `hive proxy keys add`, agents spawned, listed, stopped, started and removed with
 * `hive proxy agents ...`; SIGTERM drains an in-flight request; a restarted proxy finds its agents
 * still running; the start-up refusals (no keys, --dev off loopback, a bad policy) exit 2.
 *
 * @module
 */
import { equal, match, ok } from "@std/assert";
import { MAIN_MODULE, runHive } from "../_helpers.ts";

/** A sleep length no other process uses, so the test finds (and cleans up) only its agents. */
const SLEEP = `300.${Deno.pid}${Date.now() % 1000}`;

/** Pids of this test's agent processes. */
function _agentPids(): number[] {
  const out = new Deno.Command("pgrep", { args: ["-f", `^(/bin/)?sleep ${SLEEP}$`] }).outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map(Number);
}

interface _Proxy {
  child: Deno.ChildProcess;
  url: string;
  port: number;
  stderr: () => string;
}

async function _startProxy(args: string[], env: Record<string, string> = {}): Promise<_Proxy> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_MODULE, "--json", "proxy", "--port", "0", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  let err = "";
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = Date.now() + 30_000;
  while (!out.includes("\n")) {
    if (Date.now() > deadline) throw new Error(`proxy did not start: ${err}`);
    const { value, done } = await Promise.race([
      reader.read(),
      new Promise<{ value: undefined; done: true }>((r) =>
        setTimeout(() => r({ value: undefined, done: true }), deadline - Date.now())
      ),
    ]);
    if (done) throw new Error(`proxy exited before its ready line: ${err}`);
    out += value;
  }
  reader.releaseLock();
  const ready = JSON.parse(out.split("\n")[0]);
  return { child, url: ready.url, port: ready.port, stderr: () => err };
}

async function _stop(proxy: _Proxy): Promise<Deno.CommandStatus> {
  try {
    proxy.child.kill("SIGTERM");
  } catch { /* gone */ }
  const timer = setTimeout(() => {
    try {
      proxy.child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 15_000);
  const status = await proxy.child.status;
  clearTimeout(timer);
  await proxy.child.stdout.cancel().catch(() => {});
  return status;
}

/** Whether a pid runs (by `ps`: tests run without access to /proc). */
function _alive(pid: number): boolean {
  const out = new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)] }).outputSync();
  const state = new TextDecoder().decode(out.stdout).trim();
  return state !== "" && !state.startsWith("Z");
}

Deno.test("proxy process e2e: CLI client, SIGTERM drain, agents survive a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-proxy-e2e-" });
  const state = `${dir}/state`;
  const keyRun = await runHive([
    "--json",
    "proxy",
    "keys",
    "add",
    "ops",
    "--scope",
    "write",
    "--state-dir",
    state,
  ]);
  equal(keyRun.code, 0, keyRun.stderr);
  const key: string = JSON.parse(keyRun.stdout).key;
  match(key, /^hive_[A-Za-z0-9_-]{43}$/);
  const readRun = await runHive([
    "--json",
    "proxy",
    "keys",
    "add",
    "viewer",
    "--scope",
    "read",
    "--state-dir",
    state,
  ]);
  const readKey: string = JSON.parse(readRun.stdout).key;
  ok(!(await Deno.readTextFile(`${state}/keys.yaml`)).includes(key), "stored hashed");

  let proxy = await _startProxy(["--state-dir", state]);
  let agentPid = 0;
  let id = "";
  try {
    const env = { HIVE_API_KEY: key };
    const api = ["--api", proxy.url];
    const spawn = await runHive([
      "--json",
      "proxy",
      "agents",
      "spawn",
      "worker",
      "--image",
      "/bin/sh",
      ...api,
      "--env",
      "WHO=e2e",
      "--label",
      "team=x",
      // The command after --, as in kubectl run: its arguments may start with -.
      "--",
      "-c",
      `echo hi $WHO; exec sleep ${SLEEP}`,
    ], { env });
    equal(spawn.code, 0, spawn.stderr);
    const agent = JSON.parse(spawn.stdout);
    id = agent.id;
    equal(agent.state, "running");
    equal(agent.owner, "ops");

    const list = await runHive(["--json", "proxy", "agents", "list", "--label", "team=x", ...api], {
      env,
    });
    equal(list.code, 0, list.stderr);
    equal(JSON.parse(list.stdout)[0].id, id);
    const table = await runHive(["proxy", "agents", "list", ...api], { env });
    match(table.stdout, /^ID\s+NAME\s+STATE/);
    match(table.stdout, /worker\s+running/);

    let logs = "";
    for (let i = 0; i < 50 && !logs.includes("hi e2e"); i++) {
      logs =
        (await runHive(["proxy", "agents", "logs", id, "--tail", "5", ...api], { env })).stdout;
      if (!logs.includes("hi e2e")) await new Promise((r) => setTimeout(r, 100));
    }
    equal(logs, "hi e2e\n");

    const denied = await runHive(["proxy", "agents", "stop", id, ...api], {
      env: { HIVE_API_KEY: readKey },
    });
    equal(denied.code, 1);
    match(denied.stderr, /403 this key is read-only/);
    const noKey = await runHive(["proxy", "agents", "list", ...api]);
    equal(noKey.code, 1);
    match(noKey.stderr, /401/);

    equal(
      JSON.parse((await runHive(["--json", "proxy", "agents", "stop", id, ...api], { env })).stdout)
        .state,
      "stopped",
    );
    equal(
      JSON.parse(
        (await runHive(["--json", "proxy", "agents", "start", id, ...api], { env })).stdout,
      ).state,
      "running",
    );
    const statePid = () => {
      const ps = new Deno.Command("sh", { args: ["-c", `pgrep -f "^sleep ${SLEEP}$" || true`] })
        .outputSync();
      return new TextDecoder().decode(ps.stdout).trim().split("\n").filter(Boolean).map(Number);
    };
    for (let i = 0; i < 50 && statePid().length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const pids = statePid();
    equal(pids.length, 1, "one agent process");
    agentPid = pids[0];

    // SIGTERM while a request is half-sent: the proxy finishes it, then exits 0.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
    const body = JSON.stringify({ name: "late", image: "/bin/sleep", cmd: [SLEEP] });
    const head = `POST /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(head + body.slice(0, 10)));
    await new Promise((r) => setTimeout(r, 300));
    proxy.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    const late = await fetch(`${proxy.url}/v1/agents`, {
      headers: { authorization: `Bearer ${key}` },
    });
    equal(late.status, 503, "a new request while draining is turned away");
    equal(late.headers.get("retry-after"), "1");
    await late.body?.cancel();
    await conn.write(new TextEncoder().encode(body.slice(10)));
    const reply = await new Response(conn.readable).text();
    match(reply, /^HTTP\/1\.1 201/);
    const exit = await _stop(proxy);
    equal(exit.code, 0, proxy.stderr());
    ok(_alive(agentPid), "the agent keeps running while the proxy is down");

    proxy = await _startProxy(["--state-dir", state]);
    const after = await runHive(["--json", "proxy", "agents", "list", "--api", proxy.url], { env });
    const agents = JSON.parse(after.stdout);
    equal(agents.length, 2);
    equal(agents.find((a: { id: string }) => a.id === id).state, "running");
    ok(_alive(agentPid), "the same process");

    for (const a of agents) {
      const rm = await runHive(["--json", "proxy", "agents", "rm", a.id, "--api", proxy.url], {
        env,
      });
      equal(rm.code, 0, rm.stderr);
    }
    ok(!_alive(agentPid), "rm ended the agent");
    const audit = proxy.stderr().split("\n").filter((l) => l.includes('"proxy.audit"'));
    ok(audit.some((l) => l.includes('"action":"delete"') && l.includes('"key_name":"ops"')));
  } finally {
    await _stop(proxy);
    for (const pid of _agentPids()) Deno.kill(pid, "SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("proxy process e2e: start-up refusals exit 2 and --dev works on loopback only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-proxy-e2e-" });
  try {
    const noKeys = await runHive(["proxy", "--port", "0", "--state-dir", dir]);
    equal(noKeys.code, 2);
    match(noKeys.stderr, /no API keys/);
    const devOpen = await runHive([
      "proxy",
      "--dev",
      "--bind",
      "0.0.0.0",
      "--port",
      "0",
      "--state-dir",
      dir,
    ]);
    equal(devOpen.code, 2);
    match(devOpen.stderr, /--dev binds loopback only/);
    await Deno.writeTextFile(`${dir}/policy.yaml`, "privileged: yes please\nmax_agents: -1\n");
    const badPolicy = await runHive([
      "proxy",
      "--dev",
      "--port",
      "0",
      "--state-dir",
      dir,
      "--policy",
      `${dir}/policy.yaml`,
    ]);
    equal(badPolicy.code, 2);
    match(badPolicy.stderr, /privileged: expected boolean/);
    match(badPolicy.stderr, /max_agents/);
    await Deno.writeTextFile(`${dir}/policy.yaml`, "bind_paths: [/]\n");
    const rootBind = await runHive([
      "proxy",
      "--dev",
      "--port",
      "0",
      "--state-dir",
      dir,
      "--policy",
      `${dir}/policy.yaml`,
    ]);
    equal(rootBind.code, 2);
    match(rootBind.stderr, /bind_paths\[0\]: \/ would allow every host path/);
    const badEnv = await runHive(["proxy", "--port", "0", "--state-dir", dir], {
      env: { HIVE_PROXY_KEYS: "ci:admin:0123456789012345678901234567" },
    });
    equal(badEnv.code, 2);
    match(badEnv.stderr, /HIVE_PROXY_KEYS\[0\]: scope must be read or write/);

    const dev = await _startProxy(["--dev", "--state-dir", dir], { HIVE_LOG_FORMAT: "json" });
    try {
      const r = await fetch(`${dev.url}/v1/agents`);
      equal(r.status, 200);
      equal((await r.json()).agents.length, 0);
      match(dev.stderr(), /development mode/);
      const health = await fetch(`${dev.url}/healthz`);
      equal((await health.json()).orchestrator, "process");
      const doc = await (await fetch(`${dev.url}/v1/openapi.json`)).json();
      ok(doc.paths["/v1/agents"].post, "the OpenAPI document lists the routes");
      ok(doc.paths["/v1/agents/{id}/logs"].get);
      const page = await (await fetch(`${dev.url}/v1/docs`)).text();
      match(page, /openapi\.json/);
      const metrics = await (await fetch(`${dev.url}/metrics`)).text();
      match(metrics, /hive_proxy_requests_total\{code="200"\} \d+/);
    } finally {
      equal((await _stop(dev)).code, 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
