import { deepEqual, equal, match, ok } from "@std/assert";
import { createLogger, fileSink, isSecretField, type LogSink } from "../../core/logger.ts";

function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line), flush() {}, close() {} };
}

const fixedNow = () => new Date("2026-01-02T03:04:05.678Z");

Deno.test("json lines carry ts, level, msg, component and bound fields", () => {
  const sink = memorySink();
  const log = createLogger({ sinks: [sink], now: fixedNow }).child({ component: "host" });
  log.info("started", { port: 8787 });
  equal(sink.lines.length, 1);
  deepEqual(JSON.parse(sink.lines[0]), {
    ts: "2026-01-02T03:04:05.678Z",
    level: "info",
    msg: "started",
    component: "host",
    port: 8787,
  });
  ok(sink.lines[0].endsWith("\n"));
});

Deno.test("levels below the threshold are not written", () => {
  const sink = memorySink();
  const log = createLogger({ level: "warn", sinks: [sink] });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  deepEqual(sink.lines.map((l) => JSON.parse(l).level), ["warn", "error"]);
  ok(!log.enabled("info"));
});

Deno.test("secret-looking fields are redacted, nested too", () => {
  const sink = memorySink();
  const log = createLogger({ sinks: [sink] }).child({ apiToken: "abc" });
  log.info("x", {
    token: "t",
    key: "k",
    secret: "s",
    password: "p",
    privateKey: "pk",
    nested: { db_password: "x", keep: 1 },
    peerId: "visible",
  });
  const line = JSON.parse(sink.lines[0]);
  equal(line.apiToken, "[redacted]");
  for (const f of ["token", "key", "secret", "password", "privateKey"]) {
    equal(line[f], "[redacted]");
  }
  deepEqual(line.nested, { db_password: "[redacted]", keep: 1 });
  equal(line.peerId, "visible");
  ok(!sink.lines[0].includes('"t"'));
  ok(isSecretField("x-api-key"));
  ok(!isSecretField("keys_seen"));
  ok(!isSecretField("topic"));
});

Deno.test("errors in fields are written as name and message", () => {
  const sink = memorySink();
  createLogger({ sinks: [sink] }).error("failed", { error: new TypeError("bad") });
  deepEqual(JSON.parse(sink.lines[0]).error, { name: "TypeError", message: "bad" });
});

Deno.test("pretty format is one readable line", () => {
  const sink = memorySink();
  createLogger({ format: "pretty", sinks: [sink], now: fixedNow }).child({ component: "ipc" })
    .warn("slow client", { drops: 3, token: "x" });
  equal(sink.lines[0], "03:04:05.678 WRN [ipc] slow client drops=3 token=[redacted]\n");
});

Deno.test("file sink appends, flushes on close and rotates by size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/logs/audit.log`;
    const sink = fileSink({ path, maxBytes: 1000, maxFiles: 2, bufferBytes: 300 });
    const log = createLogger({ sinks: [sink] });
    for (let i = 0; i < 60; i++) log.info("line", { i, pad: "x".repeat(20) });
    log.close();
    const files = [path, `${path}.1`, `${path}.2`];
    const texts = await Promise.all(files.map((f) => Deno.readTextFile(f)));
    for (const t of texts) {
      ok(new TextEncoder().encode(t).length <= 1000, "rotated file within limit");
    }
    let threw = false;
    try {
      await Deno.stat(`${path}.3`);
    } catch {
      threw = true;
    }
    ok(threw, "only maxFiles generations are kept");
    const newest = texts[0].trim().split("\n").map((l) => JSON.parse(l).i as number);
    equal(newest.at(-1), 59, "the last line is in the live file");
    for (const t of texts) {
      for (const l of t.trim().split("\n")) match(l, /^\{.*\}$/, "no line is split by rotation");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("file sink writes error lines immediately", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.log`;
    const sink = fileSink({ path });
    const log = createLogger({ sinks: [sink] });
    log.info("buffered");
    log.error("urgent");
    const text = await Deno.readTextFile(path);
    ok(text.includes("buffered") && text.includes("urgent"));
    log.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
