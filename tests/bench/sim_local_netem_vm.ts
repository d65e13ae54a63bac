/**
 * A whole `hive sim run --engine local` on the namespace path's `netem` leaf, the path every
 * root user on a kernel with netem gets by default. This machine's kernel has no netem, so the
 * run goes into the virtual machine of `tests/adapters/engine/local/links/_netem_vm.ts` (Debian's
 * cloud kernel under qemu's software emulation) with this checkout's hive bundled and this
 * machine's monerod. Four real monerod nodes in a ring of links with the scenario's latency; the
 * guest (`_netem_vm_run_guest.ts`) reads every node's log and returns each hop's delay: from a
 * neighbour adding a block to the node's first notice of it.
 *
 * A script run by hand, not a `deno bench` file, and not a test: emulated monerod takes about
 * 20 s to start and a few minutes for the run (the `netem` leaf itself is tested in CI by
 * `netem_vm_test.ts`):
 *   deno run -A tests/bench/sim_local_netem_vm.ts [LATENCY_MS] [STOP_TIME_MIN] [TIME_SCALE]
 * Exits 1 when the run did not take the netem leaf, no block crossed a link, or a hop was
 * faster than its link's latency.
 */
import { netemKernel, runInNetemVm } from "../adapters/engine/local/links/_netem_vm.ts";
import type { Hop } from "./_netem_vm_run_guest.ts";

/** The ring the run builds: one miner and three observers, every link `latency` ms. */
export function ringScenario(latencyMs: number, stopMin: number): string {
  return `name: netem_ring
general: { stop_time: ${stopMin}m, seed: 5 }
network:
  topology: ring
  peer_mode: hardcoded
  latency: ${latencyMs} ms
  bandwidth: 100 Mbit
agents:
  miner-1: { kind: miner, hashrate: 100 }
  node-{1..3}: { kind: observer }
`;
}

interface _GuestResult {
  code: number;
  runS: number;
  links: { path: string; links: number; message: string; netns?: { leaf: string } } | null;
  analyze: { blocks?: { mined?: number } } | null;
  hops: Hop[];
}

function _quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function _main(): Promise<number> {
  const [latencyMs = 80, stopMin = 10, scale = 4] = Deno.args.map(Number);
  const kernel = netemKernel();
  if ("missing" in kernel) {
    console.error(kernel.missing);
    return 2;
  }
  const t0 = performance.now();
  const vm = await runInNetemVm({
    entry: new URL("./_netem_vm_run_guest.ts", import.meta.url),
    args: [String(scale)],
    bundles: { "/hive.js": new URL("../../main.ts", import.meta.url) },
    tools: ["monerod"],
    files: { "/s.yaml": ringScenario(latencyMs, stopMin) },
    memoryMb: 4096,
    timeoutMs: (stopMin * 60 / scale + 300) * 1000,
  });
  const wallS = (performance.now() - t0) / 1000;
  const r = vm.result as _GuestResult | undefined;
  if (!r) {
    console.error(vm.console.split("\n").slice(-40).join("\n"));
    console.error(`no result from the guest (exit ${vm.exitCode})`);
    return 1;
  }
  for (const h of r.hops) {
    console.log(
      `  height ${h.height ?? "?"}: ${h.from} -> ${h.node} ${
        (h.seconds * 1000).toFixed(0)
      } ms (${h.via})`,
    );
  }
  // A node that heard of a block by syncing (its chain was behind) measures the sync, not a link.
  const seconds = r.hops.filter((h) => h.via === "fluffy").map((h) => h.seconds);
  const ms = (q: number) => (_quantile(seconds, q) * 1000).toFixed(0);
  console.log(
    `kernel ${kernel.version}; whole VM ${wallS.toFixed(0)} s, run ${r.runS.toFixed(0)} s`,
  );
  console.log(`links: ${r.links?.path}, leaf ${r.links?.netns?.leaf ?? "-"}: ${r.links?.message}`);
  console.log(`run exit ${r.code}; blocks mined ${r.analyze?.blocks?.mined ?? "?"}`);
  if (seconds.length > 0) {
    console.log(
      `hop delay over ${seconds.length} fluffy-block hops (link ${latencyMs} ms one way): ` +
        `min ${ms(0)} ms, median ${ms(0.5)} ms, p90 ${ms(0.9)} ms, max ${ms(1)} ms`,
    );
  }
  const problems: string[] = [];
  if (r.code !== 0) problems.push(`hive sim run exited ${r.code}`);
  if (r.links?.netns?.leaf !== "netem") problems.push(`leaf ${r.links?.netns?.leaf}, not netem`);
  if (seconds.length === 0) problems.push("no fluffy block crossed a link");
  // A log timestamp has 1 ms steps: a hop faster than the link means the link was not shaped.
  if (seconds.some((s) => s * 1000 < latencyMs - 1)) problems.push("a hop beat its link");
  for (const p of problems) console.error(`!! ${p}`);
  return problems.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await _main());
