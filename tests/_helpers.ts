/**
 * Small assertion helpers shared by tests (node's assert does not narrow `unknown` errors).
 *
 * @module
 */

/** A class constructor usable with `instanceof`. */
// deno-lint-ignore no-explicit-any
export type ErrorClass<E> = abstract new (...args: any[]) => E;

/** Assert `value instanceof type` and narrow it. */
export function assertInstanceOf<T>(
  value: unknown,
  type: ErrorClass<T>,
  message?: string,
): asserts value is T {
  if (!(value instanceof type)) {
    throw new Error(message ?? `expected an instance of ${type.name}, got ${String(value)}`);
  }
}

/** Await `promise`, expecting it to reject with `type`; returns the typed error. */
export async function rejection<E>(promise: Promise<unknown>, type: ErrorClass<E>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    assertInstanceOf(error, type);
    return error;
  }
  throw new Error(`expected a rejection with ${type.name}, but the promise resolved`);
}

/** Poll `condition` every 10 ms until true or `timeoutMs` passes; returns the final value. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
