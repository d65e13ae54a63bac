/** Flag parsing shared by the `hive sim` subcommands. */
import { deepEqual, equal, throws } from "@std/assert";
import {
  flagInput,
  intFlag,
  numberFlag,
  parseFlags,
  positiveFlag,
  seenAsFlag,
  targetFlag,
  targetsFlag,
  wholeFlag,
} from "../../../../commands/sim/cli/flags.ts";
import { UsageError } from "../../../../core/errors.ts";

Deno.test("flagInput keys commander's options by the flag a user typed", () => {
  deepEqual(flagInput({ walletRpc: "u", timeScale: "2", out: "f", stopWhenResolved: true }), {
    "--wallet-rpc": "u",
    "--time-scale": "2",
    "--out": "f",
    "--stop-when-resolved": true,
  });
});

Deno.test("number flags take decimals and exponents, with bounds and a unit in the error", () => {
  equal(numberFlag().parse(" 1.5e2 "), 150);
  equal(positiveFlag.parse(".5"), 0.5);
  equal(intFlag(1, 3).safeParse("4").success, false);
  equal(intFlag(1, 3).safeParse("2.5").success, false);
  const seconds = numberFlag((n) => n.positive(), "seconds").safeParse("abc");
  equal(seconds.success, false);
  equal(seconds.error?.issues[0].message, "expected a number (seconds)");
});

Deno.test("targets: URL or NAME=URL, named after host:port when bare", () => {
  deepEqual(targetFlag.parse("http://127.0.0.2:18081"), {
    host: "127.0.0.2_18081",
    url: "http://127.0.0.2:18081",
  });
  deepEqual(targetsFlag.parse("a=http://x:1, b=http://y:2").map((t) => t.host), ["a", "b"]);
  equal(targetFlag.safeParse("bad name=http://x:1").success, false);
  equal(targetsFlag.safeParse("").success, false);
});

Deno.test("seen-as: NAME=IPv4 items, a name may have several addresses", () => {
  deepEqual(
    [...seenAsFlag.parse("a=10.213.7.130, b=10.213.7.131,a=10.0.0.1").entries()],
    [["a", ["10.213.7.130", "10.0.0.1"]], ["b", ["10.213.7.131"]]],
  );
  for (
    const bad of [
      "a=10.0.0.256",
      "a=::1",
      "a=",
      "a=10.0.0.1=x",
      "=10.0.0.1",
      "bad name=10.0.0.1",
      "a",
    ]
  ) {
    equal(seenAsFlag.safeParse(bad).success, false, bad);
  }
});

Deno.test("parseFlags throws a UsageError naming the command, the flag and the value", () => {
  throws(
    () => parseFlags("hive sim run", positiveFlag, "0"),
    (e: unknown) => e instanceof UsageError && e.message.includes("hive sim run"),
  );
});

Deno.test("whole-number flags take digits only, in range, with one message", () => {
  const flag = wholeFlag("expected a whole number 1..1000", 1, 1000);
  equal(flag.parse("30"), 30);
  for (const bad of ["0", "1001", "2.5", "-3", "x"]) {
    const r = flag.safeParse(bad);
    equal(r.success, false, bad);
    equal(r.error?.issues[0].message, "expected a whole number 1..1000");
  }
});
