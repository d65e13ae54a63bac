/**
 * Two real monerod nodes on the namespace path (`--links netns`): each in a network namespace
 * the run makes, joined by a bridge, the link a kernel htb class (tbf leaf here: this kernel
 * has no netem) with the latency from an engine relay on the bridge. Blocks cross, the link
 * classes' `tc -s class show` counters move, the record says `netns`, and nothing of the run's
 * namespaces, veths or bridge is left afterwards. Needs root (the namespaces are real).
 */
import { equal, ok } from "@std/assert";
import type { LinksRecord } from "../../../../../adapters/engine/local/links/mod.ts";
import { parseClassStats } from "../../../../../adapters/engine/local/links/tc.ts";
import { netnsNames } from "../../../../../adapters/engine/local/links/netns.ts";
import { netnsAlias } from "../../../../../adapters/engine/local/links/netns_plan.ts";
import { probeNetem } from "../../../../../adapters/engine/local/links/netem.ts";
import { banAll } from "../../../../../commands/sim/agents/attacker.ts";
import type { SimModel } from "../../../../../adapters/engine/types.ts";
import { MonerodRpc } from "../../../../../adapters/engine/local/rpc.ts";
import { startNetnsRun } from "./_netns_run.ts";
import { deadline } from "../../../../_helpers.ts";
import { mineOneBlock, netnsLeftovers, testHost, testModel, waitHeight } from "../../_sim_model.ts";
import { warmUpRandomX } from "../../../../bench/sim_crossval_compare.ts";

const _host = (name: string, peers: string[]) =>
  testHost(name, { peers, bandwidthUpBps: 5e7, bandwidthDownBps: 5e7 });

async function _tool(cmd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  ok(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

Deno.test({
  name: "local run --links netns: blocks cross shaped kernel classes between two real monerod",
  ignore: Deno.uid() !== 0,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hive_netns_" });
    const stop = new AbortController();
    let running: Promise<unknown> = Promise.resolve();
    let id = "";
    try {
      const model: SimModel = testModel([_host("a", ["b"]), _host("b", ["a"])], {
        name: "netns-test",
        seed: 5,
        stopTimeS: 300,
        edges: [{ a: "a", b: "b", latencyMs: 40, packetLoss: 0 }],
      });
      const netns = startNetnsRun(model, dir, stop.signal);
      running = netns.run;
      const { hosts, plan } = await netns.ready();
      id = plan.id;
      ok(/^[0-9a-z]{7}$/.test(id), `run id ${id}`);
      const rpc = hosts.map((h) => new MonerodRpc({ url: h.rpcUrl, timeoutMs: 60_000 }));
      // Both nodes build their RandomX cache at once (one after the other takes twice as long:
      // the miner's to make the block, the other's to check it).
      await deadline(Promise.all(hosts.map((h) => warmUpRandomX(h.rpcUrl))), 90_000, "RandomX");
      ok(await mineOneBlock(rpc[0]), "a block was mined");
      ok(await waitHeight(rpc[1], 1, 60_000), "the block reached the other node");
      // The kernel's counters of a's link class to b (its uplink, inside its namespace).
      const up = parseClassStats(
        await _tool(
          ...["tc", "-n", netnsNames.namespace(id, 0), "-s", "class", "show"],
          ...["dev", netnsNames.nodeVeth(id, 0)],
        ),
      );
      const link = up.find((c) => c.classid === "1:10");
      ok(link && link.bytes > 0, `a's link class to b moved bytes: ${JSON.stringify(up)}`);

      // Relayed peers see each other at their relay aliases: the attack agents' bans (both
      // ends, each host's own address and alias, as the engine passes them) drop the link,
      // which comes back once they are lifted.
      const relayed = !(await probeNetem()).available; // as LocalLinks.aliases decides
      const nodes = hosts.map((h, i) => ({
        host: h.name,
        rpc: rpc[i],
        aliases: relayed ? [netnsAlias(plan, i)] : [],
      }));
      const peers = async (i: number) => {
        const info = await rpc[i].getInfo();
        return info.incoming_connections_count + info.outgoing_connections_count;
      };
      const cut = async (ban: boolean) => {
        await banAll([nodes[0]], [nodes[1]], ban);
        await banAll([nodes[1]], [nodes[0]], ban);
      };
      await cut(true);
      const end = Date.now() + 20_000;
      // Bounded by the deadline; one poll per 200 ms.
      while (await peers(0) + await peers(1) > 0 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 200));
      }
      equal(await peers(0) + await peers(1), 0, "the bans dropped the relayed link");
      await new Promise((r) => setTimeout(r, 3000));
      equal(await peers(0) + await peers(1), 0, "the cut holds (no relayed reconnection)");
      await cut(false);
      ok(await mineOneBlock(rpc[0]), "a mined after the heal");
      ok(await waitHeight(rpc[1], 2, 60_000), "the next block crossed after the heal");

      stop.abort();
      const result = await deadline(netns.run, 60_000, "local run stop");
      const summary = result.summary as { links: LinksRecord };
      equal(summary.links.path, "netns");
      const record = JSON.parse(await Deno.readTextFile(`${dir}/links.json`)) as LinksRecord;
      equal(record.path, "netns");
      equal(record.netns!.run_id, id);
      equal(record.netns!.leaf, record.netem.available ? "netem" : "tbf");
      equal(record.netns!.relays, !record.netem.available);
      equal(record.netns!.classes, 4, "one class per link and side: a and b, up and down");
      ok(record.netns!.bytes_up > 0 && record.netns!.bytes_down > 0, JSON.stringify(record));
      if (record.netns!.relays) {
        ok(record.stats!.connections > 0 && record.stats!.bytes_forward > 0);
      }
      equal((await netnsLeftovers(id)).join(" "), "", "nothing of the run is left");
    } finally {
      stop.abort();
      // A failed check still lets the run remove its namespaces before the test ends.
      await deadline(running.catch(() => {}), 60_000, "local run stop").catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});
