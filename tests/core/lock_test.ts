/** One instance per identity: the PID lock file. */
import { equal, ok, rejects } from "@std/assert";
import { acquireLock, isProcessAlive, LockHeldError } from "../../core/lock.ts";
import { rejection } from "../_helpers.ts";

async function _deadPid(): Promise<number> {
  const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
  await child.status;
  return child.pid;
}

Deno.test("acquire writes our pid, release removes the file, and the lock can be retaken", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/id.key.lock`;
    const lock = await acquireLock({ path });
    equal(lock.pid, Deno.pid);
    equal(lock.reclaimed, false);
    equal((await Deno.readTextFile(path)).trim(), String(Deno.pid));
    await lock.release();
    await rejects(Deno.stat(path), Deno.errors.NotFound);
    await lock.release(); // twice is harmless
    const again = await acquireLock({ path });
    again.releaseSync();
    await rejects(Deno.stat(path), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a live holder is refused with its pid and the path", async () => {
  const dir = await Deno.makeTempDir();
  const sleeper = new Deno.Command("sleep", { args: ["30"], stdout: "null" }).spawn();
  try {
    const path = `${dir}/id.key.lock`;
    await Deno.writeTextFile(path, `${sleeper.pid}\n`);
    const error = await rejection(acquireLock({ path }), LockHeldError);
    equal(error.pid, sleeper.pid);
    equal(error.path, path);
    equal(error.exitCode, 1);
    ok(error.message.includes(`pid ${sleeper.pid}`) && error.message.includes(path));
    equal((await Deno.readTextFile(path)).trim(), String(sleeper.pid), "holder's lock kept");
  } finally {
    sleeper.kill("SIGKILL");
    await sleeper.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a stale lock (dead pid) or a garbage lock is reclaimed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/id.key.lock`;
    const dead = await _deadPid();
    equal(await isProcessAlive(dead), false);
    await Deno.writeTextFile(path, `${dead}\n`);
    const lock = await acquireLock({ path });
    equal(lock.reclaimed, true);
    equal((await Deno.readTextFile(path)).trim(), String(Deno.pid));
    await lock.release();
    await Deno.writeTextFile(path, "not a pid");
    const again = await acquireLock({ path });
    equal(again.reclaimed, true);
    await again.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("release leaves a lock that another process has taken over", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/id.key.lock`;
    const lock = await acquireLock({ path });
    await Deno.writeTextFile(path, "1\n"); // someone else's now
    await lock.release();
    equal((await Deno.readTextFile(path)).trim(), "1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isProcessAlive: ourselves yes, nonsense no", async () => {
  equal(await isProcessAlive(Deno.pid), true);
  equal(await isProcessAlive(0), false);
  equal(await isProcessAlive(-5), false);
  equal(await isProcessAlive(1.5), false);
});

Deno.test("two concurrent acquirers of a stale lock: exactly one wins", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/id.key.lock`;
    await Deno.writeTextFile(path, `${await _deadPid()}\n`);
    // Two holders in one process need distinct pids; each sees the other's pid as alive.
    const alive = (pid: number) => Promise.resolve(pid === 111 || pid === 222);
    const results = await Promise.allSettled([
      acquireLock({ path, pid: 111, isAlive: alive }),
      acquireLock({ path, pid: 222, isAlive: alive }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    equal(won.length, 1);
    equal(lost.length, 1);
    ok((lost[0] as PromiseRejectedResult).reason instanceof LockHeldError);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("many acquirers racing for a stale lock, many times: always exactly one holder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/id.key.lock`;
    const dead = await _deadPid();
    const pids = [111, 222, 333, 444];
    const alive = (pid: number) => Promise.resolve(pids.includes(pid));
    for (let round = 0; round < 40; round++) {
      await Deno.writeTextFile(path, `${dead}\n`);
      const results = await Promise.allSettled(
        pids.map((pid) => acquireLock({ path, pid, isAlive: alive })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      equal(won.length, 1, `round ${round}: ${won.length} holders`);
      const holder = Number((await Deno.readTextFile(path)).trim());
      equal((won[0] as PromiseFulfilledResult<{ pid: number }>).value.pid, holder);
      await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
