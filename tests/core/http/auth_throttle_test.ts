import { equal, match, ok } from "@std/assert";
import { AuthThrottle, sourceOf } from "../../../core/http/auth_throttle.ts";
import { serveHttp } from "../../../core/http/server.ts";
import { createLogger, type LogSink } from "../../../core/logger.ts";
import { deadline } from "./_raw.ts";

function capture(): { lines: Record<string, unknown>[]; sink: LogSink } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    sink: { write: (line) => lines.push(JSON.parse(line)), flush() {}, close() {} },
  };
}

Deno.test("a source may fail `burst` times, then gets 429 until a failure's worth refills", async () => {
  let now = 0;
  const throttle = new AuthThrottle({ burst: 3, refillPerMinute: 60, now: () => now });
  for (let i = 0; i < 3; i++) {
    equal(throttle.check("10.0.0.1"), null, `attempt ${i + 1} is allowed`);
    throttle.failed("10.0.0.1", "wrong token");
  }
  const limited = throttle.check("10.0.0.1");
  equal(limited?.status, 429);
  equal(limited?.headers.get("retry-after"), "1");
  match((await limited!.json()).error.message, /retry in 1 s/);
  equal(throttle.check("10.0.0.2"), null, "other sources are not affected");
  now += 999;
  equal(throttle.check("10.0.0.1")?.status, 429);
  now += 1;
  equal(throttle.check("10.0.0.1"), null, "one refilled after 1 s at 60/min");
  throttle.failed("10.0.0.1", "wrong token");
  equal(throttle.retryAfterMs("10.0.0.1"), 1000);
  equal(throttle.stats().failures, 4);
  equal(throttle.stats().throttled, 2);
  throttle.close();
});

Deno.test("the first failure is logged at once; the rest as one summary line per source", () => {
  const { lines, sink } = capture();
  const throttle = new AuthThrottle({
    burst: 5,
    logger: createLogger({ sinks: [sink] }),
    what: "ipc",
    summaryIntervalMs: 60_000,
  });
  for (let i = 0; i < 1000; i++) {
    if (throttle.check("127.0.0.1") === null) throttle.failed("127.0.0.1", "wrong token");
  }
  equal(lines.length, 1, "one line for the first failure, not 1,000");
  equal(lines[0].msg, "ipc: authentication failed");
  equal(lines[0].source, "127.0.0.1");
  throttle.close();
  equal(lines.length, 2);
  equal(lines[1].msg, "ipc: authentication failures (summary)");
  equal(lines[1].failures, 4, "the 4 failures after the logged one");
  equal(lines[1].throttled, 995);
  throttle.close();
  equal(lines.length, 2, "nothing new, nothing logged");
});

Deno.test("the summary line comes by itself after the interval", async () => {
  const { lines, sink } = capture();
  const throttle = new AuthThrottle({
    logger: createLogger({ sinks: [sink] }),
    summaryIntervalMs: 100,
  });
  throttle.failed("a", "no token");
  throttle.failed("a", "no token");
  const until = Date.now() + 3000;
  while (lines.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  equal(lines.length, 2, "summary within 3 s");
  equal(lines[1].failures, 1);
  throttle.close();
});

Deno.test("memory is bounded: the least recently failing sources are forgotten first", () => {
  const throttle = new AuthThrottle({ burst: 1, maxSources: 100 });
  for (let i = 0; i < 1000; i++) throttle.failed(`10.0.${i >> 8}.${i & 255}`, "x");
  equal(throttle.stats().sources, 100);
  equal(throttle.check("10.0.3.231")?.status, 429, "the latest is remembered");
  equal(throttle.check("10.0.0.0"), null, "the first was forgotten");
});

Deno.test("over a real socket: 300 wrong tokens get 401 for the burst, then 429 unchecked", async () => {
  const { lines, sink } = capture();
  const throttle = new AuthThrottle({ burst: 10, logger: createLogger({ sinks: [sink] }) });
  let compared = 0;
  const server = await serveHttp({
    port: 0,
    fetch: (request, info) => {
      const source = sourceOf(info);
      const limited = throttle.check(source);
      if (limited) return limited;
      compared++;
      if (request.headers.get("authorization") !== "Bearer right") {
        throttle.failed(source, "wrong token");
        return new Response("wrong token\n", { status: 401 });
      }
      return new Response("ok\n");
    },
  });
  try {
    const counts: Record<number, number> = {};
    await deadline(
      (async () => {
        for (let i = 0; i < 300; i++) {
          const res = await fetch(`${server.origin}/`, {
            headers: { authorization: `Bearer wrong${i}` },
          });
          await res.body?.cancel();
          counts[res.status] = (counts[res.status] ?? 0) + 1;
        }
      })(),
      20_000,
      "300 requests",
    );
    equal(counts[401], 10);
    equal(counts[429], 290);
    equal(compared, 10, "throttled requests never reach the token comparison");
    equal(lines.length, 1, "one log line so far, not 300");
    const right = await fetch(`${server.origin}/`, { headers: { authorization: "Bearer right" } });
    equal(right.status, 429, "during a flood the source is throttled whatever it sends");
    await right.body?.cancel();
  } finally {
    throttle.close();
    await server.shutdown();
  }
  ok(lines.length === 2 && lines[1].throttled === 291);
});

Deno.test("sourceOf reads the client IP from Deno.serve/serveHttp info", () => {
  equal(
    sourceOf({ remoteAddr: { transport: "tcp", hostname: "127.0.0.9", port: 1 } }),
    "127.0.0.9",
  );
  equal(sourceOf({ remoteAddr: { transport: "unix", path: "/x" } }), "unix");
  equal(sourceOf(undefined), "unknown");
});
