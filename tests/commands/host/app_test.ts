import { deepEqual, equal, match, ok } from "@std/assert";
import { AgentManager } from "../../../commands/host/agents.ts";
import { createHostApp } from "../../../commands/host/app.ts";
import { AuthThrottle } from "../../../core/http/auth_throttle.ts";
import { crossSiteGuard } from "../../../core/http/guard.ts";
import { Bus } from "../../../core/bus.ts";
import { createLogger } from "../../../core/logger.ts";
import { offlineP2P } from "./_offline.ts";

const TOKEN = "test-token-0123456789";

function _app(apiToken: string | null = null, withThrottle = false) {
  const lines: string[] = [];
  const logger = createLogger({
    sinks: [{ write: (line: string) => void lines.push(line), flush() {}, close() {} }],
  });
  const authThrottle = withThrottle ? new AuthThrottle({ logger, what: "host api" }) : undefined;
  const agents = new AgentManager({ bus: new Bus(), logger, p2p: offlineP2P() });
  agents.add({
    name: "hello",
    source: "test",
    factory: () => ({
      name: "hello",
      start: (ctx) => void ctx.http.get("/greet", (c) => c.json({ hello: "world" })),
      stop: () => {},
    }),
  });
  const app = createHostApp({
    agents,
    chat: null,
    status: () => Promise.resolve({ host: { pid: 1 }, agents: agents.list() }),
    daemonState: () => "up",
    metrics: () => [{ name: "hive_test", help: "T.", type: "gauge", samples: [{ value: 1 }] }],
    apiToken,
    logger,
    guard: crossSiteGuard({ hostname: "127.0.0.1", port: 80 }),
    authThrottle,
  });
  return { app, agents, lines, authThrottle };
}

const auth = { authorization: `Bearer ${TOKEN}` };

Deno.test("app: GET / serves the embedded chat page", async () => {
  const response = await _app().app.request("/");
  equal(response.status, 200);
  match(response.headers.get("content-type") ?? "", /text\/html/);
  const html = await response.text();
  for (const id of ['id="rooms"', 'id="peers"', 'id="messages"', 'id="send"', "/ws/chat"]) {
    ok(html.includes(id), `page has ${id}`);
  }
});

Deno.test("app: healthz and metrics", async () => {
  const { app } = _app();
  deepEqual(await (await app.request("/healthz")).json(), {
    ok: true,
    daemon: "up",
    token_required: false,
  });
  const metrics = await app.request("/metrics");
  match(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  match(text, /^# HELP hive_test T\.\n# TYPE hive_test gauge\nhive_test 1\n/);
  match(text, /hive_host_http_requests_total\{method="GET",code="200"\} 1/);
});

Deno.test("app: agents API starts and stops agents and mounts their routes", async () => {
  const { app } = _app();
  const list = await (await app.request("/api/agents")).json();
  deepEqual(list.agents.map((a: { name: string; state: string }) => [a.name, a.state]), [[
    "hello",
    "stopped",
  ]]);
  equal((await app.request("/agents/hello/greet")).status, 404);
  const started = await app.request("/api/agents/hello/start", { method: "POST" });
  equal(started.status, 200);
  equal((await started.json()).state, "running");
  deepEqual(await (await app.request("/agents/hello/greet")).json(), { hello: "world" });
  const again = await app.request("/api/agents/hello/start", { method: "POST" });
  equal(again.status, 409);
  equal((await again.json()).error.code, "conflict");
  const stopped = await app.request("/api/agents/hello/stop", { method: "POST" });
  equal((await stopped.json()).state, "stopped");
  equal((await app.request("/agents/hello/greet")).status, 404);
});

Deno.test("app: bad agent names, unknown agents and actions get 400/404", async () => {
  const { app } = _app();
  const bad = await app.request("/api/agents/Bad%20Name/start", { method: "POST" });
  equal(bad.status, 400);
  match((await bad.json()).error.message, /^agent name: expected a-z.*got "Bad Name"/);
  const unknown = await app.request("/api/agents/nope/start", { method: "POST" });
  equal(unknown.status, 404);
  const action = await app.request("/api/agents/hello/explode", { method: "POST" });
  equal(action.status, 404);
  match((await action.json()).error.message, /unknown action "explode"/);
  equal((await app.request("/no/such/route")).status, 404);
});

Deno.test("app: with a token, /api needs the bearer token; the page does not", async () => {
  const { app } = _app(TOKEN);
  const missing = await app.request("/api/status");
  equal(missing.status, 401);
  match(missing.headers.get("www-authenticate") ?? "", /^Bearer /);
  match((await missing.json()).error.message, /needs its API token.*\?token=/);
  const wrong = await app.request("/api/status", {
    headers: { authorization: "Bearer wrong-token-xxxxx" },
  });
  equal(wrong.status, 401);
  equal((await wrong.json()).error.message, "wrong API token");
  const malformed = await app.request("/api/status", { headers: { authorization: TOKEN } });
  equal(malformed.status, 401);
  match((await malformed.json()).error.message, /must be `Bearer <token>`/);
  const ok200 = await app.request("/api/status", { headers: auth });
  equal(ok200.status, 200);
  equal((await ok200.json()).host.pid, 1);
  equal((await app.request("/api/agents/hello/start", { method: "POST" })).status, 401);
  equal((await app.request("/")).status, 200);
  deepEqual(await (await app.request("/healthz")).json(), {
    ok: true,
    daemon: "up",
    token_required: true,
  });
  equal((await app.request("/metrics")).status, 200);
});

Deno.test("app: with a token, the chat WebSocket and agents' routes need it too", async () => {
  const { app } = _app(TOKEN);
  equal((await app.request("/ws/chat")).status, 401);
  equal((await app.request("/ws/chat?token=wrong-token-xxxxx")).status, 401);
  // Past the check, the missing chat agent answers.
  equal((await app.request(`/ws/chat?token=${TOKEN}`)).status, 503);
  equal(
    (await app.request("/api/agents/hello/start", { method: "POST", headers: auth })).status,
    200,
  );
  equal((await app.request("/agents/hello/greet")).status, 401);
  deepEqual(await (await app.request("/agents/hello/greet", { headers: auth })).json(), {
    hello: "world",
  });
  equal((await app.request(`/agents/hello/greet?token=${TOKEN}`)).status, 200);
});

Deno.test("app: tokens with any printable character work in the header and the query", async () => {
  const odd = "s3cr3t!#&+%=?/~-token";
  const { app } = _app(odd);
  equal(
    (await app.request("/api/status", { headers: { authorization: `Bearer ${odd}` } })).status,
    200,
  );
  equal((await app.request(`/api/status?token=${encodeURIComponent(odd)}`)).status, 200);
  equal((await app.request(`/api/status?token=${encodeURIComponent(odd)}x`)).status, 401);
});

Deno.test("app: /ws/chat answers 503 while there is no chat agent", async () => {
  const response = await _app().app.request("/ws/chat");
  equal(response.status, 503);
});

Deno.test("app: other sites are refused on every route (Host, Origin, JSON content type)", async () => {
  const { app } = _app();
  const evil = { origin: "http://evil.example" };
  const cases: [string, RequestInit, number, RegExp][] = [
    ["/api/status", { headers: { host: "evil.example" } }, 403, /host_not_allowed/],
    ["/", { headers: { host: "rebind.test:8787" } }, 403, /host_not_allowed/],
    ["/api/agents/hello/stop", { method: "POST", headers: evil }, 403, /origin_not_allowed/],
    ["/ws/chat", { headers: { ...evil, upgrade: "websocket" } }, 403, /origin_not_allowed/],
    [
      "/agents/chat/send",
      { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" },
      415,
      /unsupported_media_type/,
    ],
  ];
  for (const [path, init, status, code] of cases) {
    const response = await app.request(path, init);
    equal(response.status, status, `${path} ${JSON.stringify(init)}`);
    match(await response.text(), code);
  }
  // Our own page's origin, and clients without Origin (curl, scripts), still act.
  const own = await app.request("/api/agents/hello/start", {
    method: "POST",
    headers: { origin: "http://127.0.0.1" },
  });
  equal(own.status, 200);
  const curl = await app.request("/api/agents/hello/stop", { method: "POST" });
  equal(curl.status, 200);
});

Deno.test("app: failed tokens are throttled per source and logged as a summary", async () => {
  const { app, lines, authThrottle } = _app(TOKEN, true);
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await app.request("/api/status", {
        headers: { authorization: `Bearer wrong-token-${i}-0123456789` },
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    deepEqual(statuses.slice(10), Array(20).fill(429));
    // Even the right token waits while the source is throttled: guessing cannot go faster.
    equal((await app.request("/api/status", { headers: auth })).status, 429);
    const warnings = lines.filter((l) => l.includes('"level":"warn"'));
    ok(warnings.length <= 2, `${warnings.length} log lines for 31 attempts`);
  } finally {
    authThrottle?.close();
  }
});
