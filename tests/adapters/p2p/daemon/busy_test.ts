import { equal, match } from "@std/assert";
import { busyDataDir } from "../../../../adapters/p2p/daemon/busy.ts";

function alive(pids: number[]): (pid: number) => Promise<boolean> {
  return (pid) => Promise.resolve(pids.includes(pid));
}

Deno.test("busy data dir: only a lock held by a live pid makes it busy, named with its holder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-busy-" });
  try {
    equal(await busyDataDir(dir), null, "no lock file");
    await Deno.writeTextFile(`${dir}/identity.key.lock`, "not a pid\n");
    equal(await busyDataDir(dir, { isAlive: alive([777]) }), null, "an unreadable lock");
    await Deno.writeTextFile(`${dir}/identity.key.lock`, "777\n");
    equal(await busyDataDir(dir, { isAlive: alive([]) }), null, "a dead holder");
    const why = await busyDataDir(dir, { isAlive: alive([777]) });
    equal(
      why,
      `data dir ${dir} is in use: ${dir}/identity.key.lock is held by pid 777, a hive daemon ` +
        "(or another hive host's daemon); stop it, pass another --data-dir, or attach to that " +
        "daemon with --daemon-url and --daemon-token-file",
    );
    const asked: string[] = [];
    const named = await busyDataDir(dir, {
      isAlive: alive([777]),
      holder: (d) => {
        asked.push(d);
        return Promise.resolve("the portal's daemon");
      },
    });
    match(named!, /held by pid 777, the portal's daemon; stop it/);
    equal(asked[0], dir);
    match(
      (await busyDataDir(dir, { isAlive: alive([777]), holder: () => Promise.resolve(null) }))!,
      /held by pid 777, a hive daemon \(or another/,
      "a holder that cannot tell falls back",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
