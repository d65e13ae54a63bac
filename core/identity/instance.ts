/**
 * One running instance per agent id and kind: `hive host` and `hive hap` take a lock named after
 * both before joining the mesh, so a second process with the same identity is refused with the
 * holder's PID (two signers with one key would make each other's messages look replayed). A
 * lock left by a dead process is reclaimed. The default HTTP ports differ by kind, so a host and
 * a portal run side by side on one machine.
 *
 * @example
 * ```ts
 * import { acquireInstanceLock, DEFAULT_HTTP_PORTS } from "./instance.ts";
 * const lock = await acquireInstanceLock({ dataDir, kind: "hap", id: "alice" });
 * console.log(DEFAULT_HTTP_PORTS.hap); // 8789
 * await lock.release();
 * ```
 * @module
 */
import { acquireLock, type Lock } from "../lock.ts";
import type { AgentKind } from "./names.ts";

export { DEFAULT_HTTP_PORTS } from "./names.ts";

/** Options for {@link acquireInstanceLock}. */
export interface InstanceLockOptions {
  /** Data dir; locks live in `<dataDir>/instances/`. */
  dataDir: string;
  kind: AgentKind;
  id: string;
  /** Liveness probe, for tests. */
  isAlive?: (pid: number) => Promise<boolean>;
}

/** Path of the lock of one identity. */
export function instanceLockPath(dataDir: string, kind: AgentKind, id: string): string {
  return `${dataDir}/instances/${kind}-${id}.lock`;
}

/**
 * Take the lock of `kind`+`id`; throws `LockHeldError` (with the holder's PID) when a live
 * process has it, and reclaims a stale one (`lock.reclaimed`).
 */
export async function acquireInstanceLock(options: InstanceLockOptions): Promise<Lock> {
  await Deno.mkdir(`${options.dataDir}/instances`, { recursive: true });
  return await acquireLock({
    path: instanceLockPath(options.dataDir, options.kind, options.id),
    isAlive: options.isAlive,
  });
}
