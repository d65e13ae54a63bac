/**
 * A local monerod's command line without running it: the engine's own flags, the scenario's
 * winning by name, seeds kept as priority nodes in dynamic mode, and the way out (itself as
 * exclusive node, or the SOCKS gate) chosen by what the node would otherwise dial.
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  localMonerodArgs,
  seedPriorityFlags,
} from "../../../../adapters/engine/local/daemon_args.ts";
import { LocalOutbound } from "../../../../adapters/engine/local/outbound.ts";
import type { LocalHostPlacement } from "../../../../adapters/engine/local/options.ts";
import type { PeerMode, SimHost, SimModel } from "../../../../adapters/engine/types.ts";

function _host(name: string, ip: string, peers: string[], daemonArgs: string[] = []): SimHost {
  return {
    name,
    kind: "observer",
    region: "default",
    ip,
    p2pPort: 41010,
    rpcPort: 41011,
    hashrate: 0,
    startTimeS: 0,
    bandwidthUpBps: 1e8,
    bandwidthDownBps: 1e8,
    daemonArgs,
    peers,
  };
}

function _setup(peerMode: PeerMode, extra: string[] = []) {
  const hosts = [_host("a", "127.0.53.2", []), _host("b", "127.0.53.3", ["a"], extra)];
  const model: SimModel = {
    name: "args",
    seed: 1,
    stopTimeS: 60,
    bootstrapEndTimeS: 0,
    parallelism: 1,
    peerMode,
    hosts,
    edges: [],
    attacks: [],
  };
  const placements: LocalHostPlacement[] = hosts.map((h) => ({
    name: h.name,
    kind: h.kind,
    ip: h.ip,
    p2pPort: h.p2pPort,
    rpcPort: h.rpcPort,
    rpcUrl: `http://${h.ip}:${h.rpcPort}`,
    dir: `/runs/x/hosts/${h.name}`,
  }));
  return { model, placements, out: new LocalOutbound({ placements }) };
}

const _named = (args: string[], name: string) => args.filter((f) => f.startsWith(`${name}=`));

Deno.test("seedPriorityFlags: a priority twin per seed node, nothing else", () => {
  deepEqual(
    seedPriorityFlags(["--seed-node=127.0.0.2:1", "--add-peer=127.0.0.3:2", "--seed-node"]),
    [
      "--add-priority-node=127.0.0.2:1",
    ],
  );
});

Deno.test("localMonerodArgs: dynamic keeps seeds as priority nodes behind the gate", async () => {
  const { model, placements, out } = _setup("dynamic");
  try {
    const b = localMonerodArgs(model.hosts[1], model, placements[1], out);
    deepEqual(_named(b, "--seed-node"), ["--seed-node=127.0.53.2:41010"]);
    deepEqual(_named(b, "--add-priority-node"), ["--add-priority-node=127.0.53.2:41010"]);
    equal(_named(b, "--proxy").length, 1, "peers and no exclusive node: gated");
    ok(b.includes("--log-file=/runs/x/hosts/b/monerod.log"));
    ok(b.includes("--max-connections-per-ip=64"));
    // a has no peers: itself as exclusive node, so no gate.
    const a = localMonerodArgs(model.hosts[0], model, placements[0], out);
    deepEqual(_named(a, "--add-exclusive-node"), ["--add-exclusive-node=127.0.53.2:41010"]);
    equal(_named(a, "--proxy").length, 0);
    equal(out.record().gated_hosts, 1);
  } finally {
    await out.close();
  }
});

Deno.test("localMonerodArgs: hardcoded needs no gate; the scenario's flags win", async () => {
  const { model, placements, out } = _setup("hardcoded", ["--max-connections-per-ip=3"]);
  try {
    const b = localMonerodArgs(model.hosts[1], model, placements[1], out);
    deepEqual(_named(b, "--add-exclusive-node"), ["--add-exclusive-node=127.0.53.2:41010"]);
    deepEqual(_named(b, "--max-connections-per-ip"), ["--max-connections-per-ip=3"]);
    equal(_named(b, "--add-priority-node").length, 0);
    equal(_named(b, "--proxy").length, 0);
    // A lone host runs offline.
    const lone = { ...model, hosts: [model.hosts[0]] };
    ok(localMonerodArgs(lone.hosts[0], lone, placements[0], out).includes("--offline"));
    equal(out.record().gated_hosts, 0);
  } finally {
    await out.close();
  }
});
