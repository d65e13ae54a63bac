/**
 * Two real monerod nodes joined by a 200 ms link through the local engine's relay: a block
 * mined on one reaches the other no sooner than the link allows, the run record says "relay",
 * and the same two-node model in the DES (Monero's fluffy relay) agrees on the delay: the
 * short form of the cross-validation (`tests/bench/sim_crossval.ts` runs 12 nodes).
 */
import { deepEqual, equal, ok } from "@std/assert";
import { LocalEngine } from "../../../../../adapters/engine/local/engine.ts";
import {
  observeBlocks,
  readRunArrivals,
} from "../../../../../adapters/engine/local/links/observe.ts";
import type { LinksRecord } from "../../../../../adapters/engine/local/links/mod.ts";
import type { SimModel } from "../../../../../adapters/engine/types.ts";
import { createLogger } from "../../../../../core/logger.ts";
import { MonerodRpc } from "../../../../../adapters/engine/local/rpc.ts";
import { deadline } from "../../../../_helpers.ts";
import { HIVE_ARGV, mineOneBlock, testHost, testModel, waitHeight } from "../../_sim_model.ts";
import {
  compareFigures,
  desFigures,
  localFigures,
  waitLocalNodes,
  warmUpRandomX,
} from "../../../../bench/sim_crossval_compare.ts";

Deno.test("local run: blocks cross a 200 ms relay link between two real monerod nodes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive_links_" });
  const stop = new AbortController();
  try {
    // Two observers (no agents): the test mines through RPC, so it knows when each block
    // starts, and warms RandomX up on both nodes first (a cold first block takes seconds).
    const pair = [testHost("a", { peers: ["b"] }), testHost("b", { peers: ["a"] })];
    const model: SimModel = testModel(pair, {
      name: "links-test",
      seed: 21,
      stopTimeS: 300,
      edges: [{ a: "a", b: "b", latencyMs: 200, packetLoss: 0 }],
    });
    const running = new LocalEngine({
      graceMs: 20_000,
      firstOctet: 70,
      settleS: 5,
      hiveArgv: HIVE_ARGV,
      links: "relay", // the namespace path has its own test (netns_monerod_test.ts)
    }).run({ model, outDir: dir, logger: createLogger({ level: "error" }), signal: stop.signal });
    running.catch(() => {}); // awaited below; a start-up failure must not go unhandled meanwhile
    const hosts = await waitLocalNodes(dir, 60_000);
    await deadline(Promise.all(hosts.map((h) => warmUpRandomX(h.rpcUrl))), 90_000, "RandomX");
    const rpc = hosts.map((h) => new MonerodRpc({ url: h.rpcUrl, timeoutMs: 30_000 }));
    for (let height = 1; height <= 3; height++) {
      ok(await mineOneBlock(rpc[0], 100), `block ${height} was mined`);
      const reached = await waitHeight(rpc[1], height, 30_000);
      ok(reached, `block ${height} reached the other node`);
    }
    stop.abort();
    const result = await deadline(running, 60_000, "local run stop");
    const summary = result.summary as { links: LinksRecord };
    equal(summary.links.path, "relay");
    const record = JSON.parse(await Deno.readTextFile(`${dir}/links.json`)) as LinksRecord;
    equal(record.path, "relay");
    equal(record.links, 2, "two directed links: each node dials the other");
    deepEqual(record.shapes, [{ a: "a", b: "b", latency_ms: 200, jitter_ms: 0, loss: 0 }]);
    ok(record.stats!.connections > 0 && record.stats!.bytes_forward > 0);

    // Added, not first notice: the DES counts a node once it validated the block.
    const arrivals = await readRunArrivals(dir, ["a", "b"]);
    const observed = observeBlocks(arrivals, -Infinity, { at: "added" });
    equal(observed.mined, 3);
    for (const b of observed.blocks) {
      equal(b.origin, "a");
      ok(b.t100_s !== null && b.t100_s >= 0.2, `block ${b.hash.slice(0, 8)}: ${b.t100_s} s`);
    }
    // The DES with Monero's fluffy relay on the same model: blocks far apart, as here.
    const local = localFigures(observed);
    const miner = { ...model.hosts[0], kind: "miner" as const, hashrate: 100 };
    const des = desFigures({ ...model, hosts: [miner, model.hosts[1]], des: { relay: "fluffy" } }, {
      blockIntervalS: 30,
      validationDelayS: 0.02,
      receiptEvents: false,
    });
    const rows = compareFigures(local, des, { seconds: 0.3, relative: 0.5, orphanRate: 0 });
    ok(des.t100_s !== null && des.t100_s >= 0.2, `DES delay ${des.t100_s}`);
    ok(rows.every((r) => r.ok), `engines disagree: ${JSON.stringify(rows)}`);
  } finally {
    stop.abort();
    await Deno.remove(dir, { recursive: true });
  }
});
