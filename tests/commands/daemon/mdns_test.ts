/**
 * mDNS discovery for real: multicast never leaves loopback, so two network namespaces joined by a
 * veth pair play two hosts on one LAN. Each runs `hive daemon` with mDNS on (the default) and no
 * bootstrap; they must find and connect to each other, then carry a gossipsub message.
 * Needs root for `ip netns` (the CI machines run tests as root).
 */
import { equal, ok } from "@std/assert";
import { hiveArgv, lines, startDaemon } from "./_daemon.ts";
import { deadline } from "../../_helpers.ts";

const _decoder = new TextDecoder();

async function _ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `ip ${args.join(" ")} failed (mDNS test needs root): ${_decoder.decode(out.stderr).trim()}`,
    );
  }
}

/** Two namespaces on one /24 over a veth pair; returns their names and a cleanup. */
async function _lan(): Promise<{ hosts: [string, string]; remove(): Promise<void> }> {
  const tag = `${Deno.pid % 10000}${Math.floor(Math.random() * 1000)}`;
  const hosts: [string, string] = [`hive-a${tag}`, `hive-b${tag}`];
  const links = [`hva${tag}`, `hvb${tag}`];
  const remove = async () => {
    for (const ns of hosts) await _ip("netns", "del", ns).catch(() => {});
  };
  try {
    for (const ns of hosts) await _ip("netns", "add", ns);
    await _ip("link", "add", links[0], "type", "veth", "peer", "name", links[1]);
    for (let i = 0; i < 2; i++) {
      await _ip("link", "set", links[i], "netns", hosts[i]);
      await _ip("-n", hosts[i], "addr", "add", `10.77.0.${i + 1}/24`, "dev", links[i]);
      await _ip("-n", hosts[i], "link", "set", links[i], "up");
      await _ip("-n", hosts[i], "link", "set", "lo", "up");
      // Multicast sends need a route, as on any LAN host.
      await _ip("-n", hosts[i], "route", "add", "default", "dev", links[i]);
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { hosts, remove };
}

/** `hive ARGS` inside namespace `ns`, to completion. */
async function _hiveIn(ns: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command("ip", {
    args: ["netns", "exec", ns, ...hiveArgv(...args)],
    stdout: "piped",
    stderr: "null",
  }).output();
  return { code: out.code, stdout: _decoder.decode(out.stdout) };
}

async function _peersOf(ns: string, dataDir: string): Promise<string[]> {
  const { code, stdout } = await _hiveIn(ns, "daemon", "peers", "--data-dir", dataDir, "--json");
  if (code !== 0) return [];
  return (JSON.parse(stdout) as { peer_id: string }[]).map((p) => p.peer_id);
}

async function _until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

Deno.test("mDNS: daemons on two LAN hosts find each other without bootstrap and exchange messages", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-mdns-" });
  const lan = await _lan();
  const [nsA, nsB] = lan.hosts;
  const daemons: Awaited<ReturnType<typeof startDaemon>>[] = [];
  let subscriber: Deno.ChildProcess | undefined;
  try {
    for (const [i, ns] of lan.hosts.entries()) {
      daemons.push(
        await startDaemon({
          dataDir: `${root}/${i}`,
          prefix: ["ip", "netns", "exec", ns],
          args: ["--mdns", "--p2p-listen", "/ip4/0.0.0.0/tcp/0"],
        }),
      );
    }
    const [a, b] = daemons;
    await _until(
      "A connected to B",
      async () => (await _peersOf(nsA, a.dataDir)).includes(b.info.peer_id),
    );
    await _until(
      "B connected to A",
      async () => (await _peersOf(nsB, b.dataDir)).includes(a.info.peer_id),
    );
    const viaLan = JSON.parse(
      (await _hiveIn(nsA, "daemon", "peers", "--data-dir", a.dataDir, "--json")).stdout,
    ) as {
      addrs: string[];
    }[];
    ok(viaLan[0].addrs.some((addr) => addr.startsWith("/ip4/10.77.0.2/")), JSON.stringify(viaLan));

    subscriber = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        nsB,
        ...hiveArgv("daemon", "subscribe", "lan", "--data-dir", b.dataDir, "--json"),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const received = lines(subscriber.stdout);
    await _until("a publish that reaches B", async () => {
      const sent = await _hiveIn(
        nsA,
        "daemon",
        "publish",
        "lan",
        "over the LAN",
        "--data-dir",
        a.dataDir,
        "--json",
      );
      return sent.code === 0 && (JSON.parse(sent.stdout) as { recipients: number }).recipients > 0;
    });
    const first = await deadline(received.next(), 30_000, "the LAN message at the subscriber");
    const message = JSON.parse(first.value!) as { message: string; from: string };
    equal(message.message, "over the LAN");
    equal(message.from, a.info.peer_id);
  } finally {
    if (subscriber) {
      try {
        subscriber.kill("SIGINT");
      } catch { /* already gone */ }
      await deadline(subscriber.status, 15_000, "the subscriber to exit on SIGINT");
      await subscriber.stdout.cancel().catch(() => {});
    }
    for (const d of daemons) await d.stop();
    await lan.remove();
    await Deno.remove(root, { recursive: true });
  }
});
