/** `hive sim inspect`'s report of an expanded scenario. */
import { deepEqual, equal, match, ok } from "@std/assert";
import { formatInspectReport, inspectModel } from "../../../../commands/sim/scenario/inspect.ts";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";

const FIXTURES = new URL("../../../../fixtures/scenarios/", import.meta.url).pathname;

Deno.test("inspect counts kinds and regions, measures the graph and its latencies", async () => {
  const { model, network } = await loadScenario(`${FIXTURES}regions.yaml`);
  const r = inspectModel(model, network);
  equal(r.hosts, model.hosts.length);
  equal(r.edges, model.edges.length);
  equal(Object.values(r.by_kind).reduce((s, n) => s + n, 0), r.hosts);
  deepEqual(Object.keys(r.by_region), [...new Set(model.hosts.map((h) => h.region))].sort());
  equal(r.hashrate_total, 100);
  equal(r.graph.components, 1);
  ok(r.latency_ms.min <= r.latency_ms.mean && r.latency_ms.mean <= r.latency_ms.max);
  const text = formatInspectReport(r);
  ok(text.includes(model.name));
});

Deno.test("inspect shows the merged monerod line, the funding step and the last process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-inspect-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        '  miner-{1..2}: { kind: miner, hashrate: 50, daemon_args: ["--log-level=2"] }\n' +
        "  shop-{1..2}: { kind: user, interval_mean: 10m, start_time: 60 }\n",
    );
    const { model, network } = await loadScenario(`${dir}/s.yaml`);
    const r = inspectModel(model, network);
    equal(r.daemons.length, 2);
    equal(r.daemons[0].first, "miner-1");
    equal(r.daemons[0].hosts, 2);
    equal(r.daemons[0].args.filter((a) => a.startsWith("--log-level")).join(), "--log-level=2");
    equal(r.daemons[1].args.filter((a) => a.startsWith("--log-level")).join(), "--log-level=1");
    deepEqual(r.funding, {
      host: "miner-1",
      at_s: 70,
      users: 2,
      blocks_per_user: { min: 4, max: 4 },
      unlock_blocks: 80,
    });
    equal(r.last_process_start_s, 70);
    const text = formatInspectReport(r);
    match(text, /funding: +at 70 s on miner-1: 2 users, 4 blocks each, then 80 unlock blocks/);
    match(text, /monerod: +miner-1 \(\+1 hosts\): monerod --regtest .*--log-level=2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bootstrap_end_time: auto and monitor interval: auto are computed and shown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-auto-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h, bootstrap_end_time: auto }\nnetwork: { topology: ring }\n" +
        "agents:\n  miner-{001..250}: { kind: miner, hashrate: 0.4 }\n" +
        "  late: { kind: user, start_time: 100 }\n" +
        "  watch: { kind: monitor, interval: auto }\n" +
        "  shy: { kind: observer, hidden: true }\n",
    );
    const { model, network } = await loadScenario(`${dir}/s.yaml`);
    // The last process is the late user's agent at 110 s: bootstrap ends 20 % later.
    equal(model.bootstrapEndTimeS, 132);
    const r = inspectModel(model, network);
    equal(r.bootstrap_end_s, 132);
    deepEqual(r.monitor_interval_s, { watch: 3 }); // 253 hosts: 1 s per 100
    const text = formatInspectReport(r);
    match(text, /bootstrap ends at 132 s/);
    match(text, /monitor poll: watch every 3 s/);
    // A hidden node does not advertise its port.
    const shy = model.hosts.find((h) => h.name === "shy")!;
    ok(shy.daemonArgs.includes("--hide-my-port"));
    ok(!model.hosts[0].daemonArgs.includes("--hide-my-port"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
