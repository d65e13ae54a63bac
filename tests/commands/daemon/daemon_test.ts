/**
 * Two real daemons (child processes) on loopback: bootstrap, pub/sub with text and binary
 * payloads, peer events, identity persistence, SIGTERM, and one instance per identity.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { IpcClient } from "../../../core/ipc/mod.ts";
import { readTokenFile } from "../../../core/ipc/token.ts";
import type { DaemonEvent, Reply } from "../../../adapters/p2p/ipc_protocol.ts";

type MessageReceivedEvent = DaemonEvent<"message_received">;
type StatusReply = Reply<"status">;
import { isProcessAlive } from "../../../core/lock.ts";
import { PARENT_PID_ENV } from "../../../core/supervisor.ts";
import { type DaemonChild, hiveArgv, lines, runHive, startDaemon } from "./_daemon.ts";
import { deadline as withDeadline } from "../../_helpers.ts";

async function _client(d: DaemonChild): Promise<IpcClient> {
  return await IpcClient.connect({
    url: d.info.ipc_url,
    token: await readTokenFile(d.info.token_file),
  });
}

/** Events of one kind a client received. */
function _collect<T>(client: IpcClient, event: string): T[] {
  const got: T[] = [];
  client.on(event, (data) => got.push(data as T));
  return got;
}

async function _until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("two daemons: bootstrap, pub/sub text and binary, peer events", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-" });
  let a: DaemonChild | undefined;
  let b: DaemonChild | undefined;
  const clients: IpcClient[] = [];
  try {
    a = await startDaemon({ dataDir: `${root}/a` });
    const ca = await _client(a);
    clients.push(ca);
    const connected = _collect<{ peer_id: string; addr: string }>(ca, "peer_connected");
    const disconnected = _collect<{ peer_id: string }>(ca, "peer_disconnected");
    const subChanges = _collect<{ peer_id: string; topic: string; subscribed: boolean }>(
      ca,
      "subscription_change",
    );

    b = await startDaemon({ dataDir: `${root}/b`, args: ["--bootstrap", a.info.addrs[0]] });
    const cb = await _client(b);
    clients.push(cb);
    const bId = b.info.peer_id;
    await _until("peer_connected on A", () => connected.some((e) => e.peer_id === bId));
    match(connected.find((e) => e.peer_id === bId)!.addr, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);

    const received = _collect<MessageReceivedEvent>(cb, "message_received");
    deepEqual(await cb.request("subscribe", { topic: "chat" }), { topic: "chat" });
    deepEqual(await cb.request("list_topics"), { topics: ["chat"] });
    await _until(
      "A sees B's subscription",
      () => subChanges.some((e) => e.peer_id === bId && e.topic === "chat" && e.subscribed),
    );
    await _until("B listed as a chat subscriber", async () => {
      const { peers } = await ca.request<{ peers: { peer_id: string }[] }>("list_peers", {
        topic: "chat",
      });
      return peers.some((p) => p.peer_id === bId);
    });

    const text = await ca.request<{ topic: string; recipients: number }>("publish", {
      topic: "chat",
      message: "héllo mesh ✓",
    });
    deepEqual(text, { topic: "chat", recipients: 1 });
    const bytes = Uint8Array.of(0, 1, 2, 0xff, 0xfe);
    const b64 = btoa(String.fromCharCode(...bytes));
    await ca.request("publish", { topic: "chat", data_b64: b64 });
    await _until("two messages on B", () => received.length >= 2);
    equal(received[0].message, "héllo mesh ✓");
    equal(received[0].data_b64, undefined);
    equal(received[0].from, a.info.peer_id);
    equal(received[0].topic, "chat");
    match(received[0].seqno, /^\d+$/);
    ok(!Number.isNaN(Date.parse(received[0].received_at)));
    equal(received[1].data_b64, b64);
    equal(received[1].message, undefined);
    ok(BigInt(received[1].seqno) > BigInt(received[0].seqno));

    const status = await cb.request<StatusReply>("status");
    equal(status.peer_id, bId);
    equal(status.peers, 1);
    deepEqual(status.topics, ["chat"]);
    equal(status.clients, 1);
    equal(status.queue_drops, 0);

    const pong = await ca.request<{ peer: string; rtt_ms: number }>("ping", { peer: bId });
    equal(pong.peer, bId);
    ok(pong.rtt_ms >= 0);

    // Unsubscribing the last client unsubscribes the node: A sees it go.
    await cb.request("unsubscribe", { topic: "chat" });
    deepEqual(await cb.request("list_topics"), { topics: [] });
    await _until(
      "A sees B unsubscribe",
      () => subChanges.some((e) => e.peer_id === bId && e.topic === "chat" && !e.subscribed),
    );

    cb.close();
    const stopped = await b.stop();
    equal(stopped.code, 0);
    await _until("peer_disconnected on A", () => disconnected.some((e) => e.peer_id === bId));
  } finally {
    for (const c of clients) c.close();
    await b?.stop();
    await a?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("identity file keeps the peer id across restarts; token and key are 0600", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-" });
  let d: DaemonChild | undefined;
  try {
    const identity = `${root}/keys/node.key`;
    d = await startDaemon({ dataDir: `${root}/data`, args: ["--identity", identity] });
    const first = d.info.peer_id;
    equal(d.info.token_file, `${root}/keys/ipc.token`);
    equal((await Deno.stat(identity)).mode! & 0o777, 0o600);
    equal((await Deno.stat(d.info.token_file)).mode! & 0o777, 0o600);
    const announced = JSON.parse(await Deno.readTextFile(`${root}/data/daemon.json`));
    deepEqual(announced, d.info);
    equal((await d.stop()).code, 0);
    await Deno.stat(`${root}/data/daemon.json`).then(
      () => Promise.reject(new Error("daemon.json should be removed on stop")),
      () => {},
    );
    d = await startDaemon({ dataDir: `${root}/data`, args: ["--identity", identity] });
    equal(d.info.peer_id, first);
  } finally {
    await d?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("SIGTERM and SIGINT stop the daemon with exit 0 quickly", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-" });
  try {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const d = await startDaemon({ dataDir: `${root}/${signal}` });
      const c = await _client(d);
      await c.request("subscribe", { topic: "t" });
      c.close();
      const { code, ms } = await d.stop(signal);
      equal(code, 0, `${signal}: exit code`);
      // The daemon's own deadline is 1.8 s; the margin absorbs a loaded CI machine.
      ok(ms < 5000, `${signal}: exited after ${ms.toFixed(0)} ms`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a supervised daemon leaves Ctrl-C to its parent and stops on SIGTERM", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-" });
  // This test process is the parent, as `hive host` is for the daemon it supervises.
  const d = await startDaemon({
    dataDir: `${root}/data`,
    env: { [PARENT_PID_ENV]: String(Deno.pid) },
  });
  try {
    d.process.kill("SIGINT");
    await _until(
      "the daemon logged SIGINT as left to its parent",
      () => d.stderr().includes("SIGINT left to the supervising parent"),
    );
    const c = await _client(d);
    const status = await c.request("status", {}) as Reply<"status">;
    equal(status.peer_id, d.info.peer_id, "still serving after SIGINT");
    c.close();
    equal((await d.stop("SIGTERM")).code, 0);
  } finally {
    await d.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a second daemon on the same identity is refused, naming pid and lock", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-" });
  let d: DaemonChild | undefined;
  try {
    const identity = `${root}/id.key`;
    d = await startDaemon({ dataDir: `${root}/one`, args: ["--identity", identity] });
    const second = await runHive([
      "daemon",
      "--data-dir",
      `${root}/two`,
      "--identity",
      identity,
      "--no-mdns",
      "--p2p-listen",
      "/ip4/127.0.0.1/tcp/0",
    ]);
    equal(second.code, 1);
    equal(second.stdout, "");
    ok(second.stderr.includes(`pid ${d.info.pid}`), second.stderr);
    ok(second.stderr.includes(`${identity}.lock`), second.stderr);
    // The first one is unharmed.
    const c = await _client(d);
    equal((await c.request<{ peer_id: string }>("get_peer_id")).peer_id, d.info.peer_id);
    c.close();
  } finally {
    await d?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a supervised daemon exits when its parent dies (HIVE_PARENT_PID)", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-" });
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const argv = hiveArgv(
    "daemon",
    "--json",
    "--data-dir",
    root,
    "--no-mdns",
    "--p2p-listen",
    "/ip4/127.0.0.1/tcp/0",
  );
  // The shell plays the supervisor: it starts the daemon with its own pid, then is SIGKILLed,
  // which no parent-side code can react to.
  const shell = new Deno.Command("sh", {
    args: ["-c", `HIVE_PARENT_PID=$$ ${argv.map(quote).join(" ")} & wait`],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let daemonPid = 0;
  try {
    const out = lines(shell.stdout);
    const first = await withDeadline(out.next(), 30_000, "the daemon's ready line");
    ok(!first.done, "daemon printed its ready line");
    daemonPid = (JSON.parse(first.value as string) as { pid: number }).pid;
    ok(await isProcessAlive(daemonPid));
    shell.kill("SIGKILL");
    await shell.status;
    const deadline = Date.now() + 15_000;
    while (await isProcessAlive(daemonPid) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    equal(await isProcessAlive(daemonPid), false, "the orphaned daemon stopped");
    await Deno.stat(`${root}/identity.key.lock`).then(
      () => Promise.reject(new Error("lock should be released")),
      () => {},
    );
    await out.return(undefined);
  } finally {
    try {
      shell.kill("SIGKILL");
    } catch { /* gone */ }
    if (daemonPid && await isProcessAlive(daemonPid)) Deno.kill(daemonPid, "SIGKILL");
    await shell.status;
    await Deno.remove(root, { recursive: true });
  }
});
