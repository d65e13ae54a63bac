/**
 * Test support for the cross-site test: a real Chromium (Debian `chromium` through npm
 * `playwright-core`) in a child process run with `deno run -A` (Playwright probes /proc paths
 * that the test flags do not grant), driven over NDJSON on stdin/stdout: one request
 * `{id, op, ...}` per line, one reply `{id, ok, result | error}` per line.
 *
 * Ops: `launch` (fresh profile; `resolverRules` maps names such as `rebind.test` to 127.0.0.1, so
 * a page can be served under an attacker's name), `open` (returns the page number and the
 * document's HTTP status), `evaluate` (runs an expression in a page, awaits it, returns its
 * JSON value), `serveDocument` (answers one URL's document with given HTML, the way an
 * attacker's server answers before its DNS is re-pointed; every other request goes to the
 * network), `close`.
 *
 * @module
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** A request to the driver. */
export type CrossSiteBrowserRequest =
  | { op: "launch"; userDataDir: string; resolverRules?: string }
  | { op: "open"; url: string }
  | { op: "evaluate"; page: number; expression: string }
  | { op: "serveDocument"; url: string; html: string }
  | { op: "close" };

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
 * address (our stand-in for the attacker's server) from reaching 127.0.0.1 at all. Firefox and
 * Safari have no such check, and the server must not rely on one: with them off, the test sees
 * what those browsers let through (its control run proves the attacks then work unguarded).
 */
const _NO_LNA = [
  "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights," +
  "PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests",
];

async function _serve(): Promise<void> {
  let browser: BrowserContext | undefined;
  const pages: Page[] = [];
  const handle = async (r: CrossSiteBrowserRequest): Promise<unknown> => {
    switch (r.op) {
      case "launch":
        browser = await chromium.launchPersistentContext(r.userDataDir, {
          executablePath: "/usr/bin/chromium",
          headless: true,
          args: r.resolverRules
            ? [...CHROMIUM_ARGS, `--host-resolver-rules=${r.resolverRules}`, ..._NO_LNA]
            : CHROMIUM_ARGS,
        });
        return null;
      case "serveDocument":
        await browser!.route(
          r.url,
          (route) => route.fulfill({ status: 200, contentType: "text/html", body: r.html }),
        );
        return null;
      case "open": {
        const p = await browser!.newPage();
        const response = await p.goto(r.url, { timeout: 15_000 });
        pages.push(p);
        return { page: pages.length - 1, status: response?.status() ?? 0 };
      }
      case "evaluate": {
        const p = pages[r.page];
        if (!p) throw new Error(`no page ${r.page}`);
        return await p.evaluate(r.expression);
      }
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
      const request = JSON.parse(line) as CrossSiteBrowserRequest & { id: number };
      handle(request).then(
        (result) => console.log(JSON.stringify({ id: request.id, ok: true, result })),
        (error) => console.log(JSON.stringify({ id: request.id, ok: false, error: String(error) })),
      );
    }
  }
  await browser?.close();
}

if (import.meta.main) await _serve();
