/**
 * An abortable sleep for the loops that wait on monerod: the local engine's start-up and the
 * `hive sim agent` processes.
 *
 * @module
 */

/** Sleep `ms`; resolves `false` early when `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  // Timers longer than 2^31-1 ms fire at once, so a long wait (a miner with a tiny share) is
  // taken in chunks. Bounded: at most ms / 2^31 chunks.
  let left = Math.max(0, ms);
  do {
    const chunk = Math.min(left, _MAX_TIMER_MS);
    if (!await _sleepOnce(chunk, signal)) return false;
    left -= chunk;
  } while (left > 0);
  return true;
}

const _MAX_TIMER_MS = 2 ** 31 - 1;

function _sleepOnce(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
