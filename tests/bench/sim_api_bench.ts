/**
 * Does the orchestrator API slow a DES run down? The same run (300 nodes, 2 simulated hours,
 * per-node receipts on: about 300,000 events) with no API, and with `--api` plus one client
 * (curl, in its own process like a browser) following `/api/events` as server-sent events. The target is a ratio of at least 0.9 (runs
 * per second with the API / without). The ratio is printed at the end.
 *
 * ```sh
 * deno bench -A tests/bench/sim_api_bench.ts
 * ```
 *
 * @module
 */
import { DesEngine } from "../../adapters/engine/des/engine.ts";
import { createLogger } from "../../core/logger.ts";
import { startLiveApi } from "../../commands/sim/api/live.ts";
import { runMetaOf } from "../../commands/sim/api/run_meta.ts";
import { desModel } from "../adapters/engine/des/_fixtures.ts";

const model = desModel({
  nodes: 300,
  miners: 30,
  topology: "random",
  degree: 4,
  stopTimeS: 7200,
  seed: 11,
  users: { indices: [40, 41, 42, 43, 44, 45, 46, 47], intervalMeanS: 60 },
});
const logger = createLogger({ level: "error", sinks: [] });
const engine = new DesEngine({ receiptEvents: true });
const times: Record<string, number[]> = { plain: [], dashboard: [], full: [] };

async function _plain(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bench_des_" });
  try {
    const t = performance.now();
    await engine.run({ model, outDir: dir, logger });
    times.plain.push(performance.now() - t);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One run with the API; `query` is the client's: the dashboard's, or the full stream. */
async function _withApi(kind: "dashboard" | "full", query: string): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "bench_des_api_" });
  const live = await startLiveApi({
    address: { hostname: "127.0.0.1", port: 0 },
    meta: runMetaOf(model, "des", "bench"),
    logger,
  });
  try {
    // One dashboard-like client in its own process (as a browser is): curl following the
    // event stream, counting what it gets.
    const client = new Deno.Command("curl", {
      args: ["-sN", "-H", "accept: text/event-stream", `${live.api.url}/api/events?${query}`],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reading = (async () => {
      let bytes = 0;
      for await (const chunk of client.stdout) bytes += chunk.length;
      return bytes;
    })();
    // Wait until the client is connected, so it sees the run from its first event.
    while (live.state.listening === 0) await new Promise((r) => setTimeout(r, 5));
    const t = performance.now();
    await engine.run({
      model,
      outDir: dir,
      logger,
      onProgress: (p) => live.progress(p),
      live: live.hooks,
    });
    times[kind].push(performance.now() - t);
    live.end("finished");
    const bytes = await reading;
    await client.status;
    return bytes;
  } finally {
    await live.close();
    await Deno.remove(dir, { recursive: true });
  }
}

// The three kinds of run take turns, so a busy machine slows each about as much (the ratio
// is of medians over the rounds).
const ROUNDS = 5;
Deno.bench({
  name: `des run without the API, with it and a dashboard, with a full-stream client (x${ROUNDS})`,
  n: 1,
  warmup: 0,
  fn: async () => {
    await _plain(); // warm-up: compile the engine's hot paths before anything is timed
    times.plain.length = 0;
    for (let i = 0; i < ROUNDS; i++) {
      await _plain();
      if (await _withApi("dashboard", "since=0&tail=60") === 0) throw new Error("no events");
      if (await _withApi("full", "since=0") === 0) throw new Error("no events");
    }
  },
});

globalThis.addEventListener("unload", () => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  if (times.plain.length === 0 || times.dashboard.length === 0) return;
  const plain = median(times.plain);
  const dash = median(times.dashboard);
  const full = times.full.length ? median(times.full) : NaN;
  console.log(
    `sim api bench: median wall ${Math.round(plain)} ms without the API; with it and one ` +
      `dashboard ${Math.round(dash)} ms: ratio ${(plain / dash).toFixed(2)} (target >= 0.9); ` +
      `with one full-stream client ${Math.round(full)} ms: ratio ${(plain / full).toFixed(2)}`,
  );
});
