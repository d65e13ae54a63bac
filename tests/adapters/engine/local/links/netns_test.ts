/**
 * The namespace path without monerod. On a machine the test describes (not root, a tool
 * missing, a kernel without a piece, too many hosts): `--links netns` is refused
 * naming what is missing, `auto` falls back to the relays and says why. On this machine (root):
 * the namespaces, veths and bridge of a run are made and removed, and those of a SIGKILLed run
 * are removed by its reaper, or by the next run when there was no reaper.
 */
import { deepEqual, equal, match, ok, rejects } from "@std/assert";
import { ConfigError } from "../../../../../core/errors.ts";
import {
  decideLinks,
  probeNetem,
  startLinks,
} from "../../../../../adapters/engine/local/links/mod.ts";
import {
  listFabrics,
  netnsAddress,
  NetnsFabric,
  netnsNames,
  netnsRunId,
  planNetns,
  releaseClaims,
  removeFabric,
  sweepFabrics,
  usedPrefixes,
} from "../../../../../adapters/engine/local/links/netns.ts";
import type { NetnsEnv } from "../../../../../adapters/engine/local/links/netns.ts";
import type { SimModel } from "../../../../../adapters/engine/types.ts";
import { deadline, MAIN_MODULE } from "../../../../_helpers.ts";
import { netnsLeftovers, testHost, testModel } from "../../_sim_model.ts";

/** A machine as the namespace path sees it, answering `ip` from the given text. */
function _machine(o: {
  uid?: number | null;
  missing?: string[];
  kernel?: string;
  routes?: string;
} = {}): NetnsEnv {
  return {
    uid: () => o.uid === undefined ? 0 : o.uid,
    alive: () => true,
    claimDir: null,
    run(cmd, args) {
      if (o.missing?.includes(cmd)) return Promise.reject(new Deno.errors.NotFound(cmd));
      const ok = (stdout = "") => Promise.resolve({ code: 0, stdout, stderr: "" });
      if (cmd === "unshare" && args[0] === "-n") {
        return o.kernel
          ? Promise.resolve({ code: 2, stdout: "", stderr: `${o.kernel}\nmore` })
          : ok();
      }
      if (cmd === "ip" && args.includes("route")) return ok(o.routes ?? "");
      if (cmd === "ip" && args.includes("addr")) {
        return ok("1: lo    inet 127.0.0.1/8 scope host lo\n2: eth0    inet 192.0.2.2/24 brd x");
      }
      return ok(); // `-V`, `netns list`, `link show`: nothing of ours
    },
  };
}

function _model(hosts: number, peerMode: SimModel["peerMode"] = "hardcoded"): SimModel {
  const all = Array.from({ length: hosts }, (_, i) => testHost(`h${i}`));
  return testModel(all, {
    name: "netns",
    peerMode,
    edges: [{ a: "h0", b: "h1", latencyMs: 30, packetLoss: 0 }],
  });
}

async function _refused(env: NetnsEnv, model: SimModel, expected: RegExp): Promise<void> {
  await rejects(decideLinks({ model, mode: "netns", env }), (error: Error) => {
    ok(error instanceof ConfigError, String(error));
    equal((error as ConfigError).exitCode, 2, "a usage error: exit 2");
    match(error.message, expected);
    return true;
  });
}

Deno.test("netns: --links netns is refused naming what is missing; auto takes the relays", async () => {
  const model = _model(2);
  await _refused(
    _machine({ uid: 1000 }),
    model,
    /^--links netns: needs root \(running as uid 1000\)/,
  );
  await _refused(_machine({ uid: null }), model, /needs root \(running as uid unknown\)/);
  await _refused(_machine({ missing: ["ip"] }), model, /`ip` not found on PATH .*iproute2/);
  await _refused(_machine({ missing: ["tc"] }), model, /`tc` not found on PATH/);
  await _refused(
    _machine({ kernel: "Error: Specified qdisc kind is unknown." }),
    model,
    /kernel lacks .*\(veth, bridge, htb, tbf, u32\): Error: Specified qdisc kind is unknown\.$/,
  );
  // Root without the capability (a default container): said so, not blamed on the kernel.
  await _refused(
    _machine({ kernel: "RTNETLINK answers: Operation not permitted" }),
    model,
    /needs CAP_NET_ADMIN .*--cap-add NET_ADMIN.*: RTNETLINK answers: Operation not permitted$/,
  );
  await _refused(
    _machine({ kernel: "unshare: unshare failed: Operation not permitted" }),
    model,
    /needs CAP_SYS_ADMIN .*--cap-add SYS_ADMIN/,
  );
  await _refused(_machine(), _model(126), /at most 125 hosts .* the scenario has 126/);
  // Attacks ban relayed peers by their relay alias too (`LocalLinks.aliases`): not refused.
  const attacked: SimModel = {
    ...model,
    attacks: [{ kind: "partition", groupA: ["h0"], groupB: ["h1"], startS: 1, endS: 2 }],
  };
  equal((await decideLinks({ model: attacked, mode: "netns", env: _machine() })).path, "netns");
  // Peers learnt from peer lists are dialled at addresses the relays serve: not refused.
  for (const mode of ["dynamic", "hybrid"] as const) {
    equal(
      (await decideLinks({ model: _model(2, mode), mode: "netns", env: _machine() })).path,
      "netns",
    );
  }

  // auto: the same machines fall back to the relays, and the record says why.
  const auto = await decideLinks({ model, mode: "auto", env: _machine({ uid: 1000 }) });
  equal(auto.path, "relay");
  match(auto.notNetns!, /needs root/);
  const links = await startLinks({ model, placements: [], decision: auto });
  equal(links.record().path, "relay");
  match(links.record().message, /^no namespaces \(needs root \(running as uid 1000\)\); /);
  // Asked for relays or ideal links, nothing is probed for namespaces.
  equal((await decideLinks({ model, mode: "relay", env: _machine({ uid: 1000 }) })).path, "relay");
  equal((await decideLinks({ model, mode: "ideal", env: _machine({ uid: 1000 }) })).path, "ideal");
});

Deno.test("netns: a run takes a /24 of 10.213.0.0/16 that nothing on the machine uses", async () => {
  const model = _model(3);
  const env = _machine({ routes: "10.213.0.0/17 dev other scope link\ndefault via 192.0.2.1" });
  const decision = await decideLinks({ model, mode: "netns", env });
  equal(decision.path, "netns");
  const plan = decision.netns!;
  const third = Number(plan.subnet.split(".")[2]);
  ok(plan.subnet.startsWith("10.213.") && third >= 128, plan.subnet);
  equal(netnsAddress(plan, 2), `${plan.subnet}.4`);
  await rejects(
    planNetns(2, _machine({ routes: "10.0.0.0/8 dev x" }), "abcdefg"),
    /no free \/24 in 10\.213\.0\.0\/16/,
  );
  deepEqual(usedPrefixes("10.213.4.1/24 and 10.213.9.7 default"), [
    { base: (10 << 24) + (213 << 16) + (4 << 8) + 1, bits: 24 },
    { base: (10 << 24) + (213 << 16) + (9 << 8) + 7, bits: 32 },
  ]);
  // Names: the owner's pid in base 36, then two random digits; all within IFNAMSIZ.
  const id = netnsRunId(4_194_303, () => 0.5);
  equal(id, "2hwcf" + "i0");
  equal(parseInt(id.slice(0, 5), 36), 4_194_303);
  ok(netnsNames.hostVeth(id, 124).length <= 15 && netnsNames.bridge(id).length <= 15);
  await rejects(
    NetnsFabric.create({ plan: { ...plan, id: "../etc" }, hosts: [], edges: [], leaf: "tbf" }),
    /netns run id: expected 7 of \[0-9a-z\], got "\.\.\/etc"/,
  );
});

Deno.test("netns: runs planning at once claim different subnets; a dead owner's claim is taken", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive_netns_claims_" });
  try {
    let alive = true;
    const env = { ..._machine(), claimDir: dir, alive: () => alive };
    // The same id starts the search at the same subnet: the second run must go past it.
    const [a, b] = await Promise.all([
      planNetns(2, env, "0000aaa"),
      planNetns(2, env, "0000aaa"),
    ]);
    ok(a.subnet !== b.subnet, `${a.subnet} vs ${b.subnet}`);
    equal(Deno.readTextFileSync(`${dir}/${a.subnet}`), "0000aaa");
    alive = false; // the owner died: its claim is free again, for the same subnet
    const c = await planNetns(2, env, "0000aaa");
    equal(c.subnet, a.subnet);
    deepEqual(releaseClaims(env, "0000aaa").length, 2, "both claims of the live id go");
    deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const _root = Deno.uid() === 0;

/**
 * A process that builds a two-host fabric under its own pid, optionally starts a reaper for it
 * (as a local run does), prints the run id, and waits to be killed.
 */
function _owner(dir: string, reaper: boolean): { child: Deno.ChildProcess; id: Promise<string> } {
  const netns = new URL("../../../../../adapters/engine/local/links/netns.ts", import.meta.url);
  const reaperFile = new URL("../../../../../adapters/engine/local/reaper.ts", import.meta.url);
  const code = `
    import { NetnsFabric, planNetns } from "${netns.href}";
    import { writeChildrenFile } from "${reaperFile.href}";
    const plan = await planNetns(2);
    writeChildrenFile("${dir}/children.json", [], plan.id);
    if (${reaper}) {
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", "${MAIN_MODULE}", "sim", "agent", "reaper",
          "--children", "${dir}/children.json", "--parent", String(Deno.pid)],
        env: { HIVE_LOG_FILE: "${dir}/reaper.log" },
        stdin: "null", stdout: "null", stderr: "null",
      }).spawn();
    }
    await NetnsFabric.create({ plan, hosts: [{ upBps: 1e8, downBps: 1e8 }, { upBps: 0, downBps: 0 }],
      edges: [{ a: 0, b: 1, shape: { latencyMs: 10 } }], leaf: "tbf" });
    console.log(plan.id);
    setInterval(() => {}, 1000);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const id = (async () => {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    return (value ?? "").trim();
  })();
  id.catch(() => {});
  return { child, id };
}

Deno.test({
  name: "netns: a run's fabric paces a link through its classes and leaves nothing when removed",
  ignore: !_root,
  async fn() {
    const plan = await planNetns(2);
    const fabric = await NetnsFabric.create({
      plan,
      // Host 0 sends at 4 Mbit/s: 100 kB take at least 200 ms on its link to host 1.
      hosts: [{ upBps: 4e6, downBps: 1e8 }, { upBps: 1e8, downBps: 1e8 }],
      edges: [{ a: 0, b: 1, shape: { latencyMs: 10 } }],
      leaf: "tbf",
    });
    try {
      ok((await listFabrics()).has(plan.id));
      // The engine (root namespace) reaches host 1 through the bridge; host 0 reaches host 1.
      const serve = new Deno.Command("ip", {
        args: [
          ...["netns", "exec", netnsNames.namespace(plan.id, 1), Deno.execPath(), "eval"],
          `const l = Deno.listen({ hostname: "${netnsAddress(plan, 1)}", port: 9000 });
           const ms = [];
           for (let i = 0; i < 2; i++) { const c = await l.accept(); const b = new Uint8Array(65536);
             let t0 = 0, n = 0, r; while ((r = await c.read(b)) !== null) { t0 ||= performance.now();
             n += r; } ms.push([n, performance.now() - t0]); c.close(); }
           console.log(JSON.stringify(ms));`,
        ],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      try {
        const send = async (argv: string[]) => {
          const out = await new Deno.Command(argv[0], { args: argv.slice(1), stderr: "piped" })
            .output();
          ok(out.success, new TextDecoder().decode(out.stderr));
        };
        const script = `let c; for (let i = 0; i < 100 && !c; i++) { try { c = await Deno.connect(
          { hostname: "${netnsAddress(plan, 1)}", port: 9000 }); } catch {
          await new Promise((r) => setTimeout(r, 50)); } }
          const data = new Uint8Array(100000); let off = 0;
          while (off < data.length) off += await c.write(data.subarray(off)); c.close();`;
        await deadline(send([Deno.execPath(), "eval", script]), 20_000, "from the root namespace");
        await deadline(
          send(fabric.wrap(0, [Deno.execPath(), "eval", script])),
          20_000,
          "from host 0",
        );
        const out = await deadline(serve.output(), 20_000, "server");
        const [fromRoot, fromHost0] = JSON.parse(new TextDecoder().decode(out.stdout));
        equal(fromRoot[0], 100_000);
        equal(fromHost0[0], 100_000);
        // A lower bound only: a loaded machine makes it slower, never faster.
        ok(fromHost0[1] >= 150, `host 0's 100 kB at 4 Mbit/s took ${fromHost0[1]} ms`);
      } finally {
        try {
          serve.kill("SIGKILL");
        } catch { /* ended */ }
        await serve.status;
      }
      const counters = await fabric.counters();
      equal(counters.classes, 4);
      ok(counters.bytes_up >= 100_000, `host 0's class to host 1: ${JSON.stringify(counters)}`);
      // Host 1 receives from host 0 (a class) and from the engine (no class).
      ok(counters.bytes_down >= 100_000 && counters.bytes_down < 150_000, JSON.stringify(counters));
    } finally {
      await fabric.remove();
    }
    deepEqual(await netnsLeftovers(plan.id), []);
    deepEqual(fabric.lastCounters.classes, 4, "the last counters stay readable");
    if (!(await probeNetem()).available) {
      // A failure halfway (here: a netem leaf on a kernel without it) removes what was made.
      const failing = await planNetns(2);
      await rejects(
        NetnsFabric.create({
          plan: failing,
          hosts: [{ upBps: 1e8, downBps: 1e8 }, { upBps: 1e8, downBps: 1e8 }],
          edges: [{ a: 0, b: 1, shape: { latencyMs: 10 } }],
          leaf: "netem",
        }),
        /tc -n hv\w+-0 -batch: .*qdisc kind is unknown/s,
      );
      deepEqual(await netnsLeftovers(failing.id), []);
    }
  },
});

Deno.test({
  name: "netns: a SIGKILLed run's fabric is removed by its reaper, or by the next run's sweep",
  ignore: !_root,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hive_netns_kill_" });
    const reaped = _owner(`${dir}`, true);
    await Deno.mkdir(`${dir}/b`);
    const swept = _owner(`${dir}/b`, false);
    const ids: string[] = [];
    try {
      ids.push(await deadline(reaped.id, 30_000, "owner with reaper"));
      ids.push(await deadline(swept.id, 30_000, "owner without reaper"));
      for (const id of ids) ok((await netnsLeftovers(id)).length >= 6, `fabric ${id} built`);
      reaped.child.kill("SIGKILL");
      swept.child.kill("SIGKILL");
      await Promise.all([reaped.child.status, swept.child.status]);
      // The reaper notices its parent is gone and removes the fabric named in children.json.
      const end = Date.now() + 30_000;
      // Bounded by the deadline; one look per 200 ms.
      while (Date.now() < end && (await netnsLeftovers(ids[0])).length > 0) {
        await new Promise((r) => setTimeout(r, 200));
      }
      deepEqual(await netnsLeftovers(ids[0]), [], "the reaper removed its run's fabric");
      ok((await netnsLeftovers(ids[1])).length > 0, "no reaper: still there");
      const gone = await sweepFabrics();
      ok(gone.includes(ids[1]), `swept ${gone}`);
      deepEqual(await netnsLeftovers(ids[1]), []);
      match(await Deno.readTextFile(`${dir}/reaper.log`), new RegExp(ids[0]));
    } finally {
      for (const o of [reaped, swept]) {
        try {
          o.child.kill("SIGKILL");
        } catch { /* gone */ }
        await o.child.status;
      }
      // A failed step must not leave the fabrics behind either.
      for (const id of ids) await removeFabric(id);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("netns: auto leaves the machine's interfaces alone when netem would not carry the links", async () => {
  const decision = await decideLinks({ model: _model(3), mode: "auto", env: _machine() });
  if ((await probeNetem()).available) {
    equal(decision.path, "netns");
  } else {
    equal(decision.path, "relay");
    match(decision.notNetns!, /^netem is not available \(.+\); --links netns adds/);
    const links = await startLinks({ model: _model(3), placements: [], decision });
    const message = links.record().message;
    equal(message.split("netem is not available").length, 2, `said once: ${message}`);
  }
});
