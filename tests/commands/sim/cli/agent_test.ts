/** `hive sim agent ...` flags: validated before anything runs, errors naming flag and value. */
import { equal, match } from "@std/assert";

async function _cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      new URL("../../../../main.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("agent flags are validated before anything runs (exit 2, path and value named)", async () => {
  const miner = await _cli("sim", "agent", "miner", "--rpc", "ftp://x", "--hashrate", "150");
  equal(miner.code, 2);
  match(miner.stderr, /--rpc: expected an http:\/\/ URL, got "ftp:\/\/x"/);
  match(miner.stderr, /--hashrate: expected value <= 100, got 150/);
  const user = await _cli(
    "sim",
    "agent",
    "user",
    "--wallet-rpc",
    "http://127.0.0.1:1",
    "--daemon-rpc",
    "http://127.0.0.1:2",
    "--interval-mean",
    "0s",
    "--amount",
    "2..1",
  );
  equal(user.code, 2);
  match(user.stderr, /--interval-mean: expected a duration from 1ms to \d+h, got "0s"/);
  match(user.stderr, /--amount: expected MIN <= MAX, got "2..1"/);
  const monitor = await _cli(
    "sim",
    "agent",
    "monitor",
    "--rpc",
    "a=http://x:1,bad name=http://y:2",
  );
  equal(monitor.code, 2);
  match(monitor.stderr, /--rpc\[1\]: bad host name before '='/);
  const attacker = await _cli(
    "sim",
    "agent",
    "attacker",
    "--mode",
    "partition",
    "--group-a",
    "http://127.0.0.2:1",
    "--group-b",
    "http://127.0.0.3:1",
    "--start",
    "10s",
    "--end",
    "5s",
  );
  equal(attacker.code, 2);
  match(attacker.stderr, /--end: expected --end after --start/);
  // Other bad values: tests/commands/sim/cli/flags_test.ts.
  const seenAs = await _cli(
    ...["sim", "agent", "attacker", "--mode", "eclipse", "--attackers", "http://127.0.0.2:1"],
    ...["--victim", "v=http://127.0.0.3:1", "--behaviour", "withhold", "--seen-as", "a=1.2.3"],
  );
  equal(seenAs.code, 2);
  match(seenAs.stderr, /--seen-as: expected NAME=IPv4 items, got "a=1\.2\.3"/);
  const doubleSpend = await _cli(
    ...["sim", "agent", "attacker", "--mode", "double_spend", "--rpc", "evil=http://127.0.0.2:1"],
    ...["--victim", "ftp://127.0.0.3:1", "--peers", "http://127.0.0.3:1", "--hashrate", "0"],
    ...["--confirmations", "1.5", "--timeout", "60"],
  );
  equal(doubleSpend.code, 2);
  match(doubleSpend.stderr, /--victim: expected URL or NAME=URL with an http:\/\/ URL/);
  match(doubleSpend.stderr, /--hashrate: expected a number > 0, got 0/);
  match(doubleSpend.stderr, /--confirmations: expected an integer, got "?1\.5"?/);
  // Waits take durations (issue #10): a bare number is refused, not read as seconds.
  match(doubleSpend.stderr, /--timeout: expected a duration with a unit, e\.g\. 500ms, 10s, 2m/);
});
