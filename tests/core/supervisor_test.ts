import { deepEqual, equal, fail, notEqual, ok as assert } from "@std/assert";
import { liveChildPids, PARENT_PID_ENV, Supervisor, watchParent } from "../../core/supervisor.ts";

const SUPERVISOR_URL = import.meta.resolve("../../core/supervisor.ts");

/** A child that prints its pid, then sleeps (bounded) until told to stop. */
const SLEEPER = `
console.log("pid " + Deno.pid);
const stop = setTimeout(() => {}, 60_000);
Deno.addSignalListener("SIGTERM", () => { clearTimeout(stop); Deno.exit(0); });
`;
/** A child that exits 0 on SIGTERM; it listens before it says its pid, so no SIGTERM beats it. */
const POLITE = `
const stop = setTimeout(() => {}, 60_000);
Deno.addSignalListener("SIGTERM", () => { clearTimeout(stop); Deno.exit(0); });
console.log("pid " + Deno.pid);
`;
/** A child that ignores SIGTERM (bounded life so a broken test cannot leak it for long). */
const STUBBORN = `
console.log("pid " + Deno.pid);
Deno.addSignalListener("SIGTERM", () => console.log("ignoring SIGTERM"));
setTimeout(() => {}, 60_000);
`;
/** A child that fails at once. */
const CRASHER = `Deno.exit(3);`;
/** A child that exits when its supervising parent disappears. */
const ORPHAN_AWARE = `
import { watchParent } from "${SUPERVISOR_URL}";
watchParent({ intervalMs: 100 });
console.log("pid " + Deno.pid);
setTimeout(() => {}, 60_000);
`;

async function _script(dir: string, name: string, text: string): Promise<string[]> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return [Deno.execPath(), "run", "-A", "--no-prompt", "--quiet", path];
}

/** True while a process exists and is not a zombie (ps, not /proc: test flags lack /proc). */
function _alive(pid: number): boolean {
  const out = new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)], stdout: "piped" })
    .outputSync();
  const stat = new TextDecoder().decode(out.stdout).trim();
  return stat !== "" && !stat.startsWith("Z");
}

async function _until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function _pidLines(sup: Supervisor): number[] {
  const pids: number[] = [];
  sup.on("stdout", ({ line }) => {
    const m = /^pid (\d+)$/.exec(line);
    if (m) pids.push(Number(m[1]));
  });
  return pids;
}

Deno.test("supervisor restarts a child killed with SIGKILL and counts it", async () => {
  const dir = await Deno.makeTempDir();
  const sup = new Supervisor({
    name: "sleeper",
    argv: await _script(dir, "sleeper.ts", SLEEPER),
    restart: { initialMs: 50 },
  });
  const pids = _pidLines(sup);
  const exits: { signal: string | null; expected: boolean }[] = [];
  sup.on("exit", (e) => exits.push({ signal: e.signal, expected: e.expected }));
  try {
    await sup.start();
    await _until("first pid line", () => pids.length === 1);
    equal(pids[0], sup.pid);
    sup.kill("SIGKILL");
    await _until("restart", () => pids.length === 2);
    notEqual(pids[1], pids[0]);
    equal(sup.restarts, 1);
    equal(sup.status().state, "running");
    deepEqual(exits, [{ signal: "SIGKILL", expected: false }]);
    assert(!_alive(pids[0]));
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
  equal(sup.state, "stopped");
  equal(exits.at(-1)?.expected, true);
  assert(!_alive(pids[1]), "stopped child must be gone");
  deepEqual(liveChildPids(), []);
});

Deno.test("supervisor stop escalates to SIGKILL after the grace period", async () => {
  const dir = await Deno.makeTempDir();
  const sup = new Supervisor({
    name: "stubborn",
    argv: await _script(dir, "stubborn.ts", STUBBORN),
    graceMs: 300,
  });
  const pids = _pidLines(sup);
  const exits: (string | null)[] = [];
  sup.on("exit", (e) => exits.push(e.signal));
  try {
    await sup.start();
    await _until("pid line", () => pids.length === 1);
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
  deepEqual(exits, ["SIGKILL"]);
  assert(!_alive(pids[0]));
});

Deno.test("supervisor stop asks with SIGTERM first: a polite child exits by itself", async () => {
  const dir = await Deno.makeTempDir();
  const sup = new Supervisor({
    name: "polite",
    argv: await _script(dir, "polite.ts", POLITE),
    // Long enough that a stop() skipping SIGTERM would show as a SIGKILL exit.
    graceMs: 10_000,
  });
  const pids = _pidLines(sup);
  const exits: { code: number | null; signal: string | null }[] = [];
  sup.on("exit", (e) => exits.push({ code: e.code, signal: e.signal }));
  try {
    await sup.start();
    await _until("pid line", () => pids.length === 1);
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
  deepEqual(exits, [{ code: 0, signal: null }]);
  equal(sup.status().state, "stopped");
});

Deno.test("supervisor backs off exponentially and gives up at maxRestarts", async () => {
  const dir = await Deno.makeTempDir();
  const sup = new Supervisor({
    name: "crasher",
    argv: await _script(dir, "crasher.ts", CRASHER),
    restart: { initialMs: 20, maxMs: 60, maxRestarts: 3 },
  });
  const delays: number[] = [];
  const codes: number[] = [];
  let gaveUp = false;
  sup.on("backoff", (e) => delays.push(e.delayMs));
  sup.on("exit", (e) => codes.push(e.code));
  sup.on("gave_up", () => gaveUp = true);
  try {
    await sup.start();
    await _until("give up", () => gaveUp);
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
  deepEqual(delays, [20, 40, 60]);
  deepEqual(codes, [3, 3, 3, 3]);
  equal(sup.restarts, 3);
});

Deno.test("supervisor stop during backoff cancels the restart", async () => {
  const dir = await Deno.makeTempDir();
  const sup = new Supervisor({
    name: "crasher",
    argv: await _script(dir, "crasher.ts", CRASHER),
    restart: { initialMs: 60_000 },
  });
  let spawns = 0;
  sup.on("spawn", () => spawns++);
  try {
    await sup.start();
    await _until("backoff", () => sup.state === "backoff");
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
  equal(spawns, 1);
  equal(sup.state, "stopped");
});

Deno.test("supervisor kills and restarts a child whose health probe fails", async () => {
  const dir = await Deno.makeTempDir();
  let healthy = true;
  const sup = new Supervisor({
    name: "sleeper",
    argv: await _script(dir, "sleeper.ts", SLEEPER),
    restart: { initialMs: 20 },
    health: {
      check: () => Promise.resolve(healthy),
      intervalMs: 30,
      failures: 2,
    },
  });
  const pids = _pidLines(sup);
  const unhealthy: number[] = [];
  sup.on("unhealthy", (e) => {
    unhealthy.push(e.pid);
    healthy = true;
  });
  try {
    await sup.start();
    await _until("pid line", () => pids.length === 1);
    healthy = false;
    await _until("restart after failed probes", () => pids.length === 2);
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
  deepEqual(unhealthy, [pids[0]]);
  equal(sup.restarts, 1);
});

Deno.test("a child notices its SIGKILLed parent and exits: no orphan", async () => {
  const dir = await Deno.makeTempDir();
  const childArgv = await _script(dir, "child.ts", ORPHAN_AWARE);
  const parentArgv = await _script(
    dir,
    "parent.ts",
    `import { Supervisor } from "${SUPERVISOR_URL}";
const sup = new Supervisor({ name: "child", argv: ${JSON.stringify(childArgv)} });
sup.on("stdout", ({ line }) => console.log(line));
await sup.start();
setTimeout(() => {}, 60_000);
`,
  );
  const parent = new Deno.Command(parentArgv[0], {
    args: parentArgv.slice(1),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let childPid = 0;
  try {
    const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const deadline = Date.now() + 20_000;
    while (!/pid \d+\n/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    childPid = Number(/pid (\d+)/.exec(text)?.[1]);
    assert(childPid > 0, `child pid line expected, got ${JSON.stringify(text)}`);
    reader.releaseLock();
    assert(_alive(childPid));
    parent.kill("SIGKILL");
    await parent.status;
    await _until("orphan to exit", () => !_alive(childPid));
  } finally {
    try {
      parent.kill("SIGKILL");
    } catch { /* already dead */ }
    await parent.status;
    await parent.stdout.cancel().catch(() => {});
    if (childPid && _alive(childPid)) Deno.kill(childPid, "SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exitOnSignal: SIGTERM to the parent stops its children before it exits", async () => {
  const dir = await Deno.makeTempDir();
  const childArgv = await _script(dir, "sleeper.ts", SLEEPER);
  const parentArgv = await _script(
    dir,
    "parent.ts",
    `import { Supervisor } from "${SUPERVISOR_URL}";
const sup = new Supervisor({ name: "child", argv: ${
      JSON.stringify(childArgv)
    }, exitOnSignal: true });
sup.on("stdout", ({ line }) => console.log(line));
await sup.start();
setTimeout(() => {}, 60_000);
`,
  );
  const parent = new Deno.Command(parentArgv[0], {
    args: parentArgv.slice(1),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let childPid = 0;
  try {
    const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/pid \d+\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    reader.releaseLock();
    childPid = Number(/pid (\d+)/.exec(text)?.[1]);
    assert(childPid > 0);
    parent.kill("SIGTERM");
    const status = await parent.status;
    equal(status.code, 143);
    assert(!_alive(childPid), "child must be stopped before the parent exits");
  } finally {
    try {
      parent.kill("SIGKILL");
    } catch { /* already dead */ }
    await parent.status;
    await parent.stdout.cancel().catch(() => {});
    if (childPid && _alive(childPid)) Deno.kill(childPid, "SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watchParent does nothing without a parent pid and fires when the parent differs", async () => {
  const saved = Deno.env.get(PARENT_PID_ENV);
  Deno.env.delete(PARENT_PID_ENV);
  try {
    const stopNone = watchParent({ onParentGone: () => fail("no parent to watch") });
    stopNone();
    const { promise, resolve } = Promise.withResolvers<void>();
    // A pid above the kernel maximum (2^22) can never be our parent.
    const stop = watchParent({ parentPid: 2 ** 22 + 1, intervalMs: 10, onParentGone: resolve });
    // watchParent's timer is unref'd on purpose; this one keeps the test's event loop alive.
    const keepAlive = setTimeout(() => {}, 10_000);
    try {
      await promise;
    } finally {
      clearTimeout(keepAlive);
      stop();
    }
  } finally {
    if (saved !== undefined) Deno.env.set(PARENT_PID_ENV, saved);
  }
});

Deno.test("supervisor rejects an empty argv and a second start", async () => {
  let threw = false;
  try {
    new Supervisor({ name: "x", argv: [] });
  } catch (error) {
    threw = error instanceof TypeError;
  }
  assert(threw);
  const dir = await Deno.makeTempDir();
  const sup = new Supervisor({
    name: "c",
    argv: await _script(dir, "c.ts", CRASHER),
    restart: false,
  });
  try {
    await sup.start();
    let second = "";
    await sup.start().catch((e: Error) => second = e.message);
    equal(second, "c: already started");
    await _until("failed", () => sup.state === "failed");
  } finally {
    await sup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("supervisor start rejects when the executable does not exist", async () => {
  const sup = new Supervisor({ name: "ghost", argv: ["/nonexistent/hive-ghost"] });
  let message = "";
  await sup.start().catch((e: Error) => message = e.message);
  assert(message.startsWith("ghost: cannot start /nonexistent/hive-ghost: NotFound"), message);
  equal(sup.state, "failed");
  await sup.stop();
  equal(sup.state, "stopped");
});
