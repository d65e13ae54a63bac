import { equal, match, notEqual } from "@std/assert";
import {
  acquireInstanceLock,
  DEFAULT_HTTP_PORTS,
  instanceLockPath,
} from "../../../core/identity/instance.ts";
import { LockHeldError } from "../../../core/lock.ts";
import { rejection } from "../../_helpers.ts";

Deno.test("one instance per id and kind: the second is refused with the holder's pid", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const first = await acquireInstanceLock({ dataDir, kind: "hap", id: "alice" });
    const error = await rejection(
      acquireInstanceLock({ dataDir, kind: "hap", id: "alice" }),
      LockHeldError,
    );
    equal(error.pid, Deno.pid);
    match(error.message, new RegExp(`pid ${Deno.pid}`));
    // Another kind with the same id, or another id, is a different instance.
    const host = await acquireInstanceLock({ dataDir, kind: "agent", id: "alice" });
    const bob = await acquireInstanceLock({ dataDir, kind: "hap", id: "bob" });
    await Promise.all([first.release(), host.release(), bob.release()]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a lock left by a dead process is reclaimed", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command("sh", { args: ["-c", "exit 0"] }).spawn();
    const deadPid = child.pid;
    await child.status;
    await Deno.mkdir(`${dataDir}/instances`, { recursive: true });
    await Deno.writeTextFile(instanceLockPath(dataDir, "hap", "alice"), `${deadPid}\n`);
    const lock = await acquireInstanceLock({ dataDir, kind: "hap", id: "alice" });
    equal(lock.reclaimed, true);
    equal((await Deno.readTextFile(lock.path)).trim(), String(Deno.pid));
    await lock.release();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("host and hap default to different HTTP ports", () => {
  notEqual(DEFAULT_HTTP_PORTS.agent, DEFAULT_HTTP_PORTS.hap);
});
