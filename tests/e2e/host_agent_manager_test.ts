/**
 * End to end: a `hive host` process configured (`host.agent_manager` in its config file) with a
 * real `hive proxy` on the process orchestrator, and the remote agents page in a real Chromium.
 * The page lists the proxy's agent; its Stop, Start and Restart buttons change the agent on the
 * proxy (checked on the proxy directly); Logs shows its output; Details shows an agent's full id,
 * state, owner, creation time and labels; the spawn form creates an agent,
 * refuses a bad name before sending anything, and shows the proxy's policy refusal (nothing is
 * created); Remove asks first, and Cancel keeps the agent; a cross-origin POST to the same route
 * is refused and changes nothing; the proxy's key appears nowhere the browser can see.
 */
import { deepEqual, equal, match, ok, rejects } from "@std/assert";
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
    // Programs under /bin only: the spawn form's /usr/bin/yes breaks the policy.
    const proxy = await startTestProxy({ orchestrator: "process", policy: { images: ["/bin/*"] } });
    const direct = new ProxyOrchestrator({ url: proxy.url, key: WRITE_KEY, timeoutMs: 10_000 });
    const driver = startPageDriver();
    let host: HostProcess | undefined;
    try {
      const worker = await direct.spawn({
        name: "worker",
        image: "/bin/sh",
        cmd: ["-c", "echo worker up; exec sleep 300"],
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

      // Restart with the button: the proxy runs the agent afresh (its output says so again).
      await _waitFor(async () => _count(await _logText(direct, worker.id), "worker up") === 2);
      await driver.call({ op: "click", page, selector: `${row} button.restart` });
      await driver.call({ op: "wait", page, selector: "#status", hasText: "worker: running" });
      equal((await direct.get(worker.id)).state, "running");
      await _waitFor(async () => _count(await _logText(direct, worker.id), "worker up") === 3);

      // Logs: the panel shows the agent's output.
      await driver.call({ op: "click", page, selector: `${row} button.logs` });
      await driver.call({ op: "wait", page, selector: "#logs-title", hasText: "Logs of worker" });
      await driver.call({ op: "wait", page, selector: "#log-text", hasText: "worker up" });
      const logShown = await driver.call<string>({
        op: "eval",
        page,
        expression: `document.querySelector("#log-text").textContent`,
      });
      equal(_count(logShown, "worker up"), 3, logShown);
      // Follow: new output arrives in the open panel as the agent writes it.
      await driver.call({ op: "click", page, selector: "#follow" });
      await driver.call({ op: "wait", page, selector: "#log-state", hasText: "following" });
      await direct.restart(worker.id);
      await driver.call({
        op: "waitFor",
        page,
        expression:
          `document.querySelector("#log-text").textContent.split("worker up").length - 1 === 4`,
        timeoutMs: 10_000,
      });
      await driver.call({ op: "click", page, selector: "#logs-close" });

      // The spawn form checks the name against the proxy's schema before sending anything.
      const before = (await direct.list()).length;
      await driver.call({ op: "click", page, selector: "#new" });
      await driver.call({ op: "fill", page, selector: "#f-name", text: "Bad Name" });
      await driver.call({ op: "fill", page, selector: "#f-image", text: "/bin/sh" });
      await driver.call({ op: "click", page, selector: "#spawn-submit" });
      await driver.call({ op: "wait", page, selector: "#spawn-error", hasText: "DNS label" });
      equal(
        await driver.call<string | null>({
          op: "eval",
          page,
          expression: `document.querySelector("#f-name").getAttribute("aria-invalid")`,
        }),
        "true",
      );
      // An image off the policy's allow-list: the proxy refuses, the form says why.
      await driver.call({ op: "fill", page, selector: "#f-name", text: "from-page" });
      await driver.call({ op: "fill", page, selector: "#f-image", text: "/usr/bin/yes" });
      await driver.call({ op: "click", page, selector: "#spawn-submit" });
      await driver.call({ op: "wait", page, selector: "#spawn-error", hasText: "policy" });
      const refused = await driver.call<string>({
        op: "eval",
        page,
        expression: `document.querySelector("#spawn-error").textContent`,
      });
      match(refused, /Refused by the proxy's policy: .*\/usr\/bin\/yes.*rule images/);
      const shotsDir = Deno.env.get("HIVE_PAGE_SHOTS");
      if (shotsDir) {
        await driver.call({
          op: "screenshot",
          page,
          path: `${shotsDir}/remote_agents_spawn_refused.png`,
        });
      }
      equal(
        await driver.call<string | null>({
          op: "eval",
          page,
          expression: `document.querySelector("#f-image").getAttribute("aria-invalid")`,
        }),
        "true",
        "the refused field is marked",
      );
      equal((await direct.list()).length, before, "nothing was created");
      // A valid spec: the proxy creates it, with the form's command and environment.
      await driver.call({ op: "fill", page, selector: "#f-image", text: "/bin/sh" });
      await driver.call({
        op: "fill",
        page,
        selector: "#f-cmd",
        text: `-c 'echo "made by the page: $GREETING"; exec sleep 300'`,
      });
      await driver.call({ op: "fill", page, selector: "#f-env", text: "GREETING=hello" });
      await driver.call({ op: "fill", page, selector: "#f-labels", text: "team=blue" });
      await driver.call({ op: "click", page, selector: "#spawn-submit" });
      const made = `tr[data-agent-name="from-page"]`;
      await driver.call({ op: "wait", page, selector: `${made} .state`, hasText: "running" });
      const created = (await direct.list()).find((a) => a.name === "from-page");
      if (!created) throw new Error("the proxy has no agent from-page");
      equal(created.owner, "alice");
      equal(created.labels.team, "blue");
      // Details: the full id, state, owner, creation time and labels, as the proxy has them.
      await driver.call({ op: "click", page, selector: `${made} button.details` });
      await driver.call({
        op: "wait",
        page,
        selector: "#details-title",
        hasText: "Details of from-page",
      });
      const detail = await driver.call<Record<string, string>>({
        op: "eval",
        page,
        expression: `Object.fromEntries([...document.querySelectorAll("#details-list dd")]
          .map((d) => [d.className, d.textContent]))`,
      });
      equal(detail.id, created.id);
      equal(detail.state, "running");
      equal(detail.image, "/bin/sh");
      equal(detail.owner, "alice");
      ok(created.created && detail.created.startsWith(created.created), detail.created);
      match(detail.labels, /team=blue/);
      match(detail.labels, /hive\.owner=alice/);
      await _waitFor(async () =>
        (await _logText(direct, created.id)).includes("made by the page: hello")
      );

      // Remove asks first: Cancel keeps the agent, Remove deletes it on the proxy.
      await driver.call({ op: "click", page, selector: `${made} button.remove` });
      await driver.call({ op: "wait", page, selector: "#confirm-text", hasText: "from-page" });
      await driver.call({ op: "click", page, selector: "#confirm-cancel" });
      await driver.call({ op: "wait", page, selector: "#confirm", state: "hidden" });
      equal((await direct.get(created.id)).state, "running");
      await driver.call({ op: "click", page, selector: `${made} button.remove` });
      await driver.call({ op: "click", page, selector: "#confirm-remove" });
      await driver.call({ op: "wait", page, selector: made, state: "hidden" });
      await rejects(direct.get(created.id), /404/);
      // The open details follow the list: the removed agent's panel closes.
      await driver.call({ op: "wait", page, selector: "#details", state: "hidden" });

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
          right: Math.max(...[...document.querySelectorAll('${row} button')]
            .map((b) => b.getBoundingClientRect().right)) })`,
      });
      ok(fit.scroll <= fit.width, `no sideways scroll: ${JSON.stringify(fit)}`);
      ok(fit.right <= fit.width, `every button within the viewport: ${JSON.stringify(fit)}`);
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

async function _logText(proxy: ProxyOrchestrator, id: string): Promise<string> {
  return await new Response(await proxy.logs(id)).text();
}

function _count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Poll `check` until it holds; fail after 10 s. */
async function _waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached within 10 s");
    await new Promise((r) => setTimeout(r, 50));
  }
}
