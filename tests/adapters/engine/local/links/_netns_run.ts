/**
 * A local run on the namespace path for the tests with real monerod: started at once, its
 * nodes awaited separately, so a test can always await the run's cleanup (its namespaces)
 * whatever failed.
 *
 * @module
 */
import { equal } from "@std/assert";
import { LocalEngine } from "../../../../../adapters/engine/local/engine.ts";
import type { NetnsPlan } from "../../../../../adapters/engine/local/links/netns_plan.ts";
import type { EngineRunResult, SimModel } from "../../../../../adapters/engine/types.ts";
import { createLogger } from "../../../../../core/logger.ts";
import { deadline } from "../../../../_helpers.ts";
import { HIVE_ARGV } from "../../_sim_model.ts";
import { type PlacedHost, waitLocalNodes } from "../../../../bench/sim_crossval_compare.ts";

/** A started netns run: the run itself, and its nodes once every one answers RPC. */
export interface NetnsRun {
  run: Promise<EngineRunResult>;
  ready(): Promise<{ hosts: PlacedHost[]; plan: NetnsPlan }>;
}

/** Start `model` on `--links netns` in `dir`; `signal` stops it. */
export function startNetnsRun(model: SimModel, dir: string, signal: AbortSignal): NetnsRun {
  const run = new LocalEngine({ graceMs: 20_000, settleS: 2, hiveArgv: HIVE_ARGV, links: "netns" })
    .run({ model, outDir: dir, logger: createLogger({ level: "error" }), signal });
  run.catch(() => {}); // awaited by the test; a start-up failure must not go unhandled meanwhile
  return {
    run,
    async ready() {
      const hosts = await deadline(
        Promise.race([waitLocalNodes(dir, 60_000), run.then(() => [])]),
        70_000,
        "nodes",
      );
      equal(hosts.length, model.hosts.length, "every node answers RPC from the root namespace");
      const children = JSON.parse(await Deno.readTextFile(`${dir}/children.json`));
      const subnet = new URL(hosts[0].rpcUrl).hostname.split(".").slice(0, 3).join(".");
      return { hosts, plan: { id: children.netns as string, subnet, hosts: hosts.length } };
    },
  };
}
