/**
 * The proxy app's fast answer to a poller's `GET /v1/agents` against the same request through
 * the Hono app: the same bytes and headers, counted once against the rate limit and in the
 * metrics, and every refusal and failure still answered (and audited) by the app. In-memory
 * requests over a real process orchestrator; no sockets.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { ProcessOrchestrator } from "../../../adapters/orchestrator/process.ts";
import { createProxyApp } from "../../../commands/proxy/app.ts";
import { KeyRing } from "../../../commands/proxy/keys.ts";
import { policySchema } from "../../../commands/proxy/policy.ts";
import { createLogger, type LogSink } from "../../../core/logger.ts";

const KEY = "hive_app_test_key_0123456789abcdefghijkl";

function _setup(
  orchestrator: ProcessOrchestrator,
  requests: number,
  scope: "read" | "write" = "read",
) {
  const lines: Record<string, unknown>[] = [];
  const sink: LogSink = {
    write: (line) => void lines.push(JSON.parse(line)),
    flush: () => {},
    close: () => {},
  };
  const keys = new KeyRing();
  keys.addKey("poller", scope, KEY);
  const proxy = createProxyApp({
    orchestrator,
    keys,
    policy: policySchema.parse({ rate_limit: { requests, window_s: 60 } }),
    audit: createLogger({ sinks: [sink] }),
  });
  return { ...proxy, lines };
}

const _get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
  new Request(`http://127.0.0.1:8788${path}`, { headers });

async function _metric(fetch: (r: Request) => Promise<Response>, code: number): Promise<number> {
  const text = await (await fetch(_get("/metrics"))).text();
  return Number(new RegExp(`hive_proxy_requests_total\\{code="${code}"\\} (\\d+)`).exec(text)?.[1]);
}

Deno.test("proxy app: a poller's listing answered ahead of the app", async (t) => {
  const dir = await Deno.makeTempDir();
  const orchestrator = new ProcessOrchestrator({ stateDir: dir, monitorMs: 0 });
  try {
    await orchestrator.create({ name: "one", image: "sleep", cmd: ["30"] }, {
      "hive.managed": "true",
      "hive.agent": "one",
      "hive.owner": "poller",
      "hive.created": "1",
    });
    await t.step("the same status, headers and bytes as the app's own route", async () => {
      const { app, fetch, close } = _setup(orchestrator, 100);
      const fast = await fetch(_get("/v1/agents"));
      const slow = await app.fetch(_get("/v1/agents"));
      equal(fast.status, 200);
      deepEqual([...fast.headers], [...slow.headers]);
      const body = await fast.text();
      equal(body, await slow.text());
      deepEqual(JSON.parse(body).agents.map((a: { name: string }) => a.name), ["one"]);
      // Both paths count in the metrics; each request once.
      equal(await _metric(fetch, 200), 2);
      close();
    });
    await t.step("counted once against the rate limit; the refusal is the app's", async () => {
      const { fetch, close, lines } = _setup(orchestrator, 3);
      for (let i = 0; i < 3; i++) equal((await fetch(_get("/v1/agents"))).status, 200);
      const refused = await fetch(_get("/v1/agents"));
      equal(refused.status, 429);
      ok(Number(refused.headers.get("retry-after")) > 0);
      equal((await refused.json()).error.code, "rate_limited");
      ok(
        lines.some((l) =>
          l.status === 429 && l.key_name === "poller" && l.reason === "rate_limited"
        ),
      );
      close();
    });
    await t.step("what it does not answer goes to the app", async () => {
      const { fetch, close, lines } = _setup(orchestrator, 100);
      const none = await fetch(_get("/v1/agents", {}));
      equal(none.status, 401);
      match(none.headers.get("www-authenticate") ?? "", /Bearer realm/);
      equal((await fetch(_get("/v1/agents", { authorization: "Bearer wrong-key" }))).status, 401);
      equal((await fetch(_get("/v1/agents", { authorization: `Basic ${KEY}` }))).status, 401);
      equal((await fetch(_get(`/v1/agents?key=${KEY}`))).status, 400);
      equal((await fetch(_get("/v1/agents?state=running"))).status, 200);
      equal((await fetch(_get("/v1/agents", { "x-api-key": KEY }))).status, 200);
      equal(lines.filter((l) => l.result === "refused").length, 4, "each refusal audited once");
      close();
    });
    await t.step("a failing engine is the app's 500, counted once", async () => {
      // A closed orchestrator that never listed fails every list.
      const closedDir = await Deno.makeTempDir();
      const closed = new ProcessOrchestrator({ stateDir: closedDir, monitorMs: 0 });
      await closed.close();
      const { fetch, close, lines } = _setup(closed, 2);
      equal((await fetch(_get("/v1/agents"))).status, 500);
      equal((await fetch(_get("/v1/agents"))).status, 500, "the first try was counted once");
      equal((await fetch(_get("/v1/agents"))).status, 429);
      equal(lines.filter((l) => l.status === 500 && l.result === "error").length, 2);
      close();
      await Deno.remove(closedDir, { recursive: true });
    });
  } finally {
    for (const a of await orchestrator.list()) await orchestrator.remove(a.id);
    await orchestrator.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("proxy app: a known path with another method is 405 with Allow; an unknown one 404", async () => {
  const dir = await Deno.makeTempDir();
  const orchestrator = new ProcessOrchestrator({ stateDir: dir, monitorMs: 0 });
  try {
    const { fetch, close, lines } = _setup(orchestrator, 100, "write");
    const auth = { authorization: `Bearer ${KEY}` };
    const put = await fetch(
      new Request("http://127.0.0.1:8788/v1/agents", { method: "PUT", headers: auth }),
    );
    equal(put.status, 405);
    equal(put.headers.get("allow"), "GET, HEAD, POST");
    match((await put.json()).error.message, /PUT \/v1\/agents: use GET,HEAD,POST/);
    const patch = await fetch(
      new Request("http://127.0.0.1:8788/v1/agents/abc", { method: "PATCH", headers: auth }),
    );
    equal(patch.status, 405);
    equal(patch.headers.get("allow"), "DELETE, GET, HEAD");
    await patch.body?.cancel();
    const unknown = await fetch(_get("/v1/agents/abc/nope"));
    equal(unknown.status, 404);
    await unknown.body?.cancel();
    // Without a key the answer is still 401: the method check comes after auth.
    const anonymous = await fetch(
      new Request("http://127.0.0.1:8788/v1/agents", { method: "PUT" }),
    );
    equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    ok(lines.some((l) => l.status === 405 && l.reason === "method_not_allowed"), "audited");
    close();
  } finally {
    await orchestrator.close();
    await Deno.remove(dir, { recursive: true });
  }
});
