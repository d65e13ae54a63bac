/**
 * The server side of `proxy_bench.ts` in a process of its own, so its CPU time is the server's
 * alone: the very app `hive proxy` serves over the process orchestrator with 10 agents, plus the
 * baselines (an unauthenticated Hono hello route, the listing's bytes served by a Hono route
 * without checks, and `/bare-hello` answered by `Deno.serve` without Hono) and `/cpu`, this
 * process's CPU time in µs. Prints its port on stdout and runs until its stdin closes, then kills
 * its agents and removes its state directory.
 *
 * @module
 */
import process from "node:process";
import { ProcessOrchestrator } from "../../adapters/orchestrator/process.ts";
import { createProxyApp } from "../../commands/proxy/app.ts";
import { KeyRing } from "../../commands/proxy/keys.ts";
import { policySchema } from "../../commands/proxy/policy.ts";
import { createLogger } from "../../core/logger.ts";

/** The read key the bench presents. */
export const BENCH_KEY = "hive_bench_key_0123456789abcdefghijklmnop";
/** Agents listed. */
export const BENCH_AGENTS = 10;

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "hive-bench-proxy-" });
  const orchestrator = new ProcessOrchestrator({ stateDir: dir });
  const keys = new KeyRing();
  keys.addKey("bench", "read", BENCH_KEY);
  const { app, fetch: serve, close } = createProxyApp({
    orchestrator,
    keys,
    policy: policySchema.parse({ rate_limit: { requests: 1_000_000, window_s: 60 } }),
    audit: createLogger({ sinks: [] }),
  });
  app.get("/hello", (c) => c.text("hello"));
  let sameBody = "";
  app.get("/same-body", (c) => c.body(sameBody, 200, { "content-type": "application/json" }));
  app.get("/cpu", (c) => {
    const cpu = process.cpuUsage();
    return c.json({ us: cpu.user + cpu.system });
  });
  for (let i = 0; i < BENCH_AGENTS; i++) {
    await orchestrator.create({ name: `bench-${i}`, image: "sleep", cmd: ["120"] }, {
      "hive.managed": "true",
      "hive.agent": `bench-${i}`,
      "hive.owner": "bench",
      "hive.created": String(Date.now()),
    });
  }
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (a) => ready.resolve(a.port) },
    // A hello without Hono: what Deno's server alone costs per request.
    (request) => request.url.endsWith("/bare-hello") ? new Response("hello") : serve(request),
  );
  const port = await ready.promise;
  const listed = await app.request("/v1/agents", {
    headers: { authorization: `Bearer ${BENCH_KEY}`, "accept-encoding": "identity" },
  });
  sameBody = await listed.text();
  console.log(JSON.stringify({ port }));
  // Stdin closing (the bench ending, even killed) is the signal to stop.
  for await (const _ of Deno.stdin.readable) { /* drain */ }
  for (const agent of await orchestrator.list()) {
    await orchestrator.remove(agent.id).catch(() => {});
  }
  close();
  await server.shutdown();
  await orchestrator.close();
  await Deno.remove(dir, { recursive: true });
}
