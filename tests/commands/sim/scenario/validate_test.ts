import { deepEqual, equal, match, ok } from "@std/assert";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { MINERS, OPTS, problem, scenario } from "../_scenario.ts";

Deno.test("schema errors name the path and the value", async () => {
  equal(
    await problem(scenario("{ topology: ring }", MINERS).replace("1h", "1 fortnight")),
    'scenario t: general.stop_time: expected a duration like "90s", "30m", "2h", "1d" or ' +
      'seconds, got "1 fortnight"',
  );
  equal(
    await problem(scenario("{ topology: ring }", `${MINERS}\n  wiz: { kind: wizard }`)),
    'scenario t: agents.wiz.kind: expected one of "miner", "user", "observer", "monitor", ' +
      '"attacker", got "wizard"',
  );
  equal(
    await problem(scenario("{ topology: ring, latency: { uniform: [1 ms, soon] } }", MINERS)),
    'scenario t: network.latency.uniform[1]: expected a latency like "50 ms" or milliseconds, ' +
      'got "soon"',
  );
  equal(
    await problem(scenario("{ topology: ring }", MINERS, "attacks:\n  - kind: nuke\n")),
    'scenario t: attacks[0].kind: expected one of "sybil", "eclipse", "partition", ' +
      '"double_spend", got "nuke"',
  );
});

Deno.test("hashrates of miners and attackers must sum to 100", async () => {
  equal(
    await problem(scenario("{ topology: ring }", "  miner-{1..3}: { kind: miner, hashrate: 30 }")),
    "scenario t: agents: hashrates of miners and attackers sum to 90, expected 100",
  );
  equal(
    await problem(scenario("{ topology: ring }", `${MINERS}\n  lazy: { kind: miner }`)),
    "scenario t: agents.lazy.hashrate: a miner needs a hashrate > 0",
  );
});

// --- Issue 14 defects: each of these passed validation before. ---

const RING = "{ topology: ring }";

async function load(text: string) {
  return await parseScenario(text, OPTS);
}

Deno.test("every process of every host starts before stop_time; the late one is named", async () => {
  // monerod at 1795 s is in time, but the wallet RPC (+5 s) and the agent (+10 s) are not.
  const late = scenario(RING, `${MINERS}\n  shopper: { kind: user, start_time: 3595 }`);
  equal(
    await problem(late),
    'scenario t: agents.shopper.start_time: host "shopper": its monero-wallet-rpc starts at ' +
      "3600 s (its start + 5 s), not before general.stop_time (3600 s), got 3595",
  );
  equal(
    await problem(
      scenario(RING, "  miner-{1..4}: { kind: miner, hashrate: 25, start_time: 3591 }"),
    ),
    'scenario t: agents.miner-{1..4}.start_time: host "miner-1": its hive sim agent miner ' +
      "starts at 3601 s (its start + 10 s), not before general.stop_time (3600 s), got 3591",
  );
  // 3585 s leaves every process (the agent at 3595 s) inside the run.
  await load(scenario(RING, `${MINERS}\n  shopper: { kind: user, start_time: 3585 }`));
});

Deno.test("host names must be hostname(7) labels of at most 63 characters", async () => {
  const long = "n".repeat(64);
  equal(
    await problem(scenario(RING, `${MINERS}\n  ${long}: { kind: observer }`)),
    `scenario t: agents.${long}: host name "${long}" has 64 characters; hostname(7) allows ` +
      "at most 63",
  );
  // A range whose members grow past 63 characters is named by its key.
  const key = `${"r".repeat(62)}{1..10}`;
  match(
    await problem(scenario(RING, `${MINERS}\n  ${key}: { kind: observer }`)),
    new RegExp(`agents\\.r{62}\\{1\\.\\.10\\}: host name "r{62}10" has 64 characters`),
  );
  equal(
    await problem(scenario(RING, `${MINERS}\n  -edge: { kind: observer }`)),
    'scenario t: agents.-edge: bad host name "-edge": a hostname(7) label of lowercase ' +
      'letters, digits and "-", not starting or ending with "-"',
  );
  await load(scenario(RING, `${MINERS}\n  ${"n".repeat(63)}: { kind: observer }`));
});

Deno.test("absurd times are bounded to Shadow's nanosecond range", async () => {
  equal(
    await problem(scenario(RING, MINERS).replace("stop_time: 1h", "stop_time: 9007199254740993")),
    "scenario t: general.stop_time: expected at most 18446744073 s (Shadow counts time in " +
      "64-bit nanoseconds), got 9007199254740992",
  );
  match(
    await problem(scenario(RING, `${MINERS}\n  u: { kind: user, interval_mean: 1e30 }`)),
    /agents\.u\.interval_mean: expected at most 18446744073 s/,
  );
});

Deno.test("validate reports every problem in one pass, one per line", async () => {
  const text = `general: { stop_time: 1h, seed: 4, parallelsm: 2 }
network: { topology: ring, peer_mode: magic }
agents:
  miner-{1..3}: { kind: miner, hashrate: 30 }
  ${"x".repeat(70)}: { kind: observer }
  late: { kind: monitor, start_time: 3599 }
  shopper: { kind: user, start: 10 }
  wiz: { kind: wizard }
`;
  const message = await problem(text);
  const lines = message.split("\n");
  equal(lines[0], "scenario t: 7 problems:");
  deepEqual(lines.slice(1).map((l) => l.trim().split(":")[0]).sort(), [
    "agents",
    "agents.late.start_time",
    "agents.shopper.start",
    "agents.wiz.kind",
    `agents.${"x".repeat(70)}`,
    "general.parallelsm",
    "network.peer_mode",
  ]);
});

Deno.test("an unknown key suggests the close one", async () => {
  equal(
    await problem(scenario(RING, `${MINERS}\n  shopper: { kind: user, start: 10 }`)),
    'scenario t: agents.shopper.start: unknown key; did you mean "start_time"?',
  );
  equal(
    await problem(scenario("{ topology: ring, lantency: 20 ms }", MINERS)),
    'scenario t: network.lantency: unknown key; did you mean "latency"?',
  );
  equal(
    await problem(
      scenario(
        RING,
        MINERS,
        "attacks:\n  - { kind: partition, group_a: [miner-1], start: 1, " +
          "end: 2, ends: 3 }\n",
      ),
    ),
    'scenario t: attacks[0].ends: unknown key; did you mean "end"?',
  );
  equal(
    await problem(scenario(RING, `${MINERS}\n  o: { kind: observer, zzz: 1 }`)),
    "scenario t: agents.o.zzz: unknown key",
  );
});

Deno.test("hashrates rounded to two decimals are accepted and normalised", async () => {
  for (const [n, share] of [[3, "33.33"], [6, "16.67"], [7, "14.29"], [60, "1.67"]] as const) {
    const { model } = await load(
      scenario(RING, `  miner-{1..${n}}: { kind: miner, hashrate: ${share} }`),
    );
    const rates = model.hosts.map((h) => h.hashrate);
    ok(Math.abs(rates.reduce((s, x) => s + x, 0) - 100) < 1e-9, `${n} x ${share}`);
    ok(rates.every((r) => Math.abs(r - 100 / n) < 1e-9), `${n} x ${share}`);
  }
  // Rounded further than that, they are refused: 3 x 33.3 misses 100 by 0.1 (allowed 0.015).
  match(
    await problem(scenario(RING, "  miner-{1..3}: { kind: miner, hashrate: 33.3 }")),
    /sum to 99\.9, expected 100/,
  );
});

Deno.test("a bandwidth of 0 is refused wherever one is given", async () => {
  const cases: [string, string][] = [
    [
      "{ topology: ring, bandwidth: 0 Mbit }",
      'network.bandwidth: expected a bandwidth > 0 (like "100 Mbit"), got "0 Mbit"',
    ],
    ["{ topology: ring, bandwidth_up: 0 }", "network.bandwidth_up: expected a bandwidth > 0"],
    [
      "{ topology: ring, bandwidth: { uniform: [0 Mbit, 10 Mbit] } }",
      'network.bandwidth.uniform[0]: expected a bandwidth > 0 (like "100 Mbit"), got "0 Mbit"',
    ],
    [
      "{ topology: ring, bandwidth: { normal: { mean: 0, stddev: 1 Mbit } } }",
      "network.bandwidth.normal.mean: expected a bandwidth > 0",
    ],
    [
      "{ topology: ring, regions: { eu: { bandwidth: 0 Gbit } } }",
      'network.regions.eu.bandwidth: expected a bandwidth > 0 (like "100 Mbit"), got "0 Gbit"',
    ],
    [
      "{ topology: ring, regions: { eu: { bandwidth_up: -5 Mbit } } }",
      'network.regions.eu.bandwidth_up: expected a bandwidth > 0 (like "100 Mbit"), got "-5 Mbit"',
    ],
  ];
  for (const [network, line] of cases) {
    match(await problem(scenario(network, MINERS)), new RegExp(`: ${RegExp.escape(line)}`), line);
  }
  // A normal's spread may be 0: every host gets the mean.
  const { model } = await load(
    scenario("{ topology: ring, bandwidth: { normal: { mean: 20 Mbit, stddev: 0 } } }", MINERS),
  );
  ok(model.hosts.every((h) => h.bandwidthDownBps === 20e6));
});

Deno.test("latencies are finite and at most 1 h", async () => {
  const cases: [string, string][] = [
    [
      "{ topology: ring, latency: 2h }",
      'network.latency: expected a latency of at most 1 h (3600000 ms), got "2h"',
    ],
    ["{ topology: ring, latency: 1e308 }", "network.latency: expected a latency of at most 1 h"],
    // YAML's .inf and .nan are no number zod takes: refused with the value, as any other shape.
    [
      "{ topology: ring, latency: .inf }",
      "network.latency: expected a fixed value, {uniform: [a, b]} or {normal: {mean, stddev}}, " +
      "got Infinity",
    ],
    [
      "{ topology: ring, latency: .nan }",
      "network.latency: expected a fixed value, {uniform: [a, b]} or {normal: {mean, stddev}}, " +
      "got NaN",
    ],
    [
      "{ topology: ring, latency: { normal: { mean: 20 ms, stddev: 1e9 } } }",
      "network.latency.normal.stddev: expected a latency of at most 1 h (3600000 ms), got 1000000000",
    ],
    [
      "{ topology: ring, regions: { eu: { latency: { uniform: [1 ms, 90 min] } } } }",
      "network.regions.eu.latency.uniform[1]: expected a latency of at most 1 h",
    ],
    [
      "{ topology: ring, inter_region_latency: 3600001 }",
      "network.inter_region_latency: expected a latency of at most 1 h",
    ],
    ["{ topology: ring, jitter: 2h }", "network.jitter: expected a latency of at most 1 h"],
  ];
  for (const [network, line] of cases) {
    match(await problem(scenario(network, MINERS)), new RegExp(`: ${RegExp.escape(line)}`), line);
  }
  await load(scenario("{ topology: ring, latency: 1h }", MINERS));
});

Deno.test("a bad value inside a distribution is named under its own kind", async () => {
  const text = scenario(
    "{ topology: ring, regions: { na: { latency: { normal: { mean: 20 ms, stddev: -3 ms } } } } }",
    MINERS,
  );
  equal(
    await problem(text),
    "scenario t: network.regions.na.latency.normal.stddev: expected a latency >= 0 " +
      '(like "50 ms"), got "-3 ms"',
  );
});

Deno.test("one problem is said once", async () => {
  equal(
    await problem(scenario(RING, MINERS).replace("seed: 4", "seed: 1e23")),
    "scenario t: general.seed: expected value <= 9007199254740991, got 1e+23",
  );
  // zod reports a too-large integer twice (as an integer and against the range): one line.
  equal(
    await problem(
      scenario(
        RING,
        "  m-{1..3}: { kind: miner, hashrate: 25 }\n  a: { kind: attacker, hashrate: 25 }",
        "attacks:\n  - { kind: double_spend, attacker: a, victim: m-1, confirmations: 1e23 }\n",
      ),
    ),
    "scenario t: attacks[0].confirmations: expected integer 1..1000, got 1e+23",
  );
});

Deno.test("agents left out by the schema do not cascade into agent-wide problems", async () => {
  // The only agent fails its schema: no "at least one agent", no hashrate sum of 0.
  equal(
    await problem(scenario(RING, '  m-{1..4}: { kind: miner, hashrate: "25" }')),
    'scenario t: agents.m-{1..4}.hashrate: matches none of the allowed shapes, got "25"',
  );
  // A left-out entry with a hashrate leaves the sum unknown; one without keeps it meaningful.
  equal(
    await problem(
      scenario(
        RING,
        "  m-{1..2}: { kind: miner, hashrate: 60 }\n  x: { kind: miner, hashrate: -20 }",
      ),
    ),
    "scenario t: agents.x.hashrate: expected value >= 0, got -20",
  );
  match(
    await problem(
      scenario(RING, "  m-{1..3}: { kind: miner, hashrate: 30 }\n  w: { kind: wizard }"),
    ),
    /agents: hashrates of miners and attackers sum to 90, expected 100/,
  );
  // An empty agents list is still its own problem.
  match(await problem(scenario(RING, "  {}")), /agents: expected at least one agent/);
});

Deno.test("an unknown distribution is one problem that lists the forms accepted", async () => {
  const forms = "(a fixed value, {uniform: [a, b]} or {normal: {mean, stddev}})";
  equal(
    await problem(
      scenario("{ topology: ring, latency: { pareto: { mean: 50, shape: 2 } } }", MINERS),
    ),
    `scenario t: network.latency: unknown distribution "pareto" ${forms}, ` +
      'got {"pareto":{"mean":50,"shape":2}}',
  );
  // Every field that takes a distribution says the same, from the one place that maps unions.
  const cases: [string, string][] = [
    [
      "{ topology: ring, bandwidth: { exponential: 5 } }",
      `network.bandwidth: unknown distribution "exponential" ${forms}`,
    ],
    [
      "{ topology: ring, bandwidth_up: { pareto: 1, shape: 2 } }",
      `network.bandwidth_up: unknown distribution "pareto", "shape" ${forms}`,
    ],
    [
      "{ topology: ring, regions: { eu: { latency: { lognormal: 1 } } } }",
      `network.regions.eu.latency: unknown distribution "lognormal" ${forms}`,
    ],
    [
      "{ topology: ring, regions: { eu: { bandwidth: { gamma: 1 } } } }",
      `network.regions.eu.bandwidth: unknown distribution "gamma" ${forms}`,
    ],
    [
      "{ topology: ring, inter_region_latency: { unifrom: [1 ms, 2 ms] } }",
      `network.inter_region_latency: unknown distribution "unifrom" ${forms}; ` +
      'did you mean "uniform"?',
    ],
    [
      "{ topology: ring, latency: {} }",
      "network.latency: expected a fixed value, {uniform: [a, b]} or {normal: {mean, stddev}}, " +
      "got {}",
    ],
    [
      "{ topology: ring, latency: true }",
      "network.latency: expected a fixed value, {uniform: [a, b]} or {normal: {mean, stddev}}, " +
      "got true",
    ],
  ];
  for (const [network, line] of cases) {
    const message = await problem(scenario(network, MINERS));
    match(message, new RegExp(`^scenario t: ${RegExp.escape(line)}`), line);
    ok(!message.includes("problems"), message);
  }
});

Deno.test("a uniform distribution's low bound may not be above its high bound", async () => {
  equal(
    await problem(scenario("{ topology: ring, latency: { uniform: [80 ms, 20 ms] } }", MINERS)),
    'scenario t: network.latency.uniform: the low bound is above the high bound, got ["80 ms",' +
      '"20 ms"]',
  );
  const cases: [string, string][] = [
    [
      "{ topology: ring, bandwidth: { uniform: [100 Mbit, 50 Mbit] } }",
      'network.bandwidth.uniform: the low bound is above the high bound, got ["100 Mbit","50 Mbit"]',
    ],
    [
      "{ topology: ring, bandwidth_up: { uniform: [2 Gbit, 1 Gbit] } }",
      'network.bandwidth_up.uniform: the low bound is above the high bound, got ["2 Gbit","1 Gbit"]',
    ],
    [
      "{ topology: ring, regions: { eu: { latency: { uniform: [9 ms, 3 ms] } } } }",
      'network.regions.eu.latency.uniform: the low bound is above the high bound, got ["9 ms",' +
      '"3 ms"]',
    ],
    [
      "{ topology: ring, inter_region_latency: { uniform: [0.2 s, 100 ms] } }",
      'network.inter_region_latency.uniform: the low bound is above the high bound, got ["200 ms",' +
      '"100 ms"]',
    ],
  ];
  for (const [network, line] of cases) {
    match(
      await problem(scenario(network, MINERS)),
      new RegExp(`^scenario t: ${RegExp.escape(line)}$`),
      line,
    );
  }
  // Equal bounds are a fixed value written as a range: accepted.
  const { model } = await load(
    scenario("{ topology: ring, latency: { uniform: [30 ms, 30 ms] } }", MINERS),
  );
  ok(model.edges.every((e) => e.latencyMs === 30));
});

Deno.test("a bandwidth above 1 Tbit per host is refused wherever one is given", async () => {
  equal(
    await problem(scenario("{ topology: ring, bandwidth: 1e30 }", MINERS)),
    "scenario t: network.bandwidth: expected a bandwidth of at most 1 Tbit (1000000000000 " +
      "bits per second), got 1e+30",
  );
  const cases: [string, string][] = [
    [
      '{ topology: ring, bandwidth: "2 Tbit" }',
      'network.bandwidth: expected a bandwidth of at most 1 Tbit (1000000000000 bits per second), got "2 Tbit"',
    ],
    // An exponent in a text is no bandwidth at all: refused as one.
    [
      '{ topology: ring, bandwidth: "1e30 Mbit" }',
      'network.bandwidth: expected a bandwidth like "100 Mbit"',
    ],
    [
      "{ topology: ring, bandwidth_up: 1e13 }",
      "network.bandwidth_up: expected a bandwidth of at most 1 Tbit",
    ],
    [
      "{ topology: ring, bandwidth: { uniform: [1 Gbit, 5 Tbit] } }",
      "network.bandwidth.uniform[1]: expected a bandwidth of at most 1 Tbit",
    ],
    [
      "{ topology: ring, bandwidth: { normal: { mean: 1 Gbit, stddev: 1e30 } } }",
      "network.bandwidth.normal.stddev: expected a bandwidth of at most 1 Tbit",
    ],
    [
      "{ topology: ring, regions: { eu: { bandwidth: 1e30 } } }",
      "network.regions.eu.bandwidth: expected a bandwidth of at most 1 Tbit",
    ],
  ];
  for (const [network, line] of cases) {
    match(
      await problem(scenario(network, MINERS)),
      new RegExp(`^scenario t: ${RegExp.escape(line)}`),
      line,
    );
  }
  const { model } = await load(scenario("{ topology: ring, bandwidth: 1 Tbit }", MINERS));
  ok(model.hosts.every((h) => h.bandwidthDownBps === 1e12 && h.bandwidthUpBps === 1e12));
  // A normal's draws stay at or below the limit too.
  const wide = await load(
    scenario(
      "{ topology: ring, bandwidth: { normal: { mean: 1 Tbit, stddev: 1 Tbit } } }",
      "  miner-{1..20}: { kind: miner, hashrate: 5 }",
    ),
  );
  const drawn = wide.model.hosts.map((h) => h.bandwidthDownBps);
  ok(drawn.every((bps) => bps <= 1e12) && drawn.includes(1e12), String(drawn));
});
