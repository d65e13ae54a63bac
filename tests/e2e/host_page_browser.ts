/**
 * Test support for the chat page's layout tests: a real Chromium (Debian `chromium` through npm
 * `playwright-core`) in a child process, like `host_browser.ts`, plus what layout checks need:
 * pages of a given viewport size and evaluating an expression in the page. Run with
 * `deno run -A`; NDJSON requests `{id, op, ...}` on stdin, replies `{id, ok, result | error}`.
 *
 * @module
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { PageRequest } from "./host_page_helpers.ts";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function _serve(): Promise<void> {
  let browser: BrowserContext | undefined;
  const pages: Page[] = [];
  const page = (n: number) => {
    const p = pages[n];
    if (!p) throw new Error(`no page ${n}`);
    return p;
  };
  const handle = async (r: PageRequest): Promise<unknown> => {
    switch (r.op) {
      case "launch":
        browser = await chromium.launchPersistentContext(r.userDataDir, {
          executablePath: "/usr/bin/chromium",
          headless: true,
          args: CHROMIUM_ARGS,
        });
        return null;
      case "open": {
        const p = await browser!.newPage();
        await p.setViewportSize({ width: r.width, height: r.height });
        await p.goto(r.url);
        pages.push(p);
        return pages.length - 1;
      }
      case "eval":
        return await page(r.page).evaluate(r.expression);
      case "fill":
        await page(r.page).fill(r.selector, r.text);
        return null;
      case "click":
        await page(r.page).click(r.selector, { timeout: 10_000 });
        return null;
      case "wait":
        await page(r.page).locator(r.selector, { hasText: r.hasText }).first().waitFor({
          state: r.state ?? "visible",
          timeout: r.timeoutMs ?? 30_000,
        });
        return null;
      case "screenshot":
        await page(r.page).screenshot({ path: r.path });
        return r.path;
      case "close":
        await browser?.close();
        browser = undefined;
        return null;
    }
  };
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      const request = JSON.parse(line) as PageRequest & { id: number };
      handle(request).then(
        (result) => console.log(JSON.stringify({ id: request.id, ok: true, result })),
        (error) => console.log(JSON.stringify({ id: request.id, ok: false, error: String(error) })),
      );
    }
  }
  await browser?.close();
}

if (import.meta.main) await _serve();
