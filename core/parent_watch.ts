/**
 * The child's half of supervision: a child started by a {@link Supervisor} gets its parent's pid
 * in {@link PARENT_PID_ENV} and watches it, because a parent killed with SIGKILL runs no code that
 * could stop its children.
 *
 * @example
 * ```ts
 * import { watchParent } from "./parent_watch.ts";
 * const unwatch = watchParent({ onParentGone: () => Deno.exit(0) });
 * ```
 * @module
 */

/** Env variable carrying the supervising parent's pid into the child. */
export const PARENT_PID_ENV = "HIVE_PARENT_PID";

/** Options for {@link watchParent}. */
export interface WatchParentOptions {
  /** Parent pid; default: `$HIVE_PARENT_PID`. Nothing is watched when neither is set. */
  parentPid?: number;
  /** Poll interval. Default 1000 ms. */
  intervalMs?: number;
  /** Called once when the parent is gone. Default: `Deno.exit(0)`. */
  onParentGone?: () => void;
}

/**
 * In a supervised child: poll whether the supervising parent is still our parent, and run
 * `onParentGone` once it is not (the kernel reparents orphans, so `Deno.ppid` changes). This is
 * how a child notices a parent that died by SIGKILL. Returns a function that stops watching.
 */
export function watchParent(options: WatchParentOptions = {}): () => void {
  const fromEnv = Number(Deno.env.get(PARENT_PID_ENV));
  const parent = options.parentPid ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 0);
  if (!parent) return () => {};
  const gone = options.onParentGone ?? (() => Deno.exit(0));
  const timer = setInterval(() => {
    if (Deno.ppid !== parent) {
      clearInterval(timer);
      gone();
    }
  }, options.intervalMs ?? 1000);
  // The watch alone must not keep a finished program alive.
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
