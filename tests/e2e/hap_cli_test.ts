/**
 * `hive hap` end to end over real daemons on loopback: `watch` attached to daemon A prints
 * verified messages that `send` published through daemon B; forgeries, a replay, a stale and an
 * unsigned message, and a message from a role without publish rights, injected raw through
 * daemon B's IPC, never reach the output and are audited per reason; RBAC and template errors
 * refuse before anything is sent; a second portal with the same id is refused with the
 * holder's PID; host and hap run side by side on their default ports.
 */
import { equal, match, ok } from "@std/assert";
import { IpcClient } from "../../core/ipc/mod.ts";
import { readTokenFile } from "../../core/ipc/token.ts";
import { encodeEnvelope, signEnvelope } from "../../core/envelope/envelope.ts";
import { generateKeyFile, identityFromKeyFile } from "../../core/identity/identity.ts";
import { type DaemonChild, hiveArgv, lines, startDaemon } from "../commands/daemon/_daemon.ts";
import { runHive } from "../_helpers.ts";

const TOPIC = "/hive/chat/general";

interface Proc {
  process: Deno.ChildProcess;
  out: string[];
  err: string[];
  stop(): Promise<void>;
}

function spawnHive(args: string[]): Proc {
  const [cmd, ...rest] = hiveArgv(...args);
  const process = new Deno.Command(cmd, {
    args: rest,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const out: string[] = [];
  const err: string[] = [];
  void (async () => {
    for await (const line of lines(process.stdout)) out.push(line);
  })().catch(() => {});
  void (async () => {
    for await (const line of lines(process.stderr)) err.push(line);
  })().catch(() => {});
  return {
    process,
    out,
    err,
    async stop() {
      try {
        process.kill("SIGTERM");
      } catch { /* gone */ }
      const timer = setTimeout(() => {
        try {
          process.kill("SIGKILL");
        } catch { /* gone */ }
      }, 5000);
      await process.status;
      clearTimeout(timer);
    },
  };
}

async function until(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function attach(d: DaemonChild): string[] {
  return ["--daemon-url", d.info.ipc_url, "--daemon-token-file", d.info.token_file];
}

Deno.test({
  name: "hap e2e: send/watch over two daemons, raw forgeries and RBAC drops audited, refusals",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-hap-e2e-" });
    const daemons: DaemonChild[] = [];
    const procs: Proc[] = [];
    let ipc: IpcClient | undefined;
    try {
      const a = await startDaemon({ dataDir: `${root}/a`, readyTimeoutMs: 60_000 });
      daemons.push(a);
      const b = await startDaemon({
        dataDir: `${root}/b`,
        args: ["--bootstrap", a.info.addrs[0]],
        readyTimeoutMs: 60_000,
      });
      daemons.push(b);
      const common = ["--data-dir", `${root}/watcher`, ...attach(a)];
      const watch = spawnHive([
        "--json",
        "hap",
        "watch",
        "--topic",
        "general",
        "--id",
        "watcher",
        "--port",
        "0",
        ...common,
      ]);
      procs.push(watch);
      await until(
        "watch is on the topic",
        () => watch.err.some((l) => l.includes('"msg":"watching"')),
        60_000,
      );

      // A second portal with the same id is refused with the holder's pid.
      const twin = await runHive([
        "hap",
        "watch",
        "--topic",
        "general",
        "--id",
        "watcher",
        "--port",
        "0",
        ...common,
      ]);
      equal(twin.code, 1);
      match(twin.stderr, new RegExp(`pid ${watch.process.pid}`));

      // send through daemon B; watch on daemon A prints it with sender id, role and kind.
      const sender = ["--data-dir", `${root}/sender`, "--id", "sally", ...attach(b)];
      const sent = await runHive([
        "--json",
        "hap",
        "send",
        "--topic",
        "general",
        "--message",
        "hello from sally",
        ...sender,
      ]);
      equal(sent.code, 0, sent.stderr);
      equal(JSON.parse(sent.stdout).recipients >= 1, true);
      await until("watch printed sally's line", () => watch.out.length >= 1);
      const first = JSON.parse(watch.out[0]);
      equal(first.text, "hello from sally");
      equal(first.from, "sally");
      equal(first.role, "operator");
      equal(first.kind, "hap");
      equal(first.topic, TOPIC);

      // A portal with its own daemon, bootstrapped to A by a DNS address without a peer id (as
      // the Kubernetes Deployment does): its daemon holds dora's identity key, so its message
      // signature is the envelope's; watch on A verifies and prints it.
      const own = await runHive([
        "--json",
        "hap",
        "send",
        "--topic",
        "general",
        "--message",
        "one signature",
        "--data-dir",
        `${root}/dora`,
        "--id",
        "dora",
        "--no-mdns",
        "--p2p-listen",
        "/ip4/127.0.0.1/tcp/0",
        "--bootstrap",
        `/dns4/localhost/tcp/${a.info.addrs[0].match(/\/tcp\/(\d+)\//)![1]}`,
      ]);
      equal(own.code, 0, own.stderr);
      equal(JSON.parse(own.stdout).signature, "peer");
      await until("watch printed dora's line", () => watch.out.length >= 2);
      const second = JSON.parse(watch.out[1]);
      equal(second.text, "one signature");
      equal(second.from, "dora");

      const templ = await runHive([
        "--json",
        "hap",
        "send",
        "--topic",
        "/hive/tasks/requests",
        "--template",
        "task_request",
        "--field",
        "title=rotate keys",
        "--field",
        "priority=high",
        ...sender,
      ]);
      equal(templ.code, 0, templ.stderr);

      // Refusals before anything is sent: RBAC, a missing required field, an unknown template.
      const denied = await runHive([
        "hap",
        "send",
        "--topic",
        "general",
        "--message",
        "x",
        "--role",
        "observer",
        ...sender,
      ]);
      equal(denied.code, 2);
      match(
        denied.stderr,
        /role observer may not publish on \/hive\/chat\/general: rbac\.roles\.observer\.publish allows/,
      );
      const missing = await runHive([
        "hap",
        "send",
        "--topic",
        "general",
        "--template",
        "status_report",
        "--field",
        "state=done",
        ...sender,
      ]);
      equal(missing.code, 2);
      match(missing.stderr, /field task is required; field summary is required; nothing was sent/);
      const wrongType = await runHive([
        "hap",
        "send",
        "--topic",
        "general",
        "--template",
        "status_report",
        "--field",
        "task=t",
        "--field",
        "state=done",
        "--field",
        "summary=s",
        "--field",
        "progress=most",
        ...sender,
      ]);
      equal(wrongType.code, 2);
      match(wrongType.stderr, /field progress: expected an integer, got "most"/);
      const unknown = await runHive([
        "hap",
        "send",
        "--topic",
        "general",
        "--template",
        "memo",
        ...sender,
      ]);
      equal(unknown.code, 2);
      match(
        unknown.stderr,
        /unknown template "memo"; templates: decision_record, help_request, status_report, task_request/,
      );
      // Without --topic a template goes to its own topic; a plain message needs one.
      const ownTopic = await runHive([
        "--json",
        "hap",
        "send",
        "--template",
        "task_request",
        "--field",
        "title=rotate keys",
        "--wait-peers",
        "0s",
        ...sender,
      ]);
      equal(ownTopic.code, 0, ownTopic.stderr);
      equal(JSON.parse(ownTopic.stdout).topic, "/hive/tasks/requests");
      const noTopic = await runHive(["hap", "send", "--message", "x", ...sender]);
      equal(noTopic.code, 2);
      match(noTopic.stderr, /--topic: required with --message/);

      // Raw injection through daemon B (no portal on the send path).
      ipc = await IpcClient.connect({
        url: b.info.ipc_url,
        token: await readTokenFile(b.info.token_file),
      });
      const mallory = await identityFromKeyFile(await generateKeyFile("hap", "mallory"), {
        role: "operator",
        capabilities: [],
      });
      const other = await identityFromKeyFile(await generateKeyFile("hap", "other"), {
        role: "operator",
        capabilities: [],
      });
      const good = signEnvelope(mallory, {
        topic: TOPIC,
        payload: JSON.stringify({ v: 1, text: "legit", sent_at: new Date().toISOString() }),
        type: "chat",
      });
      const raw = async (message: string) =>
        await ipc!.request("publish", { topic: TOPIC, message });
      await raw(encodeEnvelope(good));
      await raw(encodeEnvelope(good)); // replayed
      await raw(JSON.stringify({ ...good, payload: good.payload.replace("legit", "forged") })); // tampered
      await raw(
        JSON.stringify({
          ...signEnvelope(other, { topic: TOPIC, payload: "x" }),
          key: mallory.public_key,
        }),
      ); // another key
      await raw(
        encodeEnvelope(
          signEnvelope(mallory, { topic: TOPIC, payload: "old", ts: Date.now() - 10 * 60_000 }),
        ),
      ); // stale
      await raw("unsigned words");
      await raw(
        encodeEnvelope(
          signEnvelope({ ...mallory, id: "olly", role: "observer" }, {
            topic: TOPIC,
            payload: "no rights",
          }),
        ),
      );
      const reasons = ["replayed", "bad_signature", "stale", "unsigned", "rbac_denied"];
      await until(
        "every raw injection audited",
        () =>
          reasons.every((r) =>
            watch.err.some((l) =>
              l.includes('"msg":"message dropped"') && l.includes(`"reason":"${r}"`)
            )
          ),
      );
      const drops = watch.err.filter((l) =>
        l.includes('"msg":"message dropped"') && l.includes(TOPIC)
      );
      equal(drops.length, 6, drops.join("\n"));
      await until(
        "the one good raw message printed",
        () => watch.out.some((l) => l.includes("legit")),
      );
      const printed = watch.out.map((l) => JSON.parse(l).text as string);
      ok(!printed.some((t) => /forged|old|unsigned|no rights/.test(t)), printed.join(" | "));
      equal(printed.filter((t) => t === "legit").length, 1, "the replay printed nothing");
    } finally {
      ipc?.close();
      for (const p of procs) await p.stop();
      for (const d of daemons) await d.stop();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("hap e2e: a key file with mode 0644 is refused with the fix", async () => {
  const root = await Deno.makeTempDir();
  try {
    const created = await runHive(["hap", "whoami", "--data-dir", root]);
    equal(created.code, 0, created.stderr);
    await Deno.chmod(`${root}/hap/identity.key`, 0o644);
    const refused = await runHive(["hap", "whoami", "--data-dir", root]);
    equal(refused.code, 2);
    match(refused.stderr, /mode 0644.*chmod 600/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "hap e2e: host and hap side by side on their default ports, both healthy",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-hap-ports-" });
    const procs: Proc[] = [];
    try {
      const p2p = ["--no-mdns", "--p2p-listen", "/ip4/127.0.0.1/tcp/0"];
      const host = spawnHive(["--json", "host", "--data-dir", `${root}/host`, ...p2p]);
      procs.push(host);
      const hap = spawnHive([
        "hap",
        "watch",
        "--topic",
        "general",
        "--data-dir",
        `${root}/hap`,
        ...p2p,
      ]);
      procs.push(hap);
      await until("host ready", () => host.out.length > 0, 60_000);
      equal(JSON.parse(host.out[0]).port, 8787);
      await until(
        "hap watching",
        () => hap.err.some((l) => l.includes('"msg":"watching"')),
        60_000,
      );
      for (const port of [8787, 8789]) {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        equal(response.status, 200, `port ${port}`);
        await response.body?.cancel();
      }
      const metrics = await (await fetch("http://127.0.0.1:8789/metrics")).text();
      match(metrics, /hive_hap_envelopes_dropped_total\{reason="replayed"\} 0/);
    } finally {
      for (const p of procs) await p.stop();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
