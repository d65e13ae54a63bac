/**
 * The app both proxy benchmarks serve: `hive proxy`'s own app over the process orchestrator with
 * 10 running agents and a read key, plus the baselines (an unauthenticated Hono hello route and
 * `/same-body`, the listing's bytes served by a Hono route without checks). One place, so the
 * in-process bench and the server process measure the same thing.
 *
 * @module
 */
import { ProcessOrchestrator } from "../../adapters/orchestrator/process.ts";
import { createProxyApp } from "../../commands/proxy/app.ts";
import { KeyRing } from "../../commands/proxy/keys.ts";
import { policySchema } from "../../commands/proxy/policy.ts";
import { createLogger } from "../../core/logger.ts";

/** The read key the benches present. */
export const BENCH_KEY = "hive_bench_key_0123456789abcdefghijklmnop";
/** Agents listed. */
export const BENCH_AGENTS = 10;

/** The benches' proxy app with its agents started. */
export async function benchProxyApp() {
  const dir = await Deno.makeTempDir({ prefix: "hive-bench-proxy-" });
  const orchestrator = new ProcessOrchestrator({ stateDir: dir });
  const keys = new KeyRing();
  keys.addKey("bench", "read", BENCH_KEY);
  const proxy = createProxyApp({
    orchestrator,
    keys,
    policy: policySchema.parse({ rate_limit: { requests: 1_000_000, window_s: 60 } }),
    audit: createLogger({ sinks: [] }),
  });
  proxy.app.get("/hello", (c) => c.text("hello"));
  // The very bytes GET /v1/agents answers, without any check: the cost of the proxy's checks
  // told apart from the cost of moving a 10-agent JSON body. Set by `setSameBody`.
  let sameBody = "";
  proxy.app.get("/same-body", (c) => c.body(sameBody, 200, { "content-type": "application/json" }));
  for (let i = 0; i < BENCH_AGENTS; i++) {
    await orchestrator.create({ name: `bench-${i}`, image: "sleep", cmd: ["120"] }, {
      "hive.managed": "true",
      "hive.agent": `bench-${i}`,
      "hive.owner": "bench",
      "hive.created": String(Date.now()),
    });
  }
  return {
    ...proxy,
    dir,
    orchestrator,
    setSameBody(body: string) {
      sameBody = body;
    },
  };
}
