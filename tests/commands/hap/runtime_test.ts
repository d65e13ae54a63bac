/**
 * The portal's runtime before its daemon: a daemon directory already held by a running
 * `hive daemon` is refused with the lock, its pid and the way out, nothing is left running, and
 * that daemon's key is left as it was.
 */
import { deepEqual, equal, match } from "@std/assert";
import { startRuntime } from "../../../commands/hap/runtime.ts";
import { hiveConfigSchema } from "../../../config_schema.ts";
import { HiveError } from "../../../core/errors.ts";
import { type DaemonChild, startDaemon } from "../daemon/_daemon.ts";
import { rejection } from "../../_helpers.ts";
import { memoryLogger } from "./_mesh.ts";

Deno.test({
  name: "hap runtime: a busy daemon data dir is refused naming the LOCK and its pid",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-hap-busy-" });
    const daemonDir = `${root}/hap/bob/daemon`;
    let other: DaemonChild | undefined;
    try {
      other = await startDaemon({ dataDir: daemonDir, readyTimeoutMs: 60_000 });
      const otherKey = await Deno.readFile(`${daemonDir}/identity.key`);
      const config = hiveConfigSchema.parse({ data_dir: root });
      const { logger } = memoryLogger();
      const error = await rejection(
        startRuntime({
          flags: { id: "bob", mdns: false, p2pListen: ["/ip4/127.0.0.1/tcp/0"] },
          config,
          logger,
          lock: true,
          http: false,
        }),
        HiveError,
      );
      equal(error.code, "locked");
      match(
        error.message,
        new RegExp(
          `^data dir ${daemonDir} is in use: ${daemonDir}/identity\\.key\\.lock is held by pid ` +
            `${other.process.pid}, .*--daemon-url and --daemon-token-file$`,
        ),
      );
      // The instance lock was let go again: the portal's own lock file names no live holder.
      const again = await rejection(
        startRuntime({
          flags: { id: "bob", mdns: false },
          config,
          logger,
          lock: true,
          http: false,
        }),
        HiveError,
      );
      equal(again.code, "locked");
      match(
        again.message,
        /^data dir .* is in use/,
        "refused for the daemon dir, not the portal's lock",
      );
      deepEqual(await Deno.readFile(`${daemonDir}/identity.key`), otherKey, "its key untouched");
      equal((await other.stop()).code, 0, "the running daemon is left alone");
      other = undefined;
    } finally {
      await other?.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
