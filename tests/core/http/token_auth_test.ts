import { equal, match } from "@std/assert";
import { Hono } from "hono";
import { AuthThrottle } from "../../../core/http/auth_throttle.ts";
import { tokenAuth } from "../../../core/http/token_auth.ts";

const TOKEN = "core-token-0123456789";

function _app(options: Parameters<typeof tokenAuth>[1] = {}): Hono {
  const app = new Hono();
  app.use("/api/*", tokenAuth(TOKEN, options));
  app.get("/api/x", (c) => c.text("ok"));
  app.get("/open", (c) => c.text("open"));
  return app;
}

function _from(hostname: string) {
  return { remoteAddr: { transport: "tcp", hostname, port: 1 } };
}

Deno.test("token auth: the header or the query passes; nothing, wrong or malformed gets 401", async () => {
  const app = _app({ realm: "hive test", needs: "this test needs its token" });
  equal((await app.request("/open")).status, 200, "routes outside the middleware are open");
  const ok = await app.request("/api/x", { headers: { authorization: `Bearer ${TOKEN}` } });
  equal(ok.status, 200);
  equal(await ok.text(), "ok");
  equal((await app.request(`/api/x?token=${TOKEN}`)).status, 200);
  equal(
    (await app.request("/api/x", { headers: { authorization: `bearer   ${TOKEN}` } })).status,
    200,
    "the scheme is case-insensitive and spaces are allowed",
  );

  const missing = await app.request("/api/x");
  equal(missing.status, 401);
  equal(missing.headers.get("www-authenticate"), 'Bearer realm="hive test"');
  const body = await missing.json();
  equal(body.error.code, "unauthorized");
  match(body.error.message, /^this test needs its token: send `Authorization: Bearer <token>`/);

  const wrong = await app.request("/api/x", { headers: { authorization: "Bearer nope-nope" } });
  equal(wrong.status, 401);
  equal((await wrong.json()).error.message, "wrong API token");
  equal((await app.request("/api/x?token=nope")).status, 401);

  const malformed = await app.request("/api/x", { headers: { authorization: `Basic ${TOKEN}` } });
  equal(malformed.status, 401);
  match((await malformed.json()).error.message, /must be `Bearer <token>`/);
  equal(
    (await app.request(`/api/x?token=${TOKEN}`, { headers: { authorization: "Token x" } })).status,
    401,
    "a bad header is not rescued by the query",
  );
});

Deno.test("token auth: defaults name no command", async () => {
  const missing = await _app().request("/api/x");
  equal(missing.headers.get("www-authenticate"), 'Bearer realm="hive"');
  match((await missing.json()).error.message, /^this API needs its token: /);
});

Deno.test("token auth: any printable token works percent-encoded in the query", async () => {
  const odd = "s3cr3t!#&+%=?/~-token x";
  const app = new Hono();
  app.use("*", tokenAuth(odd));
  app.get("/", (c) => c.text("ok"));
  equal((await app.request(`/?token=${encodeURIComponent(odd)}`)).status, 200);
  equal((await app.request(`/?token=${encodeURIComponent(odd)}x`)).status, 401);
});

Deno.test("token auth: failures go through the throttle per source, which then refuses even the right token", async () => {
  let now = 0;
  const throttle = new AuthThrottle({ burst: 2, refillPerMinute: 60, now: () => now });
  try {
    const app = _app({ throttle });
    const wrong = { headers: { authorization: "Bearer wrong-wrong" } };
    equal((await app.request("/api/x", wrong, _from("10.0.0.1"))).status, 401);
    equal(
      (await app.request("/api/x", { headers: { authorization: "Basic x" } }, _from("10.0.0.1")))
        .status,
      401,
    );
    equal(throttle.stats().failures, 2, "wrong and malformed both count");
    equal(
      (await app.request("/api/x", undefined, _from("10.0.0.1"))).status,
      429,
      "a missing token is refused by the throttle too",
    );
    const right = await app.request(`/api/x?token=${TOKEN}`, undefined, _from("10.0.0.1"));
    equal(right.status, 429, "the right token waits while its source is throttled");
    equal((await app.request(`/api/x?token=${TOKEN}`, undefined, _from("10.0.0.2"))).status, 200);
    equal((await app.request("/api/x", undefined, _from("10.0.0.2"))).status, 401);
    equal(throttle.stats().failures, 2, "a request with no token is not a failed guess");
    now += 1000;
    equal((await app.request(`/api/x?token=${TOKEN}`, undefined, _from("10.0.0.1"))).status, 200);
  } finally {
    throttle.close();
  }
});
