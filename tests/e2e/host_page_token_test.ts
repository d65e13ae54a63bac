/**
 * End to end: the chat page of a host started with `--api-token`, in a real Chromium at phone
 * size. Opened without the token it says "token needed" (not "daemon down"), the message box is
 * disabled and a token field is shown; with a wrong token it says "unauthorized"; pasting the
 * right token connects, enables the message box, and keeps the token for the tab only.
 */
import { equal, ok } from "@std/assert";
import { type HostProcess, removeTestRoot, startHostProcess } from "./host_helpers.ts";
import { LAYOUT_FACTS, type LayoutFacts, startPageDriver } from "./host_page_helpers.ts";

const TOKEN = "page-token-0123456789abcdef";
const PHONE = { width: 390, height: 844 };

Deno.test({
  name: "e2e host page: no token or a wrong one says so, disables the message box, takes a token",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-page-token-" });
    const shots = Deno.env.get("HIVE_PAGE_SHOTS") ??
      await Deno.makeTempDir({ prefix: "hive-page-shots-" });
    let host: HostProcess | undefined;
    const driver = startPageDriver();
    try {
      host = await startHostProcess({ dataDir: `${root}/data`, args: ["--api-token", TOKEN] });
      await driver.call({ op: "launch", userDataDir: `${root}/chromium` });
      const facts = (page: number) =>
        driver.call<LayoutFacts>({ op: "eval", page, expression: LAYOUT_FACTS });

      // No token.
      const bare = await driver.call<number>({ op: "open", url: host.ready.url, ...PHONE });
      await driver.call({ op: "wait", page: bare, selector: "#daemon", hasText: "token needed" });
      let seen = await facts(bare);
      equal(seen.badge, "token needed");
      ok(seen.composerDisabled, "the message box is disabled without a token");
      ok(seen.authShown, "a token field is shown");
      ok(seen.scrollWidth <= seen.width, "no horizontal overflow");
      ok(seen.send.inside, "Send within the viewport");
      await driver.call({
        op: "screenshot",
        page: bare,
        path: `${shots}/host_page_token_needed.png`,
      });

      // A wrong token.
      const wrong = await driver.call<number>({
        op: "open",
        url: `${host.ready.url}?token=${encodeURIComponent("not-the-token-0123456789")}`,
        ...PHONE,
      });
      await driver.call({ op: "wait", page: wrong, selector: "#daemon", hasText: "unauthorized" });
      seen = await facts(wrong);
      ok(seen.composerDisabled);
      ok(seen.authShown);
      const address = await driver.call<string>({
        op: "eval",
        page: wrong,
        expression: "location.href",
      });
      ok(!address.includes("token="), `the token left the address bar: ${address}`);

      // Pasting the right token connects.
      await driver.call({ op: "fill", page: wrong, selector: "#token", text: TOKEN });
      await driver.call({ op: "click", page: wrong, selector: "#auth button" });
      await driver.call({ op: "wait", page: wrong, selector: "#daemon", hasText: "daemon up" });
      seen = await facts(wrong);
      equal(seen.composerDisabled, false);
      equal(seen.authShown, false);
      equal(
        await driver.call({
          op: "eval",
          page: wrong,
          expression: `sessionStorage.getItem("hive-token")`,
        }),
        TOKEN,
      );
      await driver.call({ op: "fill", page: wrong, selector: "#text", text: "with the token" });
      await driver.call({ op: "click", page: wrong, selector: "#send-button" });
      await driver.call({ op: "wait", page: wrong, selector: ".msg", hasText: "with the token" });
      // A message over the server's limit is refused whole, not cut short; it stays in the box.
      await driver.call({ op: "fill", page: wrong, selector: "#text", text: "y".repeat(2001) });
      await driver.call({ op: "click", page: wrong, selector: "#send-button" });
      await driver.call({
        op: "wait",
        page: wrong,
        selector: "#error",
        hasText: "at most 2000 characters",
      });
      equal(
        await driver.call({ op: "eval", page: wrong, expression: `$("text").value.length` }),
        2001,
      );
      // Neither the token nor the wrong one ever reaches the audit log.
      const logs = host.logs.join("\n");
      ok(!logs.includes(TOKEN), "the API token is not logged");
      ok(!logs.includes("not-the-token-0123456789"), "an offered token is not logged");
    } finally {
      await driver.close();
      const code = await host?.stop("SIGTERM");
      const left = await removeTestRoot(root);
      equal(left.length, 0, `leftover processes: ${left}`);
      equal(code, 0);
    }
  },
});
