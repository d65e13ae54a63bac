/**
 * End to end: a `hive host` process configured (`host.agent_manager` in its config file) with a
 * real `hive proxy` on the process orchestrator, and the remote agents page in a real Chromium.
 * The page lists the proxy's agent; its Stop and Start buttons change the agent's state on the
 * proxy (checked on the proxy directly); a cross-origin POST to the same route is refused and
 * changes nothing; the proxy's key appears nowhere the browser can see.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { stringify as stringifyYaml } from "yaml";
import { ProxyOrchestrator } from "../../adapters/orchestrator/mod.ts";
import { type HostProcess, removeTestRoot, startHostProcess } from "./host_helpers.ts";
import { startPageDriver } from "./host_page_helpers.ts";
import { startTestProxy, WRITE_KEY } from "./proxy_helpers.ts";

const TOKEN = "manager-token-0123456789abcdef";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 800 };

Deno.test({
  name: "e2e host agent manager: the page stops and starts a proxy's agent with its buttons",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-agent-manager-" });
    const proxy = await startTestProxy({ orchestrator: "process" });
    const direct = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY, timeoutMs: 10_000 });
    const driver = startPageDriver();
    let host: HostProcess | undefined;
    try {
      const worker = await direct.spawn({
        name: "worker",
        image: "/bin/sh",
        cmd: ["-c", "exec sleep 300"],
      });
      equal(worker.state, "running");
      await Deno.writeTextFile(`${root}/proxy.key`, WRITE_KEY + "\n");
      await Deno.writeTextFile(
        `${root}/config.yaml`,
        stringifyYaml({
          host: { agent_manager: { url: proxy.url, key_file: `${root}/proxy.key` } },
        }),
      );
      host = await startHostProcess({
        dataDir: `${root}/data`,
        args: ["--api-token", TOKEN, "--config", `${root}/config.yaml`],
      });
      deepEqual(
        host.ready.agents.find((a) => a.name === "agent-manager"),
        { name: "agent-manager", state: "running" },
        JSON.stringify(host.ready.agents),
      );
      const base = host.ready.url.replace(/\/$/, "");

      await driver.call({ op: "launch", userDataDir: `${root}/chromium` });
      const page = await driver.call<number>({
        op: "open",
        url: `${base}/remote-agents?token=${encodeURIComponent(TOKEN)}`,
        ...DESKTOP,
      });
      const row = `tr[data-agent-name="worker"]`;
      await driver.call({ op: "wait", page, selector: `${row} .state`, hasText: "running" });
      const shown = await driver.call<{ proxy: string; html: string; href: string }>({
        op: "eval",
        page,
        expression: `({ proxy: document.querySelector("#proxy").textContent,
          html: document.documentElement.outerHTML, href: location.href })`,
      });
      equal(shown.proxy, proxy.url);
      ok(!shown.html.includes(WRITE_KEY), "the proxy key never reaches the browser");
      ok(!shown.href.includes("token="), "the host token left the address bar");

      // Stop with the button: the proxy's agent stops.
      await driver.call({ op: "click", page, selector: `${row} button.stop` });
      await driver.call({ op: "wait", page, selector: `${row} button.start:not([disabled])` });
      const afterStop = (await direct.get(worker.id)).state;
      ok(["stopped", "exited"].includes(afterStop), `state on the proxy: ${afterStop}`);
      const pageState = await driver.call<string>({
        op: "eval",
        page,
        expression: `document.querySelector('${row}').dataset.state`,
      });
      equal(pageState, afterStop);

      // A cross-origin POST to the same route is refused and starts nothing.
      const evil = await fetch(`${base}/agents/agent-manager/agents/${worker.id}/start`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, origin: "http://evil.example" },
        signal: AbortSignal.timeout(10_000),
      });
      equal(evil.status, 403);
      match(await evil.text(), /origin_not_allowed/);
      equal((await direct.get(worker.id)).state, afterStop);
      // Nor does a POST without the host token.
      const bare = await fetch(`${base}/agents/agent-manager/agents/${worker.id}/start`, {
        method: "POST",
        signal: AbortSignal.timeout(10_000),
      });
      equal(bare.status, 401);
      await bare.body?.cancel();
      equal((await direct.get(worker.id)).state, afterStop);

      // Start with the button: running again on the proxy.
      await driver.call({ op: "click", page, selector: `${row} button.start` });
      await driver.call({ op: "wait", page, selector: `${row} .state`, hasText: "running" });
      equal((await direct.get(worker.id)).state, "running");

      // At phone size the page has no sideways scroll and the buttons stay on screen.
      const phone = await driver.call<number>({
        op: "open",
        // The token is kept per tab (sessionStorage): a new tab gets it in the URL again.
        url: `${base}/remote-agents?token=${encodeURIComponent(TOKEN)}`,
        ...PHONE,
      });
      await driver.call({ op: "wait", page: phone, selector: `${row} .state`, hasText: "running" });
      const fit = await driver.call<{ width: number; scroll: number; right: number }>({
        op: "eval",
        page: phone,
        expression: `({ width: innerWidth, scroll: document.documentElement.scrollWidth,
          right: document.querySelector('${row} button.stop').getBoundingClientRect().right })`,
      });
      ok(fit.scroll <= fit.width, `no sideways scroll: ${JSON.stringify(fit)}`);
      ok(fit.right <= fit.width, `Stop within the viewport: ${JSON.stringify(fit)}`);
      const shots = Deno.env.get("HIVE_PAGE_SHOTS");
      if (shots) {
        await driver.call({ op: "screenshot", page, path: `${shots}/remote_agents_desktop.png` });
        await driver.call({
          op: "screenshot",
          page: phone,
          path: `${shots}/remote_agents_phone.png`,
        });
      }

      // The host never logged the key.
      ok(!host.logs.join("\n").includes(WRITE_KEY), "the key is not in the host's logs");
    } finally {
      await driver.close();
      const code = await host?.stop();
      equal(code ?? 0, 0);
      for (const a of await direct.list().catch(() => [])) {
        await direct.remove(a.id).catch(() => {});
      }
      await direct.close();
      await proxy.close();
      await removeTestRoot(root);
    }
  },
});

Deno.test({
  name: "e2e host agent manager: without a token the page asks for one; a wrong proxy key is named",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-agent-manager-key-" });
    const proxy = await startTestProxy({ orchestrator: "process" });
    const driver = startPageDriver();
    let host: HostProcess | undefined;
    try {
      await Deno.writeTextFile(
        `${root}/config.yaml`,
        stringifyYaml({
          host: { agent_manager: { url: proxy.url, key_env: "HIVE_E2E_WRONG_PROXY_KEY" } },
        }),
      );
      Deno.env.set("HIVE_E2E_WRONG_PROXY_KEY", "hive_wrong_proxy_key_0123456789abcdefghij");
      host = await startHostProcess({
        dataDir: `${root}/data`,
        args: ["--api-token", TOKEN, "--config", `${root}/config.yaml`],
      });
      Deno.env.delete("HIVE_E2E_WRONG_PROXY_KEY");
      await driver.call({ op: "launch", userDataDir: `${root}/chromium` });
      const page = await driver.call<number>({
        op: "open",
        url: host.ready.url.replace(/\/$/, "") + "/remote-agents",
        ...DESKTOP,
      });
      await driver.call({ op: "wait", page, selector: "#status", hasText: "needs its API token" });
      await driver.call({ op: "fill", page, selector: "#token", text: TOKEN });
      await driver.call({ op: "click", page, selector: "#auth button" });
      await driver.call({ op: "wait", page, selector: "#status", hasText: "check the API key" });
      const status = await driver.call<string>({
        op: "eval",
        page,
        expression: `document.querySelector("#status").textContent`,
      });
      match(status, /proxy http:\/\/127\.0\.0\.1:\d+ answered 401/);
      ok(!status.includes("wrong_proxy_key"));
    } finally {
      Deno.env.delete("HIVE_E2E_WRONG_PROXY_KEY");
      await driver.close();
      await host?.stop();
      await proxy.close();
      await removeTestRoot(root);
    }
  },
});
