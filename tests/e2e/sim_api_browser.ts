/**
 * Test support: a real Chromium (Debian `chromium` through npm `playwright-core`) for the sim
 * dashboard tests, run as a child with `deno run -A` (Playwright needs it) and driven over
 * NDJSON on stdin/stdout like `host_browser.ts`, with the operations these tests need:
 * open a page at a viewport size, evaluate an expression, wait until one is true, click,
 * screenshot. The test side is {@link startSimBrowser}.
 *
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";

/** One request to the driver. */
export type SimBrowserRequest =
  | { op: "open"; url: string; width: number; height: number }
  | { op: "eval"; page: number; expression: string }
  | { op: "waitFor"; page: number; expression: string; timeoutMs: number }
  | { op: "click"; page: number; selector: string }
  | { op: "screenshot"; page: number; path: string; fullPage?: boolean }
  | { op: "close" };

async function _serve(): Promise<void> {
  const browser: Browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const pages: Page[] = [];
  const errors: string[] = [];
  const handle = async (r: SimBrowserRequest): Promise<unknown> => {
    switch (r.op) {
      case "open": {
        // The test's own expressions are strings the page's CSP would refuse to evaluate.
        const p = await browser.newPage({
          viewport: { width: r.width, height: r.height },
          bypassCSP: true,
        });
        p.on("pageerror", (e) => errors.push(String(e)));
        p.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        await p.goto(r.url);
        pages.push(p);
        return pages.length - 1;
      }
      case "eval":
        return await pages[r.page].evaluate(r.expression);
      case "waitFor":
        await pages[r.page].waitForFunction(r.expression, undefined, { timeout: r.timeoutMs });
        return errors.splice(0);
      case "click":
        await pages[r.page].click(r.selector);
        return null;
      case "screenshot":
        await pages[r.page].screenshot({ path: r.path, fullPage: r.fullPage });
        return r.path;
      case "close":
        await browser.close();
        return errors.splice(0);
    }
  };
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      const request = JSON.parse(line) as SimBrowserRequest & { id: number };
      handle(request).then(
        (result) => console.log(JSON.stringify({ id: request.id, ok: true, result })),
        (error) => console.log(JSON.stringify({ id: request.id, ok: false, error: String(error) })),
      );
    }
  }
  await browser.close().catch(() => {});
}

/** A driver child and a typed way to call it. */
export interface SimBrowser {
  call<T = unknown>(request: SimBrowserRequest): Promise<T>;
  close(): Promise<void>;
}

/** Start the driver child; every call fails after 60 s instead of hanging. */
export function startSimBrowser(): SimBrowser {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", new URL(import.meta.url).pathname],
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
    call<T>(request: SimBrowserRequest): Promise<T> {
      const id = nextId++;
      const { promise, resolve, reject } = Promise.withResolvers<T>();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      writer.write(new TextEncoder().encode(JSON.stringify({ id, ...request }) + "\n"))
        .catch(reject);
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`browser ${request.op}: no answer within 60 s`));
      }, 60_000);
      return promise.finally(() => clearTimeout(timer));
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

if (import.meta.main) await _serve();
