/**
 * The values of a Shadow network graph that hive reads: each node's `host_bandwidth_up`/`_down`
 * and each edge's `latency` and `packet_loss`. Every node and edge is checked, so one pass
 * reports every bad value of the file; a problem names its node or edge and the value found.
 *
 * @module
 */
import { z } from "zod";
import type { GmlGraph } from "./gml.ts";
import { bandwidthSchema, gmlLatencySchema } from "./units.ts";

/** One bad value of a GML file: where and what (`node 0 host_bandwidth_up: ...`), and the value. */
export interface GmlProblem {
  message: string;
  /** The value found; absent when the attribute is missing. */
  input?: unknown;
}

/** Latency and loss of one edge. */
export interface GmlLink {
  ms: number;
  loss: number;
}

/** What {@link checkGmlValues} read: one entry per node and per edge, null where one is bad. */
export interface GmlValues {
  bandwidth: Array<{ up: number; down: number } | null>;
  links: Array<GmlLink | null>;
  problems: GmlProblem[];
}

const _LOSS = z.number({ error: "expected a number from 0 to 1" }).min(0, {
  error: "expected a number from 0 to 1",
}).max(1, { error: "expected a number from 0 to 1" });

const _BANDWIDTH_KEYS = ["host_bandwidth_up", "host_bandwidth_down"] as const;

/**
 * Check every node and edge. A node's bandwidth is needed only when it holds hosts (`holding`,
 * by node index); a value that is there is checked on every node, since Shadow reads them all.
 */
export function checkGmlValues(graph: GmlGraph, holding: ReadonlySet<number>): GmlValues {
  const problems: GmlProblem[] = [];
  const read = <T>(where: string, key: string, schema: z.ZodType<T>, value: unknown): T | null => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    // One line per attribute: the first issue says what is wrong with it.
    problems.push({ message: `${where} ${key}: ${result.error.issues[0].message}`, input: value });
    return null;
  };
  const bandwidth = graph.nodes.map((node, i) => {
    const [up, down] = _BANDWIDTH_KEYS.map((key) => {
      const value = node.attrs[key];
      if (value !== undefined) return read(`node ${node.id}`, key, bandwidthSchema, value);
      if (holding.has(i)) {
        problems.push({ message: `node ${node.id} holds hosts but has no ${key}` });
      }
      return null;
    });
    return up === null || down === null ? null : { up, down };
  });
  const links = graph.edges.map((e, k) => {
    const where = `edge ${k} (source ${e.source}, target ${e.target})`;
    let ms: number | null = null;
    if (e.attrs.latency !== undefined) {
      ms = read(where, "latency", gmlLatencySchema, e.attrs.latency);
    } else problems.push({ message: `${where} has no latency (Shadow requires one)` });
    const loss = read(where, "packet_loss", _LOSS, e.attrs.packet_loss ?? 0);
    return ms === null || loss === null ? null : { ms, loss };
  });
  return { bandwidth, links, problems };
}
