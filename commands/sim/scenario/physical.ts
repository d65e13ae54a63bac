/**
 * The physical network under a scenario: Shadow's one-node switch, a GML file, or a graph
 * generated from the peer topology (one network node per host). Decides each host's region,
 * network node and bandwidth, and each peer link's latency and loss.
 *
 * @module
 */
import type { SimModel } from "../../../adapters/engine/types.ts";
import { createRng, type Rng } from "./prng.ts";
import type { Dist, RegionSpec, ScenarioFile } from "./schema.ts";
import { adjacency, components, type Edge, shortestPaths, type WeightedEdge } from "./graph.ts";
import { GmlError, type GmlGraph, parseGml } from "./gml.ts";
import { checkGmlValues } from "./gml_values.ts";
import { formatBandwidth, formatLatency, MAX_BANDWIDTH_BPS } from "./units.ts";

/** The graph written as `network.gml`, and the node each host sits on. */
export interface PhysicalNetwork {
  kind: "switch" | "gml" | "generated";
  graph: GmlGraph;
  /** Host name -> network node id. */
  nodeOf: Record<string, number>;
}

/** Latency and loss of one peer link. */
export interface LinkProperties {
  latencyMs: number;
  packetLoss: number;
}

/** Host-level physical facts, decided before the peer topology exists. */
export interface PhysicalPlan {
  kind: PhysicalNetwork["kind"];
  /** Region per host index. */
  regionOf: string[];
  /** Every region declared, hosts or not: `network.regions`, GML nodes' regions, or `default`. */
  regions: string[];
  /** Bandwidth per host index, bits/s. */
  bandwidth: Array<{ up: number; down: number }>;
  /** Latency and loss for each peer edge (same order). Reports problems, never throws. */
  linkProperties(edges: readonly Edge[]): LinkProperties[];
  /** The network graph to write, once the model exists. */
  forModel(model: SimModel): PhysicalNetwork;
}

/** A host as the physical layer sees it. */
export interface PhysicalHost {
  name: string;
  /** Scenario key it came from (for error paths). */
  key: string;
  region?: string;
  networkNodeId?: number;
}

/** Options for {@link resolvePhysical}. */
export interface ResolvePhysicalOptions {
  network: ScenarioFile["network"];
  hosts: PhysicalHost[];
  baseDir: string;
  seed: number;
  addProblem: (path: PropertyKey[], message: string, input?: unknown) => void;
}

/** Draw one value from a distribution. */
export function sampleDist(dist: Dist, rng: Rng): number {
  if (typeof dist === "number") return dist;
  if ("uniform" in dist) {
    const [a, b] = dist.uniform;
    return Math.min(a, b) + Math.abs(b - a) * rng.next();
  }
  return Math.max(0, dist.normal.mean + dist.normal.stddev * rng.normal());
}

/** Shadow's built-in switch: one node, 1 Gbit, 1 ms self-loop (from Shadow's config spec). */
const _SWITCH: GmlGraph = {
  directed: false,
  nodes: [{ id: 0, attrs: { host_bandwidth_up: "1 Gbit", host_bandwidth_down: "1 Gbit" } }],
  edges: [{ source: 0, target: 0, attrs: { latency: "1 ms", packet_loss: 0 } }],
};

/** Decide regions, nodes and bandwidths for every host. */
export async function resolvePhysical(options: ResolvePhysicalOptions): Promise<PhysicalPlan> {
  const { network, hosts, addProblem } = options;
  if (network.type !== undefined && network.gml !== undefined) {
    addProblem(["network"], "set either type or gml, not both");
  }
  if (network.type !== undefined || network.gml !== undefined) {
    if (network.regions !== undefined) {
      addProblem(["network", "regions"], "regions apply to generated topologies only");
    }
    for (const h of hosts) {
      if (h.region !== undefined) {
        addProblem(["agents", h.key, "region"], "regions apply to generated topologies only");
        break;
      }
    }
  }
  if (network.gml === undefined) {
    for (const h of hosts) {
      if (h.networkNodeId !== undefined) {
        addProblem(["agents", h.key, "network_node_id"], "only with network.gml");
        break;
      }
    }
  }
  if (network.gml !== undefined) return await _gmlPlan(options);
  if (network.type === "1_gbit_switch") return _switchPlan(hosts.length);
  return _generatedPlan(options);
}

function _switchPlan(n: number): PhysicalPlan {
  return {
    kind: "switch",
    regionOf: new Array(n).fill("default"),
    regions: ["default"],
    bandwidth: Array.from({ length: n }, () => ({ up: 1e9, down: 1e9 })),
    linkProperties: (edges) => edges.map(() => ({ latencyMs: 1, packetLoss: 0 })),
    forModel: (model) => ({
      kind: "switch",
      graph: _SWITCH,
      nodeOf: Object.fromEntries(model.hosts.map((h) => [h.name, 0])),
    }),
  };
}

/** Smooth weighted round-robin: deterministic and evenly interleaved (no clumps of a region). */
function _assignRegions(
  hosts: PhysicalHost[],
  regions: Array<[string, number]>,
  addProblem: ResolvePhysicalOptions["addProblem"],
): string[] {
  const names = new Set(regions.map(([r]) => r));
  const current = regions.map(() => 0);
  const total = regions.reduce((s, [, w]) => s + w, 0);
  let complained = false;
  return hosts.map((h) => {
    if (h.region !== undefined) {
      if (!names.has(h.region) && !complained) {
        complained = true;
        addProblem(
          ["agents", h.key, "region"],
          `unknown region; network.regions has ${[...names].join(", ")}`,
          h.region,
        );
      }
      return h.region;
    }
    let best = 0;
    for (let r = 0; r < regions.length; r++) {
      current[r] += regions[r][1];
      if (current[r] > current[best]) best = r;
    }
    current[best] -= total;
    return regions[best][0];
  });
}

function _roundLatency(ms: number): number {
  return Math.max(0.001, Math.round(ms * 1000) / 1000);
}

/** A drawn bandwidth to whole kbit/s, within 1 kbit/s and the limit every written one keeps. */
function _roundBandwidth(bps: number): number {
  return Math.min(MAX_BANDWIDTH_BPS, Math.max(1000, Math.round(bps / 1000) * 1000));
}

function _generatedPlan(options: ResolvePhysicalOptions): PhysicalPlan {
  const { network, hosts, seed, addProblem } = options;
  const regionSpecs = network.regions ??
    { default: { weight: 1, latency: undefined, bandwidth: undefined } };
  const regions = Object.entries(regionSpecs).map(([name, r]) =>
    [name, r.weight] as [
      string,
      number,
    ]
  );
  if (regions.length === 0) addProblem(["network", "regions"], "expected at least one region");
  const regionOf = _assignRegions(hosts, regions, addProblem);
  const spec = (r: string): Partial<RegionSpec> =>
    (regionSpecs as Record<string, Partial<RegionSpec>>)[r] ?? {};
  const bwRng = createRng(seed, "bandwidth");
  const bandwidth = regionOf.map((r) => {
    const down = _roundBandwidth(sampleDist(spec(r).bandwidth ?? network.bandwidth, bwRng));
    const upDist: Dist | undefined = spec(r).bandwidth_up ?? network.bandwidth_up;
    return { down, up: upDist === undefined ? down : _roundBandwidth(sampleDist(upDist, bwRng)) };
  });
  let links: LinkProperties[] = [];
  let edgeList: readonly Edge[] = [];
  return {
    kind: "generated",
    regionOf,
    regions: regions.map(([name]) => name),
    bandwidth,
    linkProperties(edges) {
      const rng = createRng(seed, "latency");
      const lat = (r: string) => sampleDist(spec(r).latency ?? network.latency, rng);
      const loss = (r: string): number => spec(r).packet_loss ?? network.packet_loss;
      links = edges.map(([a, b]) => {
        const [ra, rb] = [regionOf[a], regionOf[b]];
        if (ra === rb) return { latencyMs: _roundLatency(lat(ra)), packetLoss: loss(ra) };
        const latencyMs = network.inter_region_latency !== undefined
          ? sampleDist(network.inter_region_latency, rng)
          : lat(ra) + lat(rb);
        const packetLoss = 1 - (1 - loss(ra)) * (1 - loss(rb));
        return { latencyMs: _roundLatency(latencyMs), packetLoss };
      });
      edgeList = edges;
      return links;
    },
    forModel(model) {
      const graph: GmlGraph = {
        directed: false,
        nodes: model.hosts.map((h, i) => ({
          id: i,
          attrs: {
            host_bandwidth_up: formatBandwidth(h.bandwidthUpBps),
            host_bandwidth_down: formatBandwidth(h.bandwidthDownBps),
          },
        })),
        edges: edgeList.map(([a, b], k) => ({
          source: a,
          target: b,
          attrs: { latency: formatLatency(links[k].latencyMs), packet_loss: links[k].packetLoss },
        })),
      };
      return {
        kind: "generated",
        graph,
        nodeOf: Object.fromEntries(model.hosts.map((h, i) => [h.name, i])),
      };
    },
  };
}

/** Read and parse the GML file; an error text when it cannot be used. */
async function _readGml(full: string): Promise<GmlGraph | string> {
  let text: string;
  try {
    text = await Deno.readTextFile(full);
  } catch (error) {
    return error instanceof Deno.errors.NotFound
      ? `GML file not found (${full})`
      : `cannot read GML file: ${(error as Error).message}`;
  }
  try {
    return parseGml(text);
  } catch (error) {
    if (error instanceof GmlError) return `bad GML: ${error.message}`;
    throw error;
  }
}

/** Hosts without network_node_id are spread round-robin over the nodes, in file order. */
function _placeOnNodes(
  options: ResolvePhysicalOptions,
  pos: Map<number, number>,
  nodes: number,
): number[] {
  let next = 0;
  const nodeIdx: number[] = [];
  for (const h of options.hosts) {
    if (h.networkNodeId !== undefined) {
      const i = pos.get(h.networkNodeId);
      if (i === undefined) {
        options.addProblem(
          ["agents", h.key, "network_node_id"],
          "no such node in the GML",
          h.networkNodeId,
        );
        nodeIdx.push(0);
      } else nodeIdx.push(i);
    } else nodeIdx.push(next++ % nodes);
  }
  return nodeIdx;
}

/**
 * A GML file's plan. Every problem of the file is found in one pass (each node's and edge's
 * values, hosts placed on unknown nodes, a disconnected graph), each naming the file once.
 */
async function _gmlPlan(options: ResolvePhysicalOptions): Promise<PhysicalPlan> {
  const { network, hosts, baseDir, addProblem } = options;
  const path = network.gml as string;
  const at = ["network", "gml"];
  const full = path.startsWith("/") ? path : `${baseDir.replace(/\/+$/, "")}/${path}`;
  // The problems are recorded; the caller stops before using this plan.
  const failed = () => _switchPlan(hosts.length);
  const fail = (message: string): PhysicalPlan => {
    addProblem(at, message, path);
    return failed();
  };
  const graph = await _readGml(full);
  if (typeof graph === "string") return fail(graph);
  if (graph.nodes.length === 0) return fail("the GML graph has no nodes");
  const ids = graph.nodes.map((node) => node.id);
  const pos = new Map(ids.map((id, i) => [id, i]));
  const nodeIdx = _placeOnNodes(options, pos, ids.length);
  // A host on an unknown node is reported already; the node it was parked on does not hold it.
  const placed = nodeIdx.filter((_, h) => {
    const id = hosts[h].networkNodeId;
    return id === undefined || pos.has(id);
  });
  const values = checkGmlValues(graph, new Set(placed));
  // The bad value is the one shown as "got": the file is named in the message instead.
  for (const p of values.problems) addProblem(at, `in ${path}, ${p.message}`, p.input);
  const pairs = graph.edges.map((e) => [pos.get(e.source)!, pos.get(e.target)!] as Edge);
  const comp = components(adjacency(ids.length, pairs.filter(([a, b]) => a !== b)));
  if (comp.count > 1) fail(`the GML graph is disconnected (${comp.count} components)`);
  if (values.problems.length > 0 || comp.count > 1) return failed();
  const weighted: WeightedEdge[] = pairs.map(([a, b], k) => ({ a, b, ...values.links[k]! }));
  const regionOfNode = graph.nodes.map((node) => {
    const r = node.attrs.region;
    return typeof r === "string" && r !== "" ? r : "default";
  });
  return {
    kind: "gml",
    regionOf: nodeIdx.map((i) => regionOfNode[i]),
    regions: [...new Set(regionOfNode)],
    // Every node holding a host has both bandwidths: checked above.
    bandwidth: nodeIdx.map((i) => values.bandwidth[i]!),
    linkProperties: (edges) => _gmlLinks({ edges, weighted, nodeIdx, ids, path, addProblem }),
    forModel: (model) => ({
      kind: "gml",
      graph,
      nodeOf: Object.fromEntries(model.hosts.map((h, i) => [h.name, ids[nodeIdx[i]]])),
    }),
  };
}

/** Latency and loss of each peer link: a node's self-loop, or the shortest GML path. */
function _gmlLinks(o: {
  edges: readonly Edge[];
  weighted: WeightedEdge[];
  nodeIdx: number[];
  ids: number[];
  path: string;
  addProblem: ResolvePhysicalOptions["addProblem"];
}): LinkProperties[] {
  const paths = new Map<number, { ms: Float64Array; keep: Float64Array }>();
  const selfLoop = new Map<number, { ms: number; loss: number }>();
  for (const w of o.weighted) if (w.a === w.b) selfLoop.set(w.a, w);
  return o.edges.map(([x, y]) => {
    const [a, b] = [o.nodeIdx[x], o.nodeIdx[y]];
    if (a === b) {
      const loop = selfLoop.get(a);
      if (!loop) {
        o.addProblem(
          ["network", "gml"],
          `node ${o.ids[a]} holds linked hosts but has no self-loop edge`,
          o.path,
        );
        return { latencyMs: 1, packetLoss: 0 };
      }
      return { latencyMs: loop.ms, packetLoss: loop.loss };
    }
    let sp = paths.get(a);
    if (!sp) {
      sp = shortestPaths(o.ids.length, o.weighted, a);
      paths.set(a, sp);
    }
    return {
      latencyMs: _roundLatency(sp.ms[b]),
      packetLoss: Math.round((1 - sp.keep[b]) * 1e9) / 1e9,
    };
  });
}
