import { deepEqual, equal, throws } from "@std/assert";
import { GmlError, parseGml, writeGml } from "../../../../commands/sim/scenario/gml.ts";

const SAMPLE = `# two nodes
graph [
  directed 0
  node [ id 0 host_bandwidth_up "10 Mbit" host_bandwidth_down "20 Mbit" ]
  node [ id 1 label "b" ]
  edge [ source 0 target 1 latency "50 ms" packet_loss 0.01 ]
]
`;

Deno.test("parseGml reads nodes, edges and their attributes", () => {
  const g = parseGml(SAMPLE);
  equal(g.directed, false);
  deepEqual(g.nodes, [
    { id: 0, attrs: { host_bandwidth_up: "10 Mbit", host_bandwidth_down: "20 Mbit" } },
    { id: 1, attrs: { label: "b" } },
  ]);
  deepEqual(g.edges, [{ source: 0, target: 1, attrs: { latency: "50 ms", packet_loss: 0.01 } }]);
});

Deno.test("writeGml uses Shadow's layout and round-trips", () => {
  const g = parseGml(SAMPLE);
  const text = writeGml({
    ...g,
    edges: [...g.edges, { source: 1, target: 1, attrs: { latency: "1 ms", packet_loss: 0 } }],
  });
  equal(
    text,
    `graph [
  directed 0
  node [
    id 0
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "20 Mbit"
  ]
  node [
    id 1
    label "b"
  ]
  edge [
    source 0
    target 1
    latency "50 ms"
    packet_loss 0.01
  ]
  edge [
    source 1
    target 1
    latency "1 ms"
    packet_loss 0.0
  ]
]
`,
  );
  deepEqual(parseGml(text).nodes, g.nodes);
});

Deno.test("parseGml names the line and the problem", () => {
  throws(() => parseGml("graph [ node [ id 0 ]"), GmlError, 'missing "]" at end of file');
  throws(() => parseGml("graph [ node [ id 0 ] ] ]"), /line 1: unbalanced "\]"/);
  throws(() => parseGml("graph [\n node [ id 0 ]\n node [ id 0 ]\n]"), /node id 0 appears twice/);
  throws(
    () => parseGml('graph [ node [ id 0 ] edge [ source 0 target 7 latency "1 ms" ] ]'),
    /edge 0: unknown node id 7/,
  );
  throws(() => parseGml("graph [\n node [ id 0 ]\n @ ]"), /line 3: unexpected text "@ ]"/);
  throws(() => parseGml("node [ id 0 ]"), /expected exactly one "graph \[ ... \]", found 0/);
});
