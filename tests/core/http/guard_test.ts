import { equal, match, ok } from "@std/assert";
import { Hono } from "hono";
import {
  crossSiteGuard,
  type CrossSiteGuardOptions,
  crossSiteMiddleware,
  isIpLiteral,
  parseHostHeader,
} from "../../../core/http/guard.ts";
import { serveHttp, upgradeWebSocket } from "../../../core/http/server.ts";
import { deadline, rawExchange, RawWebSocket, statusOf } from "./_raw.ts";

const PORT = 8787;

function verdict(
  headers: Record<string, string>,
  init: { method?: string; body?: string } = {},
  options: Partial<CrossSiteGuardOptions> = {},
): number {
  const guard = crossSiteGuard({ hostname: "127.0.0.1", port: PORT, ...options });
  const request = new Request(`http://127.0.0.1:${PORT}/api/x`, {
    method: init.method ?? "GET",
    body: init.body,
    headers,
  });
  return guard.check(request)?.status ?? 200;
}

const own = { host: `127.0.0.1:${PORT}` };
const ws = { ...own, upgrade: "websocket", connection: "Upgrade" };

Deno.test("parseHostHeader and isIpLiteral read names, IPv4, bracketed IPv6 and ports", () => {
  equal(JSON.stringify(parseHostHeader("LocalHost:8787")), '{"hostname":"localhost","port":8787}');
  equal(JSON.stringify(parseHostHeader("[::1]:80")), '{"hostname":"::1","port":80}');
  equal(JSON.stringify(parseHostHeader("example.org.")), '{"hostname":"example.org","port":null}');
  equal(parseHostHeader("a b"), null);
  equal(parseHostHeader("user@evil:1"), null);
  ok(isIpLiteral("127.0.0.1") && isIpLiteral("::1") && isIpLiteral("10.1.2.3"));
  ok(!isIpLiteral("300.1.1.1") && !isIpLiteral("evil.example") && !isIpLiteral("1.2.3"));
});

Deno.test("Host: loopback names and IP literals pass on any port; other names do not", () => {
  for (
    const host of [
      `127.0.0.1:${PORT}`,
      `localhost:${PORT}`,
      `[::1]:${PORT}`,
      `app.localhost:${PORT}`,
    ]
  ) {
    equal(verdict({ host }), 200, host);
  }
  equal(verdict({ host: `evil.example:${PORT}` }), 403, "DNS rebinding name");
  equal(verdict({ host: "evil.example" }), 403);
  equal(verdict({ host: "127.0.0.1:9999" }), 200, "a port mapping: the name is what counts");
  equal(verdict({ host: "localhost" }), 200);
  equal(verdict({ host: "192.168.1.5:80" }), 200, "an IP literal cannot be a rebinding name");
  equal(verdict({ host: "a b" }), 403, "malformed");
});

Deno.test("Host: configured names, name:port and .suffix entries are added, and * turns it off", () => {
  const allowedHosts = ["hive.lan", "proxy.example:443", ".corp.example"];
  equal(verdict({ host: `hive.lan:${PORT}` }, {}, { allowedHosts }), 200);
  equal(verdict({ host: "hive.lan:1234" }, {}, { allowedHosts }), 200, "no port given: any");
  equal(verdict({ host: "proxy.example:8443" }, {}, { allowedHosts }), 403, "port given: only it");
  equal(verdict({ host: "proxy.example:443" }, {}, { allowedHosts }), 200);
  equal(verdict({ host: "a.corp.example:5" }, {}, { allowedHosts }), 200);
  equal(verdict({ host: "corp.example.evil:5" }, {}, { allowedHosts }), 403);
  equal(verdict({ host: `localhost:${PORT}` }, {}, { allowedHosts }), 200, "built-ins stay");
  equal(verdict({ host: "anything:1" }, {}, { allowedHosts: ["*"] }), 200);
});

Deno.test("the bound name of a non-loopback bind passes, and a port getter is read per request", () => {
  let port = 0;
  const guard = crossSiteGuard({ hostname: "myhost.lan", port: () => port });
  const r = (headers: Record<string, string>) =>
    guard.check(new Request("http://x/", { headers }))?.status ?? 200;
  equal(r({ host: "myhost.lan:4000" }), 200);
  equal(r({ host: "other.lan:4000" }), 403);
  // A localhost page calling the IP: ours only on the bound port, read when the request comes.
  const upgrade = { host: "127.0.0.1:4000", upgrade: "websocket", origin: "http://localhost:4000" };
  equal(r(upgrade), 403, "bound port still 0");
  port = 4000;
  equal(r(upgrade), 200);
});

Deno.test("Host: a refusal says why, clips the bad value, and names the config hint", async () => {
  const guard = crossSiteGuard({
    hostname: "127.0.0.1",
    port: PORT,
    configHint: { hosts: "host.allowed_hosts" },
  });
  const refusal = guard.check(
    new Request("http://x/", { headers: { host: `${"e".repeat(5000)}.example` } }),
  )!;
  equal(refusal.status, 403);
  const body = await refusal.json();
  equal(body.error.code, "host_not_allowed");
  match(body.error.message, /DNS rebinding/);
  match(body.error.message, /host\.allowed_hosts/);
  ok(body.error.message.length < 300, "the 5,000-character Host is not echoed");
  const guard8787 = crossSiteGuard({ hostname: "127.0.0.1", port: PORT });
  equal(guard8787.check(new Request(`http://localhost:${PORT}/`)), null, "no Host: the URL's");
  equal(guard8787.check(new Request("http://evil.example:8787/"))?.status, 403);
});

Deno.test("Origin on WebSocket upgrades: ours pass, foreign, other ports and null are refused", () => {
  equal(verdict(ws), 200, "no Origin: a CLI or script");
  equal(verdict({ ...ws, origin: `http://127.0.0.1:${PORT}` }), 200);
  equal(verdict({ ...ws, origin: `http://localhost:${PORT}` }), 200, "localhost page, IP host");
  equal(verdict({ ...ws, origin: "http://evil.example" }), 403);
  equal(verdict({ ...ws, origin: "http://127.0.0.1:9999" }), 403, "another local port");
  equal(verdict({ ...ws, origin: "null" }), 403);
  equal(
    verdict({ ...ws, host: "localhost:8080", origin: "http://localhost:8080" }),
    200,
    "same origin behind a port mapping",
  );
  equal(verdict({ ...ws, host: "localhost:8080", origin: "http://localhost:9090" }), 403);
  equal(verdict({ ...ws, origin: "file://" }), 403);
  equal(
    verdict({ ...ws, origin: "https://dash.example" }, {}, {
      allowedOrigins: ["https://dash.example"],
    }),
    200,
  );
  equal(verdict({ ...ws, origin: "https://x.example" }, {}, { allowedOrigins: ["*"] }), 200);
});

Deno.test("Origin on mutations: a foreign Origin is refused even with a JSON body", () => {
  const json = { "content-type": "application/json" };
  const post = { method: "POST", body: "{}" };
  equal(verdict({ ...own, ...json, origin: "http://evil.example" }, post), 403);
  equal(verdict({ ...own, ...json, origin: `http://127.0.0.1:${PORT}` }, post), 200);
  equal(verdict({ ...own, ...json }, post), 200, "no Origin: curl");
  equal(verdict({ ...own, origin: "http://evil.example" }, { method: "DELETE" }), 403);
  equal(verdict({ ...own, origin: "http://evil.example" }), 200, "GET is not a mutation");
});

Deno.test("Content-Type on mutations: JSON only; a bodyless POST without a type passes", () => {
  const post = { method: "POST", body: "{}" };
  equal(verdict({ ...own, "content-type": "text/plain" }, post), 415);
  equal(verdict({ ...own, "content-type": "text/plain;charset=UTF-8" }, post), 415);
  equal(verdict({ ...own, "content-type": "application/x-www-form-urlencoded" }, post), 415);
  equal(verdict({ ...own, "content-type": "multipart/form-data; boundary=x" }, post), 415);
  equal(verdict({ ...own, "content-type": "application/jsonx" }, post), 415);
  equal(verdict({ ...own, "content-type": "application/json; charset=utf-8" }, post), 200);
  equal(verdict({ ...own, "content-type": "application/vnd.api+json" }, post), 200);
  equal(verdict({ ...own }, { method: "POST" }), 200, "curl -X POST with no body");
  equal(verdict({ ...own, "content-type": "text/plain" }, { method: "POST" }), 415);
});

/** A Hono app behind the guard on serveHttp, as host will run it. */
async function guardedApp() {
  const app = new Hono();
  let acted = 0;
  const server = await serveHttp({ port: 0, fetch: app.fetch });
  app.use(crossSiteMiddleware(crossSiteGuard({ hostname: "127.0.0.1", port: () => server.port })));
  app.get("/", (c) => c.text("page"));
  app.post("/act", (c) => {
    acted++;
    return c.json({ ok: true });
  });
  app.get("/ws", (c) => upgradeWebSocket(c.req.raw).response);
  return { server, acted: () => acted };
}

Deno.test("over real sockets: rebinding Host, text/plain POST and foreign-Origin WebSocket are refused", async () => {
  const { server, acted } = await guardedApp();
  const port = server.port;
  try {
    const rebinding = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`,
    );
    equal(statusOf(rebinding), 403, rebinding);
    match(rebinding, /host_not_allowed/);

    const simplePost = await rawExchange(
      port,
      `POST /act HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\n` +
        `Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`,
    );
    equal(statusOf(simplePost), 403, simplePost);
    const plainNoOrigin = await rawExchange(
      port,
      `POST /act HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`,
    );
    equal(statusOf(plainNoOrigin), 415, plainNoOrigin);
    equal(acted(), 0, "no refused request reached the route");

    const foreign = await RawWebSocket.open(port, "/ws", { Origin: "http://evil.example" }).then(
      (s) => (s.close(), "opened"),
      (e: Error) => e.message,
    );
    match(foreign, /403/);

    const mine = await deadline(
      RawWebSocket.open(port, "/ws", { Origin: `http://localhost:${port}` }),
      3000,
      "same-origin upgrade",
    );
    mine.close();
    const res = await fetch(`${server.origin}/act`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    equal(res.status, 200);
    await res.body?.cancel();
    equal(acted(), 1);
  } finally {
    await deadline(server.shutdown(), 5000, "shutdown");
  }
});

Deno.test("the plain check works in front of Deno.serve too", async () => {
  const listening = Promise.withResolvers<Deno.NetAddr>();
  let port = 0;
  const guard = crossSiteGuard({ hostname: "127.0.0.1", port: () => port });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, (request) => guard.check(request) ?? new Response("ok"));
  try {
    port = (await deadline(listening.promise, 3000, "listen")).port;
    const answer = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`,
    );
    equal(statusOf(answer), 403, answer);
    const ok200 = await fetch(`http://localhost:${port}/`);
    equal(await ok200.text(), "ok");
  } finally {
    await server.shutdown();
  }
});
