/**
 * Every child process that any supervisor of this process started, so that leaving (a normal
 * exit, `Deno.exit()`, SIGINT or SIGTERM) reaches them all and no child is left behind.
 *
 * @module
 */

const _live = new Set<number>();
let _unloadHook = false;

/** Send `signal` to `pid`, ignoring a process that is already gone. */
export function killQuietly(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch { /* already gone */ }
}

/** Remember a started child until {@link untrackChild}. */
export function trackChild(pid: number): void {
  if (!_unloadHook) {
    _unloadHook = true;
    // unload runs on normal exit and on Deno.exit(); async work cannot run there, so send SIGTERM
    // and let each child's own shutdown finish after we are gone.
    globalThis.addEventListener("unload", () => {
      for (const live of _live) killQuietly(live, "SIGTERM");
    });
  }
  _live.add(pid);
}

/** Forget a child that exited. */
export function untrackChild(pid: number): void {
  _live.delete(pid);
}

/** Pids of processes currently started by any supervisor in this process. */
export function liveChildPids(): number[] {
  return [..._live];
}

/** Something that stops its children when asked. */
export interface Stoppable {
  /** Stop gracefully. */
  stop(): Promise<unknown>;
}

const _onSignal = new Set<Stoppable>();
let _signalHandlers: (() => void)[] = [];

/**
 * Stop `owner` on SIGINT/SIGTERM, then exit with 130/143. Without this a signal would end the
 * process before its supervisors could stop their children.
 */
export function stopOnSignal(owner: Stoppable): void {
  _onSignal.add(owner);
  if (_signalHandlers.length > 0) return;
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    const handler = () => {
      void Promise.allSettled([..._onSignal].map((s) => s.stop())).finally(() => Deno.exit(code));
    };
    Deno.addSignalListener(signal, handler);
    _signalHandlers.push(() => Deno.removeSignalListener(signal, handler));
  }
}

/** Undo {@link stopOnSignal}; the handlers go once no owner is left. */
export function releaseOnSignal(owner: Stoppable): void {
  _onSignal.delete(owner);
  if (_onSignal.size > 0) return;
  for (const remove of _signalHandlers) remove();
  _signalHandlers = [];
}
