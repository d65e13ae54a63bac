/**
 * `hive sim import monerosim` on Monerosim's own published examples (fixtures/monerosim/):
 * each imports, validates and generates a Shadow config with no edits, and every field of the
 * input is reported as mapped, approximated or unmapped.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { parse } from "yaml";
import { importMonerosim } from "../../../../commands/sim/import/monerosim.ts";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { buildShadowConfig } from "../../../../commands/sim/shadow/config.ts";
import { parseDuration } from "../../../../commands/sim/scenario/units.ts";
import { flagName, REPEATABLE_FLAGS } from "../../../../adapters/engine/monerod.ts";
import { runHive } from "../../../_helpers.ts";

const DIR = new URL("../../../../fixtures/monerosim/", import.meta.url).pathname;
const EXAMPLES = ["smoke", "native", "20260428_quickstart", "ai_upgrade_test"];

/** The checks Shadow makes of a config that hive can make without Shadow. */
function assertShadowAccepts(yaml: string, gml: string): void {
  const doc = parse(yaml) as {
    general: { stop_time: string };
    hosts: Record<
      string,
      {
        network_node_id: number;
        ip_addr: string;
        processes: Array<{ path: string; args: string[]; start_time: string }>;
      }
    >;
  };
  const stop = parseDuration(doc.general.stop_time)!;
  const nodes = new Set([...gml.matchAll(/\bid (\d+)/g)].map((m) => Number(m[1])));
  const ips = new Set<string>();
  for (const [name, host] of Object.entries(doc.hosts)) {
    ok(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name), `host name ${name}`);
    ok(nodes.has(host.network_node_id), `${name}: node ${host.network_node_id} is in the graph`);
    ok(!ips.has(host.ip_addr), `${name}: its IP is its own`);
    ips.add(host.ip_addr);
    for (const p of host.processes) {
      ok(parseDuration(p.start_time)! < stop, `${name}: ${p.path} starts before stop_time`);
      if (!/monerod/.test(p.path) || p.path.includes("wallet")) continue;
      const names = p.args.map(flagName).filter((n) => !REPEATABLE_FLAGS.has(n));
      deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `${name}: no flag twice`);
    }
  }
}

for (const example of EXAMPLES) {
  Deno.test(`import monerosim ${example}: validates and generates with no edits`, async () => {
    const text = await Deno.readTextFile(`${DIR}${example}.yaml`);
    const { yaml, report } = importMonerosim(text, { baseDir: DIR });
    const loaded = await parseScenario(yaml, { baseDir: DIR, name: example });
    const config = buildShadowConfig(loaded, { hiveBin: "hive" });
    assertShadowAccepts(config.yaml, config.gml);
    // Every agent but the distributor is a host; every user is funded.
    const agents = Object.keys(parse(text).agents).filter((k) => k !== "miner-distributor");
    equal(loaded.model.hosts.length, agents.length);
    const users = loaded.model.hosts.filter((h) => h.kind === "user");
    if (users.length > 0) ok(config.yaml.includes("- fund\n"), "a funding step");
    equal(Math.round(loaded.model.hosts.reduce((s, h) => s + h.hashrate, 0) * 1e6) / 1e6, 100);
    // Nothing is silently dropped: each top-level field of general is in the report.
    const reported = [...report.mapped, ...report.approximated, ...report.unmapped]
      .map((e) => e.field);
    for (const key of Object.keys(parse(text).general)) {
      if (key === "daemon_defaults" || key === "wallet_defaults") {
        // Reported per flag.
        ok(reported.some((f) => f.startsWith(`general.${key}.`)), `general.${key}.*`);
        continue;
      }
      ok(reported.includes(`general.${key}`), `general.${key} is reported`);
    }
  });
}

Deno.test("import monerosim: weights become percent, upgrades and binaries are reported", async () => {
  const native = importMonerosim(await Deno.readTextFile(`${DIR}native.yaml`), { baseDir: DIR });
  const agents = native.scenario.agents as Record<string, { hashrate?: number; kind: string }>;
  // 20 : 3 weights.
  equal(agents["miner-001"].hashrate, 86.956522);
  equal(agents["miner-002"].hashrate, 13.043478);
  equal(agents["relay-001"].kind, "observer");
  match(
    JSON.stringify(native.report.approximated),
    /weights summing to 23 scaled to 100/,
  );
  const up = importMonerosim(await Deno.readTextFile(`${DIR}ai_upgrade_test.yaml`), {
    baseDir: DIR,
  });
  const schedule = up.report.mapped.find((e) => e.field === "agents.*.daemon_K_stop + daemon_K+1")!;
  equal(schedule.count, 35);
  const miner5 = (up.scenario.agents as Record<string, { upgrade?: unknown }>)["miner-005"];
  deepEqual(miner5.upgrade, { at: "25320s", daemon_binary: "monerod-v2" });
  ok(up.report.unmapped.some((e) => e.field === "metadata"));
  // Reachability: DNS on maps to network.dns_server.
  equal((native.scenario.network as { dns_server?: boolean }).dns_server, true);
  // Monerosim's thread count and preemption become Shadow settings.
  deepEqual(
    (native.scenario.shadow as Record<string, unknown>).process_threads,
    2,
  );
  ok(up.report.approximated.some((e) => e.field === "agents.miner-distributor"));
  deepEqual(up.scenario.daemon_defaults, [
    "--log-level=1",
    "--log-file=/dev/stdout",
    "--db-sync-mode=fastest",
    "--no-zmq",
    "--non-interactive",
    "--disable-rpc-ban",
    "--allow-local-ip",
  ]);
});

Deno.test("hive sim import monerosim: --out writes the scenario, --json reports every field", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "hive-sim-import-" });
  try {
    const [text, json, missing] = await Promise.all([
      runHive(["sim", "import", "monerosim", `${DIR}smoke.yaml`, "--out", `${tmp}/a.yaml`]),
      runHive([
        "--json",
        "sim",
        "import",
        "monerosim",
        `${DIR}smoke.yaml`,
        "--out",
        `${tmp}/b.yaml`,
      ]),
      runHive(["sim", "import", "monerosim", `${tmp}/none.yaml`]),
    ]);
    equal(text.code, 0);
    match(text.stdout, /^wrote .*a\.yaml\nmapped \(\d+\):\n/);
    match(text.stdout, /general\.fallback_seeds -> network\.fallback_seeds: \[\] \(none\)/);
    equal(json.code, 0);
    const r = JSON.parse(json.stdout);
    ok(r.mapped.some((e: { field: string }) => e.field === "general.stop_time"));
    ok(r.mapped.some((e: { field: string }) => e.field === "agents.*.transaction_interval"));
    equal(await Deno.readTextFile(`${tmp}/a.yaml`), await Deno.readTextFile(`${tmp}/b.yaml`));
    const valid = await runHive(["sim", "validate", `${tmp}/a.yaml`]);
    equal(valid.code, 0, valid.stderr);
    equal(missing.code, 2);
    match(missing.stderr, /none\.yaml: cannot read/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("import monerosim: fixed intervals and activity start carry over to the users", async () => {
  const text = await Deno.readTextFile(`${DIR}20260428_quickstart.yaml`);
  const { yaml } = importMonerosim(text, { baseDir: DIR });
  const { model } = await parseScenario(yaml, { baseDir: DIR, name: "q" });
  const user = model.hosts.find((h) => h.name === "user-02")!;
  deepEqual(
    [user.tx!.intervalMeanS, user.tx!.intervalKind, user.tx!.activityStartS],
    [120, "fixed", 14440],
  );
});

Deno.test("import monerosim: a daemon other than monerod becomes the group's daemon_binary", async () => {
  const text = await Deno.readTextFile(`${DIR}native.yaml`);
  const { scenario, report } = importMonerosim(text, { baseDir: DIR });
  const agents = scenario.agents as Record<string, { daemon_binary?: string }>;
  equal(agents["miner-002"].daemon_binary, "monerod-sim");
  equal(agents["miner-001"].daemon_binary, undefined);
  ok(report.mapped.some((e) => e.field === "agents.*.daemon" && e.to === "daemon_binary"));
});

Deno.test("import monerosim: a three-phase daemon schedule becomes a list of two upgrades", async () => {
  const text =
    "general: { stop_time: 2h }\nnetwork: { type: 1_gbit_switch, peer_mode: Dynamic }\n" +
    "agents:\n  miner-001:\n    daemon: monerod\n    script: agents.autonomous_miner\n" +
    "    hashrate: 100\n    daemon_0: monerod\n    daemon_0_stop: 20m\n    daemon_1: monerod-v2\n" +
    "    daemon_1_start: 20m30s\n    daemon_1_stop: 40m\n    daemon_2: monerod-v3\n" +
    "    daemon_2_start: 40m30s\n";
  const out = importMonerosim(text, { baseDir: DIR });
  const miner = (out.scenario.agents as Record<string, { upgrade?: unknown }>)["miner-001"];
  deepEqual(miner.upgrade, [
    { at: "20m", daemon_binary: "monerod-v2" },
    { at: "40m", daemon_binary: "monerod-v3" },
  ]);
  ok(!out.report.unmapped.some((e) => e.field.startsWith("agents.*.daemon_")));
  // It validates as imported: both new daemons start before stop_time, in order.
  const loaded = await parseScenario(out.yaml, { baseDir: DIR, name: "phases" });
  deepEqual(loaded.model.hosts[0].upgrades!.map((u) => [u.atS, u.monerodBin]), [
    [1200, "monerod-v2"],
    [2400, "monerod-v3"],
  ]);
});
