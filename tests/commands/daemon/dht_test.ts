/** `--dht`: two real daemons share values and provider records over the hive Kademlia DHT. */
import { deepEqual, equal, match } from "@std/assert";
import { IpcClient, IpcError } from "../../../core/ipc/mod.ts";
import { readTokenFile } from "../../../core/ipc/token.ts";
import { rejection } from "../../_helpers.ts";
import { type DaemonChild, startDaemon } from "./_daemon.ts";

async function _client(d: DaemonChild): Promise<IpcClient> {
  return await IpcClient.connect({
    url: d.info.ipc_url,
    token: await readTokenFile(d.info.token_file),
    requestTimeoutMs: 30_000,
  });
}

Deno.test("dht: put on one daemon, get on the other; provide and find_providers", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-dht-" });
  let a: DaemonChild | undefined;
  let b: DaemonChild | undefined;
  const clients: IpcClient[] = [];
  try {
    a = await startDaemon({ dataDir: `${root}/a`, args: ["--dht"] });
    b = await startDaemon({
      dataDir: `${root}/b`,
      args: ["--dht", "--bootstrap", a.info.addrs[0]],
    });
    const ca = await _client(a);
    const cb = await _client(b);
    clients.push(ca, cb);
    const { protocols } = await ca.request<{ protocols: string[] }>("identify");
    equal(protocols.includes("/hive/kad/1.0.0"), true);
    // The routing tables fill once identify has seen the DHT protocol on both sides, a moment
    // after the connection; until then a put stays local. Retry, bounded, until B can read it.
    const value = btoa("shared value");
    let got: { key: string; value_b64: string } | undefined;
    for (let i = 0; i < 40 && !got; i++) {
      deepEqual(await ca.request("dht_put", { key: "/hive/greeting", value_b64: value }), {
        key: "/hive/greeting",
      });
      got = await cb.request<{ key: string; value_b64: string }>("dht_get", {
        key: "/hive/greeting",
      }).catch((error) => {
        if (!(error instanceof IpcError && error.code === "not_found")) throw error;
        return new Promise<undefined>((r) => setTimeout(() => r(undefined), 250));
      });
    }
    deepEqual(got, { key: "/hive/greeting", value_b64: value });
    const missing = await rejection(cb.request("dht_get", { key: "/hive/nothing-here" }), IpcError);
    equal(missing.code, "not_found");

    const { cid } = await ca.request<{ cid: string }>("provide", { key: "/hive/file-1" });
    match(cid, /^bafk/);
    const found = await cb.request<{ cid: string; providers: { peer_id: string }[] }>(
      "find_providers",
      { cid },
    );
    equal(found.cid, cid);
    deepEqual(found.providers.map((p) => p.peer_id), [a.info.peer_id]);

    const bad = await rejection(cb.request("dht_get", { key: "greeting" }), IpcError);
    equal(bad.code, "bad_request");
    match(bad.message, /key: expected a key starting with "\/hive\/", got "greeting"/);
    const badCid = await rejection(cb.request("provide", { cid: "nope" }), IpcError);
    match(badCid.message, /cid: not a CID, got "nope"/);
  } finally {
    for (const c of clients) c.close();
    await b?.stop();
    await a?.stop();
    await Deno.remove(root, { recursive: true });
  }
});
