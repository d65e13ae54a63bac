/** Behaviour plugins in scenarios: loaded and checked by validate, run by both engines. */
import { deepEqual, equal, match, ok } from "@std/assert";
import { ConfigError } from "../../../../core/errors.ts";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { buildShadowDocument } from "../../../../commands/sim/shadow/config.ts";
import {
  BUILTIN_BEHAVIORS,
  loadBehavior,
  resolveBehavior,
} from "../../../../commands/sim/behaviors/load.ts";
import { rejection } from "../../../_helpers.ts";

const FIXTURES = new URL("../../../../fixtures/", import.meta.url).pathname;
const OPTS = { baseDir: `${FIXTURES}scenarios`, name: "b" };
const HEAD = "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
  "  miner-{1..2}: { kind: miner, hashrate: 50 }\n";

Deno.test("every built-in behaviour loads and accepts its defaults or a minimal config", async () => {
  for (const name of Object.keys(BUILTIN_BEHAVIORS)) {
    const mod = await loadBehavior(name);
    const config = name.includes("min") ? { hashrate: 50 } : {};
    ok(mod.configSchema.safeParse(config).success, name);
  }
});

Deno.test("validate loads a group's behaviour and checks behavior_config, naming the field", async () => {
  const good = await parseScenario(
    HEAD + "  watcher: { kind: observer, behavior: ../behaviors/tip_watcher.ts, " +
      "behavior_config: { every_s: 5 } }\n" +
      "  shop: { kind: user, behavior: transaction_bot, behavior_config: { interval_s: 60 } }\n",
    OPTS,
  );
  const watcher = good.model.hosts.find((h) => h.name === "watcher")!;
  deepEqual(watcher.behavior, {
    module: `${FIXTURES}behaviors/tip_watcher.ts`,
    config: { every_s: 5 },
  });
  const bad = await rejection(
    parseScenario(
      HEAD + "  watcher: { kind: observer, behavior: ../behaviors/tip_watcher.ts, " +
        "behavior_config: { every_s: -1 } }\n" +
        "  ghost: { kind: observer, behavior: ./missing.ts }\n" +
        "  m3: { kind: observer, behavior: constant_miner, behavior_config: { hashrat: 5 } }\n",
      OPTS,
    ),
    ConfigError,
  );
  match(bad.message, /agents\.watcher\.behavior_config\.every_s: expected value \S+ 0, got -1/);
  match(bad.message, /agents\.ghost\.behavior: .*fixtures\/scenarios\/missing\.ts: cannot load/);
  match(bad.message, /agents\.m3\.behavior_config/);
  equal(resolveBehavior("observer", "/x"), "observer");
  equal(resolveBehavior("./a.ts", "/x/y"), "/x/y/a.ts");
});

Deno.test("a behaviour runs in place of the kind's agent in Shadow configs", async () => {
  const loaded = await parseScenario(
    HEAD + "  watcher: { kind: observer, behavior: ../behaviors/tip_watcher.ts }\n" +
      "  shop: { kind: user, behavior: hodler }\n",
    OPTS,
  );
  const { document } = buildShadowDocument(loaded, { hiveBin: "hive" });
  const progs = (host: string) =>
    document.hosts[host].processes.map((p) => p.path === "hive" ? p.args[2] : p.path);
  deepEqual(progs("watcher"), ["monerod", "behavior"]);
  deepEqual(progs("shop"), ["monerod", "monero-wallet-rpc", "behavior"]);
  const args = document.hosts["shop"].processes[2].args;
  equal(args[args.indexOf("--module") + 1], "hodler");
  equal(args[args.indexOf("--wallet-rpc") + 1], "http://11.0.3.1:18083");
  equal(args[args.indexOf("--behavior-config") + 1], "{}");
});
