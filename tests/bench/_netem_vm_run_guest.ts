/**
 * The guest half of `sim_local_netem_vm.ts`: inside a virtual machine whose kernel has `netem`,
 * run a whole `hive sim run --engine local --links auto` (the bundled hive at `/hive.js`, the
 * scenario at `/s.yaml`), then read every node's monerod log and print, after
 * `HIVE_VM_RESULT `, what the links did to the blocks.
 *
 * The figure of interest is the hop delay: the seconds from a node's neighbour adding a block
 * (the moment it relays it) to the node's first notice of it (a peer's fluffy block). That is
 * the link's share of propagation, without monerod's validation, so it can be set beside the
 * latency the scenario gives the link.
 *
 * Arguments: the time scale, then any further `hive sim run` flags.
 */
import { type BlockArrival, readRunArrivals } from "../../adapters/engine/local/links/observe.ts";
import { parseScenario } from "../../commands/sim/scenario/load.ts";

/** One hop: a block reached `node` from the neighbour that had added it first. */
export interface Hop {
  node: string;
  from: string;
  seconds: number;
  height: number | null;
  /** How the node first heard of the block: a peer's fluffy block, or its own add (a sync). */
  via: "fluffy" | "sync";
}

/**
 * Per block and node, the delay from the earliest neighbour that added the block (before the
 * node heard of it) to the node's first notice. The block's miner (the first to add it) has
 * none.
 *
 * @param neighbours host -> the hosts it links to
 */
export function hopDelays(
  byHost: Record<string, readonly BlockArrival[]>,
  neighbours: Map<string, string[]>,
): Hop[] {
  const firstNotice = new Map<string, Map<string, BlockArrival>>(); // host -> hash -> first
  const added = new Map<string, Map<string, number>>();
  const heights = new Map<string, number>();
  for (const [host, arrivals] of Object.entries(byHost)) {
    const notice = new Map<string, BlockArrival>();
    const add = new Map<string, number>();
    for (const a of arrivals) {
      if (a.height === 0) continue;
      if (a.height !== undefined) heights.set(a.hash, a.height);
      if (!notice.has(a.hash)) notice.set(a.hash, a);
      if (!a.received && !add.has(a.hash)) add.set(a.hash, a.ms);
    }
    firstNotice.set(host, notice);
    added.set(host, add);
  }
  // The node that added a block first mined it: it has no hop.
  const origin = new Map<string, number>();
  for (const add of added.values()) {
    for (const [hash, ms] of add) origin.set(hash, Math.min(ms, origin.get(hash) ?? Infinity));
  }
  const hops: Hop[] = [];
  for (const [node, notices] of firstNotice) {
    for (const [hash, first] of notices) {
      const at = first.ms;
      if (!first.received && added.get(node)?.get(hash) === origin.get(hash)) continue;
      let from = "";
      let sent = Infinity;
      for (const p of neighbours.get(node) ?? []) {
        const t = added.get(p)?.get(hash);
        if (t !== undefined && t <= at && t < sent) [from, sent] = [p, t];
      }
      if (!from) continue;
      hops.push({
        node,
        from,
        seconds: (at - sent) / 1000,
        height: heights.get(hash) ?? null,
        via: first.received ? "fluffy" : "sync",
      });
    }
  }
  return hops;
}

async function _main(): Promise<void> {
  const [scale = "4", ...flags] = Deno.args;
  const out = "/tmp/run";
  const t0 = performance.now();
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "/hive.js", "sim", "run", "/s.yaml", "--engine", "local", "--links"]
      .concat(["auto", "--out", out, "--time-scale", scale, "--json", ...flags]),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const runS = (performance.now() - t0) / 1000;
  const analyze = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "/hive.js", "sim", "analyze", out, "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const loaded = await parseScenario(await Deno.readTextFile("/s.yaml"), {
    baseDir: "/",
    name: "s",
  });
  const neighbours = new Map<string, string[]>();
  for (const e of loaded.model.edges) {
    neighbours.set(e.a, [...neighbours.get(e.a) ?? [], e.b]);
    neighbours.set(e.b, [...neighbours.get(e.b) ?? [], e.a]);
  }
  const arrivals = await readRunArrivals(out, loaded.model.hosts.map((h) => h.name));
  // `--json`: the run summary is the one document on stdout.
  const summary = run.success ? JSON.parse(new TextDecoder().decode(run.stdout)) : null;
  const result = {
    code: run.code,
    runS,
    links: summary?.summary?.links ?? null,
    analyze: analyze.success ? JSON.parse(new TextDecoder().decode(analyze.stdout)) : null,
    edges: loaded.model.edges.map((e) => ({ a: e.a, b: e.b, latencyMs: e.latencyMs })),
    hops: hopDelays(arrivals, neighbours),
  };
  console.log(`HIVE_VM_RESULT ${JSON.stringify(result)}`);
}

if (import.meta.main) await _main();
