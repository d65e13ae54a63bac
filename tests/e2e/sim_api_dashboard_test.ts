/**
 * The sim dashboard in real Chromium at phone width (390 px): a paced DES run with `--api` is
 * opened, the height chart grows while it runs, an agent is stopped with the page's button and
 * the run records it; then `hive sim serve` on the finished folder draws the same charts.
 *
 * @module
 */
import { deepEqual, equal, ok } from "@std/assert";
import { deadline } from "../_helpers.ts";
import { interrupt, startHiveApi, startSimBrowser } from "./sim_api_helpers.ts";

const SCENARIO = new URL("../../fixtures/scenarios/partition.yaml", import.meta.url).pathname;

const CHARTS_DRAWN = `["heights", "forks", "tx", "cdf"]
  .every((id) => document.querySelector("#" + id + " canvas"))`;

Deno.test("sim dashboard: live run at 390 px, stop an agent from the page, then serve", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sim_dash_" });
  const out = `${dir}/run`;
  const browser = startSimBrowser();
  const run = await startHiveApi([
    ...["sim", "run", SCENARIO, "--engine", "des", "--out", out],
    ...["--api", "0", "--pace", "600", "--api-linger", "120s"],
  ]);
  try {
    const page = await browser.call<number>({
      op: "open",
      url: `${run.url}/`,
      width: 390,
      height: 844,
    });
    let errors = await browser.call<string[]>({
      op: "waitFor",
      page,
      expression: `Number(document.body.dataset.updates) >= 1 && ${CHARTS_DRAWN} &&
        Number(document.getElementById("heights").dataset.maxHeight) >= 1`,
      timeoutMs: 30_000,
    });
    deepEqual(errors, []);
    const first = Number(
      await browser.call({
        op: "eval",
        page,
        expression: `document.getElementById("heights").dataset.maxHeight`,
      }),
    );
    // The chart grows while the run goes, from the event stream (no reload).
    await browser.call({
      op: "waitFor",
      page,
      expression: `Number(document.getElementById("heights").dataset.maxHeight) > ${first}`,
      timeoutMs: 30_000,
    });
    equal(await browser.call({ op: "eval", page, expression: "performance.navigation.type" }), 0);
    // Readable at 390 px: nothing wider than the screen.
    const width = await browser.call<number>({
      op: "eval",
      page,
      expression: "document.documentElement.scrollWidth",
    });
    ok(width <= 390, `page is ${width} px wide`);

    await browser.call({
      op: "click",
      page,
      selector: `button[data-agent="node-3"][data-command="stop"]`,
    });
    await browser.call({
      op: "waitFor",
      page,
      expression:
        `document.querySelector('tr[data-agent="node-3"] td.state')?.textContent === "stopped"`,
      timeoutMs: 15_000,
    });
    const agent = await (await fetch(`${run.url}/api/agents/node-3`)).json();
    equal(agent.state, "stopped");
    await browser.call({
      op: "waitFor",
      page,
      expression: `document.body.dataset.state === "finished"`,
      timeoutMs: 60_000,
    });
    await browser.call({ op: "screenshot", page, path: `${dir}/live.png`, fullPage: true });
    const liveMax = await browser.call<string>({
      op: "eval",
      page,
      expression: `document.getElementById("heights").dataset.maxHeight`,
    });
    equal(await interrupt(run.child), 0, await run.stderr);
    const events = await Deno.readTextFile(`${out}/events.ndjson`);
    ok(events.includes('"host":"node-3","event":"agent","command":"stop","state":"stopped"'));

    const serve = await startHiveApi(["sim", "serve", out, "--api", "0"]);
    try {
      const again = await browser.call<number>({
        op: "open",
        url: `${serve.url}/`,
        width: 390,
        height: 844,
      });
      errors = await browser.call<string[]>({
        op: "waitFor",
        page: again,
        expression: `document.body.dataset.state === "finished" && ${CHARTS_DRAWN}`,
        timeoutMs: 30_000,
      });
      deepEqual(errors, []);
      const served = await browser.call<string>({
        op: "eval",
        page: again,
        expression: `document.getElementById("heights").dataset.maxHeight`,
      });
      equal(served, liveMax, "the finished run shows the height the live run ended with");
      const buttons = await browser.call<number>({
        op: "eval",
        page: again,
        expression: `document.querySelectorAll("button[data-command]:not([disabled])").length`,
      });
      equal(buttons, 0, "no commands on a finished run");
    } finally {
      equal(await interrupt(serve.child), 0);
      await serve.stdout;
    }
  } finally {
    await interrupt(run.child);
    await run.stdout;
    await deadline(browser.close(), 30_000, "browser close");
    await Deno.remove(dir, { recursive: true });
  }
});
