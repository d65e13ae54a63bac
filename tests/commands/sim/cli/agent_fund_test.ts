/**
 * `hive sim agent fund` flags: the wallet list (`NAME=BLOCKS@URL,...`), the daemon URL and the
 * wait as a duration, each refused by name before anything runs, and a valid set reaching the
 * distributor as parsed.
 */
import { deepEqual, equal, match } from "@std/assert";
import { runHive } from "../../../_helpers.ts";

Deno.test("fund: every bad flag is named in one run, exit 2", async () => {
  const run = await runHive([
    ...["sim", "agent", "fund", "--daemon-rpc", "ftp://x"],
    ...["--wallets", "u-1=0@http://127.0.0.1:9,u-2=3@http://127.0.0.1:9,bad", "--wait", "300"],
  ], { timeoutMs: 60_000 });
  equal(run.code, 2);
  match(run.stderr, /--daemon-rpc: expected an http:\/\/ URL, got "ftp:\/\/x"/);
  // Zero blocks is refused, and the first bad entry is the one quoted.
  match(run.stderr, /--wallets: expected NAME=BLOCKS@URL, got "u-1=0@http:\/\/127\.0\.0\.1:9"/);
  match(run.stderr, /--wait: expected a duration with a unit, e\.g\. 500ms, 10s, 2m, got "300"/);
  const empty = await runHive(
    ["sim", "agent", "fund", "--daemon-rpc", "http://127.0.0.1:9", "--wallets", " , "],
    { timeoutMs: 60_000 },
  );
  equal(empty.code, 2);
  match(empty.stderr, /--wallets: expected at least one NAME=BLOCKS@URL/);
});

Deno.test("fund: a valid list reaches the distributor host by host; --wait is a duration", async () => {
  // Nothing listens on port 9: each wallet is waited for (100 ms) and skipped, in list order.
  const run = await runHive([
    ...["sim", "agent", "fund", "--daemon-rpc", "http://127.0.0.1:9"],
    ...["--wallets", "user-1=12@http://127.0.0.1:9, user-2=3@http://127.0.0.1:9"],
    ...["--wait", "100ms", "--exit", "--host", "miner-1"],
  ], { timeoutMs: 60_000 });
  equal(run.code, 0, run.stderr);
  const done = run.stderr.split("\n").filter((l) => l.includes('"funding done"'))
    .map((l) => JSON.parse(l));
  equal(done.length, 1, run.stderr);
  deepEqual(done[0].skipped, ["user-1", "user-2"]);
  equal(done[0].funded, 0);
});
