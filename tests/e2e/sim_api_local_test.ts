/**
 * The orchestrator API and dashboard over a local run on real monerod: the run's events reach
 * the API while it goes (the folder is followed), and agent commands act on real processes:
 * `pause` stops the host's monerod (SIGSTOP, state `T`), `resume` continues it, `stop` ends it
 * and `restart` starts a new one that answers RPC again. The same run is open in real Chromium
 * at 390 px: the height chart grows from the event stream without a reload, and a miner
 * stopped with the page's button is stopped in the run (its monerod ends). With `--json` the
 * run's phases come as NDJSON progress records on stderr. The local engine's `fund wallets`
 * watch is checked on this run's mining node too (a run with a user spends tens of seconds
 * on funding; here the blocks are being mined anyway).
 *
 * @module
 */
import { deepEqual, equal, match, notEqual, ok } from "@std/assert";
import { deadline, readProcFile } from "../_helpers.ts";
import { interrupt, startHiveApi, startSimBrowser } from "./sim_api_helpers.ts";
import { watchFunding } from "../../adapters/engine/local/progress.ts";
import { FUNDING_UNLOCK_BLOCKS } from "../../adapters/engine/local/wallet.ts";
import type { EngineProgress } from "../../adapters/engine/types.ts";

const SCENARIO = `name: api-local
general: { stop_time: 2h, seed: 3 }
network: { topology: ring, peer_mode: hardcoded, latency: 10 ms, bandwidth: 100 Mbit }
agents:
  miner-{1..2}: { kind: miner, hashrate: 50 }
  node-1: { kind: observer }
  monitor: { kind: monitor, interval: 10s }
`;

async function _procState(pid: number): Promise<string> {
  // /proc/PID/stat: "pid (comm) S ..."; S is R, S, D, T (stopped), Z...
  const stat = await readProcFile(pid, "stat");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
}

async function _monerodPid(dir: string, host: string): Promise<number> {
  const children = (JSON.parse(Deno.readTextFileSync(`${dir}/children.json`)) as { pids: number[] })
    .pids;
  for (const pid of children) {
    try {
      const cmd = await readProcFile(pid, "cmdline");
      if (cmd.includes(`/hosts/${host}/`)) return pid;
    } catch { /* gone */ }
  }
  throw new Error(`no monerod for ${host} in ${children}`);
}

async function _command(url: string, id: string, command: string) {
  const r = await fetch(`${url}/api/agents/${id}/command`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ command }),
  });
  return { status: r.status, body: await r.json() };
}

Deno.test({
  name:
    "hive sim run --engine local --api: live events, commands and the dashboard on real processes",
  ignore: !(await Deno.stat("/usr/bin/monerod").then(() => true, () => false)),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sim_api_local_" });
    await Deno.writeTextFile(`${dir}/s.yaml`, SCENARIO);
    const out = `${dir}/run`;
    const browser = startSimBrowser(); // launches while the nodes start
    const run = await startHiveApi([
      ...["sim", "run", `${dir}/s.yaml`, "--engine", "local", "--out", out],
      ...["--time-scale", "120", "--api", "0", "--json"],
    ]);
    try {
      const until = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
        await deadline(
          (async () => {
            while (!await check()) await new Promise((r) => setTimeout(r, 300));
          })(),
          ms,
          what,
        );
      };
      const status = () => fetch(`${run.url}/api/status`).then((r) => r.json());
      await until("the agents run", async () => (await status()).hosts.up >= 3);
      await until("events reach the API", async () => (await status()).events > 0);
      const page = await browser.call<number>({
        op: "open",
        url: `${run.url}/`,
        width: 390,
        height: 844,
      });
      const maxHeight = `Number(document.getElementById("heights").dataset.maxHeight)`;
      deepEqual(
        await browser.call<string[]>({
          op: "waitFor",
          page,
          expression: `Number(document.body.dataset.updates) >= 1 &&
            document.querySelector("#heights canvas") !== null`,
          timeoutMs: 30_000,
        }),
        [],
      );
      const first = await browser.call<number>({ op: "eval", page, expression: maxHeight });
      // The funding watch follows a real node's height: blocks counted from its start.
      const placed = JSON.parse(await Deno.readTextFile(`${out}/local_run.json`)).hosts as {
        name: string;
        rpcUrl: string;
      }[];
      const funding: EngineProgress[] = [];
      const watch = watchFunding({ onProgress: (p) => funding.push(p) }, {
        rpcUrl: placed.find((h) => h.name === "miner-1")!.rpcUrl,
        userBlocks: [2],
        intervalMs: 100,
      });

      const pid = await _monerodPid(out, "node-1");
      let r = await _command(run.url, "node-1", "pause");
      equal(r.status, 200, JSON.stringify(r.body));
      equal(r.body.state, "paused");
      await until("monerod is stopped by SIGSTOP", async () => (await _procState(pid)) === "T");
      r = await _command(run.url, "node-1", "pause");
      equal(r.status, 409);
      match(r.body.error.message, /is paused, not running/);
      r = await _command(run.url, "node-1", "resume");
      equal(r.body.state, "running");
      await until("monerod continues", async () => (await _procState(pid)) !== "T");
      r = await _command(run.url, "node-1", "stop");
      equal(r.body.state, "stopped");
      await until(
        "monerod is gone",
        () => _procState(pid).then((state) => state === "Z", () => true),
      );
      r = await _command(run.url, "node-1", "restart");
      equal(r.body.state, "running");
      const again = await _monerodPid(out, "node-1");
      notEqual(again, pid);
      const agent = await (await fetch(`${run.url}/api/agents/node-1`)).json();
      equal(agent.state, "running");
      const commands = (await Deno.readTextFile(`${out}/hosts/node-1/commands.ndjson`)).trim()
        .split("\n").map((l) => JSON.parse(l).command);
      equal(commands.join(","), "pause,resume,stop,restart");

      // The page: its height chart has grown from the stream (no reload), and its stop button
      // ends a real process.
      await browser.call({
        op: "waitFor",
        page,
        expression: `${maxHeight} > ${first}`,
        timeoutMs: 60_000,
      });
      equal(await browser.call({ op: "eval", page, expression: "performance.navigation.type" }), 0);
      await until(
        "the funding watch counts a mined block",
        () => Promise.resolve(funding.some((p) => p.done >= 1)),
      );
      await watch.stop();
      const counted = funding.length;
      const dones = funding.map((p) => p.done);
      deepEqual(dones, [...dones].sort((a, b) => a - b), "the count never goes back");
      ok(funding.every((p) => p.phase === "fund wallets" && p.total === 2 + FUNDING_UNLOCK_BLOCKS));
      await new Promise((r) => setTimeout(r, 300));
      equal(funding.length, counted, "nothing after stop()");
      const miner = await _monerodPid(out, "miner-2");
      await browser.call({
        op: "click",
        page,
        selector: `button[data-agent="miner-2"][data-command="stop"]`,
      });
      await browser.call({
        op: "waitFor",
        page,
        expression:
          `document.querySelector('tr[data-agent="miner-2"] td.state')?.textContent === "stopped"`,
        timeoutMs: 15_000,
      });
      equal((await (await fetch(`${run.url}/api/agents/miner-2`)).json()).state, "stopped");
      await until(
        "the stopped miner's monerod is gone",
        () => _procState(miner).then((state) => state === "Z", () => true),
      );
      const stopped = await Deno.readTextFile(`${out}/hosts/miner-2/commands.ndjson`);
      equal(JSON.parse(stopped.trim()).command, "stop");
    } finally {
      equal(await interrupt(run.child), 0, await run.stderr);
      await run.stdout;
      await deadline(browser.close(), 30_000, "browser close");
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
    // --json: each phase's progress as NDJSON on stderr, start-up first.
    const phases = (await run.stderr).split("\n").filter((l) => l.includes('"type":"progress"'))
      .map((l) => JSON.parse(l).phase);
    ok(phases.length > 0, "progress records");
    deepEqual([...new Set(phases)], ["start nodes", "simulate"]);
  },
});
