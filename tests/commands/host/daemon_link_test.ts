/**
 * The host's daemon link in attached mode against a real `hive daemon` child on loopback: up
 * with the daemon's identity, `daemon_down` on the bus when it is killed, and back up (the
 * agents' topics subscribed again) when a daemon returns on the same IPC port. Stopping the
 * link leaves the attached daemon running. Supervised mode runs in the e2e tests, where the
 * host process can start `hive daemon` as its own child.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { DaemonLink } from "../../../commands/host/daemon_link.ts";
import { Bus } from "../../../core/bus.ts";
import { createLogger } from "../../../core/logger.ts";
import { type DaemonChild, startDaemon } from "../daemon/_daemon.ts";

async function _until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("daemon link (attached): up, down on a crash, up again with topics restored", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-link-" });
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    sinks: [{ write: (line) => void lines.push(line), flush() {}, close() {} }],
  });
  const bus = new Bus();
  const seen: string[] = [];
  bus.on("daemon_*", (_payload, topic) => void seen.push(topic));
  let daemon: DaemonChild | undefined;
  let link: DaemonLink | undefined;
  try {
    daemon = await startDaemon({ dataDir: root });
    const port = new URL(daemon.info.ipc_url).port;
    link = await DaemonLink.start({
      bus,
      logger,
      attach: { url: daemon.info.ipc_url, tokenFile: daemon.info.token_file },
    });
    const up = link.status();
    equal(up.mode, "attached");
    equal(up.state, "up");
    equal(up.peer_id, daemon.info.peer_id);
    equal(up.ipc_url, daemon.info.ipc_url);
    equal(up.pid, null, "the host did not start it");
    equal(link.p2p.peerId(), daemon.info.peer_id);
    const off = await link.p2p.subscribe("room", () => {});
    deepEqual((await link.daemonStatus())?.topics, ["room"]);

    await daemon.stop("SIGKILL");
    await _until("the link is down", () => link!.status().state === "down");
    equal(await link.daemonStatus(), null);
    daemon = await startDaemon({ dataDir: root, args: ["--ipc-port", port] });
    await _until("the link is up again", () => link!.status().state === "up");
    const again = link.status();
    equal(again.reconnects, 1);
    deepEqual(again.topics, ["room"]);
    deepEqual((await link.daemonStatus())?.topics, ["room"], "subscribed again on the new daemon");
    deepEqual(seen, ["daemon_up", "daemon_down", "daemon_up"]);
    ok(lines.some((l) => l.includes('"msg":"daemon reconnected"')), "the reconnect is logged");
    await off();

    await link.stop();
    equal(link.status().state, "stopped");
    equal((await daemon.stop()).code, 0, "an attached daemon outlives the link");
    daemon = undefined;
  } finally {
    await link?.stop();
    await daemon?.stop();
    await Deno.remove(root, { recursive: true });
  }
});
