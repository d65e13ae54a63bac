/**
 * The end of a local run: every node's final state read over RPC, whether they agree, and the
 * events the agents wrote, counted. Apart from `run.ts` so the run's driver stays short.
 *
 * @module
 */
import { MonerodRpc } from "./rpc.ts";
import type { LocalHostPlacement } from "./options.ts";

/** True when every node answered and all have the same top block. */
export function converged(final: Record<string, unknown>): boolean {
  const tops = Object.values(final).map((s) => (s as { top_hash?: string }).top_hash);
  return tops.length > 0 && tops.every((t) => t !== undefined && t === tops[0]);
}

/** Each node's height, top and peer count (or the error it gave), in host order. */
export async function finalState(
  placements: readonly LocalHostPlacement[],
): Promise<Record<string, unknown>> {
  const states = await Promise.all(placements.map(async (p) => {
    try {
      const info = await new MonerodRpc({ url: p.rpcUrl, timeoutMs: 3000 }).getInfo();
      return {
        height: info.height - 1,
        top_hash: info.top_block_hash,
        peers: info.incoming_connections_count + info.outgoing_connections_count,
      };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }));
  // Host order, not answer order, so summaries of the same run read the same.
  return Object.fromEntries(placements.map((p, i) => [p.name, states[i]]));
}

/** Events per kind in every host folder's NDJSON files, and the lines that were not JSON. */
export async function countEvents(
  placements: readonly LocalHostPlacement[],
): Promise<Record<string, unknown>> {
  const counts: Record<string, number> = {};
  let bad = 0;
  for (const p of placements) {
    for await (const entry of Deno.readDir(p.dir)) {
      if (!entry.isFile || !entry.name.endsWith(".ndjson")) continue;
      const text = await Deno.readTextFile(`${p.dir}/${entry.name}`);
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        try {
          const event = JSON.parse(line).event;
          counts[event] = (counts[event] ?? 0) + 1;
        } catch {
          bad++;
        }
      }
    }
  }
  return { events: counts, bad_lines: bad };
}
