/** The local run's agent command lines, built without starting anything. */
import { deepEqual, equal, match, ok } from "@std/assert";
import {
  type AgentArgsContext,
  attackAgents,
  hostAgents,
  localWalletArgs,
} from "../../../../adapters/engine/local/agent_args.ts";
import type { LocalHostPlacement } from "../../../../adapters/engine/local/options.ts";
import type { SimAttack, SimHost, SimModel } from "../../../../adapters/engine/types.ts";

function _host(name: string, kind: SimHost["kind"], hashrate: number): SimHost {
  return {
    name,
    kind,
    region: "default",
    ip: "127.0.0.2",
    p2pPort: 1,
    rpcPort: 2,
    hashrate,
    startTimeS: 0,
    bandwidthUpBps: 1e8,
    bandwidthDownBps: 1e8,
    daemonArgs: [],
    peers: [],
    tx: kind === "user"
      ? { intervalMeanS: 300, amount: { kind: "uniform", min: 0.1, max: 2 } }
      : undefined,
  };
}

function _context(attacks: SimAttack[]): AgentArgsContext {
  const hosts = [_host("m", "miner", 60), _host("u", "user", 0), _host("e", "attacker", 40)];
  const model: SimModel = {
    name: "t",
    seed: 7,
    stopTimeS: 3600,
    bootstrapEndTimeS: 0,
    parallelism: 1,
    peerMode: "hardcoded",
    hosts,
    edges: [],
    attacks,
  };
  const placements: LocalHostPlacement[] = hosts.map((h, i) => ({
    name: h.name,
    kind: h.kind,
    ip: `127.0.0.${i + 2}`,
    p2pPort: 1000 + i,
    rpcPort: 2000 + i,
    walletRpcPort: h.kind === "user" ? 3000 + i : undefined,
    rpcUrl: `http://127.0.0.${i + 2}:${2000 + i}`,
    dir: `/run/hosts/${h.name}`,
  }));
  return {
    model,
    placements,
    placement: (name) => placements.find((p) => p.name === name)!,
    timeScale: 60,
    userFundBlocks: 3,
    walletName: "user",
  };
}

Deno.test("hostAgents: a miner mines on its node; a late user funds its own wallet", () => {
  const ctx = _context([]);
  const [miner] = hostAgents(ctx, ctx.model.hosts[0], false);
  equal(miner.name, "miner m");
  deepEqual(miner.args.slice(0, 5), [
    "miner",
    "--rpc",
    "http://127.0.0.2:2000",
    "--hashrate",
    "60",
  ]);
  ok(miner.args.join(" ").includes("--seed 7 --time-scale 60 --out /run/hosts/m/miner.ndjson"));
  const early = hostAgents(ctx, ctx.model.hosts[1], false)[0].args;
  const late = hostAgents(ctx, ctx.model.hosts[1], true)[0].args;
  equal(early[early.indexOf("--amount") + 1], "0.1..2");
  equal(early[early.indexOf("--fund-blocks") + 1], "0");
  equal(late[late.indexOf("--fund-blocks") + 1], "3");
  equal(late[late.indexOf("--wallet-rpc") + 1], "http://127.0.0.3:3001");
});

Deno.test("a double-spend attacker runs the attack agent instead of a miner", () => {
  const ctx = _context([{
    kind: "double_spend",
    attacker: "e",
    victim: "u",
    q: 0.4,
    confirmations: 2,
    startS: 60,
  }]);
  const [agent] = hostAgents(ctx, ctx.model.hosts[2], false);
  equal(agent.name, "attacker double_spend-0");
  const args = agent.args.join(" ");
  ok(args.startsWith("attacker --mode double_spend --rpc e=http://127.0.0.4:2002"));
  ok(args.includes("--peers m=http://127.0.0.2:2000,u=http://127.0.0.3:2001"));
  ok(args.includes("--confirmations 2 --start 60"));
  deepEqual(attackAgents(ctx), []);
});

Deno.test("attackAgents: partition and eclipse agents with their groups and times", () => {
  const ctx = _context([
    { kind: "partition", groupA: ["m"], groupB: ["u", "e"], startS: 60, endS: 600 },
    {
      kind: "eclipse",
      victim: "u",
      attackers: ["e"],
      behaviour: { kind: "delay", delayS: 30 },
      startS: 0,
    },
    { kind: "sybil", attackers: ["e"], subnet: "127.100.0.0/24" },
  ]);
  const [partition, eclipse, ...rest] = attackAgents(ctx);
  equal(rest.length, 0);
  equal(partition.dir, "/run/hosts/m");
  ok(
    partition.args.join(" ").includes(
      "--group-a m=http://127.0.0.2:2000 --group-b u=http://127.0.0.3:2001,e=http://127.0.0.4:2002",
    ),
  );
  ok(partition.args.join(" ").includes("--start 60s --end 600s"));
  ok(eclipse.args.join(" ").includes("--behaviour delay --delay 30s --start 0s"));
  equal(eclipse.args.at(-1), "/run/hosts/u/attack-1.ndjson");
});

Deno.test("attackAgents: hosts with relay aliases are named with --seen-as; none without", () => {
  const attacks: SimAttack[] = [
    { kind: "partition", groupA: ["m"], groupB: ["u"], startS: 60, endS: 600 },
    { kind: "eclipse", victim: "u", attackers: ["e"], behaviour: { kind: "withhold" }, startS: 0 },
  ];
  const aliased = {
    ..._context(attacks),
    aliases: (n: string) => n === "e" ? [] : [`10.0.0.${n.length + 129}-${n}`],
  };
  const [partition, eclipse] = attackAgents(aliased);
  const after = (args: string[]) => args[args.indexOf("--seen-as") + 1];
  equal(after(partition.args), "m=10.0.0.130-m,u=10.0.0.130-u");
  equal(after(eclipse.args), "u=10.0.0.130-u", "a host without aliases is left out");
  for (const a of attackAgents(_context(attacks))) ok(!a.args.includes("--seen-as"));
  const ds = _context([
    { kind: "double_spend", attacker: "e", victim: "u", q: 0.4, confirmations: 1, startS: 60 },
  ]);
  const launch =
    hostAgents({ ...ds, aliases: (n) => [`alias-of-${n}`] }, ds.model.hosts[2], false)[0];
  equal(after(launch.args), "m=alias-of-m,u=alias-of-u,e=alias-of-e", "every host it bans");
});

Deno.test("hostAgents: a user's sending pattern reaches its agent only when set", () => {
  const ctx = _context([]);
  const plain = hostAgents(ctx, ctx.model.hosts[1], false)[0].args;
  ok(!plain.includes("--interval-kind") && !plain.includes("--send-probability"));
  const user = ctx.model.hosts[1];
  user.tx = { ...user.tx!, intervalKind: "fixed", sendProbability: 0.25, activityStartS: 1800 };
  const args = hostAgents(ctx, user, false)[0].args.join(" ");
  match(args, /--interval-kind fixed --send-probability 0\.25 --activity-start 1800s/);
});

Deno.test("hostAgents: a behaviour replaces the kind's agent and gets the wallet when there is one", () => {
  const ctx = _context([]);
  const user = ctx.model.hosts[1];
  user.behavior = { module: "/plugins/bot.ts", config: { every_s: 5 } };
  const launches = hostAgents(ctx, user, false);
  equal(launches.length, 1);
  equal(launches[0].name, "behavior u");
  const args = launches[0].args.join(" ");
  match(args, /^behavior --module \/plugins\/bot\.ts --rpc http:\/\/127\.0\.0\.3:2001 /);
  match(args, /--wallet-rpc http:\/\/127\.0\.0\.3:3001 --behavior-config \{"every_s":5\}/);
  match(args, /--out \/run\/hosts\/u\/behavior\.ndjson$/);
});

Deno.test("localWalletArgs: the scenario's wallet flags win by name", () => {
  const ctx = _context([]);
  const user = ctx.model.hosts[1];
  const plain = localWalletArgs(ctx.placement("u"), user);
  ok(plain.includes("--log-file=/run/hosts/u/wallet-rpc.log"));
  user.walletArgs = ["--log-level=2", "--log-file=/dev/stdout"];
  const args = localWalletArgs(ctx.placement("u"), user);
  deepEqual(args.filter((a) => a.startsWith("--log-file")), ["--log-file=/dev/stdout"]);
  equal(args.at(-1), "--log-level=2");
  equal(args.length, plain.length + 1);
});
