/**
 * End to end: a real Chromium and the cross-site guard of core/http. A small server (Hono on
 * `serveHttp`, guarded as host will be) holds a secret, an action and a WebSocket. A page from a
 * SECOND origin on loopback (another port) tries a cross-site WebSocket and a "simple"
 * `text/plain` POST; a page served under an attacker's name that resolves to 127.0.0.1 (DNS
 * rebinding) tries same-origin reads, a JSON POST and a WebSocket. Each attack must fail against
 * the guarded server; the same attacks against an unguarded twin must succeed, which shows the
 * browser lets them through and the guard is what stops them. Pages served by the guarded
 * server itself, at 127.0.0.1 and at localhost, must keep working.
 */
import { equal, match, ok } from "@std/assert";
import { Hono } from "hono";
import { crossSiteGuard, crossSiteMiddleware } from "../../core/http/guard.ts";
import { type HttpServerHandle, serveHttp, upgradeWebSocket } from "../../core/http/server.ts";
import {
  type Driver,
  JSON_POST as _JSON_POST,
  read as _read,
  simplePost as _simplePost,
  startDriver,
  wsAttempt as _wsAttempt,
} from "./cross_site_helpers.ts";

interface Target {
  server: HttpServerHandle;
  acted: string[];
  sockets: number;
}

async function _target(guarded: boolean): Promise<Target> {
  const app = new Hono();
  const target: Target = {
    server: undefined as unknown as HttpServerHandle,
    acted: [],
    sockets: 0,
  };
  target.server = await serveHttp({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  if (guarded) {
    app.use(crossSiteMiddleware(
      crossSiteGuard({ hostname: "127.0.0.1", port: () => target.server.port }),
    ));
  }
  app.get("/", (c) => c.html("<!doctype html><title>hive</title><p>own page</p>"));
  app.get("/secret", (c) => c.json({ secret: "s3cret" }));
  app.post("/act", async (c) => {
    target.acted.push(await c.req.text());
    return c.json({ ok: true });
  });
  app.get("/ws", (c) => {
    const { socket, response } = upgradeWebSocket(c.req.raw);
    socket.onopen = () => {
      target.sockets++;
      socket.send("hello");
    };
    return response;
  });
  return target;
}

interface AttackResults {
  crossWs: string;
  crossPost: string;
  rebindStatus: number;
  rebindRead: string;
  rebindPost: string;
  rebindWs: string;
}

async function _attack(
  browser: Driver,
  target: Target,
  evilOrigin: string,
  rebindName: string,
): Promise<AttackResults> {
  const port = target.server.port;
  const evil = await browser.call<{ page: number }>({ op: "open", url: `${evilOrigin}/` });
  const crossWs = await browser.call<string>({
    op: "eval",
    page: evil.page,
    expression: _wsAttempt(`ws://127.0.0.1:${port}/ws`),
  });
  const crossPost = await browser.call<string>({
    op: "eval",
    page: evil.page,
    expression: _simplePost(`http://127.0.0.1:${port}/act`),
  });
  // DNS rebinding: the attacker's server answers the first request for its name; afterwards the
  // name resolves to 127.0.0.1, so the page's "same-origin" requests reach the local server.
  const rebindUrl = `http://${rebindName}:${port}/`;
  await browser.call({
    op: "serveDocument",
    url: rebindUrl,
    html: "<!doctype html><title>attacker</title><p>attacker page</p>",
  });
  const rebind = await browser.call<{ page: number; status: number }>({
    op: "open",
    url: rebindUrl,
  });
  const rebindRead = await browser.call<string>({
    op: "eval",
    page: rebind.page,
    expression: _read("/secret"),
  });
  const rebindPost = await browser.call<string>({
    op: "eval",
    page: rebind.page,
    expression: _read("/act", _JSON_POST),
  });
  const rebindWs = await browser.call<string>({
    op: "eval",
    page: rebind.page,
    expression: _wsAttempt(`ws://${rebindName}:${port}/ws`),
  });
  return { crossWs, crossPost, rebindStatus: rebind.status, rebindRead, rebindPost, rebindWs };
}

Deno.test({
  name: "Chromium: a second origin and a rebinding name cannot drive the guarded server",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const guarded = await _target(true);
    const open = await _target(false);
    const evilReady = Promise.withResolvers<number>();
    const evilServer = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: (a) => evilReady.resolve(a.port),
    }, () =>
      new Response("<!doctype html><title>evil</title><p>another site</p>", {
        headers: { "content-type": "text/html" },
      }));
    const evilOrigin = `http://127.0.0.1:${await evilReady.promise}`;
    const profile = await Deno.makeTempDir({ prefix: "hive-cross-site-" });
    const browser = startDriver();
    try {
      await browser.call({
        op: "launch",
        userDataDir: profile,
        resolverRules: "MAP rebind-a.test 127.0.0.1, MAP rebind-b.test 127.0.0.1",
      });

      // Control: without the guard every attack works in this browser.
      const control = await _attack(browser, open, evilOrigin, "rebind-a.test");
      equal(control.crossWs, "message:hello", "unguarded: cross-site WebSocket opens");
      equal(control.crossPost, "sent:opaque");
      ok(
        await waitUntil(() => open.acted.includes('{"text":"pwned"}')),
        "unguarded: the text/plain POST acted",
      );
      equal(control.rebindStatus, 200);
      match(
        control.rebindRead,
        /^200 .*s3cret/,
        `unguarded: rebinding reads the secret: ${JSON.stringify(control)}`,
      );
      match(control.rebindPost, /^200 /);
      equal(control.rebindWs, "message:hello");

      // The same attacks against the guarded server.
      const attacked = await _attack(browser, guarded, evilOrigin, "rebind-b.test");
      ok(attacked.crossWs === "error", `cross-site WebSocket must fail: ${attacked.crossWs}`);
      equal(attacked.crossPost, "sent:opaque", "the browser sent it (the server refused it)");
      equal(attacked.rebindStatus, 200, "the attacker's server answered its document");
      match(
        attacked.rebindRead,
        /^403 .*host_not_allowed/,
        `rebinding read: ${attacked.rebindRead}`,
      );
      match(attacked.rebindPost, /^403 .*host_not_allowed/);
      equal(attacked.rebindWs, "error");
      await new Promise((r) => setTimeout(r, 200));
      equal(guarded.acted.length, 0, `no attack acted: ${JSON.stringify(guarded.acted)}`);
      equal(guarded.sockets, 0, "no attacker WebSocket opened");

      // Zero-config: the server's own page works at 127.0.0.1 and at localhost.
      const port = guarded.server.port;
      for (const base of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
        const own = await browser.call<{ page: number; status: number }>({
          op: "open",
          url: `${base}/`,
        });
        equal(own.status, 200, base);
        const ws = await browser.call<string>({
          op: "eval",
          page: own.page,
          expression: _wsAttempt(`${base.replace("http", "ws")}/ws`),
        });
        equal(ws, "message:hello", `${base}: same-origin WebSocket`);
        const post = await browser.call<string>({
          op: "eval",
          page: own.page,
          expression: _read("/act", _JSON_POST),
        });
        match(post, /^200 /, `${base}: same-origin JSON POST`);
        const read = await browser.call<string>({
          op: "eval",
          page: own.page,
          expression: _read("/secret"),
        });
        match(read, /^200 .*s3cret/);
      }
      equal(guarded.acted.length, 2);
      equal(guarded.sockets, 2);
    } finally {
      await browser.close();
      await evilServer.shutdown();
      await guarded.server.shutdown();
      await open.server.shutdown();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});

async function waitUntil(condition: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
