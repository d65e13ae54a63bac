/** The reaper's pieces: the children file and stopping a list of real processes. */
import { deepEqual, equal } from "@std/assert";
import { reapPids, writeChildrenFile } from "../../../../adapters/engine/local/reaper.ts";

Deno.test("writeChildrenFile replaces the file whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    writeChildrenFile(`${dir}/children.json`, [10, 11]);
    writeChildrenFile(`${dir}/children.json`, [12]);
    deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/children.json`)), { pids: [12] });
    deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["children.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reapPids stops a real process with SIGTERM, and SIGKILLs one that ignores it", async () => {
  const polite = new Deno.Command("sleep", { args: ["30"] }).spawn();
  const stubborn = new Deno.Command("sh", {
    args: ["-c", "trap '' TERM; while :; do sleep 0.1; done"],
  })
    .spawn();
  await new Promise((r) => setTimeout(r, 200)); // let sh install its trap
  const deadline = setTimeout(() => {
    polite.kill("SIGKILL");
    stubborn.kill("SIGKILL");
  }, 10_000);
  try {
    equal(await reapPids([polite.pid, stubborn.pid], 500), 2);
    equal((await polite.status).signal, "SIGTERM");
    equal((await stubborn.status).signal, "SIGKILL");
  } finally {
    clearTimeout(deadline);
  }
});
