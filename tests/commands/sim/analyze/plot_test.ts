import { equal, ok } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { analyzeRun } from "../../../../commands/sim/analyze/analyze.ts";
import { renderAnalysisSvg } from "../../../../commands/sim/analyze/plot.ts";
import { desModel } from "../../../adapters/engine/des/_fixtures.ts";
import { withTempDir } from "../../../_helpers.ts";
const _logger = createLogger({ level: "error", sinks: [] });

Deno.test("plot: an SVG with the CDF and both height series, no NaN", async () => {
  await withTempDir(async (dir) => {
    const model = desModel({ nodes: 20, miners: 5, topology: "random", seed: 6, stopTimeS: 7200 });
    await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    const svg = renderAnalysisSvg(report);
    ok(svg.startsWith("<?xml"));
    ok(svg.trimEnd().endsWith("</svg>"));
    equal(svg.match(/<polyline/g)?.length, 3);
    ok(!svg.includes("NaN") && !svg.includes("Infinity"));
    ok(svg.includes("Block propagation to all nodes (CDF)"));
    const empty = renderAnalysisSvg({
      ...report,
      propagation: { ...report.propagation, cdf: [] },
      convergence: { ...report.convergence, samples: [] },
    });
    equal(empty.match(/no data/g)?.length, 2);
  });
});

Deno.test("plot: fit for a paper: log axis, steps inside the frame, shading, caption", async () => {
  await withTempDir(async (dir) => {
    const model = desModel({ nodes: 20, miners: 5, topology: "random", seed: 6, stopTimeS: 7200 });
    await new DesEngine().run({ model, outDir: dir, logger: _logger });
    const report = await analyzeRun({ dir });
    const svg = renderAnalysisSvg(report, {
      caption: { scenario: "ring", engine: "des", seed: 6, version: "9.9.9" },
      windows: [
        { label: "partition", startS: 1800, endS: 3600 },
        { label: "eclipse", startS: 1900, endS: null },
        { label: "double spend", startS: 5000, endS: 6000 },
      ],
      endS: 7200,
    });
    // Window labels that would overlap sit on lines of their own; the others stay low.
    const labelY = (text: string) =>
      Number(new RegExp(`y="([\\d.]+)" font-size="11" fill="#a11">${text}<`).exec(svg)![1]);
    equal(labelY("partition"), 254);
    equal(labelY("eclipse"), 240);
    equal(labelY("double spend"), 254);
    // Caption names what the figure is of.
    ok(svg.includes("scenario ring · engine des · seed 6 · hive 9.9.9"));
    // Log axis: decade labels, and the 0 of a linear axis is absent from the CDF panel.
    const cdfPanel = svg.slice(svg.indexOf("Block propagation"), svg.indexOf("Node height"));
    const labels = [...cdfPanel.matchAll(/text-anchor="middle" font-size="11">([^<]+)</g)]
      .map((m) => Number(m[1]));
    ok(labels.length >= 2);
    for (let i = 1; i < labels.length; i++) equal(labels[i] / labels[i - 1], 10);
    // Shaded window: 1800..3600 s of a 7200 s axis with 3 % room (390 px panel).
    const shade = /<rect x="([\d.]+)" y="0" width="([\d.]+)" height="260" fill="#c62828"/.exec(svg);
    ok(shade, "the attack window is shaded");
    equal(Math.round(Number(shade![1])), Math.round((1800 / (7200 * 1.03)) * 390));
    // Every step line stays inside its 390 x 260 frame, the last step short of the right edge.
    for (const m of svg.matchAll(/points="([^"]+)"/g)) {
      const pts = m[1].split(" ").map((p) => p.split(",").map(Number));
      for (const [x, y] of pts) ok(x >= 0 && x <= 390 && y >= 0 && y <= 260, `${x},${y}`);
      // Steps: every segment is horizontal or vertical.
      for (let i = 1; i < pts.length; i++) {
        ok(pts[i][0] === pts[i - 1][0] || pts[i][1] === pts[i - 1][1], "no diagonal");
      }
    }
    const heights = [...svg.matchAll(/points="([^"]+)"/g)].slice(1);
    for (const h of heights) {
      const last = h[1].split(" ").at(-1)!.split(",").map(Number);
      ok(last[0] < 390, "the last step ends inside the frame");
    }
    // The min line is drawn after (over) the max line, dashed, so neither hides the other.
    ok(svg.indexOf('stroke="#1a7f37"') > svg.indexOf('stroke="#d1495b" stroke-width="3"'));
    ok(/stroke="#1a7f37" stroke-width="1.5" stroke-dasharray/.test(svg));
    // Rounded numbers only.
    ok(!/\d\.\d{4,}/.test(svg.replace(/points="[^"]+"/g, "").replace(/="[\d.]+"/g, "")));
  });
});
