/**
 * The orchestrator port over a running `hive proxy` (`ProxyOrchestrator`), against a real proxy
 * on the process orchestrator on loopback: the whole lifecycle, refusals surfaced with the
 * proxy's status, code and advice (401, 403, 404, 429), a proxy that is down, and one that
 * accepts the connection but never answers (the deadline fires instead of a hang).
 */
import { deepEqual, equal, match, ok, throws } from "@std/assert";
import {
  createOrchestrator,
  listQueryString,
  ProxyApiError,
  ProxyOrchestrator,
} from "../../../adapters/orchestrator/mod.ts";
import { READ_KEY, startTestProxy, type TestProxy, WRITE_KEY } from "../../e2e/proxy_helpers.ts";
import { deadline, rejection } from "../../_helpers.ts";

const SLEEPER = { image: "/bin/sh", cmd: ["-c", "exec sleep 120"] };

async function _removeAll(proxy: TestProxy): Promise<void> {
  const admin = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY, timeoutMs: 10_000 });
  for (const a of await admin.list().catch(() => [])) await admin.remove(a.id).catch(() => {});
  await admin.close();
}

Deno.test({
  name: "proxy client: list, spawn, stop, start, restart, logs, rm against a real proxy",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const proxy = await startTestProxy({ orchestrator: "process" });
    const client = await createOrchestrator({
      kind: "proxy",
      proxyUrl: proxy.url + "/",
      proxyKey: WRITE_KEY,
      timeoutMs: 10_000,
    });
    try {
      equal(client.kind, "proxy");
      deepEqual(await deadline(client.list(), 10_000, "list"), []);
      const created = await deadline(
        client.create({ name: "worker", ...SLEEPER, labels: { team: "a" } }, {
          // The proxy sets hive.* labels itself; the client leaves them out instead of failing.
          "hive.managed": "true",
          role: "w",
        }),
        20_000,
        "create",
      );
      equal(created.name, "worker");
      equal(created.state, "running");
      equal(created.owner, "alice");
      equal(created.labels.team, "a");
      equal(created.labels.role, "w");
      const other = await (client as ProxyOrchestrator).spawn({ name: "other", ...SLEEPER });

      deepEqual((await client.list()).map((a) => a.name).sort(), ["other", "worker"]);
      deepEqual((await client.list({ labels: { team: "a" } })).map((a) => a.id), [created.id]);
      deepEqual(
        (await (client as ProxyOrchestrator).query({ state: "running", owner: "alice" })).length,
        2,
      );
      equal((await client.get(created.id)).name, "worker");

      const stopped = await deadline(client.stop(created.id), 20_000, "stop");
      ok(["stopped", "exited"].includes(stopped.state), stopped.state);
      equal((await client.get(created.id)).state, stopped.state);
      deepEqual(
        (await (client as ProxyOrchestrator).query({ state: "running" })).map((a) => a.id),
        [other.id],
      );
      equal((await deadline(client.start(created.id), 20_000, "start")).state, "running");
      equal((await deadline(client.restart(created.id), 20_000, "restart")).state, "running");

      const echo = await client.create({
        name: "echo",
        image: "/bin/sh",
        cmd: ["-c", "echo hello from echo; exec sleep 120"],
      }, {});
      let text = "";
      for (let i = 0; i < 50 && !text.includes("hello from echo"); i++) {
        const stream = await client.logs(echo.id, { tail: 10 });
        text = await new Response(stream).text();
        if (!text.includes("hello")) await new Promise((r) => setTimeout(r, 100));
      }
      match(text, /hello from echo/);

      await client.remove(created.id);
      const gone = await rejection(client.get(created.id), ProxyApiError);
      equal(gone.kind, "not_found");
      equal(gone.httpStatus, 404);
      equal(gone.status, 404);
      await client.remove(other.id);
      await client.remove(echo.id);
      deepEqual(await client.list(), []);
    } finally {
      await client.close();
      await _removeAll(proxy);
      await proxy.close();
    }
  },
});

Deno.test({
  name: "proxy client: 401, 403, 404, 400 and 429 come back as clear errors with the proxy's code",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const proxy = await startTestProxy({
      orchestrator: "process",
      policy: { images: ["/bin/sh"], rate_limit: { requests: 4, window_s: 60 } },
    });
    try {
      const noKey = new ProxyOrchestrator({ url: proxy.url, timeoutMs: 5000 });
      const e401 = await rejection(noKey.list(), ProxyApiError);
      equal(e401.httpStatus, 401);
      equal(e401.kind, "forbidden");
      match(e401.message, /answered 401 .*; check the API key/);

      const wrong = new ProxyOrchestrator({
        url: proxy.url,
        key: "hive_wrong_key_0123456789abcdef0123456789",
      });
      const bad = await rejection(wrong.list(), ProxyApiError);
      equal(bad.httpStatus, 401);
      ok(!bad.message.includes("hive_wrong_key"), "the key is not in the message");

      const reader = new ProxyOrchestrator({ url: proxy.url, key: READ_KEY });
      deepEqual(await reader.list(), []);
      const e403 = await rejection(reader.spawn({ name: "nope", ...SLEEPER }), ProxyApiError);
      equal(e403.httpStatus, 403);
      equal(e403.kind, "forbidden");
      match(e403.message, /read-only/);

      const writer = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY });
      const policy = await rejection(
        writer.spawn({ name: "bb", image: "localhost/busybox:latest" }),
        ProxyApiError,
      );
      equal(policy.httpStatus, 403);
      equal(policy.rule, "images");
      match(policy.message, /\(rule images\)/);

      const e404 = await rejection(writer.stop("no-such-agent"), ProxyApiError);
      equal(e404.kind, "not_found");
      equal(e404.code, "not_found");

      const e400 = await rejection(
        writer.spawn({ name: "Bad_Name", ...SLEEPER } as never),
        ProxyApiError,
      );
      equal(e400.httpStatus, 400);
      equal(e400.kind, "invalid");
      match(e400.message, /name/);

      // The writer's window has 4 requests; it used 3. The fourth passes, then 429.
      await writer.list();
      const e429 = await rejection(writer.list(), ProxyApiError);
      equal(e429.httpStatus, 429);
      ok(e429.retryAfter !== undefined && e429.retryAfter > 0, `retry after ${e429.retryAfter}`);
      match(e429.message, /answered 429 .*; retry after \d+ s/);
      ok(!e429.message.includes(WRITE_KEY));
    } finally {
      await _removeAll(proxy);
      await proxy.close();
    }
  },
});

Deno.test("proxy client: a proxy that is down is 'unreachable', quickly", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const client = new ProxyOrchestrator({ url: `http://127.0.0.1:${port}`, key: WRITE_KEY });
  const started = Date.now();
  const error = await deadline(rejection(client.list(), ProxyApiError), 10_000, "list");
  equal(error.code, "unreachable");
  equal(error.httpStatus, 0);
  equal(error.kind, "engine");
  match(
    error.message,
    new RegExp(`proxy http://127\\.0\\.0\\.1:${port} unreachable \\(GET /v1/agents\\)`),
  );
  ok(!error.message.includes(WRITE_KEY));
  ok(Date.now() - started < 10_000);
});

Deno.test({
  name: "proxy client: a proxy that never answers fails at the deadline, and close() aborts",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      try {
        for await (const conn of listener) held.push(conn);
      } catch { /* closed */ }
    })();
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    try {
      const client = new ProxyOrchestrator({ url, key: WRITE_KEY, timeoutMs: 300 });
      const error = await deadline(rejection(client.stop("abc"), ProxyApiError), 10_000, "stop");
      equal(error.code, "timeout");
      match(error.message, /did not answer POST \/v1\/agents\/abc\/action within 300 ms/);
      // A followed log stream has no overall deadline, but waiting for its headers has one.
      const logs = await deadline(
        rejection(client.logs("abc", { follow: true }), ProxyApiError),
        10_000,
        "logs",
      );
      equal(logs.code, "timeout");

      const slow = new ProxyOrchestrator({ url, key: WRITE_KEY, timeoutMs: 60_000 });
      const pending = rejection(slow.list(), ProxyApiError);
      await new Promise((r) => setTimeout(r, 100));
      await slow.close();
      equal((await deadline(pending, 5000, "closed list")).code, "closed");
    } finally {
      listener.close();
      for (const conn of held) conn.close();
      await accepting;
    }
  },
});

Deno.test("proxy client: bad URLs are refused before any request; query strings", () => {
  for (const url of ["ftp://x", "not a url", "http://user:pw@127.0.0.1:1", "http://h/?key=1"]) {
    throws(
      () => new ProxyOrchestrator({ url }),
      (e: Error) => e.name === "OrchestratorError" && /proxy url/.test(e.message),
    );
  }
  equal(new ProxyOrchestrator({ url: "http://127.0.0.1:8788///" }).url, "http://127.0.0.1:8788");
  equal(listQueryString({}), "");
  equal(
    listQueryString({ label: ["a=b", "c=d"], owner: "o", state: "running" }),
    "?label=a%3Db&label=c%3Dd&owner=o&state=running",
  );
});
