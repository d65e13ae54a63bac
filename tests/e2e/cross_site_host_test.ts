/**
 * End to end (issue 9, item 1): a real `hive host` with its zero-config defaults (loopback, no
 * API token) and a real Chromium. A page from a SECOND origin on loopback (another port) tries
 * the chat WebSocket and "simple" `text/plain` POSTs that would stop the chat agent or send a
 * message as the user; a page served under an attacker's name that resolves to 127.0.0.1 (DNS
 * rebinding) tries to read the status, POST JSON and open the WebSocket. Every attempt must fail
 * and change nothing; the host's own page at 127.0.0.1 and at localhost keeps working.
 */
import { equal, match, ok } from "@std/assert";
import { deadline } from "../_helpers.ts";
import { JSON_POST, read, simplePost, startDriver, wsAttempt } from "./cross_site_helpers.ts";
import { getJson, type HostProcess, removeTestRoot, startHostProcess } from "./host_helpers.ts";

const _SEND_BODY = `{ method: "POST", headers: { "content-type": "application/json" },
  body: JSON.stringify({ room: "general", text: "from own page" }) }`;

/** In a page: wait until the chat page says it is connected. */
const _connected = `new Promise((resolve) => {
  const started = Date.now();
  const timer = setInterval(() => {
    if (document.body.dataset.connected === "true") { clearInterval(timer); resolve("connected"); }
    else if (Date.now() - started > 15000) { clearInterval(timer); resolve("timeout"); }
  }, 50);
})`;

Deno.test({
  name: "Chromium: other sites cannot drive a default hive host; its own page still works",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-cross-host-" });
    let host: HostProcess | undefined;
    const evilReady = Promise.withResolvers<number>();
    const evilServer = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: (a) => evilReady.resolve(a.port),
    }, () =>
      new Response("<!doctype html><title>evil</title><p>another site</p>", {
        headers: { "content-type": "text/html" },
      }));
    const browser = startDriver();
    try {
      host = await startHostProcess({ dataDir: `${root}/host` });
      const port = host.ready.port;
      const base = `http://127.0.0.1:${port}`;
      const evilOrigin = `http://127.0.0.1:${await deadline(evilReady.promise, 5000, "evil")}`;
      await browser.call({
        op: "launch",
        userDataDir: `${root}/chromium`,
        resolverRules: "MAP rebind.test 127.0.0.1",
      });

      // A second origin on loopback.
      const evil = await browser.call<{ page: number }>({ op: "open", url: `${evilOrigin}/` });
      const crossWs = await browser.call<string>({
        op: "eval",
        page: evil.page,
        expression: wsAttempt(`ws://127.0.0.1:${port}/ws/chat`),
      });
      equal(crossWs, "error", `cross-site WebSocket to /ws/chat must fail: ${crossWs}`);
      for (const path of ["/api/agents/chat/stop", "/agents/chat/send", "/api/agents/chat/start"]) {
        const sent = await browser.call<string>({
          op: "eval",
          page: evil.page,
          expression: simplePost(`${base}${path}`),
        });
        equal(sent, "sent:opaque", `the browser sent ${path} (the host must refuse it)`);
      }

      // DNS rebinding: the attacker's name now points at 127.0.0.1.
      const rebindUrl = `http://rebind.test:${port}/`;
      await browser.call({
        op: "serveDocument",
        url: rebindUrl,
        html: "<!doctype html><title>attacker</title><p>attacker page</p>",
      });
      const rebind = await browser.call<{ page: number }>({ op: "open", url: rebindUrl });
      for (const path of ["/api/status", "/agents/chat/rooms"]) {
        const got = await browser.call<string>({
          op: "eval",
          page: rebind.page,
          expression: read(path),
        });
        match(got, /^403 .*host_not_allowed/, `rebinding read of ${path}: ${got}`);
      }
      const rebindPost = await browser.call<string>({
        op: "eval",
        page: rebind.page,
        expression: read("/api/agents/chat/stop", JSON_POST),
      });
      match(rebindPost, /^403 .*host_not_allowed/);
      const rebindWs = await browser.call<string>({
        op: "eval",
        page: rebind.page,
        expression: wsAttempt(`ws://rebind.test:${port}/ws/chat`),
      });
      equal(rebindWs, "error");

      // Nothing happened: the chat agent runs and no message was sent.
      const chat = await getJson<{ state: string }>(`${base}/api/agents/chat`);
      equal(chat.state, "running", "the chat agent was not stopped");
      const rooms = await getJson<{ rooms: { messages: unknown[] }[] }>(
        `${base}/agents/chat/rooms`,
      );
      equal(rooms.rooms[0].messages.length, 0, "no message was sent by another site");

      // Zero config: the host's own page works at 127.0.0.1 and at localhost.
      for (const own of [base, `http://localhost:${port}`]) {
        const page = await browser.call<{ page: number; status: number }>({
          op: "open",
          url: `${own}/`,
        });
        equal(page.status, 200, own);
        equal(
          await browser.call<string>({ op: "eval", page: page.page, expression: _connected }),
          "connected",
          `${own}: the page's chat WebSocket connects`,
        );
        const post = await browser.call<string>({
          op: "eval",
          page: page.page,
          expression: read("/agents/chat/send", _SEND_BODY),
        });
        match(post, /^20[02] /, `${own}: same-origin JSON POST`);
      }
      const after = await getJson<{ rooms: { messages: { text: string }[] }[] }>(
        `${base}/agents/chat/rooms`,
      );
      equal(after.rooms[0].messages.length, 2);
      ok(after.rooms[0].messages.every((m) => m.text === "from own page"));
    } finally {
      await browser.close();
      await evilServer.shutdown();
      const code = host ? await deadline(host.stop("SIGTERM"), 30_000, "host stop") : 0;
      const left = await removeTestRoot(root);
      equal(left.length, 0, `leftover processes: ${left}`);
      equal(code, 0);
    }
  },
});
