/**
 * A monerod with no peer to dial falls back to Monero's public seed nodes (DNS, then hard-coded
 * IPs) unless it has an exclusive node or is offline: `selfExclusiveFlags` gives such a host
 * itself as its exclusive node. Checked on the flags, and on a real monerod run under strace:
 * it connects to loopback only, and still takes an inbound peer and syncs its block.
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  LOCAL_DNS_ENV,
  monerodArgs,
  selfExclusiveFlags,
} from "../../../adapters/engine/monerod.ts";
import type { PeerMode, SimHost, SimModel } from "../../../adapters/engine/types.ts";
import { placeHosts } from "../../../adapters/engine/local/engine.ts";
import { LocalChild } from "../../../adapters/engine/local/proc.ts";
import { LocalOutbound } from "../../../adapters/engine/local/outbound.ts";
import { localMonerodArgs } from "../../../adapters/engine/local/daemon_args.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { createLogger } from "../../../core/logger.ts";
import { readProcFile } from "../../_helpers.ts";
import { testHost, testModel } from "./_sim_model.ts";

function _host(name: string, ip: string, peers: string[], daemonArgs: string[] = []): SimHost {
  return testHost(name, { kind: "miner", ip, peers, daemonArgs });
}

function _model(hosts: SimHost[], peerMode: PeerMode = "hardcoded"): SimModel {
  return testModel(hosts, { name: "loopback", stopTimeS: 60, peerMode });
}

const _MODES: PeerMode[] = ["hardcoded", "hybrid", "dynamic"];

Deno.test("selfExclusiveFlags: a host with no peers gets itself as its exclusive node", () => {
  const lone = _host("a", "127.0.0.2", []);
  for (const peerMode of _MODES) {
    const args = monerodArgs(lone, _model([lone], peerMode), { dataDir: "/d", peerMode });
    deepEqual(selfExclusiveFlags(lone, args), ["--add-exclusive-node=127.0.0.2:18080"], peerMode);
  }
});

Deno.test("selfExclusiveFlags: none for a host that names a peer or runs offline", () => {
  const a = _host("a", "127.0.0.2", ["b"]);
  const b = _host("b", "127.0.0.3", []);
  for (const peerMode of _MODES) {
    const args = monerodArgs(a, _model([a, b], peerMode), { dataDir: "/d", peerMode });
    deepEqual(selfExclusiveFlags(a, args), [], peerMode);
  }
  // Peers the scenario gives in its own flags count too, and so does --offline.
  for (const flag of ["--add-peer=127.0.0.9:1", "--seed-node=127.0.0.9:1", "--offline"]) {
    const c = _host("c", "127.0.0.4", [], [flag]);
    const args = monerodArgs(c, _model([c]), { dataDir: "/d", peerMode: "hardcoded" });
    deepEqual(selfExclusiveFlags(c, args), [], flag);
  }
  // A peer that names no host is dropped from the flags, so the host has none.
  const d = _host("d", "127.0.0.5", ["gone"]);
  const args = monerodArgs(d, _model([d]), { dataDir: "/d", peerMode: "dynamic" });
  deepEqual(selfExclusiveFlags(d, args), ["--add-exclusive-node=127.0.0.5:18080"]);
});

/** Destination addresses of the IPv4/IPv6 connect() calls strace recorded. */
function _connectTargets(trace: string): string[] {
  const out: string[] = [];
  for (const line of trace.split("\n")) {
    if (!line.includes("connect(")) continue;
    const v4 = line.match(/sin_addr=inet_addr\("([^"]+)"\)/);
    const v6 = line.match(/inet_pton\(AF_INET6, "([^"]+)"/);
    if (v4) out.push(v4[1]);
    else if (v6) out.push(v6[1]);
  }
  return out;
}

function _isLoopback(addr: string): boolean {
  return addr.startsWith("127.") || addr === "::1" || addr.startsWith("::ffff:127.");
}

/** Pids of a process's children (strace's tracee). */
async function _children(pid: number): Promise<number[]> {
  // Through `cat`: the test task's scoped permissions do not let Deno read /proc itself.
  const text = await readProcFile(pid, `task/${pid}/children`).catch(() => "");
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

Deno.test({
  name: "monerod nodes with and without peers connect to loopback only; gated ones still sync",
  async fn() {
    const logger = createLogger({ level: "error" });
    const dir = await Deno.makeTempDir({ prefix: "hive_loopback_" });
    // 127.0.41.x: no other test file uses this /24. a has no peers (dynamic mode: itself as
    // exclusive node); b dials a (hardcoded); c keeps a as priority node (hybrid) and d takes a
    // as seed node (dynamic): with peers and no exclusive node, c and d fall back to Monero's
    // public seed nodes, so they go through the engine's SOCKS gates.
    const modes: Record<string, PeerMode> = {
      a: "dynamic",
      b: "hardcoded",
      c: "hybrid",
      d: "dynamic",
    };
    const { model, placements } = placeHosts(
      _model([
        _host("a", "127.0.41.2", []),
        _host("b", "127.0.41.3", ["a"]),
        _host("c", "127.0.41.4", ["a"]),
        _host("d", "127.0.41.5", ["a"]),
      ]),
      dir,
    );
    const outbound = new LocalOutbound({ placements, logger });
    const traced = ["a", "c", "d"];
    const children = new Map<string, LocalChild>();
    const tracees = new Map<string, number[]>();
    try {
      const started = Date.now();
      for (const host of model.hosts) {
        const p = placements.find((x) => x.name === host.name)!;
        await Deno.mkdir(p.dir, { recursive: true });
        // The local engine's command line, each host in its own peer mode.
        const args = localMonerodArgs(host, { ...model, peerMode: modes[host.name] }, p, outbound);
        const argv = traced.includes(host.name)
          ? ["strace", "-f", "-qq", "-e", "trace=connect", "-o", `${dir}/${host.name}.strace`]
          : [];
        children.set(
          host.name,
          LocalChild.start({
            name: host.name,
            argv: [...argv, "monerod", ...args],
            logPath: `${p.dir}/stderr.log`,
            env: { ...LOCAL_DNS_ENV },
            logger,
          }),
        );
      }
      const rpc = Object.fromEntries(
        placements.map((p) => [p.name, new MonerodRpc({ url: p.rpcUrl, timeoutMs: 5000 })]),
      );
      // b counts as synchronised once it has its peer; until then it answers BUSY.
      let mined = false;
      // Bounded: 240 x 250 ms.
      for (let i = 0; i < 240 && !mined; i++) {
        const r = await rpc.b.generateBlocks(1, DEFAULT_MINER_ADDRESS).catch(() => undefined);
        mined = r?.status === "OK";
        if (!mined) await new Promise((r) => setTimeout(r, 250));
      }
      ok(mined, "b mined a block");
      const height = (await rpc.b.getInfo()).height;
      // d too: in dynamic mode the engine keeps its seed as a priority node (daemon_args.ts).
      for (const name of ["a", "c", "d"]) {
        let synced = false;
        for (let i = 0; i < 120 && !synced; i++) {
          synced = await rpc[name].getInfo().then((x) => x.height === height, () => false);
          if (!synced) await new Promise((r) => setTimeout(r, 250));
        }
        ok(synced, `${name} reached b's height ${height}`);
      }
      // Seeds are dialled within seconds of start; give ~10 s in all.
      const left = 10_000 - (Date.now() - started);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      for (const name of traced) {
        tracees.set(name, await _children(children.get(name)!.pid));
        equal(tracees.get(name)!.length, 1, `strace runs ${name}'s monerod`);
      }
    } finally {
      // Stop each monerod under strace first: strace then exits with it (a monerod left behind
      // would keep the child's pipes open and its stop waiting).
      for (const name of traced) {
        const child = children.get(name);
        if (!tracees.has(name) && child) tracees.set(name, await _children(child.pid));
      }
      const pids = [...tracees.values()].flat();
      for (const pid of pids) {
        try {
          Deno.kill(pid, "SIGTERM");
        } catch { /* gone */ }
      }
      await Promise.all([...children.values()].map((c) => c.stop(15_000)));
      for (const pid of pids) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone, as it should be */ }
      }
      await outbound.close();
    }
    try {
      for (const name of traced) {
        const targets = _connectTargets(await Deno.readTextFile(`${dir}/${name}.strace`));
        ok(targets.length > 0, `strace saw ${name}'s connect() calls`);
        const outside = [...new Set(targets.filter((t) => !_isLoopback(t)))];
        equal(outside.length, 0, `${name} connected outside loopback: ${outside.join(", ")}`);
      }
      // The gates did their work: c and d reached a through them and tried Monero's seed nodes,
      // which were refused (without the gates those were connect() calls to the internet).
      const record = outbound.record();
      equal(record.gated_hosts, 2, "c and d are gated, a and b are not");
      ok(record.relayed >= 2, `relayed ${record.relayed}`);
      for (const name of ["c", "d"]) {
        const refused = Object.keys(record.destinations[name] ?? {});
        ok(refused.length > 0, `${name}'s gate refused the public seed nodes`);
        ok(refused.every((d) => !_isLoopback(d)), `${name} refused only outside: ${refused}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
