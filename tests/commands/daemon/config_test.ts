import { deepEqual, equal, match, ok } from "@std/assert";
import { daemonConfigSchema, wholeNumberFlag } from "../../../commands/daemon/config.ts";
import { intRange } from "../../../core/config.ts";

Deno.test("wholeNumberFlag: digits become a number the check accepts; anything else names itself", () => {
  const port = wholeNumberFlag(intRange(0, 65535));
  equal(port.parse("8080"), 8080);
  match(String(port.safeParse("abc").error), /expected a whole number/);
  ok(!port.safeParse("70000").success);
  ok(!port.safeParse("-1").success);
  const ms = wholeNumberFlag(intRange(100, 10_000), {
    error: "expected milliseconds",
    maxDigits: 3,
  });
  match(String(ms.safeParse("1000").error), /expected milliseconds/);
});

Deno.test("daemon config: defaults, and bootstrap entries must name their peer", () => {
  const d = daemonConfigSchema.parse(undefined);
  deepEqual(d.listen, ["/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/tcp/0/ws"]);
  equal(d.mdns, true);
  equal(d.ipc_port, 0);
  ok(!daemonConfigSchema.safeParse({ bootstrap: ["/ip4/127.0.0.1/tcp/1"] }).success);
  ok(!daemonConfigSchema.safeParse({ listen: ["not an address"] }).success);
  ok(!daemonConfigSchema.safeParse({ unknown: 1 }).success);
});
