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
import { BENCH_KEY, benchProxyApp } from "./_proxy_bench_app.ts";

export { BENCH_AGENTS, BENCH_KEY } from "./_proxy_bench_app.ts";

if (import.meta.main) {
  const { app, fetch: serve, close, dir, orchestrator, setSameBody } = await benchProxyApp();
  app.get("/cpu", (c) => {
    const cpu = process.cpuUsage();
    return c.json({ us: cpu.user + cpu.system });
  });
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
  setSameBody(await listed.text());
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
