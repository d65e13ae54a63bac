/**
 * The remote agent manager in the host app, against a real `hive proxy` (process orchestrator)
 * on loopback: its page, its list/start/stop routes behind the host's token and cross-site
 * guard, spawn (checked with the agent spec schema before the proxy sees it; a policy refusal
 * keeps its 403 and rule), logs and remove, proxy refusals and outages as `proxy_*` errors (never a host 401), its key read from an
 * environment variable or a file and never shown, and its config section.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { AgentManager } from "../../../commands/host/agents.ts";
import { createHostApp } from "../../../commands/host/app.ts";
import {
  AGENT_MANAGER_NAME,
  AGENTS_PAGE_PATH,
  createAgentManagerAgent,
  readProxyKey,
} from "../../../commands/host/agent_manager.ts";
import { agentManagerConfigSchema, hostConfigSchema } from "../../../commands/host/config.ts";
import { crossSiteGuard } from "../../../core/http/guard.ts";
import { Bus } from "../../../core/bus.ts";
import { createLogger } from "../../../core/logger.ts";
import { ProxyOrchestrator } from "../../../adapters/orchestrator/mod.ts";
import { startTestProxy, type TestProxy, WRITE_KEY } from "../../e2e/proxy_helpers.ts";
import { deadline, rejection } from "../../_helpers.ts";
import { offlineP2P } from "./_offline.ts";

const TOKEN = "test-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const SLEEPER = { image: "/bin/sh", cmd: ["-c", "exec sleep 120"] };

async function _host(options: { url: string; keyFile?: string; keyEnv?: string }) {
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    sinks: [{ write: (line: string) => void lines.push(line), flush() {}, close() {} }],
  });
  const agents = new AgentManager({ bus: new Bus(), logger, p2p: offlineP2P() });
  agents.add({
    name: AGENT_MANAGER_NAME,
    source: "builtin",
    factory: () =>
      createAgentManagerAgent({
        url: options.url,
        keyFile: options.keyFile ?? null,
        keyEnv: options.keyEnv ?? null,
        timeoutMs: 3000,
      }),
  });
  await agents.startAll();
  const app = createHostApp({
    agents,
    chat: null,
    status: () => Promise.resolve({}),
    daemonState: () => "up",
    metrics: () => [],
    apiToken: TOKEN,
    logger,
    guard: crossSiteGuard({ hostname: "127.0.0.1", port: 80 }),
  });
  return { app, agents, lines };
}

async function _keyFile(dir: string, key: string): Promise<string> {
  const path = `${dir}/proxy.key`;
  await Deno.writeTextFile(path, `${key}\n`);
  return path;
}

async function _cleanup(proxy: TestProxy): Promise<void> {
  const admin = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY, timeoutMs: 10_000 });
  for (const a of await admin.list().catch(() => [])) await admin.remove(a.id).catch(() => {});
  await proxy.close();
}

Deno.test({
  name: "agent manager: lists the proxy's agents and stops/starts them, behind token and guard",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const proxy = await startTestProxy({ orchestrator: "process" });
    const direct = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY });
    try {
      const worker = await direct.spawn({ name: "worker", ...SLEEPER });
      const { app, agents, lines } = await _host({
        url: proxy.url,
        keyFile: await _keyFile(proxy.dir, WRITE_KEY),
      });
      equal(agents.get(AGENT_MANAGER_NAME)?.state, "running", JSON.stringify(agents.list()));

      // The page is open (like the chat page) and holds nothing secret.
      const page = await app.request(AGENTS_PAGE_PATH);
      equal(page.status, 200);
      const html = await page.text();
      ok(html.includes("/agents/agent-manager/agents"));
      ok(!html.includes(WRITE_KEY));

      // Its data is behind the host token.
      equal((await app.request("/agents/agent-manager/agents")).status, 401);
      const listed = await app.request("/agents/agent-manager/agents", { headers: auth });
      equal(listed.status, 200);
      const body = await listed.json();
      equal(body.proxy, proxy.url);
      deepEqual(body.agents.map((a: { name: string; state: string }) => [a.name, a.state]), [[
        "worker",
        "running",
      ]]);

      // Another site cannot press Stop: refused by the guard, and nothing changes on the proxy.
      const evil = await app.request(`/agents/agent-manager/agents/${worker.id}/stop`, {
        method: "POST",
        headers: { ...auth, origin: "http://evil.example" },
      });
      equal(evil.status, 403);
      match(await evil.text(), /origin_not_allowed/);
      equal((await direct.get(worker.id)).state, "running");
      // Without the token neither.
      const bare = await app.request(`/agents/agent-manager/agents/${worker.id}/stop`, {
        method: "POST",
      });
      equal(bare.status, 401);
      equal((await direct.get(worker.id)).state, "running");

      const stop = await deadline(
        Promise.resolve(app.request(`/agents/agent-manager/agents/${worker.id}/stop`, {
          method: "POST",
          headers: { ...auth, origin: "http://127.0.0.1" },
        })),
        20_000,
        "stop",
      );
      equal(stop.status, 200);
      const stopped = await stop.json();
      ok(["stopped", "exited"].includes(stopped.state), stopped.state);
      equal((await direct.get(worker.id)).state, stopped.state);

      const start = await app.request(`/agents/agent-manager/agents/${worker.id}/start`, {
        method: "POST",
        headers: auth,
      });
      equal(start.status, 200);
      equal((await start.json()).state, "running");
      equal((await direct.get(worker.id)).state, "running");

      const one = await app.request(`/agents/agent-manager/agents/${worker.id}`, { headers: auth });
      equal((await one.json()).name, "worker");

      // Refusals: unknown action, bad id, unknown agent.
      const unknown = await app.request(`/agents/agent-manager/agents/${worker.id}/explode`, {
        method: "POST",
        headers: auth,
      });
      equal(unknown.status, 404);
      match(await unknown.text(), /expected start, stop, restart/);
      const badId = await app.request("/agents/agent-manager/agents/a.b/stop", {
        method: "POST",
        headers: auth,
      });
      equal(badId.status, 400);
      const missing = await app.request("/agents/agent-manager/agents/nosuch/stop", {
        method: "POST",
        headers: auth,
      });
      equal(missing.status, 404);
      equal((await missing.json()).error.code, "proxy_not_found");

      // Stopping the agent takes its routes away.
      await agents.stop(AGENT_MANAGER_NAME);
      equal((await app.request("/agents/agent-manager/agents", { headers: auth })).status, 404);
      ok(!lines.join("\n").includes(WRITE_KEY), "the key is never logged");
      ok(lines.some((l) => l.includes("remote agent action")), "actions are logged");
    } finally {
      await direct.close();
      await _cleanup(proxy);
    }
  },
});

Deno.test({
  name: "agent manager: a wrong key, a rate limit and a proxy that is down are proxy errors",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const proxy = await startTestProxy({
      orchestrator: "process",
      policy: { rate_limit: { requests: 2, window_s: 60 } },
    });
    try {
      const wrongKey = "hive_not_the_key_0123456789abcdef01234567";
      const wrong = await _host({ url: proxy.url, keyFile: await _keyFile(proxy.dir, wrongKey) });
      const refused = await wrong.app.request("/agents/agent-manager/agents", { headers: auth });
      // Not 401: that would tell the page the *host* token is wrong.
      equal(refused.status, 502);
      const body = await refused.json();
      equal(body.error.code, "proxy_bad_key");
      equal(body.error.status, 401);
      match(body.error.message, /answered 401 .*check the API key/);
      ok(!JSON.stringify(body).includes(wrongKey));

      const right = await _host({
        url: proxy.url,
        keyFile: await _keyFile(proxy.dir, WRITE_KEY),
      });
      const get = () => right.app.request("/agents/agent-manager/agents", { headers: auth });
      equal((await get()).status, 200);
      equal((await get()).status, 200);
      const limited = await get();
      equal(limited.status, 502);
      ok(Number(limited.headers.get("retry-after")) > 0);
      equal((await limited.json()).error.code, "proxy_rate_limited");

      const port = proxy.port;
      await _cleanup(proxy);
      const down = await _host({
        url: `http://127.0.0.1:${port}`,
        keyFile: await _keyFile(await Deno.makeTempDir(), WRITE_KEY),
      });
      const failed = await deadline(
        Promise.resolve(down.app.request("/agents/agent-manager/agents", { headers: auth })),
        10_000,
        "list with the proxy down",
      );
      equal(failed.status, 502);
      const why = await failed.json();
      equal(why.error.code, "proxy_unreachable");
      match(why.error.message, /unreachable/);
    } finally {
      await proxy.close().catch(() => {});
    }
  },
});

Deno.test({
  name: "agent manager: spawn is checked by the schema, then by the proxy's policy; logs; remove",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const proxy = await startTestProxy({ orchestrator: "process", policy: { images: ["/bin/*"] } });
    const direct = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY });
    try {
      const { app } = await _host({
        url: proxy.url,
        keyFile: await _keyFile(proxy.dir, WRITE_KEY),
      });
      const spawn = (body: unknown, headers: Record<string, string> = {}) =>
        app.request("/agents/agent-manager/agents", {
          method: "POST",
          headers: { ...auth, "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        });
      const creates = () => proxy.audit.filter((line) => line.action === "create").length;

      // Refused by the host with the proxy's own schema: the proxy never hears of them.
      const unknown = await spawn({ name: "a", image: "/bin/sh", privilegd: true });
      equal(unknown.status, 400);
      const unknownBody = await unknown.json();
      equal(unknownBody.error.code, "bad_request");
      match(unknownBody.error.message, /privilegd/);
      const badName = await spawn({ name: "Bad Name", image: "/bin/sh" });
      equal(badName.status, 400);
      equal((await badName.json()).error.field, "name");
      equal((await spawn("{not json")).status, 400);
      const reserved = await spawn({ name: "a", image: "/bin/sh", labels: { "hive.owner": "x" } });
      equal(reserved.status, 400);
      equal((await reserved.json()).error.field, "labels");
      const huge = await spawn({ name: "big", image: "/bin/sh", cmd: ["x".repeat(70_000)] });
      equal(huge.status, 400);
      match((await huge.json()).error.message, /limited to 65536 bytes/);
      equal(creates(), 0, "nothing reached the proxy");

      // The proxy's policy refuses; the host keeps its 403 and rule, and nothing is created.
      const offList = await spawn({ name: "yes", image: "/usr/bin/yes" });
      equal(offList.status, 403);
      const offBody = await offList.json();
      equal(offBody.error.code, "proxy_policy");
      equal(offBody.error.rule, "images");
      match(offBody.error.message, /\/usr\/bin\/yes/);
      deepEqual(await direct.list(), []);

      // A valid spec is created on the proxy under the host's key.
      const made = await spawn({
        name: "talker",
        image: "/bin/sh",
        cmd: ["-c", "echo one; echo two; echo three; exec sleep 120"],
        labels: { team: "blue" },
      });
      equal(made.status, 201);
      const agent = await made.json();
      equal(agent.name, "talker");
      equal(agent.owner, "alice");
      equal((await direct.get(agent.id)).labels.team, "blue");
      // The same name again: the proxy's 409 stays a 409.
      equal((await spawn({ name: "talker", image: "/bin/sh" })).status, 409);

      // Logs: the last lines, as text.
      const logsPath = `/agents/agent-manager/agents/${agent.id}/logs`;
      let text = "";
      const until = Date.now() + 10_000;
      while (!text.includes("three") && Date.now() < until) {
        const logs = await app.request(`${logsPath}?tail=2`, { headers: auth });
        equal(logs.status, 200);
        match(logs.headers.get("content-type") ?? "", /^text\/plain/);
        text = await logs.text();
        if (!text.includes("three")) await new Promise((r) => setTimeout(r, 50));
      }
      equal(text, "two\nthree\n");
      equal((await app.request(`${logsPath}?tail=x`, { headers: auth })).status, 400);

      // Remove: not from another site, then for real.
      const evil = await app.request(`/agents/agent-manager/agents/${agent.id}`, {
        method: "DELETE",
        headers: { ...auth, origin: "http://evil.example" },
      });
      equal(evil.status, 403);
      equal((await direct.get(agent.id)).state, "running");
      const removed = await deadline(
        Promise.resolve(app.request(`/agents/agent-manager/agents/${agent.id}`, {
          method: "DELETE",
          headers: auth,
        })),
        20_000,
        "remove",
      );
      equal(removed.status, 204);
      deepEqual(await direct.list(), []);
      const again = await app.request(`/agents/agent-manager/agents/${agent.id}`, {
        method: "DELETE",
        headers: auth,
      });
      equal(again.status, 404);
      equal((await again.json()).error.code, "proxy_not_found");
    } finally {
      await direct.close();
      await _cleanup(proxy);
    }
  },
});

Deno.test("agent manager: the key comes from an env variable or a file and is never shown", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const name = "HIVE_TEST_AGENT_MANAGER_KEY";
    Deno.env.delete(name);
    let failure: Error = await rejection(readProxyKey({ keyEnv: name, keyFile: null }), Error);
    match(failure.message, /environment variable HIVE_TEST_AGENT_MANAGER_KEY is not set/);
    Deno.env.set(name, "  secret-value-xyz  ");
    equal(await readProxyKey({ keyEnv: name, keyFile: null }), "secret-value-xyz");
    Deno.env.set(name, "two words");
    failure = await rejection(readProxyKey({ keyEnv: name, keyFile: null }), Error);
    match(failure.message, /value not shown/);
    ok(!failure.message.includes("two words"));
    Deno.env.delete(name);

    failure = await rejection(readProxyKey({ keyEnv: null, keyFile: `${dir}/missing` }), Error);
    match(failure.message, /key_file: .*missing: cannot read it \(NotFound\)/);
    equal(await readProxyKey({ keyEnv: null, keyFile: await _keyFile(dir, "k-123") }), "k-123");

    // A key that cannot be read makes the agent fail to start, with the reason; the host lives on.
    const { agents } = await _host({ url: "http://127.0.0.1:9", keyEnv: name });
    const info = agents.get(AGENT_MANAGER_NAME)!;
    equal(info.state, "failed");
    match(info.error ?? "", /HIVE_TEST_AGENT_MANAGER_KEY is not set/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent manager: config is off by default and needs exactly one key source", () => {
  equal(hostConfigSchema.parse({}).agent_manager, null);
  const ok1 = agentManagerConfigSchema.parse({ url: "http://127.0.0.1:8788", key_env: "K" });
  deepEqual(ok1, {
    url: "http://127.0.0.1:8788",
    key_env: "K",
    key_file: null,
    timeout_ms: 10_000,
  });
  for (
    const bad of [
      { url: "http://127.0.0.1:8788" },
      { url: "http://127.0.0.1:8788", key_env: "K", key_file: "/k" },
      { url: "ftp://x", key_env: "K" },
      { url: "http://127.0.0.1:8788", key: "inline-keys-are-refused" },
    ]
  ) {
    ok(!agentManagerConfigSchema.safeParse(bad).success, JSON.stringify(bad));
  }
});
