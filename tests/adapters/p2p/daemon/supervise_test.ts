/**
 * The P2P port's daemon supervision with real `hive daemon` children on loopback: supervised
 * (started, up, restarted after a crash with topics restored, stopped with its owner), refused
 * on a data dir whose daemon already runs, and attached (left running on stop).
 */
import { deepEqual, equal, match, ok, rejects } from "@std/assert";
import {
  ManagedDaemon,
  type ManagedDaemonEvent,
} from "../../../../adapters/p2p/daemon/supervise.ts";
import { ConfigError, HiveError } from "../../../../core/errors.ts";
import { isProcessAlive } from "../../../../core/lock.ts";
import { createLogger } from "../../../../core/logger.ts";
import { type DaemonChild, hiveArgv, startDaemon } from "../../../commands/daemon/_daemon.ts";
import {
  CHILD_V8_FLAGS,
  CHILD_V8_FLAGS_ENV,
  childV8Flags,
  withV8Flags,
} from "../../../../core/self.ts";
import { readProcFile, rejection } from "../../../_helpers.ts";

/** The `--v8-flags=` value on a process's command line, or null. */
async function _v8FlagsOf(pid: number): Promise<string | null> {
  const argv = (await readProcFile(pid, "cmdline")).split("\0");
  return argv.find((a) => a.startsWith("--v8-flags="))?.slice("--v8-flags=".length) ?? null;
}

async function _until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function _spawn(dataDir: string) {
  return { dataDir, listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: [], mdns: false };
}

const _quiet = createLogger({ level: "error", sinks: [] });

Deno.test({
  name: "managed daemon (supervised): up, restarted after a crash with topics restored, stopped",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-managed-" });
    const events: ManagedDaemonEvent[] = [];
    const daemon = new ManagedDaemon({
      logger: _quiet,
      spawn: { ..._spawn(`${root}/d`), logFile: `${root}/daemon.log` },
      argv: hiveArgv,
    });
    daemon.on((event) => void events.push(event));
    try {
      await daemon.start();
      const up = daemon.status();
      equal(up.mode, "supervised");
      equal(daemon.mode, "supervised");
      equal(up.state, "up");
      ok(up.pid && up.pid === daemon.pid, "the child's pid");
      ok(up.peer_id, "the daemon's peer id");
      match(up.ipc_url!, /^ws:\/\/127\.0\.0\.1:\d+\/?$/);
      deepEqual(events.map((e) => e.type), ["up"]);
      equal(daemon.p2p.peerId(), up.peer_id);
      const first = up.pid;
      equal(await _v8FlagsOf(first!), CHILD_V8_FLAGS.join(","), "the child got the V8 settings");

      const off = await daemon.p2p.subscribe("room", () => {});
      daemon.kill();
      await _until("down", () => events.some((e) => e.type === "down"));
      await _until("up again", () => daemon.status().state === "up" && daemon.pid !== first);
      const again = daemon.status();
      equal(again.restarts, 1);
      equal(again.last_exit?.signal, "SIGKILL");
      equal(again.peer_id, up.peer_id, "the same identity from the same data dir");
      deepEqual(events.map((e) => e.type), ["up", "down", "up"]);
      equal(events[2].type === "up" && events[2].restarts, 1);
      deepEqual(
        (await daemon.p2p.request("status", {})).topics,
        ["room"],
        "subscribed again on the new child",
      );
      ok((await Deno.readTextFile(`${root}/daemon.log`)).length > 0, "its log went to the file");
      await off();

      const pid = daemon.pid!;
      await daemon.stop();
      equal(daemon.status().state, "stopped");
      equal(await isProcessAlive(pid), false, "the child is stopped with its owner");
    } finally {
      await daemon.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "managed daemon (supervised): a data dir whose daemon runs is refused before spawning",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-managed-busy-" });
    let other: DaemonChild | undefined;
    try {
      other = await startDaemon({ dataDir: root, readyTimeoutMs: 60_000 });
      const spawned: string[][] = [];
      const daemon = new ManagedDaemon({
        logger: _quiet,
        spawn: _spawn(root),
        argv: (...args) => {
          spawned.push(args);
          return hiveArgv(...args);
        },
        holder: () => Promise.resolve("the test's daemon"),
      });
      const error = await rejection(daemon.start(), HiveError);
      equal(error.code, "locked");
      equal(
        error.message,
        `data dir ${root} is in use: ${root}/identity.key.lock is held by pid ` +
          `${other.process.pid}, the test's daemon; stop it, pass another --data-dir, or attach ` +
          "to that daemon with --daemon-url and --daemon-token-file",
      );
      deepEqual(spawned, [], "no child was started");
      equal(daemon.status().state, "stopped");

      // Attached to that same daemon instead: up, and left running when let go.
      const attached = new ManagedDaemon({
        logger: _quiet,
        attach: { url: other.info.ipc_url, tokenFile: other.info.token_file },
      });
      await attached.start();
      equal(attached.mode, "attached");
      equal(attached.status().state, "up");
      equal(attached.status().peer_id, other.info.peer_id);
      equal(attached.pid, null);
      await attached.stop();
      equal((await other.stop()).code, 0, "an attached daemon outlives its owner");
      other = undefined;
    } finally {
      await other?.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("managed daemon: needs attach or spawn; a child that dies before ready fails start", async () => {
  equal(
    (() => {
      try {
        new ManagedDaemon({});
        return "made";
      } catch (error) {
        return (error as Error).message;
      }
    })(),
    "ManagedDaemon needs `attach` or `spawn`",
  );
  const root = await Deno.makeTempDir({ prefix: "hive-managed-dies-" });
  try {
    const daemon = new ManagedDaemon({
      logger: _quiet,
      spawn: _spawn(root),
      // `false` exits 1 at once: nothing ever announces itself.
      argv: () => ["false"],
      readyTimeoutMs: 30_000,
    });
    await rejects(daemon.start(), /hive daemon exited \(code 1, signal null\) before it was ready/);
    equal(daemon.status().state, "stopped");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("V8 flags of children: defaults, the environment's override, and how they are passed", async () => {
  deepEqual(childV8Flags(undefined), [...CHILD_V8_FLAGS]);
  deepEqual(childV8Flags(""), [], "an empty value turns them off");
  deepEqual(childV8Flags(" --a, --b=2 --c "), ["--a", "--b=2", "--c"]);
  const error = await rejection(
    Promise.resolve().then(() => childV8Flags("--ok,max-semi-space-size=4")),
    ConfigError,
  );
  equal(
    error.message,
    `${CHILD_V8_FLAGS_ENV}: expected V8 flags such as --max-semi-space-size=4, got ` +
      '"max-semi-space-size=4"',
  );
  const fromSource = [Deno.execPath(), "run", "--allow-all", "main.ts", "daemon"];
  deepEqual(withV8Flags(fromSource, ["--a", "--b=2"]), [
    Deno.execPath(),
    "run",
    "--v8-flags=--a,--b=2",
    "--allow-all",
    "main.ts",
    "daemon",
  ]);
  deepEqual(withV8Flags(fromSource, []), fromSource, "no flags, no option");
  const given = [Deno.execPath(), "run", "--v8-flags=--x", "main.ts"];
  deepEqual(withV8Flags(given, ["--a"]), given, "flags already given are kept");
  // A compiled binary takes no runtime flags: it carries those of `deno task compile`.
  deepEqual(withV8Flags(["/opt/hive", "daemon"], ["--a"]), ["/opt/hive", "daemon"]);
  const tasks = JSON.parse(
    await Deno.readTextFile(new URL("../../../../deno.json", import.meta.url)),
  ).tasks as Record<string, string>;
  equal(/--v8-flags=(\S+)/.exec(tasks.compile)?.[1], CHILD_V8_FLAGS.join(","));
});

Deno.test({
  name: "managed daemon: HIVE_DAEMON_V8_FLAGS reaches the child's V8 (a flag V8 refuses stops it)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-managed-v8-" });
    const saved = Deno.env.get(CHILD_V8_FLAGS_ENV);
    try {
      Deno.env.set(CHILD_V8_FLAGS_ENV, "--max-semi-space-size=2,--stack-size=2000");
      const daemon = new ManagedDaemon({
        logger: _quiet,
        spawn: _spawn(`${root}/d`),
        argv: hiveArgv,
      });
      try {
        await daemon.start();
        equal(await _v8FlagsOf(daemon.pid!), "--max-semi-space-size=2,--stack-size=2000");
      } finally {
        await daemon.stop();
      }
      // Only V8 itself refuses this name, so the child exiting shows the flags got there.
      Deno.env.set(CHILD_V8_FLAGS_ENV, "--no-such-v8-flag-here");
      const refused = new ManagedDaemon({
        logger: _quiet,
        spawn: _spawn(`${root}/e`),
        argv: hiveArgv,
        readyTimeoutMs: 30_000,
      });
      await rejects(
        refused.start(),
        /hive daemon exited \(code 1, signal null\) before it was ready/,
      );
    } finally {
      if (saved === undefined) Deno.env.delete(CHILD_V8_FLAGS_ENV);
      else Deno.env.set(CHILD_V8_FLAGS_ENV, saved);
      await Deno.remove(root, { recursive: true });
    }
  },
});
