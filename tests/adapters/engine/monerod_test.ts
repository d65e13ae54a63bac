/** monerod command lines: fixed regtest flags, the host's own binds, and peers by peer mode. */
import { deepEqual, equal, ok } from "@std/assert";
import {
  addEngineFlags,
  hostProcesses,
  mergeFlags,
  MONEROD_BASE_FLAGS,
  monerodArgs,
  type MonerodArgsOptions,
} from "../../../adapters/engine/monerod.ts";
import type { SimHost, SimModel } from "../../../adapters/engine/types.ts";

function _host(name: string, ip: string, peers: string[], daemonArgs: string[] = []): SimHost {
  return {
    name,
    kind: "miner",
    region: "default",
    ip,
    p2pPort: 18080,
    rpcPort: 18081,
    hashrate: 50,
    startTimeS: 0,
    bandwidthUpBps: 1e8,
    bandwidthDownBps: 1e8,
    daemonArgs,
    peers,
  };
}

const _model: SimModel = {
  name: "m",
  seed: 1,
  stopTimeS: 60,
  bootstrapEndTimeS: 0,
  parallelism: 1,
  peerMode: "hardcoded",
  hosts: [
    _host("a", "11.0.0.1", ["b", "gone"], ["--out-peers=4"]),
    _host("b", "11.0.1.1", ["a"]),
  ],
  edges: [],
  attacks: [],
};

Deno.test("monerodArgs: base flags, binds on the host's address, scenario flags last", () => {
  const args = monerodArgs(_model.hosts[0], _model, { dataDir: "d", peerMode: "hardcoded" });
  deepEqual(args.slice(0, MONEROD_BASE_FLAGS.length), [...MONEROD_BASE_FLAGS]);
  ok(args.includes("--data-dir=d"));
  ok(args.includes("--p2p-bind-ip=11.0.0.1"));
  ok(args.includes("--rpc-bind-port=18081"));
  equal(args.at(-1), "--out-peers=4");
});

Deno.test("monerodArgs: peers by mode; unknown peer names are skipped", () => {
  const peer = (peerMode: MonerodArgsOptions["peerMode"]) =>
    monerodArgs(_model.hosts[0], _model, { dataDir: "d", peerMode }).filter((a) =>
      a.includes("11.0.1.1:18080")
    );
  deepEqual(peer("hardcoded"), ["--add-exclusive-node=11.0.1.1:18080"]);
  deepEqual(peer("hybrid"), ["--add-priority-node=11.0.1.1:18080"]);
  deepEqual(peer("dynamic"), ["--seed-node=11.0.1.1:18080"]);
  const all = monerodArgs(_model.hosts[0], _model, { dataDir: "d", peerMode: "hardcoded" });
  equal(all.filter((a) => a.startsWith("--add-exclusive-node")).length, 1);
});

Deno.test("scenario daemon_args merge with hive's flags by name; the scenario's value wins", () => {
  const host = _host("a", "11.0.0.1", ["b"], [
    "--log-level=3",
    "--no-zmq",
    "--non-interactive",
    "--add-exclusive-node=11.0.9.1:18080",
    "--out-peers=8",
  ]);
  const args = monerodArgs(host, { ..._model, hosts: [host, _model.hosts[1]] }, {
    dataDir: "d",
    peerMode: "hardcoded",
  });
  const names = args.map((f) => f.split("=")[0]);
  // monerod 0.18 refuses a single-valued option given twice: each appears once.
  for (const name of ["--log-level", "--no-zmq", "--non-interactive", "--out-peers"]) {
    equal(names.filter((n) => n === name).length, 1, name);
  }
  equal(args[MONEROD_BASE_FLAGS.indexOf("--log-level=1")], "--log-level=3");
  equal(args.at(-1), "--out-peers=8");
  // Peer flags accumulate: the topology's and the scenario's.
  deepEqual(args.filter((f) => f.startsWith("--add-exclusive-node=")), [
    "--add-exclusive-node=11.0.1.1:18080",
    "--add-exclusive-node=11.0.9.1:18080",
  ]);
  deepEqual(mergeFlags(["--a=1", "--b"], ["--b", "--a=2", "--c"]), ["--a=2", "--b", "--c"]);
});

Deno.test("hostProcesses lists every process a host starts, by kind", () => {
  deepEqual(hostProcesses({ kind: "user", hashrate: 0, startTimeS: 100 }), [
    { program: "monerod", startS: 100 },
    { program: "monero-wallet-rpc", startS: 105 },
    { program: "hive sim agent user", startS: 110 },
  ]);
  deepEqual(hostProcesses({ kind: "observer", hashrate: 0, startTimeS: 3 }), [
    { program: "monerod", startS: 3 },
  ]);
  equal(
    hostProcesses({ kind: "attacker", hashrate: 5, startTimeS: 0 })[1].program,
    "hive sim agent miner",
  );
});

Deno.test("an engine's own flags yield to the scenario's of the same name", () => {
  const host = { daemonArgs: ["--log-file=/dev/stdout"] };
  deepEqual(
    addEngineFlags(["--regtest", "--log-file=/dev/stdout"], host, [
      "--log-file=/run/monerod.log",
      "--max-connections-per-ip=64",
    ]),
    ["--regtest", "--log-file=/dev/stdout", "--max-connections-per-ip=64"],
  );
});
