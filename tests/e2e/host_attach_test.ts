/**
 * End to end: `hive host --daemon-url --daemon-token-file` attaches to a daemon it did not start.
 * When that daemon dies and comes back on the same IPC port, the host reconnects and restores
 * its subscriptions; stopping the host leaves the attached daemon alone.
 */
import { equal, ok } from "@std/assert";
import {
  eventually,
  getJson,
  type HostProcess,
  pgrep,
  removeTestRoot,
  startHostProcess,
} from "./host_helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

interface DaemonReady {
  peer_id: string;
  ipc_url: string;
  token_file: string;
  pid: number;
}

async function _startDaemon(dataDir: string, ipcPort: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      MAIN,
      "daemon",
      "--json",
      "--data-dir",
      dataDir,
      "--no-mdns",
      "--p2p-listen",
      "/ip4/127.0.0.1/tcp/0",
      "--ipc-port",
      String(ipcPort),
    ],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("daemon exited before it was ready");
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  } finally {
    reader.releaseLock();
  }
  // Keep draining so the daemon never blocks on a full pipe.
  const draining = child.stdout.pipeTo(new WritableStream());
  const ready = JSON.parse(text.split("\n")[0]) as DaemonReady;
  return { child, ready, draining };
}

interface Status {
  daemon: { mode: string; state: string; reconnects: number; peer_id: string; topics: string[] };
}

Deno.test("e2e host: attached daemon restarts are survived with subscriptions restored", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-attach-" });
  let host: HostProcess | undefined;
  const daemons: Awaited<ReturnType<typeof _startDaemon>>[] = [];
  try {
    const first = await _startDaemon(`${root}/daemon`, 0);
    daemons.push(first);
    const port = Number(new URL(first.ready.ipc_url).port);
    host = await startHostProcess({
      dataDir: `${root}/unused`,
      args: ["--daemon-url", first.ready.ipc_url, "--daemon-token-file", first.ready.token_file],
    });
    const url = host.ready.url;
    const before = await getJson<Status>(`${url}api/status`);
    equal(before.daemon.mode, "attached");
    equal(before.daemon.state, "up");
    equal(before.daemon.peer_id, first.ready.peer_id);
    ok(before.daemon.topics.includes("/hive/chat/general"));

    first.child.kill("SIGKILL");
    await first.child.status;
    await first.draining.catch(() => {});
    await eventually("host to notice", async () => {
      const s = await getJson<Status>(`${url}api/status`);
      return s.daemon.state === "down" ? true : undefined;
    });
    const second = await _startDaemon(`${root}/daemon`, port);
    daemons.push(second);
    equal(second.ready.peer_id, first.ready.peer_id, "same identity, same peer id");
    const after = await eventually("reconnect with restored subscriptions", async () => {
      const s = await getJson<Status>(`${url}api/status`);
      return s.daemon.state === "up" && s.daemon.topics.includes("/hive/chat/general")
        ? s
        : undefined;
    });
    ok(after.daemon.reconnects >= 1);
    ok(host.logs.some((l) => l.includes('"msg":"daemon reconnected"')), "audit: reconnect");
  } finally {
    const code = await host?.stop("SIGTERM");
    // The host must not have stopped a daemon it only attached to.
    const last = daemons.at(-1);
    if (last) {
      const alive = (await pgrep(`${root}/daemon`)).includes(last.ready.pid);
      last.child.kill("SIGTERM");
      await last.child.status;
      await last.draining.catch(() => {});
      ok(alive, "the attached daemon outlives the host");
    }
    const left = await removeTestRoot(root);
    equal(left.length, 0, `leftover processes: ${left}`);
    equal(code, 0);
  }
});
