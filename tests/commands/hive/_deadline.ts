/**
 * Wall-clock deadline for hive tests: simulated runs are bounded in virtual time already, this
 * also bounds them in real time so a regression fails instead of hanging CI.
 *
 * @module
 */

/** Run `fn`, failing if it takes longer than `ms` of real time. */
export async function withDeadline<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`deadline of ${ms} ms exceeded`)), ms);
  });
  try {
    return await Promise.race([fn(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
