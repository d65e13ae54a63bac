/** A local run's child process: stderr to its log, SIGTERM then SIGKILL on stop. */
import { deepEqual, equal, ok, throws } from "@std/assert";
import { LocalChild } from "../../../../adapters/engine/local/proc.ts";
import { createLogger } from "../../../../core/logger.ts";

const logger = createLogger({ level: "error", sinks: [] });

Deno.test("stderr goes to the log; stop() ends a polite child with SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = LocalChild.start({
      name: "talker",
      argv: ["sh", "-c", "echo started >&2; exec sleep 30"],
      logPath: `${dir}/talker.log`,
      logger,
    });
    await new Promise((r) => setTimeout(r, 300));
    ok(!child.exited);
    equal((await child.stop(5000)).signal, "SIGTERM");
    ok(child.exited);
    equal(await Deno.readTextFile(`${dir}/talker.log`), "started\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a child that ignores SIGTERM is killed after the grace period", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = LocalChild.start({
      name: "stubborn",
      argv: ["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"],
      logPath: `${dir}/stubborn.log`,
      logger,
    });
    await new Promise((r) => setTimeout(r, 300));
    equal((await child.stop(300)).signal, "SIGKILL");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing executable throws NotFound", () => {
  throws(
    () =>
      LocalChild.start({
        name: "none",
        argv: ["/nonexistent/monerod"],
        logPath: "/nonexistent/none.log",
        logger,
      }),
    Deno.errors.NotFound,
  );
});

Deno.test("a child that ends by itself: exit 0 is logged as finished, a failure as a warning", async () => {
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const seen = createLogger({
    level: "info",
    sinks: [{ write: (line) => void lines.push(line), flush() {}, close() {} }],
  });
  try {
    for (const [name, exit] of [["done", 0], ["broken", 3]] as const) {
      const child = LocalChild.start({
        name,
        argv: ["sh", "-c", `exit ${exit}`],
        logPath: `${dir}/${name}.log`,
        logger: seen,
      });
      equal((await child.done).code, exit);
    }
    const by = (name: string) => JSON.parse(lines.find((l) => l.includes(`"${name}"`))!);
    equal(by("done").level, "info");
    equal(by("done").msg, "process finished");
    equal(by("broken").level, "warn");
    equal(by("broken").msg, "process exited on its own");
    equal(by("broken").code, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a child runs in a session and process group of its own (a terminal's Ctrl-C misses it)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = LocalChild.start({
      name: "sleeper",
      argv: ["sleep", "30"],
      logPath: `${dir}/sleeper.log`,
      logger,
    });
    const ps = await new Deno.Command("ps", {
      args: ["-o", "sid=,pgid=", "-p", String(child.pid)],
      stdout: "piped",
    }).output();
    const [sid, pgid] = new TextDecoder().decode(ps.stdout).trim().split(/\s+/).map(Number);
    deepEqual([sid, pgid], [child.pid, child.pid], "its own session and process group");
    await child.stop(2000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
