/**
 * Test helper: run `hive daemon` as a child process (so no libp2p handle lives in the test
 * process), wait for its ready line, and stop it with SIGTERM.
 *
 * @module
 */
import { childV8Flags, selfCommand, withV8Flags } from "../../../core/self.ts";
import type { DaemonInfo } from "../../../adapters/p2p/ipc_protocol.ts";

const _MAIN = new URL("../../../main.ts", import.meta.url).href;

/**
 * `selfArgv()` for tests: in a test process `Deno.mainModule` is the test file, so point the
 * same command line at main.ts (`$HIVE_BIN`, a compiled hive, is used as it is).
 */
export function hiveArgv(...args: string[]): string[] {
  const self = selfCommand();
  if (self.args.length === 0) return [self.cmd, ...args];
  return [self.cmd, ...self.args.slice(0, -1), _MAIN, ...args];
}

/** A daemon child. */
export interface DaemonChild {
  /** The ready line. */
  info: DaemonInfo;
  /** Data dir it runs in. */
  dataDir: string;
  /** The process. */
  process: Deno.ChildProcess;
  /** Everything it wrote to stderr so far (its logs). */
  stderr(): string;
  /** SIGTERM and wait; resolves to the exit status and how long the exit took. */
  stop(signal?: Deno.Signal): Promise<{ code: number; ms: number }>;
}

/** Options for {@link startDaemon}. */
export interface StartDaemonOptions {
  /** Data dir (created by the daemon). */
  dataDir: string;
  /** Extra flags; `--no-mdns` and a loopback `--p2p-listen` are added unless given. */
  args?: string[];
  /** Give up waiting for the ready line after this long. Default 30 s. */
  readyTimeoutMs?: number;
  /** Config file (`--config`). */
  config?: string;
  /** Run the daemon through this command, e.g. `["ip", "netns", "exec", "ns1"]`. */
  prefix?: string[];
  /** V8 flags of the daemon. Default: those a supervised daemon gets (`childV8Flags()`). */
  v8Flags?: readonly string[];
  /** Extra environment of the daemon. */
  env?: Record<string, string>;
}

/** Read lines from a byte stream. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const text = stream.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const chunk of text) {
    rest += chunk;
    let i;
    while ((i = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, i);
      rest = rest.slice(i + 1);
    }
  }
  if (rest) yield rest;
}

function _drain(stream: ReadableStream<Uint8Array>, sink: string[]): Promise<void> {
  return (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) sink.push(chunk);
  })().catch(() => {});
}

/** Start a daemon and wait until it printed its ready JSON line. */
export async function startDaemon(options: StartDaemonOptions): Promise<DaemonChild> {
  const args = options.args ?? [];
  const extra = [
    ...(args.includes("--p2p-listen") ? [] : ["--p2p-listen", "/ip4/127.0.0.1/tcp/0"]),
    ...(args.includes("--mdns") ? [] : ["--no-mdns"]),
  ];
  const [cmd, ...rest] = withV8Flags(
    hiveArgv(
      ...(options.config ? ["--config", options.config] : []),
      "--log-level",
      "debug",
      "daemon",
      "--json",
      "--data-dir",
      options.dataDir,
      ...args,
      ...extra,
    ),
    options.v8Flags ?? childV8Flags(),
  );
  const [program, ...programArgs] = [...(options.prefix ?? []), cmd, ...rest];
  const process = new Deno.Command(program, {
    args: programArgs,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const err: string[] = [];
  const stderrDone = _drain(process.stderr, err);
  const out = lines(process.stdout);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let info: DaemonInfo;
  try {
    const first = await Promise.race([
      out.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("daemon not ready in time")),
          options.readyTimeoutMs ?? 30_000,
        );
      }),
    ]);
    if (first.done) {
      const status = await process.status;
      await stderrDone;
      throw new Error(`daemon exited (${status.code}) before ready: ${err.join("")}`);
    }
    info = JSON.parse(first.value) as DaemonInfo;
  } catch (error) {
    try {
      process.kill("SIGKILL");
    } catch { /* already gone */ }
    await process.status;
    await stderrDone;
    await out.return(undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const stdoutDone = (async () => {
    for await (const _ of out) { /* the daemon prints nothing more; keep the pipe drained */ }
  })();
  let stopped: Promise<{ code: number; ms: number }> | undefined;
  return {
    info,
    dataDir: options.dataDir,
    process,
    stderr: () => err.join(""),
    stop(signal: Deno.Signal = "SIGTERM") {
      stopped ??= (async () => {
        const t0 = performance.now();
        try {
          process.kill(signal);
        } catch { /* already exited */ }
        const watchdog = setTimeout(() => {
          try {
            process.kill("SIGKILL");
          } catch { /* gone */ }
        }, 15_000);
        const status = await process.status;
        clearTimeout(watchdog);
        const ms = performance.now() - t0;
        await Promise.all([stdoutDone, stderrDone]);
        return { code: status.code, ms };
      })();
      return stopped;
    },
  };
}

/** Run `hive <args>` to completion; returns exit code, stdout and stderr. */
export async function runHive(
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...rest] = hiveArgv(...args);
  const child = new Deno.Command(cmd, {
    args: rest,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const watchdog = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, options.timeoutMs ?? 30_000);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(watchdog);
  }
}
