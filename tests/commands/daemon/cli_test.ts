/**
 * `hive daemon` and its client subcommands as a user runs them: real processes, `--json`
 * output, flag validation (exit 2) and a missing daemon (exit 1).
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { daemonCommand, resolveRunOptions } from "../../../commands/daemon/mod.ts";
import { hiveConfigSchema } from "../../../config_schema.ts";
import { loadConfig } from "../../../core/config.ts";
import { contextLoader } from "../../../core/cli.ts";
import { ConfigError, UsageError } from "../../../core/errors.ts";
import { IpcClient, readTokenFile } from "../../../core/ipc/mod.ts";
import { deadline, rejection } from "../../_helpers.ts";
import { type DaemonChild, hiveArgv, lines, runHive, startDaemon } from "./_daemon.ts";

Deno.test("client subcommands: id, status, peers, publish, subscribe, ping, connect", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-cli-" });
  let a: DaemonChild | undefined;
  let b: DaemonChild | undefined;
  let sub: Deno.ChildProcess | undefined;
  try {
    a = await startDaemon({ dataDir: `${root}/a` });
    b = await startDaemon({ dataDir: `${root}/b` });
    const A = ["--data-dir", `${root}/a`];
    const B = ["--data-dir", `${root}/b`];

    const id = await runHive(["daemon", "id", "--json", ...A]);
    equal(id.code, 0, id.stderr);
    const idDoc = JSON.parse(id.stdout);
    equal(idDoc.peer_id, a.info.peer_id);
    deepEqual(idDoc.addrs, a.info.addrs);
    ok(idDoc.protocols.includes("/meshsub/1.2.0"));

    // --url and --token-file instead of the data dir.
    const connect = await runHive([
      "daemon",
      "connect",
      a.info.addrs[0],
      "--json",
      "--url",
      b.info.ipc_url,
      "--token-file",
      b.info.token_file,
    ]);
    equal(connect.code, 0, connect.stderr);
    deepEqual(JSON.parse(connect.stdout), { peer_id: a.info.peer_id });
    const peers = JSON.parse((await runHive(["daemon", "peers", "--json", ...B])).stdout);
    deepEqual(peers.map((p: { peer_id: string }) => p.peer_id), [a.info.peer_id]);
    const ping = await runHive(["daemon", "ping", a.info.peer_id, "--json", ...B]);
    equal(ping.code, 0, ping.stderr);
    equal(JSON.parse(ping.stdout).peer, a.info.peer_id);

    const [cmd, ...args] = hiveArgv("daemon", "subscribe", "room", "--json", "--count", "2", ...B);
    sub = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
    // Wait until A knows B subscribed, so the publish has a recipient (asked over IPC
    // directly: polling with processes would be slow).
    const watch = await IpcClient.connect({
      url: a.info.ipc_url,
      token: await readTokenFile(a.info.token_file),
    });
    try {
      const deadline = Date.now() + 20_000;
      while (
        (await watch.request<{ peers: unknown[] }>("list_peers", { topic: "room" })).peers
          .length < 1
      ) {
        if (Date.now() > deadline) throw new Error("subscription never reached A");
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      watch.close();
    }
    const topicPeers = await runHive(["daemon", "peers", "--topic", "room", "--json", ...A]);
    deepEqual(JSON.parse(topicPeers.stdout).map((p: { peer_id: string }) => p.peer_id), [
      b.info.peer_id,
    ]);
    const pub = await runHive(["daemon", "publish", "room", "hi from A", "--json", ...A]);
    equal(pub.code, 0, pub.stderr);
    deepEqual(JSON.parse(pub.stdout), { topic: "room", recipients: 1 });
    const bin = await runHive(["daemon", "publish", "room", "3q2+7w==", "--base64", ...A]);
    match(bin.stdout, /published to room: 1 recipient\(s\)/);

    const got: Record<string, string>[] = [];
    const reading = (async () => {
      for await (const line of lines(sub!.stdout)) got.push(JSON.parse(line));
    })();
    await deadline(reading, 30_000, `the subscriber's 2 messages (got ${got.length})`);
    const status = await deadline(sub.status, 15_000, "the subscriber to exit");
    sub = undefined;
    equal(status.code, 0);
    equal(got.length, 2);
    equal(got[0].message, "hi from A");
    equal(got[0].from, a.info.peer_id);
    equal(got[1].data_b64, "3q2+7w==");

    const st = JSON.parse((await runHive(["daemon", "status", "--json", ...B])).stdout);
    equal(st.peer_id, b.info.peer_id);
    equal(st.peers, 1);
    deepEqual(st.topics, []);
  } finally {
    if (sub) {
      sub.kill("SIGKILL");
      await sub.status;
      await sub.stdout.cancel().catch(() => {});
    }
    await b?.stop();
    await a?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("subscribe streams until SIGINT, then exits 0", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-cli-" });
  let d: DaemonChild | undefined;
  try {
    d = await startDaemon({ dataDir: root });
    const [cmd, ...args] = hiveArgv("daemon", "subscribe", "t", "--data-dir", root);
    const sub = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
    try {
      // Once the daemon lists the topic, the subscription is in place.
      const watch = await IpcClient.connect({
        url: d.info.ipc_url,
        token: await readTokenFile(d.info.token_file),
      });
      try {
        const deadline = Date.now() + 20_000;
        while (!(await watch.request<{ topics: string[] }>("list_topics")).topics.includes("t")) {
          if (Date.now() > deadline) throw new Error("subscribe never arrived");
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        watch.close();
      }
      sub.kill("SIGINT");
      const out = await deadline(sub.output(), 15_000, "subscribe to exit on SIGINT");
      equal(out.code, 0, new TextDecoder().decode(out.stderr));
    } finally {
      try {
        sub.kill("SIGKILL");
      } catch { /* exited */ }
    }
  } finally {
    await d?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("bad flags are usage errors naming the flag and value", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-cli-" });
  try {
    const cases: [string[], RegExp][] = [
      [["--ipc-port", "abc"], /--ipc-port: expected a whole number, got "abc"/],
      [["--ipc-port", "70000"], /--ipc-port: expected integer 0\.\.65535, got 70000/],
      [
        ["--p2p-listen", "/ip4/127.0.0.1/tcp/0", "nonsense"],
        /--p2p-listen\[1\]: not a multiaddr, got "nonsense"/,
      ],
      [
        ["--bootstrap", "/ip4/127.0.0.1/tcp/4001"],
        /--bootstrap\[0\]: expected a multiaddr ending in \/p2p\/<peer-id>/,
      ],
      [["--max-connections", "0"], /--max-connections: expected integer 1\.\.100000, got 0/],
      [["publish", "", "x", "--data-dir", root], /topic: expected length >= 1/],
      [
        ["publish", "t", "***", "--base64", "--data-dir", root],
        /message: expected base64, got "\*\*\*"/,
      ],
      [["ping", "nobody", "--data-dir", root], /peer: not a peer id, got "nobody"/],
      [["id", "--url", "http://x", "--data-dir", root], /--url: expected a ws:\/\/ URL/],
      [["subscribe", "t", "--count", "0", "--data-dir", root], /--count: expected at least 1/],
      [
        ["id", "--timeout", "soon", "--data-dir", root],
        /--timeout: expected a duration with a unit, e\.g\. 500ms, 10s, 2m, got "soon"/,
      ],
      [
        ["id", "--timeout", "5000", "--data-dir", root],
        /--timeout: expected a duration with a unit/,
      ],
      [
        ["id", "--timeout", "2h", "--data-dir", root],
        /--timeout: expected a duration from 100ms to 1h/,
      ],
    ];
    for (const [args, pattern] of cases) {
      // In process: validation happens before any node starts or any socket opens.
      const error = await rejection(
        daemonCommand(contextLoader(hiveConfigSchema)).parseAsync(args, { from: "user" }),
        UsageError,
      );
      match(error.message, pattern, args.join(" "));
      equal(error.exitCode, 2);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("as a process: unknown flag exits 2, no running daemon exits 1", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-cli-" });
  try {
    const bogus = await runHive(["daemon", "--bogus"]);
    equal(bogus.code, 2);
    match(bogus.stderr, /unknown option '--bogus'/);
    equal(bogus.stdout, "");
    const none = await runHive(["daemon", "id", "--json", "--data-dir", `${root}/none`]);
    equal(none.code, 1);
    equal(none.stdout, "");
    const err = JSON.parse(none.stderr.trim().split("\n").at(-1)!);
    equal(err.error.code, "no_daemon");
    match(err.error.message, /daemon\.json does not exist; start `hive daemon` or pass --url/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("config: the daemon section is validated with paths and values", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-cli-" });
  try {
    const file = `${root}/config.yaml`;
    await Deno.writeTextFile(file, "daemon:\n  max_connections: 0\n  listen: [banana]\n");
    const error = await rejection(
      loadConfig(hiveConfigSchema, { path: file, env: {} }),
      ConfigError,
    );
    match(error.message, /daemon\.max_connections: expected integer 1\.\.100000, got 0/);
    match(error.message, /daemon\.listen\[0\]: not a multiaddr, got "banana"/);
    await Deno.writeTextFile(file, "daemon:\n  mdns: false\n  dht: true\n");
    const { config } = await loadConfig(hiveConfigSchema, {
      path: file,
      env: { HIVE_DAEMON_IPC_PORT: "4555" },
    });
    const run = resolveRunOptions({ p2pListen: ["/ip4/127.0.0.1/tcp/0"] }, config);
    equal(run.mdns, false);
    equal(run.dht, true);
    equal(run.ipc_port, 4555);
    deepEqual(run.listen, ["/ip4/127.0.0.1/tcp/0"]);
    equal(run.identity, `${config.data_dir}/identity.key`);
    // Flags beat the file.
    const flagged = resolveRunOptions({ mdns: true, dataDir: root, ipcPort: "0" }, config);
    equal(flagged.mdns, true);
    equal(flagged.ipc_port, 0);
    equal(flagged.identity, `${root}/identity.key`);
    deepEqual(flagged.allow, ["/ip4/127.0.0.0/ipcidr/8", "/ip6/::1/ipcidr/128"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
