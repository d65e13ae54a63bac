import { deepEqual, equal, match } from "@std/assert";
import { AgentManager } from "../../../commands/host/agents.ts";
import type { Agent } from "../../../commands/host/agent.ts";
import { Bus } from "../../../core/bus.ts";
import { HiveError } from "../../../core/errors.ts";
import { createLogger } from "../../../core/logger.ts";
import { rejection } from "../../_helpers.ts";
import { offlineP2P } from "./_offline.ts";

function _manager(timeoutMs = 10_000) {
  const bus = new Bus();
  const events: string[] = [];
  bus.on("agent_*", (p, topic) => events.push(`${topic}:${(p as { name: string }).name}`));
  bus.on("host_shutdown", () => events.push("host_shutdown"));
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    sinks: [{ write: (l) => lines.push(l), flush() {}, close() {} }],
  });
  return {
    manager: new AgentManager({ bus, logger, p2p: offlineP2P(), timeoutMs }),
    events,
    lines,
  };
}

function _recorder(name: string, log: string[], extra: Partial<Agent> = {}): () => Agent {
  return () => ({
    name,
    start: () => void log.push(`start ${name}`),
    stop: () => void log.push(`stop ${name}`),
    ...extra,
  });
}

Deno.test("agents: start, list, stop and restart by name", async () => {
  const { manager, events } = _manager();
  const log: string[] = [];
  manager.add({ name: "a", source: "builtin", factory: _recorder("a", log) });
  equal(manager.get("a")?.state, "stopped");
  const started = await manager.start("a");
  equal(started.state, "running");
  equal(started.starts, 1);
  const stopped = await manager.stop("a");
  equal(stopped.state, "stopped");
  await manager.start("a");
  equal(manager.get("a")?.starts, 2);
  deepEqual(log, ["start a", "stop a", "start a"]);
  deepEqual(events, ["agent_loaded:a", "agent_stopped:a", "agent_loaded:a"]);
});

Deno.test("agents: stopAll goes in reverse start order", async () => {
  const { manager } = _manager();
  const log: string[] = [];
  for (const name of ["one", "two", "three"]) {
    manager.add({ name, source: "builtin", factory: _recorder(name, log) });
  }
  await manager.start("two");
  await manager.start("three");
  await manager.start("one");
  log.length = 0;
  await manager.stopAll("test");
  deepEqual(log, ["stop one", "stop three", "stop two"]);
});

Deno.test("agents: a failing start is recorded and the agent can be retried", async () => {
  const { manager, lines } = _manager();
  let fail = true;
  manager.add({
    name: "flaky",
    source: "test",
    factory: () => ({
      name: "flaky",
      start: () => {
        if (fail) throw new Error("no database");
      },
      stop: () => {},
    }),
  });
  const error = await rejection(manager.start("flaky"), HiveError);
  equal(error.message, 'agent "flaky" failed to start: no database');
  equal(manager.get("flaky")?.state, "failed");
  equal(manager.get("flaky")?.error, "no database");
  match(lines.join(""), /"msg":"agent failed to start".*"agent":"flaky"/);
  fail = false;
  equal((await manager.start("flaky")).state, "running");
});

Deno.test("agents: a start that hangs times out and fails", async () => {
  const { manager } = _manager(100);
  manager.add({
    name: "slow",
    source: "test",
    factory: () => ({ name: "slow", start: () => new Promise(() => {}), stop: () => {} }),
  });
  const error = await rejection(manager.start("slow"), HiveError);
  match(error.message, /slow\.start\(\) took longer than 100 ms/);
});

Deno.test("agents: conflicts and unknown names are errors with codes", async () => {
  const { manager } = _manager();
  manager.add({ name: "a", source: "builtin", factory: _recorder("a", []) });
  manager.addBroken({ name: "b", source: "/x/b.ts", error: "import failed: boom" });
  equal((await rejection(manager.stop("a"), HiveError)).code, "conflict");
  await manager.start("a");
  equal((await rejection(manager.start("a"), HiveError)).code, "conflict");
  const broken = await rejection(manager.start("b"), HiveError);
  equal(broken.message, 'agent "b" cannot start: import failed: boom');
  const unknown = await rejection(manager.start("zzz"), HiveError);
  equal(unknown.code, "not_found");
  equal(unknown.message, 'no agent named "zzz" (known: a, b)');
  let duplicate = "";
  try {
    manager.add({ name: "a", source: "/y/a.ts", factory: _recorder("a", []) });
  } catch (e) {
    duplicate = (e as Error).message;
  }
  equal(duplicate, 'agent "a" from /y/a.ts: the name is taken by another agent');
});

Deno.test("agents: a factory returning a non-agent fails with the reason", async () => {
  const { manager } = _manager();
  manager.add({
    name: "odd",
    source: "test",
    factory: () => ({ name: "odd", start: 5 } as unknown as Agent),
  });
  const error = await rejection(manager.start("odd"), HiveError);
  match(error.message, /start: expected a function, got 5/);
  match(error.message, /stop: expected a function/);
});

Deno.test("agents: routes are mounted under /agents/<name> only while running", async () => {
  const { manager } = _manager();
  manager.add({
    name: "web",
    source: "test",
    factory: () => ({
      name: "web",
      start: (ctx) => void ctx.http.get("/hi", (c) => c.text(`hi from ${ctx.name}`)),
      stop: () => {},
    }),
  });
  equal(manager.routes("web"), null);
  await manager.start("web");
  const response = await manager.routes("web")!.request("/agents/web/hi");
  equal(await response.text(), "hi from web");
  await manager.stop("web");
  equal(manager.routes("web"), null);
});
