/** A local run's child process: stderr to its log, SIGTERM then SIGKILL on stop. */
import { equal, ok, throws } from "@std/assert";
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
