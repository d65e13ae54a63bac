/**
 * Test support: drives a real Chromium (Debian `chromium` through npm `playwright-core`) in a
 * child process. Playwright probes paths under /proc that Deno only opens with `--allow-all`,
 * which the project's test flags do not grant, so tests run this file with `deno run -A` and talk
 * to it over NDJSON on stdin/stdout: one request `{id, op, ...}` per line, one reply
 * `{id, ok, result | error}` per line. The test side is `startBrowserDriver()` in host_helpers.ts.
 *
 * @module
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { BrowserRequest } from "./host_helpers.ts";

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
  const handle = async (r: BrowserRequest): Promise<unknown> => {
    switch (r.op) {
      case "launch":
        // A fresh profile folder per run (playwright passes it as --user-data-dir).
        browser = await chromium.launchPersistentContext(r.userDataDir, {
          executablePath: "/usr/bin/chromium",
          headless: true,
          args: CHROMIUM_ARGS,
        });
        return null;
      case "open": {
        const p = await browser!.newPage();
        await p.goto(r.url);
        pages.push(p);
        return pages.length - 1;
      }
      case "fill":
        await page(r.page).fill(r.selector, r.text);
        return null;
      case "click":
        await page(r.page).click(r.selector);
        return null;
      case "wait":
        await page(r.page).locator(r.selector, { hasText: r.hasText }).first().waitFor({
          timeout: r.timeoutMs ?? 30_000,
        });
        return null;
      case "attr":
        return await page(r.page).locator(r.selector, { hasText: r.hasText }).first()
          .locator(r.inner).getAttribute(r.name);
      case "url":
        return page(r.page).url();
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
      const request = JSON.parse(line) as BrowserRequest & { id: number };
      // Requests run concurrently so a long wait does not block a screenshot.
      handle(request).then(
        (result) => console.log(JSON.stringify({ id: request.id, ok: true, result })),
        (error) => console.log(JSON.stringify({ id: request.id, ok: false, error: String(error) })),
      );
    }
  }
  await browser?.close();
}

if (import.meta.main) await _serve();
