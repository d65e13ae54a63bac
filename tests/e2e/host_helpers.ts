/**
 * Test support for `hive host` end-to-end tests: start a real host process (which supervises a
 * real `hive daemon`), read its ready line, drain its logs, stop it, and find leftover processes.
 * Everything listens on loopback only.
 *
 * @module
 */

import { type Browser, startBrowser } from "./_browser.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The JSON ready line `hive host --json` prints. */
export interface HostReady {
  url: string;
  port: number;
  pid: number;
  peer_id: string;
  addrs: string[];
  daemon_pid: number;
  agents: { name: string; state: string }[];
}

/** A running host process. */
export interface HostProcess {
  ready: HostReady;
  child: Deno.ChildProcess;
  /** stderr lines so far (the audit log). */
  logs: string[];
  /** Send a signal and wait for exit; returns the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/** Options for {@link startHostProcess}. */
export interface StartHostProcessOptions {
  /** Unique data dir; it also marks every process of this host for pgrep. */
  dataDir: string;
  /** Extra `hive host` flags. */
  args?: string[];
  /** Run this file instead of main.ts (e.g. the bundle). */
  entry?: string;
  /** Daemon listen address. Default `/ip4/127.0.0.1/tcp/0`. */
  listen?: string;
  /** Wait this long for the ready line. Default 60 s. */
  timeoutMs?: number;
}

async function _drain(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    into.push(...parts);
    // Keep memory bounded on long runs.
    if (into.length > 5000) into.splice(0, into.length - 5000);
  }
  if (rest) into.push(rest);
}

/** Start `hive host --port 0 --json` on loopback with mDNS off and wait for its ready line. */
export async function startHostProcess(options: StartHostProcessOptions): Promise<HostProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      options.entry ?? MAIN,
      "host",
      "--port",
      "0",
      "--json",
      "--data-dir",
      options.dataDir,
      "--no-mdns",
      "--p2p-listen",
      options.listen ?? "/ip4/127.0.0.1/tcp/0",
      ...(options.args ?? []),
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const logs: string[] = [];
  const stdoutLines: string[] = [];
  const draining = Promise.all([_drain(child.stderr, logs), _drain(child.stdout, stdoutLines)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!exited) {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    }
    // A host that ignores the signal is killed after 20 s, so a test fails instead of hanging.
    const watchdog = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 20_000);
    const code = (await status).code;
    clearTimeout(watchdog);
    await draining;
    return code;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (stdoutLines.length === 0) {
    if (exited || Date.now() > deadline) {
      await stop("SIGKILL");
      throw new Error(
        `hive host did not become ready (exited: ${exited}); stderr:\n${
          logs.slice(-30).join("\n")
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ready = JSON.parse(stdoutLines[0]) as HostReady;
  return { ready, child, logs, stop };
}

/** Pids of processes whose command line contains `marker`. */
export async function pgrep(marker: string): Promise<number[]> {
  const out = await new Deno.Command("pgrep", { args: ["-f", marker], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map(Number);
}

/**
 * End of a test: SIGKILL whatever still carries `root` in its command line, remove `root`, and
 * return the pids that were left (the test asserts there were none).
 */
export async function removeTestRoot(root: string): Promise<number[]> {
  const left = await pgrep(root);
  for (const pid of left) Deno.kill(pid, "SIGKILL");
  await Deno.remove(root, { recursive: true });
  return left;
}

/** Poll `check` (async) until it returns a value that is not undefined, or throw. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
}

/** GET a JSON document. */
export async function getJson<T = Record<string, unknown>>(
  url: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) {
    const text = await response.text();
    throw new Error(`GET ${url}: HTTP ${response.status}: ${text}`);
  }
  return await response.json() as T;
}

/** The browser driver of the host tests (see _browser.ts). */
export type BrowserDriver = Browser;

/** Start the Chromium driver child; every call fails after 90 s instead of hanging. */
export function startBrowserDriver(): BrowserDriver {
  return startBrowser({ deadlineMs: 90_000 });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
