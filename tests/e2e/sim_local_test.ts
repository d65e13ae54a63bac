/**
 * End to end through the CLI: `hive sim run --engine local` on a 3-node ring of real monerod,
 * blocks mined on one node reach all three (RPC state and NDJSON logs), `hive sim analyze`
 * reports their propagation, Ctrl-C stops a run cleanly, and no monerod is left behind.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import type { RunEvent } from "../../adapters/engine/types.ts";
import { type HiveRun, runHive } from "../_helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

const RING = `name: e2e-ring
general:
  stop_time: 10m
  seed: 4
network:
  topology: ring
  peer_mode: hardcoded
  latency: 5 ms
  bandwidth: 100 Mbit
agents:
  miner-1:
    kind: miner
    hashrate: 100
  node-{1..2}:
    kind: observer
`;

function _hive(...args: string[]): Promise<HiveRun> {
  return runHive(args);
}

async function _pgrep(pattern: string): Promise<string> {
  const out = await new Deno.Command("pgrep", { args: ["-af", pattern], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

function _events(path: string): RunEvent[] {
  return Deno.readTextFileSync(path).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

Deno.test("e2e sim local: a 3-node ring mines, propagates, and analyze reports it", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive_e2e_sim_" });
  try {
    await Deno.writeTextFile(`${root}/ring.yaml`, RING);
    const out = `${root}/run`;
    const run = await _hive(
      "sim",
      "run",
      `${root}/ring.yaml`,
      "--engine",
      "local",
      "--time-scale",
      "60",
      "--out",
      out,
      "--json",
    );
    equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    equal(result.engine, "local");
    equal(result.interrupted, false);
    const final = result.summary.final as Record<string, { height: number; top_hash: string }>;
    deepEqual(Object.keys(final), ["miner-1", "node-1", "node-2"]);
    ok(final["miner-1"].height > 0, "blocks were mined");
    // Read over RPC just before shutdown: every node has the miner's chain.
    for (const host of ["node-1", "node-2"]) {
      equal(final[host].top_hash, final["miner-1"].top_hash, `${host} has the same top`);
    }
    ok(result.summary.converged);
    match(run.stderr, /"msg":"node ready"/, "progress on stderr");

    const mined = _events(`${out}/hosts/miner-1/miner.ndjson`);
    ok(mined.length > 0);
    for (const host of ["miner-1", "node-1", "node-2"]) {
      const blocks = new Map(
        _events(`${out}/hosts/${host}/monitor.ndjson`).flatMap((e) =>
          e.event === "block" ? [[e.hash, e]] : []
        ),
      );
      for (const m of mined) {
        if (m.event !== "mined") continue;
        const seen = blocks.get(m.hash);
        equal(seen?.event === "block" ? seen.height : null, m.height, `${host} saw ${m.hash}`);
      }
    }

    const analyzed = await _hive("--json", "sim", "analyze", out);
    equal(analyzed.code, 0, analyzed.stderr);
    const report = JSON.parse(analyzed.stdout);
    equal(report.nodes, 3);
    equal(report.blocks.mined, mined.length);
    equal(report.propagation.blocks_total, mined.length);
    equal(report.propagation.blocks_measured, mined.length, "every block reached all nodes");
    ok(report.propagation.p50_s >= 0 && report.propagation.p99_s >= report.propagation.p50_s);
    // The nodes' own logs: the two that do not mine got the miner's blocks from a peer.
    const validation = report.node_validation;
    equal(validation.nodes, 3);
    ok(validation.count >= 1, `validation figures: ${JSON.stringify(validation)}`);
    ok(validation.p50_s >= 0 && validation.max_s < 120, JSON.stringify(validation));
    ok(validation.des_validation.lognormal.median > 0, JSON.stringify(validation));

    equal(await _pgrep(root), "", "no monerod or agent of the run is left");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** Start `hive sim run --engine local` on the ring with a 10 h stop time, to be interrupted. */
async function _startLongRun(
  prefix: string,
  stdout: "piped" | "null",
  terminal = false,
  moreAgents = "",
) {
  const root = await Deno.makeTempDir({ prefix });
  const out = `${root}/run`;
  const long = RING.replace("stop_time: 10m", "stop_time: 10h") + moreAgents;
  if (long === RING) throw new Error("RING no longer has stop_time: 10m");
  await Deno.writeTextFile(`${root}/ring.yaml`, long);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, "--json", "sim", "run", `${root}/ring.yaml`]
      .concat(["--engine", "local", "--out", out]),
    stdin: "null",
    stdout,
    stderr: terminal ? "piped" : "null",
    // As a terminal's foreground job: a process group of its own, which Ctrl-C signals whole.
    detached: terminal,
  }).spawn();
  return { root, out, child };
}

Deno.test("e2e sim local: Ctrl-C stops the run cleanly and leaves no process", async () => {
  const { root, out, child } = await _startLongRun("hive_e2e_sigint_", "piped", true);
  try {
    // Wait (bounded: 240 x 250 ms) until the agents are running, then interrupt.
    let started = false;
    for (let i = 0; i < 240 && !started; i++) {
      try {
        started = (await Deno.stat(`${out}/hosts/node-2/monitor.ndjson`)).size > 0;
      } catch { /* not yet */ }
      if (!started) await new Promise((r) => setTimeout(r, 250));
    }
    ok(started, "the run got going");
    // Ctrl-C at a terminal: SIGINT to every process of the foreground group at once.
    Deno.kill(-child.pid, "SIGINT");
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    equal(status.code, 0, stderr);
    const result = JSON.parse(stdout);
    equal(result.interrupted, true);
    ok(result.simulated_s < 36_000);
    // The run, not the signal, stopped its children: the nodes still answered for the final
    // state, and no child is reported as having ended by itself.
    for (const [host, state] of Object.entries(result.summary.final)) {
      ok(
        typeof (state as { height?: unknown }).height === "number",
        `${host}: ${JSON.stringify(state)}`,
      );
    }
    ok(!stderr.includes("exited on its own"), stderr);
    equal(await _pgrep(root), "", "monerods and agents were stopped");
    const analyzed = await _hive("sim", "analyze", out);
    equal(analyzed.code, 0, analyzed.stderr);
    match(
      analyzed.stdout,
      /run: +local, scenario e2e-ring: interrupted at \d+ s of 36000 s; time scale 1; links relay/,
    );
  } finally {
    // On failure: SIGINT first so the run stops its monerods; SIGKILL would orphan them.
    try {
      child.kill("SIGINT");
    } catch { /* already exited */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* exited meanwhile */ }
    }, 60_000);
    await child.status;
    clearTimeout(timer);
    await child.stdout.cancel().catch(() => {});
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("e2e sim local: a stop while user wallets are funded is an interrupt, not a failure", async () => {
  const user = "  alice: { kind: user, interval_mean: 30s, amount: { min: 0.1, max: 0.5 } }\n";
  const { root, out, child } = await _startLongRun("hive_e2e_sigfund_", "piped", true, user);
  try {
    // Read the log until funding has mined blocks, so a generateblocks call is under way
    // (bounded by the run: it ends once interrupted, or fails).
    let log = "";
    const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    const mining = /"phase":"fund[^"]*","done":[1-9]/;
    while (!mining.test(log)) {
      const { value, done } = await lines.read();
      if (done) break;
      log += value;
    }
    ok(mining.test(log), `funding never mined:\n${log}`);
    // `kill PID`: the run alone gets the signal and cuts its own funding calls short.
    child.kill("SIGTERM");
    const rest = (async () => {
      for (let r = await lines.read(); !r.done; r = await lines.read()) log += r.value;
    })();
    const [status, stdout] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      rest,
    ]);
    equal(status.code, 0, log);
    equal(JSON.parse(stdout).interrupted, true);
    const meta = JSON.parse(await Deno.readTextFile(`${out}/hive_run.json`));
    equal(meta.outcome, "interrupted");
    ok(!log.includes("funding alice's wallet"), log);
    equal(await _pgrep(root), "", "monerods, wallets and agents were stopped");
  } finally {
    try {
      Deno.kill(-child.pid, "SIGINT");
    } catch { /* already exited */ }
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name:
    "e2e sim run --links netns as root without CAP_NET_ADMIN: exit 2 naming the capability, no folder left",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive_e2e_netcap_" });
    try {
      await Deno.writeTextFile(`${root}/ring.yaml`, RING);
      // As in a default container: root, without the capability to configure networks.
      const out = await new Deno.Command("setpriv", {
        args: ["--bounding-set=-net_admin", "--inh-caps=-net_admin", Deno.execPath(), "run"]
          .concat(["-A", "--quiet", MAIN, "sim", "run", `${root}/ring.yaml`, "--engine"])
          .concat(["local", "--links", "netns", "--out", `${root}/run`]),
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      equal(out.code, 2, stderr);
      match(stderr, /--links netns: needs CAP_NET_ADMIN .*--cap-add NET_ADMIN/);
      ok(!stderr.includes("kernel lacks"), stderr);
      equal(await Deno.stat(`${root}/run`).then(() => "left", () => "none"), "none");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("e2e sim run: bad flags exit 2, a missing Shadow exits 1 with instructions", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive_e2e_simrun_" });
  try {
    await Deno.writeTextFile(`${root}/ring.yaml`, RING);
    const local = (file: string, out: string, ...flags: string[]) =>
      _hive(
        "sim",
        "run",
        `${root}/${file}`,
        "--engine",
        "local",
        "--out",
        `${root}/${out}`,
        ...flags,
      );
    const bad = await local("ring.yaml", "o", "--time-scale", "fast");
    equal(bad.code, 2);
    match(bad.stderr, /--time-scale: expected a number, got "fast"/);
    // Accepted, but said to be more than monerod can follow (before anything starts: here the
    // run then stops at the missing executable).
    const noMonerod = ["--monerod-bin", `${root}/no-monerod`];
    const fast = await local("ring.yaml", "fast", "--time-scale", "1e9", ...noMonerod);
    equal(fast.code, 1, fast.stderr);
    match(
      fast.stderr,
      /--time-scale 1000000000: a block every 0\.12 µs .*about a second per block/,
    );
    await Deno.writeTextFile(`${root}/ring_des.yaml`, RING + "des: { relay: fluffy }\n");
    const desOnly = await local("ring_des.yaml", "des_only", ...noMonerod);
    equal(desOnly.code, 1, desOnly.stderr);
    match(desOnly.stderr, /the scenario's des: section is for the des engine; local ignores it/);
    const engine = await _hive(
      "sim",
      "run",
      `${root}/ring.yaml`,
      "--engine",
      "warp",
      "--out",
      `${root}/o`,
    );
    equal(engine.code, 2);
    match(engine.stderr, /Allowed choices are shadow, local, des/);
    await Deno.mkdir(`${root}/full`);
    await Deno.writeTextFile(`${root}/full/x`, "");
    const full = await _hive(
      "sim",
      "run",
      `${root}/ring.yaml`,
      "--engine",
      "des",
      "--out",
      `${root}/full`,
    );
    equal(full.code, 2);
    match(full.stderr, /exists and is not empty/);
    const shadow = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        MAIN,
        "sim",
        "run",
        `${root}/ring.yaml`,
        "--engine",
        "shadow",
        "--out",
        `${root}/sh`,
      ],
      env: { PATH: "/nonexistent" },
      stdout: "null",
      stderr: "piped",
    }).output();
    equal(shadow.code, 1);
    match(new TextDecoder().decode(shadow.stderr), /Shadow is not installed.*shadow\.github\.io/);
    let exists = true;
    try {
      await Deno.stat(`${root}/sh`);
    } catch {
      exists = false;
    }
    equal(exists, false, "nothing written when shadow is missing");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("e2e sim local: kill -9 of the run still stops its monerods (the reaper)", async () => {
  const { root, out, child: run } = await _startLongRun("hive_e2e_sigkill_", "null");
  try {
    // Wait (bounded: 240 x 250 ms) until all three monerods are listed for the reaper.
    let listed = 0;
    for (let i = 0; i < 240 && listed < 3; i++) {
      try {
        listed = JSON.parse(await Deno.readTextFile(`${out}/children.json`)).pids.length;
      } catch { /* not yet */ }
      if (listed < 3) await new Promise((r) => setTimeout(r, 250));
    }
    equal(listed, 3, "three monerods started");
    match(await _pgrep(`${out}/hosts`), /monerod/);
    run.kill("SIGKILL");
    await run.status;
    let left = "unknown";
    for (let i = 0; i < 120 && left !== ""; i++) {
      left = await _pgrep(root);
      if (left !== "") await new Promise((r) => setTimeout(r, 250));
    }
    equal(left, "", "the reaper stopped every monerod after the run was killed");
    match(
      await Deno.readTextFile(`${out}/reaper.log`),
      /died without stopping its processes; stopped them/,
    );
  } finally {
    // If the reaper failed, do its job so no monerod outlives the test.
    const pids = (await _pgrep(root)).split("\n").filter(Boolean).map((l) =>
      Number(l.split(" ")[0])
    );
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    await Deno.remove(root, { recursive: true });
  }
});
