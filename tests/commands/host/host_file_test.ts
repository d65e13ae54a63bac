import { deepEqual, equal, match, ok } from "@std/assert";
import {
  busyDataDir,
  dialableAddr,
  type HostFile,
  hostFilePath,
  readHostFile,
  removeHostFileSync,
  writeHostFile,
} from "../../../commands/host/host_file.ts";

function _info(pid: number): HostFile {
  return {
    url: "http://127.0.0.1:40001/",
    port: 40001,
    pid,
    started_at: new Date().toISOString(),
    peer_id: "12D3KooWtest",
    p2p_addrs: ["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWtest"],
  };
}

const alive = (live: number[]) => (pid: number) => Promise.resolve(live.includes(pid));

Deno.test("host_file: written, read back as live, stale when its pid has exited, removed by its owner only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    deepEqual(await readHostFile(dir), { state: "missing" });
    await writeHostFile(dir, _info(4242));
    equal((await Deno.stat(hostFilePath(dir))).mode! & 0o777, 0o600);
    const live = await readHostFile(dir, alive([4242]));
    equal(live.state, "live");
    if (live.state === "live") {
      const { started_at: _, ...rest } = live.info;
      const { started_at: __, ...expected } = _info(4242);
      deepEqual(rest, expected);
    }
    equal((await readHostFile(dir, alive([]))).state, "stale");
    removeHostFileSync(dir, 1111); // not the writer: kept
    equal((await readHostFile(dir, alive([4242]))).state, "live");
    removeHostFileSync(dir, 4242);
    equal((await readHostFile(dir)).state, "missing");
    await Deno.writeTextFile(hostFilePath(dir), "{not json");
    const bad = await readHostFile(dir);
    equal(bad.state, "invalid");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("host_file: a listen address gets /p2p/<peer id> once", () => {
  equal(
    dialableAddr("/ip4/127.0.0.1/tcp/4001", "12D3KooWx"),
    "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWx",
  );
  equal(
    dialableAddr("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWx", "12D3KooWx"),
    "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWx",
  );
  equal(dialableAddr("/ip4/127.0.0.1/tcp/4001", null), "/ip4/127.0.0.1/tcp/4001");
});

Deno.test("host_file: a data dir whose daemon lock is held by a live pid is busy, and says by whom", async () => {
  const dir = await Deno.makeTempDir();
  try {
    equal(await busyDataDir(dir), null);
    await Deno.writeTextFile(`${dir}/identity.key.lock`, "777\n");
    equal(await busyDataDir(dir, alive([])), null, "a dead holder is not busy");
    const why = await busyDataDir(dir, alive([777]));
    ok(why);
    match(why, new RegExp(`${dir}/identity\\.key\\.lock is held by pid 777, a hive daemon`));
    await writeHostFile(dir, _info(778));
    match(
      (await busyDataDir(dir, alive([777, 778])))!,
      /the daemon of the hive host at http:\/\/127\.0\.0\.1:40001\/ \(host pid 778\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
