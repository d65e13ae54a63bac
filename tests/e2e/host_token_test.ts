/**
 * A host started with --api-token, in a real Chromium: the page opened with ?token= drops the
 * token from the address bar, connects and chats; the page opened without it is refused and says
 * how to get in; scripts need the token for the API too.
 */
import { equal, ok } from "@std/assert";
import {
  type BrowserDriver,
  getJson,
  type HostProcess,
  removeTestRoot,
  startBrowserDriver,
  startHostProcess,
} from "./host_helpers.ts";

// Characters that need percent-encoding in a URL, to prove the page handles them.
const TOKEN = "e2e-token+with&odd=chars#0123";

Deno.test("e2e host: with --api-token the chat page needs ?token= and keeps it out of the URL", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-token-" });
  let host: HostProcess | undefined;
  let browser: BrowserDriver | undefined;
  try {
    host = await startHostProcess({ dataDir: `${root}/a`, args: ["--api-token", TOKEN] });
    const url = host.ready.url;
    equal((await fetch(`${url}api/status`)).status, 401);
    const status = await fetch(`${url}api/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    equal(status.status, 200);
    await status.body?.cancel();
    equal((await getJson<{ token_required: boolean }>(`${url}healthz`)).token_required, true);

    browser = startBrowserDriver();
    await browser.call({ op: "launch", userDataDir: `${root}/chromium` });
    const refused = await browser.call<number>({ op: "open", url });
    await browser.call({
      op: "wait",
      page: refused,
      selector: "#error",
      hasText: "needs its API token",
    });

    const page = await browser.call<number>({
      op: "open",
      url: `${url}?room=general&token=${encodeURIComponent(TOKEN)}`,
    });
    await browser.call({ op: "wait", page, selector: 'body[data-connected="true"]' });
    const shown = await browser.call<string>({ op: "url", page });
    ok(!shown.includes("token"), `the token left the address bar: ${shown}`);
    ok(shown.includes("room=general"), `other parameters stay: ${shown}`);
    await browser.call({ op: "wait", page, selector: "#rooms button.active", hasText: "#general" });
    await browser.call({ op: "fill", page, selector: "#text", text: "behind a token" });
    await browser.call({ op: "click", page, selector: "#send button" });
    await browser.call({ op: "wait", page, selector: ".msg", hasText: "behind a token" });
  } finally {
    await browser?.close();
    await host?.stop();
    equal((await removeTestRoot(root)).length, 0, "no processes left");
  }
});
