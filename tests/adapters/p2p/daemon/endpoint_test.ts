/**
 * Finding a daemon: explicit URL and token file, `daemon.json`, a missing or broken
 * announcement, a stale one left by a killed daemon, and replies checked against the contract
 * (an in-process IPC server on loopback stands in for the daemon).
 */
import { deepEqual, equal, match } from "@std/assert";
import { z } from "zod";
import {
  callDaemon,
  connectEndpoint,
  endpointOfInfo,
  readDaemonInfo,
  resolveEndpoint,
} from "../../../../adapters/p2p/daemon/endpoint.ts";
import { DAEMON_INFO_FILE, TOKEN_FILE } from "../../../../adapters/p2p/ipc_protocol.ts";
import { ConfigError, HiveError, UsageError } from "../../../../core/errors.ts";
import { IpcServer } from "../../../../core/ipc/mod.ts";
import { rejection } from "../../../_helpers.ts";

const TOKEN = "a".repeat(64);

async function _dir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "hive-endpoint-" });
  await Deno.writeTextFile(`${dir}/${TOKEN_FILE}`, TOKEN + "\n");
  return dir;
}

function _info(dir: string, pid = Deno.pid) {
  return {
    peer_id: "12D3KooWtest",
    addrs: [],
    ipc_url: "ws://127.0.0.1:1/",
    token_file: `${dir}/${TOKEN_FILE}`,
    pid,
  };
}

Deno.test("resolveEndpoint: explicit URL and token file skip daemon.json", async () => {
  const dir = await _dir();
  try {
    const e = await resolveEndpoint({
      url: "ws://127.0.0.1:9/",
      tokenFile: `${dir}/${TOKEN_FILE}`,
    });
    deepEqual(e, { url: "ws://127.0.0.1:9/", token: TOKEN, info: null });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveEndpoint: daemon.json gives URL and token file; the URL flag beats it", async () => {
  const dir = await _dir();
  try {
    await Deno.writeTextFile(`${dir}/${DAEMON_INFO_FILE}`, JSON.stringify(_info(dir)));
    const e = await resolveEndpoint({ dataDir: dir });
    equal(e.url, "ws://127.0.0.1:1/");
    equal(e.token, TOKEN);
    equal(e.info?.peer_id, "12D3KooWtest");
    equal(
      (await resolveEndpoint({ dataDir: dir, url: "ws://127.0.0.1:2/" })).url,
      "ws://127.0.0.1:2/",
    );
    deepEqual(await readDaemonInfo(`${dir}/${DAEMON_INFO_FILE}`), _info(dir));
    equal((await endpointOfInfo(_info(dir))).token, TOKEN);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveEndpoint: errors name what is missing or wrong", async () => {
  const dir = await _dir();
  try {
    const none = await rejection(resolveEndpoint({ dataDir: dir }), HiveError);
    equal(none.code, "no_daemon");
    match(none.message, /daemon\.json does not exist/);
    const url = await rejection(resolveEndpoint({ dataDir: dir, url: "http://x" }), UsageError);
    match(url.message, /--url: expected a ws:\/\/ URL/);
    await rejection(resolveEndpoint({ url: "ws://127.0.0.1:9/" }), UsageError);
    await Deno.writeTextFile(`${dir}/${DAEMON_INFO_FILE}`, "{not json");
    match((await rejection(resolveEndpoint({ dataDir: dir }), ConfigError)).message, /not JSON/);
    await Deno.writeTextFile(
      `${dir}/${DAEMON_INFO_FILE}`,
      JSON.stringify({ ..._info(dir), pid: 0 }),
    );
    match((await rejection(resolveEndpoint({ dataDir: dir }), ConfigError)).message, /pid/);
    const token = await rejection(
      resolveEndpoint({ url: "ws://127.0.0.1:9/", tokenFile: `${dir}/nope` }),
      HiveError,
    );
    equal(token.code, "no_token");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("connectEndpoint: a daemon.json whose pid is gone is called stale", async () => {
  const dir = await _dir();
  const child = new Deno.Command("true").spawn();
  const { success } = await child.status;
  equal(success, true);
  try {
    // A free port: nobody answers, and the pid named by the announcement has exited.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const info = { ..._info(dir, child.pid), ipc_url: `ws://127.0.0.1:${port}/` };
    const stale = await rejection(connectEndpoint(await endpointOfInfo(info)), HiveError);
    equal(stale.code, "no_daemon");
    match(stale.message, new RegExp(`names pid ${child.pid}, which is not running`));
    const refused = await rejection(
      connectEndpoint({ url: info.ipc_url, token: TOKEN, info: null }, { timeoutMs: 2000 }),
      HiveError,
    );
    equal(refused.code, "ipc_unavailable");
    match(refused.message, new RegExp(`daemon at ws://127.0.0.1:${port}/`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("callDaemon: replies are checked against the contract; daemon errors keep their code", async () => {
  const server = await IpcServer.listen({ token: TOKEN });
  server.handle("publish", z.looseObject({}), () => ({ topic: "t", recipients: -1 }));
  server.handle("identify", z.looseObject({}), () => ({ peer_id: "p", addrs: [], protocols: [] }));
  const client = await connectEndpoint({ url: server.url, token: TOKEN, info: null });
  try {
    deepEqual(await callDaemon(client, "identify", {}), { peer_id: "p", addrs: [], protocols: [] });
    const bad = await rejection(
      callDaemon(client, "publish", { topic: "t", message: "x" }),
      HiveError,
    );
    equal(bad.code, "ipc_bad_reply");
    match(bad.message, /publish reply: recipients/);
    const unknown = await rejection(callDaemon(client, "status", {}), HiveError);
    equal(unknown.code, "ipc_unknown_type");
  } finally {
    client.close();
    await server.close();
  }
});
