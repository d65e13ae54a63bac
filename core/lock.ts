/**
 * One instance per identity: a lock file holding the owner's PID. A lock whose PID is dead is
 * stale and reclaimed; a live one is refused with an error naming the PID and the path.
 *
 * @example
 * ```ts
 * import { acquireLock } from "./lock.ts";
 * const lock = await acquireLock({ path: "/tmp/hive/identity.key.lock" });
 * try {
 *   // ... run the one instance ...
 * } finally {
 *   await lock.release();
 * }
 * ```
 * @module
 */
import { HiveError } from "./errors.ts";

/** Options for {@link acquireLock}. */
export interface LockOptions {
  /** Lock file path. */
  path: string;
  /** PID written into the lock. Default: this process. */
  pid?: number;
  /** Whether a PID names a running process. Default: {@link isProcessAlive}. */
  isAlive?: (pid: number) => Promise<boolean>;
}

/** A held lock. */
export interface Lock {
  /** Lock file path. */
  readonly path: string;
  /** PID written into it. */
  readonly pid: number;
  /** True when a stale lock (dead PID) was taken over. */
  readonly reclaimed: boolean;
  /** Remove the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
  /** Same as {@link Lock.release}, synchronously (for exit paths that cannot await). */
  releaseSync(): void;
}

/** Another live process holds the lock. Exits 1. */
export class LockHeldError extends HiveError {
  /** PID of the holder. */
  readonly pid: number;
  /** Lock file path. */
  readonly path: string;

  constructor(pid: number, path: string) {
    super(
      `another instance (pid ${pid}) already holds ${path}; stop it first, or use another identity`,
      { code: "locked" },
    );
    this.pid = pid;
    this.path = path;
  }
}

const _ATTEMPTS = 5;

/**
 * True when `pid` names a running process (`kill -0`, which signals nothing). Deno lets only
 * `--allow-all` programs read `/proc/<pid>`, so the shell's builtin asks the kernel instead.
 */
export async function isProcessAlive(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const { success, stderr } = await new Deno.Command("sh", {
    args: ["-c", `kill -0 ${pid}`],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  // EPERM: the process exists but belongs to someone else, so it is alive.
  return success || /not permitted/i.test(new TextDecoder().decode(stderr));
}

function _readPid(text: string): number | null {
  const trimmed = text.trim();
  return /^[0-9]{1,10}$/.test(trimmed) ? Number(trimmed) : null;
}

async function _readLock(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** A reclaim marker older than this was left by a crash and is removed. */
const _MARKER_STALE_MS = 5_000;

async function _withReclaimMarker(path: string, reclaim: () => Promise<void>): Promise<boolean> {
  const marker = `${path}.reclaim`;
  try {
    await Deno.writeTextFile(marker, `${Deno.pid}\n`, { createNew: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    const age = Date.now() - ((await Deno.stat(marker).catch(() => null))?.mtime?.getTime() ?? 0);
    if (age > _MARKER_STALE_MS) await Deno.remove(marker).catch(() => {});
    return false;
  }
  try {
    await reclaim();
    return true;
  } finally {
    await Deno.remove(marker).catch(() => {});
  }
}

/**
 * Take the lock at `path`. A lock left by a dead process (or holding garbage) is reclaimed;
 * one held by a live process throws {@link LockHeldError}.
 */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const pid = options.pid ?? Deno.pid;
  const isAlive = options.isAlive ?? isProcessAlive;
  let reclaimed = false;
  for (let attempt = 0; attempt < _ATTEMPTS; attempt++) {
    try {
      await Deno.writeTextFile(options.path, `${pid}\n`, { createNew: true, mode: 0o644 });
      return _heldLock(options.path, pid, reclaimed);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const text = await _readLock(options.path);
    if (text === null) continue; // released between our create and read: try again
    const holder = _readPid(text);
    if (holder !== null && await isAlive(holder)) throw new LockHeldError(holder, options.path);
    // Stale. Checking the text and then removing is two steps, so two reclaimers could both
    // pass the check and the second would remove the first one's fresh lock: only the one that
    // creates the reclaim marker may remove; the other retries and meets the new holder.
    if (
      await _withReclaimMarker(options.path, async () => {
        if (await _readLock(options.path) !== text) return;
        try {
          await Deno.remove(options.path);
        } catch (error) {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        }
      })
    ) reclaimed = true;
    else await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
  }
  throw new HiveError(`could not take lock ${options.path} after ${_ATTEMPTS} attempts`, {
    code: "locked",
  });
}

function _heldLock(path: string, pid: number, reclaimed: boolean): Lock {
  let released = false;
  const ours = (text: string | null) => text !== null && _readPid(text) === pid;
  return {
    path,
    pid,
    reclaimed,
    async release() {
      if (released) return;
      released = true;
      if (ours(await _readLock(path))) await Deno.remove(path).catch(() => {});
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (ours(Deno.readTextFileSync(path))) Deno.removeSync(path);
      } catch { /* already gone */ }
    },
  };
}
