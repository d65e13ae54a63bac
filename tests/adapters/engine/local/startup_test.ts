/**
 * Why a node ended during start-up, from its logs: epee's FATAL and ERROR lines, a plain stderr
 * line otherwise, and whether the cause is a taken port (the engine then places the run again).
 */
import { deepEqual, equal } from "@std/assert";
import { startupFailure, startupReason } from "../../../../adapters/engine/local/startup.ts";

const EPEE = (level: string, message: string) =>
  `2026-12-02 04:11:17.907\t    7f0440878a00\t${level}\tnet\tcontrib/x.inl:1316\t${message}`;

Deno.test("startupReason: FATAL lines and the last ERROR line of an epee log, in order", () => {
  const log = [
    EPEE("INFO", "Initializing p2p server..."),
    EPEE("ERROR", "an earlier error"),
    EPEE("FATAL", "Error starting server: Failed to bind IPv4 (set to required)"),
    EPEE("ERROR", "Exception in main! Failed to initialize p2p server."),
    "",
  ].join("\n");
  equal(
    startupReason(log),
    "Error starting server: Failed to bind IPv4 (set to required); " +
      "Exception in main! Failed to initialize p2p server.",
  );
});

Deno.test("startupReason: the last line of a plain log; nothing for an empty one; long cut", () => {
  equal(
    startupReason("starting\nError: option '--foo' does not exist\n\n"),
    "Error: option '--foo' does not exist",
  );
  equal(startupReason(""), undefined);
  equal(startupReason(EPEE("INFO", "all fine")), EPEE("INFO", "all fine"));
  const long = startupReason("x".repeat(5000))!;
  equal(long.length, 403);
});

Deno.test("startupFailure: log files in order, missing ones skipped; a bind failure is a taken port", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/monerod.log`, EPEE("FATAL", "Failed to bind IPv4") + "\n");
    await Deno.writeTextFile(`${dir}/stderr.log`, "");
    deepEqual(await startupFailure([`${dir}/monerod.log`, `${dir}/stderr.log`]), {
      reason: "Failed to bind IPv4",
      portTaken: true,
    });
    await Deno.writeTextFile(`${dir}/stderr.log`, "terminate called: bad flag\n");
    deepEqual(await startupFailure([`${dir}/absent.log`, `${dir}/stderr.log`]), {
      reason: "terminate called: bad flag",
      portTaken: false,
    });
    deepEqual(await startupFailure([`${dir}/absent.log`]), {
      reason: undefined,
      portTaken: false,
    });
    // Only the end of a long log is read.
    await Deno.writeTextFile(
      `${dir}/big.log`,
      EPEE("FATAL", "Failed to bind IPv4") + "\n" + "filler line\n".repeat(20_000),
    );
    deepEqual(await startupFailure([`${dir}/big.log`]), {
      reason: "filler line",
      portTaken: false,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
