/**
 * Test support for the sim API end-to-end tests: start `hive ...` from source and read the API
 * URL it prints, with a deadline.
 *
 * @module
 */
import { deadline, MAIN_MODULE } from "../_helpers.ts";
import { type Browser, startBrowser } from "./_browser.ts";

/** A started `hive` child serving an API. */
export interface HiveApiChild {
  child: Deno.ChildProcess;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** All of stderr, once the child has exited. */
  stderr: Promise<string>;
  /** All of stdout, once the child has exited. */
  stdout: Promise<string>;
}

/** Start `hive ARGS` and resolve once it has printed its API URL on stdout (30 s deadline). */
export async function startHiveApi(args: string[]): Promise<HiveApiChild> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN_MODULE, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let stdout = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const url = await deadline(
    (async () => {
      while (true) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`no API URL; stderr: ${await stderr}`);
        stdout += value;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout);
        if (m) return m[0];
      }
    })(),
    30_000,
    "the API URL on stdout",
  ).catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  const rest = (async () => {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return stdout;
      stdout += value;
    }
  })();
  return { child, url, stderr, stdout: rest };
}

/** Stop a child with SIGINT and return its exit code (SIGKILL after 20 s). */
export async function interrupt(child: Deno.ChildProcess): Promise<number> {
  try {
    child.kill("SIGINT");
  } catch { /* exited */ }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, 20_000);
  try {
    return (await child.status).code;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Start the Chromium driver of the dashboard tests (see _browser.ts), launched with a fresh
 * profile and the page's CSP bypassed (the tests' expressions are strings); every call fails
 * after 60 s instead of hanging.
 */
export function startSimBrowser(): Browser {
  return startBrowser({ deadlineMs: 60_000, launch: { bypassCSP: true } });
}
