/**
 * Test support: the one Chromium driver of the end-to-end tests. A real Chromium (Debian
 * `chromium` through npm `playwright-core`) runs in a child process, because Playwright probes
 * paths under /proc that Deno only opens with `--allow-all`, which the project's test flags do
 * not grant: {@link startBrowser} runs this file with `deno run -A` and talks to it over NDJSON
 * on stdin/stdout, one request `{id, op, ...}` per line, one reply `{id, ok, result | error}` per
 * line. Every call has a deadline, so a stuck browser fails the test instead of hanging it.
 *
 * Ops: `launch` (a fresh profile folder, passed as `--user-data-dir`; optional host-resolver
 * rules and CSP bypass), `open` (a page, optionally at a viewport size), `eval`, `waitFor` (until
 * an expression is true), `wait` (until a selector reaches a state), `fill`, `click`, `attr`,
 * `url`, `serveDocument` (answer one URL's document with given HTML), `screenshot`, `close`.
 * `waitFor` and `close` answer with the page errors and console errors seen since the last
 * such answer.
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";

/** A request to the driver. */
export type BrowserRequest =
  | { op: "launch"; userDataDir: string; resolverRules?: string; bypassCSP?: boolean }
  | { op: "open"; url: string; width?: number; height?: number }
  | { op: "eval"; page: number; expression: string }
  | { op: "waitFor"; page: number; expression: string; timeoutMs: number }
  | {
    op: "wait";
    page: number;
    selector: string;
    hasText?: string;
    state?: "visible" | "attached" | "hidden";
    timeoutMs?: number;
  }
  | { op: "fill"; page: number; selector: string; text: string }
  | { op: "click"; page: number; selector: string }
  | { op: "attr"; page: number; selector: string; hasText?: string; inner: string; name: string }
  | { op: "url"; page: number }
  | { op: "serveDocument"; url: string; html: string }
  | { op: "screenshot"; page: number; path: string; fullPage?: boolean }
  | { op: "close" };

/** How one driver child behaves, fixed when it starts. */
export interface BrowserOptions {
  /** Deadline of every call, in ms. */
  deadlineMs: number;
  /** Playwright's timeout for `click`, in ms (its default, 30 s, when absent). */
  clickTimeoutMs?: number;
  /** Playwright's timeout for the navigation of `open`, in ms (30 s when absent). */
  gotoTimeoutMs?: number;
  /** `open` answers `{page, status}` (the document's HTTP status) instead of the page number. */
  openStatus?: boolean;
  /** Launch at start with a fresh profile folder (removed on close) and these options. */
  launch?: { bypassCSP?: boolean };
}

/** A driver child and a typed way to call it. */
export interface Browser {
  call<T = unknown>(request: BrowserRequest): Promise<T>;
  /** Close the browser and wait for the child to exit (kills it if it does not). */
  close(): Promise<void>;
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Chromium's Local Network Access checks block a page whose document did not come from a local
 * address (a stand-in for an attacker's server) from reaching 127.0.0.1 at all. Firefox and
 * Safari have no such check, and the server must not rely on one: with them off, the test sees
 * what those browsers let through. Only used with host-resolver rules (the cross-site tests).
 */
const _NO_LNA = [
  "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights," +
  "PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests",
];

async function _serve(options: BrowserOptions): Promise<void> {
  const { chromium } = await import("playwright-core");
  let browser: BrowserContext | undefined;
  const pages: Page[] = [];
  const errors: string[] = [];
  const page = (n: number) => {
    const p = pages[n];
    if (!p) throw new Error(`no page ${n}`);
    return p;
  };
  const handle = async (r: BrowserRequest): Promise<unknown> => {
    switch (r.op) {
      case "launch":
        browser = await chromium.launchPersistentContext(r.userDataDir, {
          executablePath: "/usr/bin/chromium",
          headless: true,
          // The tests' own expressions are strings a page's CSP would refuse to evaluate.
          bypassCSP: r.bypassCSP,
          args: r.resolverRules
            ? [...CHROMIUM_ARGS, `--host-resolver-rules=${r.resolverRules}`, ..._NO_LNA]
            : CHROMIUM_ARGS,
        });
        return null;
      case "open": {
        const p = await browser!.newPage();
        p.on("pageerror", (e) => errors.push(String(e)));
        p.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        if (r.width !== undefined && r.height !== undefined) {
          await p.setViewportSize({ width: r.width, height: r.height });
        }
        const response = await p.goto(r.url, { timeout: options.gotoTimeoutMs });
        pages.push(p);
        return options.openStatus
          ? { page: pages.length - 1, status: response?.status() ?? 0 }
          : pages.length - 1;
      }
      case "eval":
        return await page(r.page).evaluate(r.expression);
      case "waitFor":
        await page(r.page).waitForFunction(r.expression, undefined, { timeout: r.timeoutMs });
        return errors.splice(0);
      case "wait":
        await page(r.page).locator(r.selector, { hasText: r.hasText }).first().waitFor({
          state: r.state ?? "visible",
          timeout: r.timeoutMs ?? 30_000,
        });
        return null;
      case "fill":
        await page(r.page).fill(r.selector, r.text);
        return null;
      case "click":
        await page(r.page).click(r.selector, { timeout: options.clickTimeoutMs });
        return null;
      case "attr":
        return await page(r.page).locator(r.selector, { hasText: r.hasText }).first()
          .locator(r.inner).getAttribute(r.name);
      case "url":
        return page(r.page).url();
      case "serveDocument":
        await browser!.route(
          r.url,
          (route) => route.fulfill({ status: 200, contentType: "text/html", body: r.html }),
        );
        return null;
      case "screenshot":
        await page(r.page).screenshot({ path: r.path, fullPage: r.fullPage });
        return r.path;
      case "close":
        await browser?.close();
        browser = undefined;
        return errors.splice(0);
    }
  };
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      const request = JSON.parse(line) as BrowserRequest & { id: number };
      // Requests run concurrently so a long wait does not block a screenshot.
      handle(request).then(
        (result) => console.log(JSON.stringify({ id: request.id, ok: true, result })),
        (error) => console.log(JSON.stringify({ id: request.id, ok: false, error: String(error) })),
      );
    }
  }
  await browser?.close().catch(() => {});
}

/**
 * Start the driver child (`deno run -A` this file).
 *
 * @example
 * ```ts
 * const browser = startBrowser({ deadlineMs: 90_000 });
 * await browser.call({ op: "launch", userDataDir: `${root}/chromium` });
 * const page = await browser.call<number>({ op: "open", url });
 * await browser.close();
 * ```
 */
export function startBrowser(options: BrowserOptions): Browser {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      new URL(import.meta.url).pathname,
      JSON.stringify(options),
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
  const call = <T>(request: BrowserRequest): Promise<T> => {
    const id = nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    writer.write(new TextEncoder().encode(JSON.stringify({ id, ...request }) + "\n")).catch(
      reject,
    );
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`browser ${request.op}: no answer within ${options.deadlineMs / 1000} s`));
    }, options.deadlineMs);
    return promise.finally(() => clearTimeout(timer));
  };
  const profile = options.launch ? Deno.makeTempDirSync({ prefix: "hive-chromium-" }) : undefined;
  const launched = profile
    ? call({ op: "launch", userDataDir: profile, ...options.launch })
    : Promise.resolve(null);
  // A failed launch surfaces on the first call instead of as an unhandled rejection.
  launched.catch(() => {});
  return {
    async call<T>(request: BrowserRequest): Promise<T> {
      await launched;
      return await call<T>(request);
    },
    async close() {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      try {
        await call({ op: "close" }).catch(() => {});
        await writer.close().catch(() => {});
        await child.status;
        await reading;
      } finally {
        clearTimeout(timer);
        if (profile) await Deno.remove(profile, { recursive: true }).catch(() => {});
      }
    },
  };
}

if (import.meta.main) await _serve(JSON.parse(Deno.args[0] ?? "{}") as BrowserOptions);
