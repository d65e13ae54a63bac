/**
 * Test support for the cross-site tests against real servers: the Chromium driver child and the
 * attack snippets a page runs (cross-site WebSocket, no-preflight POST, same-origin read).
 *
 * @module
 */
import { deadline } from "../_helpers.ts";
import type { CrossSiteBrowserRequest } from "./cross_site_browser.ts";

/** The browser child process. */
export interface Driver {
  call<T = unknown>(request: CrossSiteBrowserRequest): Promise<T>;
  close(): Promise<void>;
}

/** Start the Chromium driver child (see cross_site_browser.ts). */
export function startDriver(): Driver {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      new URL("./cross_site_browser.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const reading = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines.filter(Boolean)) {
        const reply = JSON.parse(line) as {
          id: number;
          ok: boolean;
          result?: unknown;
          error?: string;
        };
        const waiter = pending.get(reply.id);
        pending.delete(reply.id);
        if (reply.ok) waiter?.resolve(reply.result);
        else waiter?.reject(new Error(reply.error));
      }
    }
    for (const waiter of pending.values()) waiter.reject(new Error("browser driver exited"));
  })();
  return {
    call<T>(request: CrossSiteBrowserRequest): Promise<T> {
      const id = nextId++;
      const { promise, resolve, reject } = Promise.withResolvers<T>();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      writer.write(new TextEncoder().encode(JSON.stringify({ id, ...request }) + "\n")).catch(
        reject,
      );
      return deadline(promise, 30_000, `browser ${request.op}`);
    },
    async close() {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      try {
        await this.call({ op: "close" }).catch(() => {});
        await writer.close().catch(() => {});
        await child.status;
        await reading;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** In a page: open a WebSocket, resolve with its first message, "error" or "timeout". */
export const wsAttempt = (url: string): string =>
  `new Promise((resolve) => {
    const s = new WebSocket(${JSON.stringify(url)});
    const t = setTimeout(() => resolve("timeout"), 5000);
    s.onmessage = (e) => { clearTimeout(t); resolve("message:" + e.data); s.close(); };
    s.onerror = () => { clearTimeout(t); resolve("error"); };
  })`;

/** In a page: a no-preflight cross-site POST (like a form); the response is opaque. */
export const simplePost = (url: string): string =>
  `fetch(${JSON.stringify(url)}, { method: "POST", mode: "no-cors",
     headers: { "content-type": "text/plain" }, body: '{"text":"pwned"}' })
   .then((r) => "sent:" + r.type, (e) => "error:" + e)`;

/** In a page: a same-origin request whose status and body the page can read. */
export const read = (path: string, init = "{}"): string =>
  `fetch(${JSON.stringify(path)}, ${init}).then(async (r) => r.status + " " + await r.text(),
     (e) => "error:" + e)`;

/** A same-origin JSON POST body for {@link read}. */
export const JSON_POST = `{ method: "POST", headers: { "content-type": "application/json" },
  body: '{"text":"from page"}' }`;
