/**
 * `hive sim run --api` and `hive sim serve` as a user runs them: a paced DES run serves its
 * API while it goes, an agent is stopped over HTTP and the run's events record it; then the
 * finished folder is served by `hive sim serve` with the same numbers, and commands get 409.
 *
 * @module
 */
import { equal, match, ok } from "@std/assert";
import { deadline, MAIN_MODULE } from "../_helpers.ts";
import { startHiveApi as _startHive } from "./sim_api_helpers.ts";

const SCENARIO = new URL("../../fixtures/scenarios/partition.yaml", import.meta.url).pathname;

Deno.test("hive sim run --api: live commands; hive sim serve: the finished run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sim_api_cli_" });
  const out = `${dir}/run`;
  const run = await _startHive([
    ...["sim", "run", SCENARIO, "--engine", "des", "--out", out],
    ...["--api", "0", "--pace", "2000", "--api-linger", "60s"],
  ]);
  try {
    // The API is up before the engine hands over its agents ("starting"), then "running".
    let status = await (await fetch(`${run.url}/api/status`)).json();
    equal(status.scenario, "partition");
    const started = async () => {
      while (status.state === "starting") {
        await new Promise((res) => setTimeout(res, 50));
        status = await (await fetch(`${run.url}/api/status`)).json();
      }
    };
    await deadline(started(), 20_000, "the engine's start");
    equal(status.state, "running");
    const r = await fetch(`${run.url}/api/agents/node-3/command`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ command: "stop" }),
    });
    equal(r.status, 200);
    equal((await r.json()).state, "stopped");
    // Wait for the end (10800 sim s at 2000/s), then the API lingers: Ctrl-C ends it.
    const ended = async () => {
      while ((await (await fetch(`${run.url}/api/status`)).json()).state === "running") {
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    await deadline(ended(), 30_000, "the run's end");
    const node3 = await (await fetch(`${run.url}/api/agents/node-3`)).json();
    equal(node3.state, "exited");
    run.child.kill("SIGINT");
    const code = (await deadline(run.child.status, 20_000, "hive sim run exit")).code;
    equal(code, 0, await run.stderr);
    match(await run.stdout, /engine:\s+des/);
    const events = await Deno.readTextFile(`${out}/events.ndjson`);
    match(events, /"host":"node-3","event":"agent","command":"stop","state":"stopped"/);
    const meta = JSON.parse(await Deno.readTextFile(`${out}/hive_run.json`));
    equal(meta.attacks[0].kind, "partition");
    equal(meta.outcome, "finished");
    equal(meta.simulatedS, 10800);

    const serve = await _startHive(["sim", "serve", out, "--api", "0"]);
    try {
      const s = await (await fetch(`${serve.url}/api/status`)).json();
      equal(s.state, "finished");
      equal(s.scenario, "partition");
      ok(s.blocks_mined > 0);
      equal(s.events, events.split("\n").filter(Boolean).length, "every event of the folder");
      const agents = (await (await fetch(`${serve.url}/api/agents`)).json()).agents;
      equal(agents.length, 12);
      const refused = await fetch(`${serve.url}/api/agents/node-3/command`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: "restart" }),
      });
      equal(refused.status, 409);
      match((await refused.json()).error.message, /run is over/);
      const series = await (await fetch(`${serve.url}/api/series`)).json();
      equal(series.meta.attacks[0].startS, 1800);
      ok(series.heights.length > 0);
      ok(series.propagation.count > 0);
    } finally {
      serve.child.kill("SIGINT");
      equal((await deadline(serve.child.status, 20_000, "hive sim serve exit")).code, 0);
      await serve.stdout;
    }

    // Usage errors exit 2 before anything runs.
    const bad = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        MAIN_MODULE,
        "sim",
        "run",
        SCENARIO,
        "--engine",
        "des",
        "--out",
        `${dir}/bad`,
        "--api",
        "0.0.0.0:0",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    equal(bad.code, 2);
    match(new TextDecoder().decode(bad.stderr), /requires --api-token/);
  } finally {
    try {
      run.child.kill("SIGKILL");
    } catch { /* exited */ }
    await run.child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
