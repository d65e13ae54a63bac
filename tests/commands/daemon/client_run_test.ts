/**
 * `hive daemon subscribe` follows its daemon across a restart on a new IPC port: after a
 * `kill -9` the old daemon.json still names the dead port; the client keeps re-reading it until
 * the restarted daemon announces its new one, subscribes again and the stream resumes. While
 * no daemon runs, one-shot commands report the stale announcement.
 */
import { equal, match, notEqual, ok } from "@std/assert";
import { IpcClient, readTokenFile } from "../../../core/ipc/mod.ts";
import { deadline } from "../../_helpers.ts";
import { type DaemonChild, hiveArgv, lines, runHive, startDaemon } from "./_daemon.ts";

async function _until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("subscribe resumes after the daemon restarts on a new IPC port", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-follow-" });
  let pub: DaemonChild | undefined;
  let s: DaemonChild | undefined;
  let watch: IpcClient | undefined;
  let sub: Deno.ChildProcess | undefined;
  try {
    pub = await startDaemon({ dataDir: `${root}/pub` });
    const startS = () =>
      startDaemon({ dataDir: `${root}/s`, args: ["--bootstrap", pub!.info.addrs[0]] });
    s = await startS();
    watch = await IpcClient.connect({
      url: pub.info.ipc_url,
      token: await readTokenFile(pub.info.token_file),
    });
    const sSubscribed = async () => {
      const { peers } = await watch!.request<{ peers: { peer_id: string }[] }>("list_peers", {
        topic: "news",
      });
      return peers.some((p) => p.peer_id === s!.info.peer_id);
    };

    const [cmd, ...args] = hiveArgv(
      "--log-level",
      "debug",
      "daemon",
      "subscribe",
      "news",
      "--json",
      "--count",
      "2",
      "--data-dir",
      `${root}/s`,
    );
    sub = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
    const errText: string[] = [];
    const errDone = (async () => {
      for await (const line of lines(sub!.stderr)) errText.push(line);
    })();
    const out = lines(sub.stdout);

    await _until("the subscription reached the publisher", sSubscribed);
    await watch.request("publish", { topic: "news", message: "before" });
    const first = await deadline(out.next(), 20_000, "the first message at the subscriber");
    ok(!first.done, errText.join("\n"));
    equal(JSON.parse(first.value as string).message, "before");

    // Crash the subscriber's daemon; it leaves a stale daemon.json naming the dead port.
    const oldUrl = s.info.ipc_url;
    await s.stop("SIGKILL");
    await _until("the publisher dropped the dead subscriber", async () => !(await sSubscribed()));
    // Meanwhile a one-shot command says the announcement is stale instead of "refused".
    const stale = await runHive(["daemon", "status", "--json", "--data-dir", `${root}/s`]);
    equal(stale.code, 1);
    const err = JSON.parse(stale.stderr.trim().split("\n").at(-1)!).error;
    equal(err.code, "no_daemon");
    match(err.message, new RegExp(`names pid ${s.info.pid}, which is not running`));
    s = await startS();
    notEqual(s.info.ipc_url, oldUrl, "the restarted daemon has a new IPC port");

    await _until("the client subscribed again on the new daemon", sSubscribed);
    await watch.request("publish", { topic: "news", message: "after" });
    const second = await deadline(out.next(), 20_000, "the message after the restart");
    ok(!second.done, errText.join("\n"));
    equal(JSON.parse(second.value as string).message, "after");
    equal((await deadline(sub.status, 15_000, "the subscriber to exit")).code, 0);
    sub = undefined;
    await errDone;
    const log = errText.join("\n");
    ok(log.includes('"msg":"daemon reconnected"'), log);
    ok(log.includes(s.info.ipc_url), "the reconnect names the new URL");
  } finally {
    watch?.close();
    if (sub) {
      sub.kill("SIGKILL");
      await sub.status;
      await sub.stdout.cancel().catch(() => {});
      await sub.stderr.cancel().catch(() => {});
    }
    await s?.stop();
    await pub?.stop();
    await Deno.remove(root, { recursive: true });
  }
});
