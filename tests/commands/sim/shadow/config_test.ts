import { deepEqual, equal, match, ok } from "@std/assert";
import { parse } from "yaml";
import { generateShadowDir, SHADOW_FILE } from "../../../../commands/sim/shadow/generate.ts";
import {
  buildShadowDocument,
  type ShadowDocument,
} from "../../../../commands/sim/shadow/config.ts";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";
import { ConfigError } from "../../../../core/errors.ts";
import { parseDurationSeconds } from "../../../../core/duration.ts";
import { rejection, withTempDir } from "../../../_helpers.ts";
const FIXTURES = new URL("../../../../fixtures/scenarios/", import.meta.url).pathname;
/** One fixture per topology and per attack; `large_10k` is the benchmark's. */

function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  return withTempDir(fn, "hive-sim-gen-");
}

async function generate(name: string, out: string) {
  return await generateShadowDir({
    scenarioPath: `${FIXTURES}${name}.yaml`,
    outDir: out,
    hiveBin: "hive",
  });
}

Deno.test("shadow.yaml follows Shadow's spec: fields, units, processes", async () => {
  await withTemp(async (tmp) => {
    await generate("ring", `${tmp}/o`);
    const doc = parse(await Deno.readTextFile(`${tmp}/o/${SHADOW_FILE}`)) as ShadowDocument;
    deepEqual(doc.general, {
      stop_time: "1800 s",
      seed: 7,
      parallelism: 2,
      bootstrap_end_time: "0 s",
      model_unblocked_syscall_latency: true,
    });
    deepEqual(doc.network, {
      graph: { type: "gml", file: { path: "network.gml" } },
      use_shortest_path: true,
    });
    const user = doc.hosts["user-1"];
    deepEqual(
      [user.network_node_id, user.ip_addr, user.bandwidth_down, user.bandwidth_up],
      [4, "11.0.4.1", "100 Mbit", "100 Mbit"],
    );
    deepEqual(user.processes.map((p) => [p.path, p.start_time, p.expected_final_state]), [
      ["monerod", "0 s", "running"],
      ["monero-wallet-rpc", "5 s", "running"],
      ["hive", "10 s", "running"],
    ]);
    const monerod = user.processes[0].args;
    for (
      const flag of [
        "--regtest",
        "--no-igd",
        "--no-zmq",
        "--disable-dns-checkpoints",
        "--non-interactive",
        "--p2p-bind-ip=11.0.4.1",
        "--rpc-bind-port=18081",
        "--add-exclusive-node=11.0.3.1:18080",
      ]
    ) ok(monerod.includes(flag), `monerod has ${flag}`);
    deepEqual(user.processes[2].args, [
      "sim",
      "agent",
      "user",
      "--wallet-rpc",
      "http://11.0.4.1:18083",
      "--daemon-rpc",
      "http://11.0.4.1:18081",
      "--interval-mean",
      "120s",
      "--amount",
      "0.1..0.5",
      "--fund-wait",
      "900s",
      "--host",
      "user-1",
      "--seed",
      "7",
    ]);
    const monitor = doc.hosts["monitor"].processes[1].args;
    equal(monitor[2], "monitor");
    equal(monitor[4].split(",").length, 7);
    equal(doc.hosts["observer"].processes[0].start_time, "60 s");
  });
});

Deno.test("a partition becomes scheduled set_bans attacker processes", async () => {
  await withTemp(async (tmp) => {
    const result = await generate("partition", `${tmp}/o`);
    const doc = parse(await Deno.readTextFile(`${tmp}/o/${SHADOW_FILE}`)) as ShadowDocument;
    const attackers = Object.values(doc.hosts).flatMap((h) =>
      h.processes.filter((p) => p.args[2] === "attacker")
    );
    equal(attackers.length, 1);
    const args = attackers[0].args;
    equal(args[args.indexOf("--mode") + 1], "partition");
    equal(args[args.indexOf("--start") + 1], "1800s");
    equal(args[args.indexOf("--end") + 1], "5400s");
    const a = args[args.indexOf("--group-a") + 1].split(",");
    const b = args[args.indexOf("--group-b") + 1].split(",");
    equal(a.length + b.length, 12);
    ok(a.every((t) => /^[a-z0-9-]+=http:\/\/11\.\d+\.\d+\.1:18081$/.test(t)), a[0]);
    equal(result.hosts, 12);
  });
});

Deno.test("double spend runs as an attacker agent in place of the attacker's miner", async () => {
  await withTemp(async (tmp) => {
    const result = await generate("double_spend", `${tmp}/o`);
    const doc = parse(await Deno.readTextFile(`${tmp}/o/${SHADOW_FILE}`)) as ShadowDocument;
    const agents = doc.hosts["attacker"].processes.slice(1);
    equal(agents.length, 1);
    const args = agents[0].args;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    deepEqual(args.slice(0, 5), ["sim", "agent", "attacker", "--mode", "double_spend"]);
    equal(flag("--rpc"), "attacker=http://11.0.7.1:18081");
    match(flag("--victim"), /^merchant=http:\/\/11\.\d+\.\d+\.1:18081$/);
    // Cut from every other host: 12 hosts in all.
    const peers = flag("--peers").split(",");
    equal(peers.length, 11);
    ok(!peers.some((p) => p.startsWith("attacker=")));
    deepEqual([flag("--hashrate"), flag("--confirmations"), flag("--start")], ["30", "3", "1200s"]);
    equal(result.by_program["hive sim agent miner"], 7);
    equal(result.by_program["hive sim agent attacker"], 1);
  });
});

Deno.test("monitors of large networks split their targets over several processes", async () => {
  await withTemp(async (tmp) => {
    await Deno.writeTextFile(
      `${tmp}/big.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        "  m-{1..4}: { kind: miner, hashrate: 25 }\n  n-{0001..2100}: { kind: observer }\n" +
        "  mon: { kind: monitor }\n",
    );
    // The document itself, without YAML round trips: this is about argument sizes.
    const { document: doc } = buildShadowDocument(await loadScenario(`${tmp}/big.yaml`), {
      hiveBin: "/opt/hive",
    });
    const monitors = doc.hosts["mon"].processes.filter((p) => p.path === "/opt/hive");
    deepEqual(monitors.map((p) => p.args[4].split(",").length), [1000, 1000, 105]);
  });
});

Deno.test("users are funded: a distributor process on the first miner, before users send", async () => {
  const loaded = await loadScenario(`${FIXTURES}ring.yaml`);
  const { document } = buildShadowDocument(loaded, { hiveBin: "hive" });
  const fund = Object.entries(document.hosts).flatMap(([host, h]) =>
    h.processes.filter((p) => p.args[2] === "fund").map((p) => ({ host, p }))
  );
  equal(fund.length, 1);
  equal(fund[0].host, "miner-1");
  const user = loaded.model.hosts.find((h) => h.kind === "user")!;
  const arg = (p: { args: string[] }, flag: string) => p.args[p.args.indexOf(flag) + 1];
  equal(
    arg(fund[0].p, "--wallets"),
    `${user.name}=${user.tx!.fundBlocks}@http://${user.ip}:${user.walletRpcPort}`,
  );
  // ring.yaml: one transfer every 120 s needs ten outputs per 10-block lock window, plus two.
  equal(user.tx!.fundBlocks, 12);
  equal(fund[0].p.start_time, "10 s");
  const agent = document.hosts[user.name].processes.find((p) => p.args[2] === "user")!;
  ok(parseDurationSeconds(arg(agent, "--fund-wait"))! >= 600);
});

Deno.test("a scenario flag hive also sets appears once, with the scenario's value", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-flags-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        '  miner-{1..3}: { kind: miner, hashrate: 33.33, daemon_args: ["--log-level=2", ' +
        '"--no-zmq", "--non-interactive", "--out-peers=8"] }\n',
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    const args = document.hosts["miner-1"].processes[0].args;
    const count = (prefix: string) => args.filter((a) => a.split("=")[0] === prefix).length;
    deepEqual(
      ["--log-level", "--no-zmq", "--non-interactive", "--out-peers"].map(count),
      [1, 1, 1, 1],
    );
    ok(args.includes("--log-level=2"));
    ok(!args.includes("--log-level=1"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a user's interval kind, send probability and activity start reach its agent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-user-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 2h }\nnetwork: { topology: ring }\nagents:\n" +
        "  miner-{1..2}: { kind: miner, hashrate: 50 }\n" +
        "  shop: { kind: user, interval_mean: 2m, interval_kind: fixed, " +
        "tx_send_probability: 0.5, activity_start_time: 30m }\n" +
        "  plain: { kind: user }\n",
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    const agentArgs = (host: string) =>
      document.hosts[host].processes.find((p) => p.args[2] === "user")!.args.join(" ");
    match(
      agentArgs("shop"),
      /--interval-mean 120s .*--interval-kind fixed --send-probability 0\.5 --activity-start 1800s/,
    );
    ok(!agentArgs("plain").includes("--interval-kind"));
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        "  miner-{1..2}: { kind: miner, hashrate: 50, interval_kind: fixed }\n" +
        "  shop: { kind: user, activity_start_time: 2h, tx_send_probability: 1.5 }\n",
    );
    const error = await rejection(loadScenario(`${dir}/bad.yaml`), ConfigError);
    match(error.message, /agents\.shop\.tx_send_probability: expected value <= 1/);
    match(error.message, /agents\.miner-\{1\.\.2\}\.interval_kind: only for users/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the shadow: section is validated and written into shadow.yaml", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-shadow-" });
  const base = "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
    "  miner-{1..2}: { kind: miner, hashrate: 50 }\n";
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      base + "shadow: { log_level: warning, runahead: 100ms, progress: true, " +
        "environment: { MALLOC_ARENA_MAX: '2' } }\n",
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    equal(document.general.log_level, "warning");
    equal(document.general.progress, true);
    deepEqual(document.experimental, { runahead: "100 ms" });
    deepEqual(document.hosts["miner-1"].processes[0].environment, { MALLOC_ARENA_MAX: "2" });
    await Deno.writeTextFile(`${dir}/bad.yaml`, base + "shadow: { log_level: loud, runahed: 1 }\n");
    const error = await rejection(loadScenario(`${dir}/bad.yaml`), ConfigError);
    match(error.message, /shadow\.log_level: expected one of "error"/);
    match(error.message, /shadow\.runahed: unknown key; did you mean "runahead"\?/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a group's daemon_binary and wallet_binary are its processes' executables", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-bin-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
        "  old-{1..2}: { kind: miner, hashrate: 50, daemon_binary: /opt/monero-0.18/monerod }\n" +
        "  shop: { kind: user, daemon_binary: monerod-v2, wallet_binary: wallet-v2 }\n",
    );
    const loaded = await loadScenario(`${dir}/s.yaml`);
    const { document } = buildShadowDocument(loaded, { hiveBin: "hive", monerodBin: "monerod" });
    equal(document.hosts["old-1"].processes[0].path, "/opt/monero-0.18/monerod");
    deepEqual(document.hosts["shop"].processes.slice(0, 2).map((p) => p.path), [
      "monerod-v2",
      "wallet-v2",
    ]);
    const { inspectModel } = await import("../../../../commands/sim/scenario/inspect.ts");
    const r = inspectModel(loaded.model, loaded.network);
    deepEqual(r.daemons.map((d) => [d.first, d.binary]), [
      ["old-1", "/opt/monero-0.18/monerod"],
      ["shop", "monerod-v2"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wallet_defaults and a group's wallet_args reach its monero-wallet-rpc, merged by name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-wallet-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: ring }\n" +
        'wallet_defaults: ["--log-level=2", "--max-concurrency=2"]\nagents:\n' +
        "  miner-{1..2}: { kind: miner, hashrate: 50 }\n" +
        '  shop: { kind: user, wallet_args: ["--log-level=0"] }\n  plain: { kind: user }\n',
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    const wallet = (host: string) => document.hosts[host].processes[1].args;
    deepEqual(wallet("shop").filter((a) => a.startsWith("--log-level")), ["--log-level=0"]);
    deepEqual(wallet("plain").filter((a) => a.startsWith("--log-level")), ["--log-level=2"]);
    ok(wallet("plain").includes("--max-concurrency=2"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an upgrade stops the old monerod and starts the new one on the same data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-upgrade-" });
  const head = "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n";
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      head + "  node-{1..3}: { kind: miner, hashrate: [40, 30, 30], upgrade: { at: 20m, " +
        'stagger: 30s, daemon_binary: monerod-v2, daemon_args: ["--log-level=2"] } }\n',
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    const [old, next] = document.hosts["node-3"].processes;
    deepEqual([old.path, old.shutdown_time, old.expected_final_state], [
      "monerod",
      "1260 s",
      { exited: 0 },
    ]);
    deepEqual([next.path, next.start_time, next.expected_final_state], [
      "monerod-v2",
      "1270 s",
      "running",
    ]);
    ok(next.args.includes("--log-level=2") && !next.args.includes("--log-level=1"));
    deepEqual(next.args.filter((a) => a.startsWith("--data-dir")), ["--data-dir=monerod"]);
    await Deno.writeTextFile(
      `${dir}/late.yaml`,
      head + "  node-{1..2}: { kind: miner, hashrate: 50, upgrade: { at: 3595 } }\n" +
        "  early: { kind: observer, start_time: 60, upgrade: { at: 30 } }\n",
    );
    const error = await rejection(loadScenario(`${dir}/late.yaml`), ConfigError);
    match(error.message, /node-1": its monerod \(upgraded\) starts at 3605 s/);
    match(error.message, /agents\.early\.upgrade\.at: host "early" upgrades at 30 s, not after/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a list of upgrades chains the monerods: each stops when the next one takes over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-upgrades-" });
  const head = "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n";
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      head + "  node-{1..3}: { kind: miner, hashrate: [40, 30, 30], upgrade: [" +
        '{ at: 20m, stagger: 30s, daemon_binary: monerod-v2, daemon_args: ["--log-level=2"] }, ' +
        '{ at: 40m, daemon_args: ["--out-peers=4"] }] }\n',
    );
    const loaded = await loadScenario(`${dir}/s.yaml`);
    deepEqual(loaded.model.hosts[2].upgrades!.map((u) => u.atS), [1260, 2400]);
    const { document, summary } = buildShadowDocument(loaded, { hiveBin: "hive" });
    const monerods = document.hosts["node-3"].processes.filter((p) => p.path.startsWith("monerod"));
    deepEqual(
      monerods.map((p) => [p.path, p.start_time, p.shutdown_time ?? null, p.expected_final_state]),
      [
        ["monerod", "0 s", "1260 s", { exited: 0 }],
        ["monerod-v2", "1270 s", "2400 s", { exited: 0 }],
        // The second upgrade names no binary: v2 goes on, its flags merged over the first's.
        ["monerod-v2", "2410 s", null, "running"],
      ],
    );
    ok(monerods[2].args.includes("--log-level=2") && monerods[2].args.includes("--out-peers=4"));
    ok(!monerods[1].args.includes("--out-peers=4"));
    equal(summary.by_program.monerod, 9);
    await Deno.writeTextFile(
      `${dir}/order.yaml`,
      head + "  node-{1..2}: { kind: miner, hashrate: 50, upgrade: [{ at: 20m }, { at: 1205 }] }\n",
    );
    const error = await rejection(loadScenario(`${dir}/order.yaml`), ConfigError);
    match(
      error.message,
      /agents\.node-\{1\.\.2\}\.upgrade\[1\]\.at: host "node-1" upgrades at 1205 s, before its previous upgrade's monerod has started \(1200 s \+ 10 s\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a monitor with zmq: every monerod publishes and the monitor follows each one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-zmq-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: star }\nagents:\n" +
        "  miner-{1..2}: { kind: miner, hashrate: 50 }\n  watch: { kind: monitor, zmq: true }\n",
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    const miner = document.hosts["miner-2"].processes[0].args;
    ok(!miner.includes("--no-zmq"));
    ok(miner.includes("--zmq-pub=tcp://11.0.1.1:18084"), miner.join(" "));
    ok(miner.includes("--zmq-rpc-bind-ip=11.0.1.1") && miner.includes("--zmq-rpc-bind-port=18082"));
    const monitor = document.hosts.watch.processes.find((p) => p.args[2] === "monitor")!.args;
    equal(
      monitor[monitor.indexOf("--zmq") + 1],
      "miner-1=tcp://11.0.0.1:18084,miner-2=tcp://11.0.1.1:18084,watch=tcp://11.0.2.1:18084",
    );
    // Without it, monerod keeps hive's --no-zmq and the monitor only polls.
    await Deno.writeTextFile(
      `${dir}/plain.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: star }\nagents:\n" +
        "  miner-{1..2}: { kind: miner, hashrate: 50 }\n  watch: { kind: monitor }\n",
    );
    const plain = buildShadowDocument(await loadScenario(`${dir}/plain.yaml`), { hiveBin: "hive" });
    ok(plain.document.hosts["miner-2"].processes[0].args.includes("--no-zmq"));
    ok(!plain.document.hosts.watch.processes.some((p) => p.args.includes("--zmq")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shadow.process_threads caps monerod and wallet threads; native_preemption reaches Shadow", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-sim-threads-" });
  try {
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      "general: { stop_time: 1h }\nshadow: { process_threads: 1, native_preemption: true, " +
        "runahead: 5 ms }\nnetwork: { topology: star }\nagents:\n" +
        "  miner-1: { kind: miner, hashrate: 100 }\n" +
        '  fast: { kind: observer, daemon_args: ["--max-concurrency=4"] }\n' +
        "  user-1: { kind: user, interval_mean: 60 }\n",
    );
    const { document } = buildShadowDocument(await loadScenario(`${dir}/s.yaml`), {
      hiveBin: "hive",
    });
    deepEqual(document.experimental, { runahead: "5 ms", native_preemption_enabled: true });
    const flags = (host: string, i: number) =>
      document.hosts[host].processes[i].args.filter((a) =>
        /^--(max-concurrency|prep-blocks-threads)=/.test(a)
      );
    deepEqual(flags("miner-1", 0), ["--max-concurrency=1", "--prep-blocks-threads=1"]);
    // A group's own flag wins by name, once.
    deepEqual(flags("fast", 0), ["--max-concurrency=4", "--prep-blocks-threads=1"]);
    const wallet = document.hosts["user-1"].processes.find((p) => p.path === "monero-wallet-rpc")!;
    ok(wallet.args.includes("--max-concurrency=1"));
    // Unset: the programs' defaults, no flags (golden configs unchanged).
    await Deno.writeTextFile(
      `${dir}/plain.yaml`,
      "general: { stop_time: 1h }\nnetwork: { topology: star }\nagents:\n" +
        "  miner-1: { kind: miner, hashrate: 100 }\n",
    );
    const plain = buildShadowDocument(await loadScenario(`${dir}/plain.yaml`), { hiveBin: "hive" });
    ok(!plain.document.hosts["miner-1"].processes[0].args.some((a) => a.includes("concurrency")));
    equal(plain.document.experimental, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
