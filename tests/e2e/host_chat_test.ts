/**
 * End to end: two `hive host` processes on loopback, each supervising its own `hive daemon`,
 * and a real Chromium on each host's chat page. A message typed on host A's page appears on host
 * B's page; after `kill -9` of A's daemon, and then of B's, each is restarted and chat flows both
 * ways again; SIGTERM on both hosts leaves no process behind.
 */
import { equal, ok } from "@std/assert";
import {
  type BrowserDriver,
  eventually,
  freePort,
  getJson,
  type HostProcess,
  removeTestRoot,
  startBrowserDriver,
  startHostProcess,
} from "./host_helpers.ts";

interface Rooms {
  peer_id: string | null;
  rooms: { name: string; peers: string[]; messages: { text: string; from: string }[] }[];
}

/** Wait until `host` sees `peer` subscribed to the general room (gossipsub mesh can form). */
function _roomPeer(host: HostProcess, peer: string): Promise<true> {
  return eventually(`${host.ready.peer_id} to see ${peer} in #general`, async () => {
    const rooms = await getJson<Rooms>(`${host.ready.url}agents/chat/rooms`);
    return rooms.rooms.find((r) => r.name === "general")?.peers.includes(peer) ? true : undefined;
  }, 45_000);
}

async function _send(browser: BrowserDriver, page: number, text: string): Promise<void> {
  await browser.call({ op: "fill", page, selector: "#text", text });
  await browser.call({ op: "click", page, selector: "#send button" });
}

async function _seen(browser: BrowserDriver, page: number, text: string, from: string) {
  // Each message shows its sender's peer id (the title of the sender label) and its time.
  await browser.call({ op: "wait", page, selector: ".msg", hasText: text });
  const sender = await browser.call({
    op: "attr",
    page,
    selector: ".msg",
    hasText: text,
    inner: ".from",
    name: "title",
  });
  equal(sender, from);
  const time = await browser.call<string>({
    op: "attr",
    page,
    selector: ".msg",
    hasText: text,
    inner: "time",
    name: "datetime",
  });
  ok(!Number.isNaN(Date.parse(time)), `message time ${time}`);
}

/** kill -9 a host's daemon; wait until the host restarted it; check the audit log says so. */
async function _restartDaemon(host: HostProcess): Promise<void> {
  const oldPid = host.ready.daemon_pid;
  Deno.kill(oldPid, "SIGKILL");
  const status = await eventually("daemon restarted", async () => {
    const s = await getJson<{ daemon: { state: string; restarts: number; pid: number } }>(
      `${host.ready.url}api/status`,
    );
    return s.daemon.restarts >= 1 && s.daemon.state === "up" ? s : undefined;
  }, 45_000);
  ok(status.daemon.pid !== oldPid);
  ok(host.logs.some((l) => l.includes('"msg":"child exited unexpectedly"')), "audit: crash");
  ok(host.logs.some((l) => /"msg":"daemon up".*"restarts":1/.test(l)), "audit: restart");
}

Deno.test("e2e host: browser chat across two hosts survives kill -9 of each daemon", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-chat-" });
  const hosts: HostProcess[] = [];
  let browser: BrowserDriver | undefined;
  try {
    // B first, on a fixed port: A bootstraps to B. After a restart A's daemon dials B again at
    // start, and A's daemon redials B by itself when B's daemon comes back on the same address.
    const b = await startHostProcess({
      dataDir: `${root}/b`,
      listen: `/ip4/127.0.0.1/tcp/${freePort()}`,
    });
    hosts.push(b);
    const bAddr = b.ready.addrs.find((a) => a.startsWith("/ip4/127.0.0.1/tcp/"));
    if (!bAddr) throw new Error(`B has no loopback TCP address: ${b.ready.addrs}`);
    const a = await startHostProcess({ dataDir: `${root}/a`, args: ["--bootstrap", bAddr] });
    hosts.push(a);
    await _roomPeer(a, b.ready.peer_id);
    await _roomPeer(b, a.ready.peer_id);

    browser = startBrowserDriver();
    await browser.call({ op: "launch", userDataDir: `${root}/chromium` });
    const pageA = await browser.call<number>({ op: "open", url: a.ready.url });
    const pageB = await browser.call<number>({ op: "open", url: b.ready.url });
    for (const page of [pageA, pageB]) {
      await browser.call({ op: "wait", page, selector: 'body[data-connected="true"]' });
      await browser.call({
        op: "wait",
        page,
        selector: "#rooms button.active",
        hasText: "#general",
      });
    }
    await browser.call({
      op: "wait",
      page: pageA,
      // The peer shows by name; its full peer id is in data-peer and the hover title.
      selector: `#peers li[data-peer="${b.ready.peer_id}"]`,
    });

    await _send(browser, pageA, "hello from A");
    await _seen(browser, pageB, "hello from A", a.ready.peer_id);
    await _seen(browser, pageA, "hello from A", a.ready.peer_id);
    const screenshot = Deno.env.get("HIVE_E2E_SCREENSHOT");
    if (screenshot) await browser.call({ op: "screenshot", page: pageB, path: screenshot });

    // Crash A's daemon. The host must restart it, re-subscribe, and chat must resume.
    await _restartDaemon(a);
    await browser.call({ op: "wait", page: pageA, selector: "#daemon.up" });
    await _roomPeer(a, b.ready.peer_id);
    await _roomPeer(b, a.ready.peer_id);

    await _send(browser, pageA, "A is back");
    await _seen(browser, pageB, "A is back", a.ready.peer_id);
    await _send(browser, pageB, "welcome back, A");
    await _seen(browser, pageA, "welcome back, A", b.ready.peer_id);

    // Now crash B's daemon: it comes back on the same address and A's daemon redials it.
    await _restartDaemon(b);
    await browser.call({ op: "wait", page: pageB, selector: "#daemon.up" });
    await _roomPeer(b, a.ready.peer_id);
    await _roomPeer(a, b.ready.peer_id);
    await _send(browser, pageB, "B is back");
    await _seen(browser, pageA, "B is back", b.ready.peer_id);
    ok(
      a.logs.some((l) => l.includes('"msg":"bootstrap peer reconnected"')),
      "A's daemon redialed B",
    );
  } finally {
    await browser?.close();
    const codes = [];
    for (const host of hosts.reverse()) codes.push(await host.stop("SIGTERM"));
    // The daemons exit before their hosts do; nothing carrying our data dirs may remain.
    const left = await removeTestRoot(root);
    equal(left.length, 0, `leftover processes: ${left}`);
    for (const code of codes) equal(code, 0);
  }
});
