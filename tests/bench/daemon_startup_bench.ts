/**
 * Startup: time from spawning `hive daemon` to its ready line (libp2p listening, IPC server
 * accepting, daemon.json written), against `hive --version` (same runtime start and module
 * load, no node) measured in the same run.
 *
 * Run: deno bench --allow-all tests/bench/daemon_startup_bench.ts
 */
import { IpcClient } from "../../core/ipc/mod.ts";
import { readTokenFile } from "../../core/ipc/token.ts";
import { runHive, startDaemon } from "../commands/daemon/_daemon.ts";

const ROUNDS = 5;
// Shared CI machines are busy: print the load so the figures can be read in context.
const _loadLine = `load average at start: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}` +
  ` on ${navigator.hardwareConcurrency} cores`;
console.log(_loadLine);

const root = await Deno.makeTempDir({ prefix: "hive-bench-startup-" });
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
let run = 0;

async function _daemonReady(): Promise<number> {
  const t0 = performance.now();
  const d = await startDaemon({ dataDir: `${root}/r${run++}` });
  const ready = performance.now() - t0;
  try {
    // Ready means ready: the IPC server answers right away.
    const c = await IpcClient.connect({
      url: d.info.ipc_url,
      token: await readTokenFile(d.info.token_file),
    });
    await c.request("get_peer_id");
    c.close();
  } finally {
    await d.stop();
  }
  return ready;
}

async function _version(): Promise<number> {
  const t0 = performance.now();
  const r = await runHive(["--version"]);
  if (r.code !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
}

const daemonMs: number[] = [];
const versionMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  versionMs.push(await _version());
  daemonMs.push(await _daemonReady());
}
const median = (l: number[]) => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)];
console.log(
  `hive daemon start -> IPC ready: median ${median(daemonMs).toFixed(0)} ms ` +
    `(min ${Math.min(...daemonMs).toFixed(0)}, max ${Math.max(...daemonMs).toFixed(0)}) ` +
    `over ${ROUNDS} starts; hive --version: median ${median(versionMs).toFixed(0)} ms`,
);
console.log(`ratio: ${(median(daemonMs) / median(versionMs)).toFixed(2)}x baseline (--version)`);

const group = "process start";
Deno.bench("hive --version", { group, baseline: true, n: 3, warmup: 0 }, async () => {
  await _version();
});
Deno.bench("hive daemon -> IPC ready", { group, n: 3, warmup: 0 }, async () => {
  await _daemonReady();
});
