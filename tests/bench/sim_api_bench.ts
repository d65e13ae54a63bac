/**
 * Does the orchestrator API slow a DES run down? The same run (300 nodes, 2 simulated hours,
 * per-node receipts on: about 300,000 events) with no API, and with `--api` plus one
 * dashboard-like client (curl, in its own process like a browser) following `/api/events` as
 * server-sent events. The target is a ratio of at least 0.9 (wall time without the API / with
 * it; issue 15).
 *
 * On a shared machine one run can be slowed by a neighbour, so the figure is the median of
 * paired ratios: each round runs both kinds back to back, in alternating order, and divides
 * one by the other. Beside wall time the CPU time of this process is measured (the engine, the
 * API and its server all run in it; the client is another process, as a browser is): when the
 * machine is busier than its cores, wall time mostly measures the neighbours, CPU time the
 * run. `SIM_API_BENCH_ROUNDS` sets the rounds (default 6, under a minute on an idle machine).
 *
 * ```sh
 * deno bench -A tests/bench/sim_api_bench.ts
 * ```
 *
 * @module
 */
import { cpuUsage } from "node:process";
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
const ROUNDS = Number(Deno.env.get("SIM_API_BENCH_ROUNDS") ?? 6);
/** Wall and CPU (user + system) ms of one run. */
interface Took {
  wall: number;
  cpu: number;
}
/** Per round: without the API, with it, and the bytes the client received. */
const rounds: { plain: Took; api: Took; bytes: number }[] = [];

/** Time `fn` in wall and CPU milliseconds. */
async function _took(fn: () => Promise<unknown>): Promise<Took> {
  const cpu = cpuUsage();
  const t = performance.now();
  await fn();
  const wall = performance.now() - t;
  const used = cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

async function _plain(): Promise<Took> {
  const dir = await Deno.makeTempDir({ prefix: "bench_des_" });
  try {
    return await _took(() => engine.run({ model, outDir: dir, logger }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One run with the API and a client following the stream as the dashboard does. */
async function _withApi(): Promise<{ took: Took; bytes: number }> {
  const dir = await Deno.makeTempDir({ prefix: "bench_des_api_" });
  const live = await startLiveApi({
    address: { hostname: "127.0.0.1", port: 0 },
    meta: runMetaOf(model, "des", "bench"),
    logger,
  });
  try {
    const client = new Deno.Command("curl", {
      args: [
        ...["-sN", "-H", "accept: text/event-stream"],
        `${live.api.url}/api/events?since=0&tail=60`,
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reading = (async () => {
      let bytes = 0;
      for await (const chunk of client.stdout) bytes += chunk.length;
      return bytes;
    })();
    // Wait (bounded, 10 s) until the client is connected, so it sees the run from its start.
    for (let i = 0; i < 2000 && live.state.listening === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    if (live.state.listening === 0) throw new Error("the client did not connect");
    const took = await _took(() =>
      engine.run({
        model,
        outDir: dir,
        logger,
        onProgress: (p) => live.progress(p),
        live: live.hooks,
      })
    );
    live.end("finished");
    const bytes = await reading;
    await client.status;
    return { took, bytes };
  } finally {
    await live.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.bench({
  name: `des run without and with the API and a dashboard client, paired (x${ROUNDS})`,
  n: 1,
  warmup: 0,
  fn: async () => {
    // `deno bench` may call this more than once; the rounds are done in the first call.
    if (rounds.length > 0) return;
    // Warm-up: compile the engine's and the API's hot paths before anything is timed.
    await _plain();
    await _withApi();
    for (let i = 0; i < ROUNDS; i++) {
      let plain: Took, api: { took: Took; bytes: number };
      if (i % 2 === 0) {
        plain = await _plain();
        api = await _withApi();
      } else {
        api = await _withApi();
        plain = await _plain();
      }
      if (api.bytes === 0) throw new Error("the client received no events");
      rounds.push({ plain, api: api.took, bytes: api.bytes });
    }
  },
});

globalThis.addEventListener("unload", () => {
  if (rounds.length === 0) return;
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const f2 = (x: number) => x.toFixed(2);
  const line = (what: keyof Took) => {
    const ratios = rounds.map((r) => r.plain[what] / r.api[what]);
    return `${what}: median ${Math.round(median(rounds.map((r) => r.plain[what])))} ms without ` +
      `the API, ${Math.round(median(rounds.map((r) => r.api[what])))} ms with it; ratio ` +
      `(without / with) median ${f2(median(ratios))}, min ${f2(Math.min(...ratios))}, max ` +
      `${f2(Math.max(...ratios))} [${ratios.map(f2).join(" ")}]`;
  };
  console.log(
    `sim api bench (${rounds.length} paired rounds, one dashboard client, target >= 0.9):\n` +
      `  ${line("wall")}\n  ${line("cpu")}\n  client received ${
        Math.round(median(rounds.map((r) => r.bytes)) / 1024)
      } KiB per run`,
  );
});
