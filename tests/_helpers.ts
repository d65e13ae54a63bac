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

/** Reject with a message naming `what` when `promise` has not settled within `ms`. */
export async function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`deadline: ${what} after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Run `fn` with a fresh temporary folder named `prefix...`, removed afterwards whatever `fn` does. */
export async function withTempDir(
  fn: (dir: string) => Promise<void>,
  prefix = "hive-test-",
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** What a `hive` run printed and how it exited. */
export interface HiveRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Path of the program's entry point, for running `hive` from source in tests. */
export const MAIN_MODULE: string = new URL("../main.ts", import.meta.url).pathname;

/** Run `hive ARGS...` from source to completion; `env` is added to the environment. */
export async function runHive(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<HiveRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN_MODULE, ...args],
    // A hung command fails its test with an AbortError instead of hanging CI.
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Read `/proc/PID/NAME` through `cat`: the test task's scoped permissions (`--allow-read` on the
 * tree, no `--allow-all`) do not reach /proc, but running a program is allowed.
 */
export async function readProcFile(pid: number, name: string): Promise<string> {
  const out = await new Deno.Command("cat", {
    args: [`/proc/${pid}/${name}`],
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(10_000),
  }).output();
  if (!out.success) throw new Deno.errors.NotFound(`/proc/${pid}/${name}`);
  return new TextDecoder().decode(out.stdout);
}
