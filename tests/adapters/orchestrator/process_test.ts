/**
 * The process orchestrator on real processes: lifecycle, logs, labels, restart policy, and
 * agents that keep running while the orchestrator is closed and opened again.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { ProcessOrchestrator } from "../../../adapters/orchestrator/process.ts";
import {
  type AgentSpec,
  LABEL_AGENT,
  LABEL_MANAGED,
  OrchestratorError,
} from "../../../adapters/orchestrator/types.ts";
import { rejection, waitFor } from "../../_helpers.ts";

function _labels(name: string): Record<string, string> {
  return { [LABEL_MANAGED]: "true", [LABEL_AGENT]: name, "hive.owner": "t", team: "a" };
}

/** Pids of live `sleep TOKEN` processes (by `pgrep`: tests run without access to /proc). */
function _pidsWith(token: string): number[] {
  const out = new Deno.Command("pgrep", { args: ["-f", `^sleep ${token}$`] }).outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map(Number);
}

async function _text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

Deno.test("process orchestrator: create, list, logs, stop, start, restart, remove", async () => {
  const dir = await Deno.makeTempDir();
  const engine = new ProcessOrchestrator({ stateDir: dir, graceMs: 1000 });
  try {
    const spec: AgentSpec = {
      name: "echo",
      image: "/bin/sh",
      cmd: ["-c", "echo started $GREETING; exec sleep 30"],
      env: { GREETING: "hi" },
    };
    const agent = await engine.create(spec, _labels("echo"));
    equal(agent.name, "echo");
    equal(agent.state, "running");
    equal(agent.labels.team, "a");
    deepEqual((await engine.list({ labels: { team: "a" } })).map((a) => a.id), [agent.id]);
    deepEqual(await engine.list({ labels: { team: "b" } }), []);
    ok(
      await waitFor(() => {
        try {
          return Deno.readTextFileSync(`${dir}/logs/${agent.id}.log`).includes("started hi");
        } catch {
          return false;
        }
      }, 5000),
      "the agent's output reaches its log",
    );
    match(await _text(await engine.logs(agent.id, { tail: 1 })), /started hi/);
    const conflict = await rejection(engine.create(spec, _labels("echo")), OrchestratorError);
    equal(conflict.status, 409);

    equal((await engine.stop(agent.id)).state, "stopped");
    equal((await engine.start(agent.id)).state, "running");
    equal((await engine.restart(agent.id)).state, "running");
    await engine.remove(agent.id);
    const gone = await rejection(engine.get(agent.id), OrchestratorError);
    equal(gone.status, 404);
    deepEqual(await engine.list(), []);
  } finally {
    for (const a of await engine.list()) await engine.remove(a.id);
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process orchestrator: agents keep running across a close and reopen", async () => {
  const dir = await Deno.makeTempDir();
  let engine = new ProcessOrchestrator({ stateDir: dir, graceMs: 1000 });
  try {
    const agent = await engine.create(
      { name: "stay", image: "sleep", cmd: ["30.25"] },
      _labels("stay"),
    );
    ok(await waitFor(() => _pidsWith("30.25").length === 1, 5000), "one sleep runs");
    const pids = _pidsWith("30.25");
    await engine.close();
    engine = new ProcessOrchestrator({ stateDir: dir, graceMs: 1000 });
    const again = await engine.get(agent.id);
    equal(again.state, "running");
    deepEqual(again.labels, agent.labels);
    deepEqual(_pidsWith("30.25"), pids, "the same process still runs after the reopen");
    equal((await engine.stop(agent.id)).state, "stopped");
    deepEqual(_pidsWith("30.25"), [], "stop ended it");
    equal((await engine.start(agent.id)).state, "running");
    ok(await waitFor(() => _pidsWith("30.25").length === 1, 5000), "it runs again");
    await engine.remove(agent.id);
    deepEqual(_pidsWith("30.25"), [], "remove ended it");
  } finally {
    for (const a of await engine.list()) await engine.remove(a.id);
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process orchestrator: restart always brings a dying agent back", async () => {
  const dir = await Deno.makeTempDir();
  const engine = new ProcessOrchestrator({ stateDir: dir, graceMs: 500, monitorMs: 50 });
  try {
    const agent = await engine.create(
      { name: "flaky", image: "/bin/sh", cmd: ["-c", "echo run; exit 3"], restart: "always" },
      _labels("flaky"),
    );
    const log = `${dir}/logs/${agent.id}.log`;
    ok(
      await waitFor(() => {
        try {
          return Deno.readTextFileSync(log).split("\n").filter((l) => l === "run").length >= 2;
        } catch {
          return false;
        }
      }, 8000),
      "the agent ran at least twice",
    );
    const once = await engine.create(
      { name: "once", image: "/bin/sh", cmd: ["-c", "echo run; exit 0"], restart: "on-failure" },
      _labels("once"),
    );
    ok(
      await waitFor(() => {
        try {
          return Deno.readTextFileSync(`${dir}/logs/${once.id}.log.exit`).trim() === "0";
        } catch {
          return false;
        }
      }, 5000),
    );
    await new Promise((r) => setTimeout(r, 1000));
    equal(Deno.readTextFileSync(`${dir}/logs/${once.id}.log`), "run\n", "a clean exit is final");
    equal((await engine.get(once.id)).state, "exited");
  } finally {
    for (const a of await engine.list()) await engine.remove(a.id);
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process orchestrator: a kept listing follows exits, stops and adopted agents", async () => {
  const dir = await Deno.makeTempDir();
  let engine = new ProcessOrchestrator({ stateDir: dir, graceMs: 500, monitorMs: 0 });
  // Each agent runs until its own file appears in the state dir (the agents' working directory).
  const until = (file: string) => ["-c", `while [ ! -e ${file} ]; do sleep 0.05; done`];
  const stateOf = async (id: string) => (await engine.list()).find((a) => a.id === id)?.state;
  const becomes = async (id: string, state: string) => {
    const deadline = Date.now() + 10_000;
    while (await stateOf(id) !== state) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  };
  try {
    const own = await engine.create(
      { name: "own", image: "/bin/sh", cmd: until("own") },
      _labels("own"),
    );
    const other = await engine.create(
      { name: "other", image: "/bin/sh", cmd: until("other") },
      _labels("other"),
    );
    const first = await engine.list();
    equal(await engine.list(), first, "nothing changed: the same listing");
    ok(Object.isFrozen(first), "the shared listing cannot be changed by a caller");
    equal(first.find((a) => a.id === own.id)?.state, "running");
    deepEqual((await engine.list({ labels: { [LABEL_AGENT]: "own" } })).map((a) => a.id), [own.id]);
    await Deno.writeTextFile(`${dir}/own`, "");
    ok(await becomes(own.id, "exited"), "own child's exit");
    await engine.stop(other.id);
    equal(await stateOf(other.id), "stopped", "a stop shows at once");
    await engine.start(other.id);
    equal(await stateOf(other.id), "running");
    // Reopened, the running agent is adopted: its exit is seen through the system.
    await engine.close();
    engine = new ProcessOrchestrator({ stateDir: dir, graceMs: 500, monitorMs: 0 });
    equal(await stateOf(other.id), "running", "adopted and still running");
    await Deno.writeTextFile(`${dir}/other`, "");
    ok(await becomes(other.id, "exited"), "adopted exit");
  } finally {
    for (const a of await engine.list()) await engine.remove(a.id);
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});
