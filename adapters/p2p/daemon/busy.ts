/**
 * Whether a data dir's daemon is already running, told before a second `hive daemon` is spawned
 * on it: that child could only fail on the identity lock, after a cold start, with a message
 * about a lock. Kept apart from the supervision so that light commands (`hive host status`) can
 * name a busy data dir without loading the IPC client.
 *
 * @module
 */
import { isProcessAlive } from "../../../core/lock.ts";

/** Options for {@link busyDataDir}. */
export interface BusyDataDirOptions {
  /** Whether a pid runs. Default {@link isProcessAlive}. */
  isAlive?: (pid: number) => Promise<boolean>;
  /**
   * Who holds the lock, when the caller can tell better than "a hive daemon" (e.g. the host
   * that started it, from its `host.json`); null falls back to that.
   */
  holder?: (
    dataDir: string,
    isAlive: (pid: number) => Promise<boolean>,
  ) => Promise<string | null>;
}

/**
 * Why a daemon cannot be started on `dataDir`, or null: its identity lock
 * (`<dataDir>/identity.key.lock`) held by a live process, named with its pid and its holder.
 *
 * @example
 * ```ts
 * const why = await busyDataDir("/tmp/hive-a");
 * if (why) throw new Error(why); // "data dir /tmp/hive-a is in use: ... held by pid 4242, ..."
 * ```
 */
export async function busyDataDir(
  dataDir: string,
  options: BusyDataDirOptions = {},
): Promise<string | null> {
  const isAlive = options.isAlive ?? isProcessAlive;
  const lockPath = `${dataDir}/identity.key.lock`;
  let text: string;
  try {
    text = await Deno.readTextFile(lockPath);
  } catch {
    return null;
  }
  const pid = /^\s*(\d{1,10})\s*$/.exec(text)?.[1];
  if (!pid || !(await isAlive(Number(pid)))) return null;
  const holder = (await options.holder?.(dataDir, isAlive)) ??
    "a hive daemon (or another hive host's daemon)";
  return `data dir ${dataDir} is in use: ${lockPath} is held by pid ${pid}, ${holder}; ` +
    "stop it, pass another --data-dir, or attach to that daemon with --daemon-url and " +
    "--daemon-token-file";
}
