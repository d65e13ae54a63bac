/**
 * The local engine: refusals and placement without processes, then real runs of monerod nodes: a
 * miner and a partition attack (cut, then healed; the nodes converge), and one run that checks
 * a behaviour plugin, two flag sets and two upgrades together.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import {
  LocalEngine,
  localMaxHosts,
  placeHosts,
} from "../../../../adapters/engine/local/engine.ts";
import { ConfigError, HiveError } from "../../../../core/errors.ts";
import { createLogger } from "../../../../core/logger.ts";
import type { RunEvent, SimHost, SimModel } from "../../../../adapters/engine/types.ts";
import { assertInstanceOf, rejection } from "../../../_helpers.ts";
// HIVE_ARGV runs agents from main.ts: under `deno test` the main module is this file, not hive.
import { HIVE_ARGV, testHost, testModel } from "../_sim_model.ts";

const logger = createLogger({ level: "error" });
function _host(name: string, kind: SimHost["kind"], hashrate: number, peers: string[]): SimHost {
  // The test hosts' Shadow-style address (11.0.0.1): the local engine must replace it.
  return testHost(name, { kind, hashrate, peers });
}

function _model(hosts: SimHost[], extra: Partial<SimModel> = {}): SimModel {
  return testModel(hosts, { name: "local-test", seed: 11, stopTimeS: 60, ...extra });
}

function _read(path: string): RunEvent[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("local engine refuses more hosts than its limit, naming the count and the way out", async () => {
  const hosts = Array.from({ length: 21 }, (_, i) => _host(`n${i}`, "observer", 0, []));
  const dir = await Deno.makeTempDir();
  try {
    const error = await rejection(
      new LocalEngine({ maxHosts: 20 }).run({ model: _model(hosts), outDir: `${dir}/out`, logger }),
      ConfigError,
    );
    match(error.message, /"local-test": .*at most 20 hosts.*--max-hosts.*has 21.*--engine des/);
    // Sized from free memory by default: 400 MiB per monerod.
    const max = localMaxHosts();
    const big = Array.from({ length: max + 1 }, (_, i) => _host(`n${i}`, "observer", 0, []));
    const sized = await rejection(
      new LocalEngine().run({ model: _model(big), outDir: `${dir}/out`, logger }),
      ConfigError,
    );
    match(sized.message, new RegExp(`at most ${max} hosts here, sized from free memory`));
    const entries = [...Deno.readDirSync(dir)];
    equal(entries.length, 0, "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("local engine without monerod fails with install instructions (exit 1)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const engine = new LocalEngine({ monerodBin: `${dir}/no-such-monerod` });
    const error = await rejection(
      engine.run({ model: _model([_host("a", "miner", 100, [])]), outDir: `${dir}/o`, logger }),
      HiveError,
    );
    equal(error.exitCode, 1);
    match(error.message, /not found on PATH.*apt-get install monero/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad time scale is a config error", () => {
  let caught: unknown;
  try {
    new LocalEngine({ timeScale: 0 });
  } catch (error) {
    caught = error;
  }
  assertInstanceOf(caught, ConfigError);
  match(caught.message, /time scale: expected a number > 0, got 0/);
});

Deno.test("placeHosts gives loopback addresses and distinct free ports", () => {
  const model = _model([
    _host("a", "miner", 100, ["b"]),
    { ..._host("b", "observer", 0, ["a"]), ip: "127.100.0.7" },
    _host("u", "user", 0, []),
  ]);
  const { model: local, placements } = placeHosts(model, "/tmp/x");
  deepEqual(placements.map((p) => p.ip), ["127.0.0.2", "127.100.0.7", "127.0.0.4"]);
  deepEqual(local.hosts.map((h) => h.ip), ["127.0.0.2", "127.100.0.7", "127.0.0.4"]);
  for (const p of placements) {
    ok(p.p2pPort > 0 && p.rpcPort > 0 && p.p2pPort !== p.rpcPort);
    equal(p.rpcUrl, `http://${p.ip}:${p.rpcPort}`);
    equal(p.dir, `/tmp/x/hosts/${p.name}`);
  }
  ok(placements[2].walletRpcPort !== undefined, "user hosts get a wallet RPC port");
  equal(placements[0].walletRpcPort, undefined);
});

Deno.test("placeHosts: no port is handed out twice on one address", () => {
  // 300 ports on one address: picked and released one by one, the kernel hands some out twice.
  const hosts = Array.from(
    { length: 60 },
    (_, i) => testHost(`u${i}`, { kind: "user", ip: "127.0.0.9", zmq: { rpcPort: 1, pubPort: 2 } }),
  );
  const { placements, model } = placeHosts(_model(hosts), "/tmp/x");
  const ports = model.hosts.flatMap((
    h,
  ) => [h.p2pPort, h.rpcPort, h.walletRpcPort, h.zmq?.rpcPort, h.zmq?.pubPort]);
  equal(ports.filter((p) => p !== undefined).length, 300);
  equal(new Set(ports).size, 300, "every port distinct");
  equal(placements.length, 60);
});

/**
 * A monerod whose first start finds its p2p port taken by another process (a real listener, so
 * monerod itself fails to bind); later starts run monerod as they are.
 */
async function _squattedMonerod(dir: string): Promise<string> {
  const path = `${dir}/squatted-monerod`;
  await Deno.writeTextFile(
    path,
    `#!/usr/bin/env bash
if [ "$1" != --version ] && [ ! -e "${dir}/squatted" ]; then
  touch "${dir}/squatted"
  for a in "$@"; do
    case $a in --p2p-bind-ip=*) ip=\${a#*=} ;; --p2p-bind-port=*) port=\${a#*=} ;; esac
  done
  python3 -c "import socket,time; s=socket.socket(); s.bind(('$ip', $port)); s.listen(); time.sleep(30)" &
  squatter=$!
  until (exec 3<>"/dev/tcp/$ip/$port") 2>/dev/null; do sleep 0.05; done
  /usr/bin/monerod "$@"
  rc=$?
  kill $squatter
  exit $rc
fi
exec /usr/bin/monerod "$@"
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("local run: 3 real monerod nodes, a miner, a partition that heals", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive_local_" });
  try {
    // obs-c's port is taken when it first starts: the run is placed again and goes on.
    const squatted = await _squattedMonerod(dir);
    // Triangle; the miner is alone in group A. Time scale 60: mean 2 s between blocks; the cut
    // lasts from 1.5 s to 12 s of wall time (long enough for blocks even when a loaded machine
    // slows the miner's first ones), the run 18 s.
    const model = _model([
      _host("miner-a", "miner", 100, ["obs-b", "obs-c"]),
      _host("obs-b", "observer", 0, ["miner-a", "obs-c"]),
      { ..._host("obs-c", "observer", 0, ["miner-a", "obs-b"]), monerodBin: squatted },
    ], {
      stopTimeS: 1080,
      attacks: [{
        kind: "partition",
        groupA: ["miner-a"],
        groupB: ["obs-b", "obs-c"],
        startS: 90,
        endS: 720,
      }],
    });
    const progress: number[] = [];
    const result = await new LocalEngine({
      timeScale: 60,
      graceMs: 20_000,
      firstOctet: 20,
      hiveArgv: HIVE_ARGV,
    }).run({
      model,
      outDir: dir,
      logger,
      // The clock's own reports: start, fund and settle phases report other units.
      onProgress: (p) => (p.phase ?? "simulate") === "simulate" && progress.push(p.done),
    });
    equal(result.engine, "local");
    equal(result.interrupted, false);
    equal(result.simulatedS, 1080);
    ok(progress.length > 3 && progress.at(-1) === 1080, "progress reached the stop time");
    const summary = result.summary as {
      converged: boolean;
      final: Record<string, { height: number; top_hash: string }>;
      events: Record<string, number>;
    };
    ok(summary.converged, `nodes converged after the heal: ${JSON.stringify(summary.final)}`);
    ok(summary.final["miner-a"].height > 0);

    const mined = _read(`${dir}/hosts/miner-a/miner.ndjson`);
    ok(mined.length > 0 && mined.every((e) => e.event === "mined" && e.host === "miner-a"));
    const attack = _read(`${dir}/hosts/miner-a/attack-0.ndjson`);
    const phases = attack.map((e) => e.event === "attack" ? e.outcome.phase : "?");
    deepEqual(phases, ["cut", "healed"]);
    const [cut, healed] = attack as Extract<RunEvent, { event: "attack" }>[];
    const duringCut = mined.filter((e) => e.ts > cut.ts && e.ts < healed.ts);
    ok(duringCut.length > 0, "the miner mined while the partition held");
    const before = healed.outcome.heights as Record<string, number>;
    ok(
      before["obs-b"] < before["miner-a"],
      `B stayed behind during the cut: ${JSON.stringify(before)}`,
    );
    // After the heal every block reached every node, as the monitor saw it.
    for (const host of ["miner-a", "obs-b", "obs-c"]) {
      const seen = new Set(
        _read(`${dir}/hosts/${host}/monitor.ndjson`).flatMap((e) =>
          e.event === "block" ? [e.hash] : []
        ),
      );
      for (const m of mined) ok(m.event === "mined" && seen.has(m.hash), `${host} has every block`);
    }
    for (const host of ["miner-a", "obs-b", "obs-c"]) {
      ok((await Deno.stat(`${dir}/hosts/${host}/monerod.log`)).size > 0, `${host} monerod log`);
    }
    ok(await Deno.stat(`${dir}/squatted`), "obs-c's first start met a taken port");
    // The first attempt's log is kept beside the run's own.
    match(await Deno.readTextFile(`${dir}/hosts/obs-c/monerod.attempt-1.log`), /Failed to bind/);
    ok(!(await Deno.readTextFile(`${dir}/hosts/obs-c/monerod.log`)).includes("Failed to bind"));
    const pg = await new Deno.Command("pgrep", { args: ["-f", dir], stdout: "piped" }).output();
    equal(new TextDecoder().decode(pg.stdout).trim(), "", "no process of the run is left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("local engine checks every group's own monerod before starting anything", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const hosts = [_host("a", "observer", 0, []), _host("b", "observer", 0, [])];
    hosts[1].monerodBin = "/nonexistent/monerod-v2";
    const error = await rejection(
      new LocalEngine().run({ model: _model(hosts), outDir: `${dir}/out`, logger }),
      HiveError,
    );
    match(error.message, /\/nonexistent\/monerod-v2 not found/);
    equal([...Deno.readDirSync(dir)].length, 0, "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A stand-in monerod for start-up failures: answers `--version`, finds its `--log-file`
 * (`$log`), then runs `body`; the engine's error for a one-host run of it.
 */
async function _startupError(
  dir: string,
  body: string,
  options: { firstOctet: number; readyTimeoutMs?: number },
): Promise<HiveError> {
  const bin = `${dir}/fake-monerod`;
  await Deno.writeTextFile(
    bin,
    `#!/usr/bin/env bash
[ "$1" = --version ] && exit 0
for a in "$@"; do case $a in --log-file=*) log=\${a#*=} ;; esac; done
${body}
`,
  );
  await Deno.chmod(bin, 0o755);
  const hosts = [{ ..._host("a", "observer", 0, []), monerodBin: bin }];
  return await rejection(
    new LocalEngine({ hiveArgv: HIVE_ARGV, graceMs: 2000, ...options })
      .run({ model: _model(hosts), outDir: `${dir}/out`, logger }),
    HiveError,
  );
}

Deno.test("a node that ends during start-up: the error names the cause from its log, no retry", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const error = await _startupError(
      dir,
      `echo start >> "${dir}/starts"
printf '2026-12-02 04:11:17.907\\t1\\tFATAL\\tdaemon\\tmain.cpp:1\\tdatabase is corrupt\\n' > "$log"
exit 1`,
      { firstOctet: 60 },
    );
    match(
      error.message,
      /monerod a exited during start-up: database is corrupt; see .*\/hosts\/a\/monerod\.log/,
    );
    equal(error.code, "failure");
    const starts = (await Deno.readTextFile(`${dir}/starts`)).trim().split("\n");
    equal(starts.length, 1, "not placed again");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("nodes that never answer RPC: the error names each with the last line of its log", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const error = await _startupError(
      dir,
      `echo "Loading blockchain from folder (slowly)" > "$log"
exec sleep 60`,
      { firstOctet: 61, readyTimeoutMs: 1500 },
    );
    match(
      error.message,
      /nodes not answering RPC after 1\.5 s: a \(its log: Loading blockchain from folder \(slowly\)\)$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("local run: a behaviour plugin, two monerod flag sets and two upgrades on real nodes", async () => {
  const { parseScenario } = await import("../../../../commands/sim/scenario/load.ts");
  const fixtures = new URL("../../../../fixtures/", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "hive_local_upgrade_" });
  try {
    // One run of real monerod serves three checks (each start of the nodes costs seconds):
    // - two flag sets (the miner's, the watcher's) stand in for two monerod versions (one
    //   monerod is installed here), merged over daemon_defaults;
    // - a third-party behaviour plugin on the watcher records the tip;
    // - two upgrades each restart node-1 and node-2 with another flag set on their data (log
    //   level 0 -> 2 -> 1, the first also switching the binary path to the same monerod).
    // Each restarted monerod builds its RandomX cache again before it verifies a block: 20 wall
    // seconds after the last upgrade (at 11 of 30 simulated minutes, at 60x) leave room for that
    // on a busy machine.
    const { model } = await parseScenario(
      "general: { stop_time: 30m, seed: 4 }\nnetwork: { topology: ring }\n" +
        'daemon_defaults: ["--db-sync-mode=fastest"]\nagents:\n' +
        '  miner-1: { kind: miner, hashrate: 100, daemon_args: ["--log-level=0"] }\n' +
        '  watcher: { kind: observer, daemon_args: ["--log-level=2"], ' +
        "behavior: ../behaviors/tip_watcher.ts, behavior_config: { every_s: 20 } }\n" +
        "  node-{1..2}: { kind: observer, upgrade: [{ at: 4m, stagger: 1m, " +
        'daemon_binary: /usr/bin/monerod, daemon_args: ["--log-level=2"] }, ' +
        '{ at: 10m, stagger: 1m, daemon_args: ["--log-level=1"] }] }\n',
      { baseDir: `${fixtures}scenarios`, name: "upgrade", addressing: "loopback" },
    );
    const lines: string[] = [];
    const result = await new LocalEngine({
      timeScale: 60,
      graceMs: 20_000,
      firstOctet: 40,
      hiveArgv: HIVE_ARGV,
    }).run({
      model,
      outDir: dir,
      logger: createLogger({
        level: "info",
        sinks: [{ write: (l) => lines.push(l), flush: () => {}, close: () => {} }],
      }),
    });
    equal(result.interrupted, false);
    const summary = result.summary as {
      converged: boolean;
      final: Record<string, { height: number }>;
    };
    ok(summary.converged, JSON.stringify(summary.final));
    // --log-level is also one of hive's own flags: monerod refuses an option given twice, so
    // every node answering (converged above, all four in the final state) shows each merged
    // line was accepted. One miner: two could end the run on a tie that no later block breaks.
    deepEqual(Object.keys(summary.final).sort(), ["miner-1", "node-1", "node-2", "watcher"]);
    const tips = _read(`${dir}/hosts/watcher/behavior.ndjson`);
    ok(tips.length >= 1, "the plugin recorded the tip");
    ok(tips.every((e) => e.event === "height" && e.host === "watcher"));
    // Upgrades start in schedule order; each ends (the old monerod stopped, a new one started)
    // when its stop returns, which may come after the next one's start.
    const logged = (msg: string) =>
      lines.filter((l) => l.includes(`"${msg}"`)).map((l) => JSON.parse(l))
        .map((u) => `${u.host}#${u.upgrade}`);
    const order = ["node-1#1", "node-2#1", "node-1#2", "node-2#2"];
    deepEqual(logged("host upgrading"), order, lines.join("\n").slice(-2000));
    deepEqual(logged("host upgraded").sort(), [...order].sort());
    // The restarted nodes kept their chain and followed the miner after the restart.
    ok(
      summary.final["node-2"].height > 0 &&
        summary.final["node-2"].height === summary.final["miner-1"].height,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
