/**
 * A small hand-written SVG for `hive sim analyze --plot`: the CDF of block propagation delay
 * (time until every node had the block) beside min/max node height over time. No plotting
 * library: two line charts are a few dozen elements.
 *
 * @module
 */
import type { AnalysisReport } from "./analyze.ts";

const _W = 960;
const _H = 410;
const _PANEL_W = 400;
const _PANEL_H = 260;
const _TOP = 90;

/** Options for {@link renderAnalysisSvg}. */
export interface PlotOptions {
  /** Title line; defaults to the run folder. */
  title?: string;
}

function _esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round steps (1, 2, 5 x 10^k) giving about `count` ticks from 0 to max. */
function _ticks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(Math.round(v / step) * step);
  }
  return out;
}

function _fmt(v: number): string {
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  return String(Math.round(v * 1000) / 1000);
}

interface _Series {
  points: [number, number][];
  color: string;
  label: string;
  step?: boolean;
}

function _panel(
  x0: number,
  title: string,
  xLabel: string,
  yLabel: string,
  series: _Series[],
  yRange?: [number, number],
): string {
  const all = series.flatMap((s) => s.points);
  const parts: string[] = [`<g transform="translate(${x0},${_TOP})">`];
  parts.push(
    `<text x="${_PANEL_W / 2}" y="-16" text-anchor="middle" font-size="15" font-weight="bold">${
      _esc(title)
    }</text>`,
    `<rect x="0" y="0" width="${_PANEL_W}" height="${_PANEL_H}" fill="none" stroke="#888"/>`,
  );
  if (all.length === 0) {
    parts.push(
      `<text x="${_PANEL_W / 2}" y="${
        _PANEL_H / 2
      }" text-anchor="middle" fill="#888">no data</text>`,
      "</g>",
    );
    return parts.join("\n");
  }
  const xMin = Math.min(...all.map((p) => p[0]));
  let xMax = Math.max(...all.map((p) => p[0]));
  if (xMax <= xMin) xMax = xMin + 1;
  let [yMin, yMax] = yRange ??
    [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  if (yMax <= yMin) yMax = yMin + 1;
  const sx = (x: number) => ((x - xMin) / (xMax - xMin)) * _PANEL_W;
  const sy = (y: number) => _PANEL_H - ((y - yMin) / (yMax - yMin)) * _PANEL_H;
  for (const t of _ticks(xMin, xMax)) {
    const x = sx(t).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="0" x2="${x}" y2="${_PANEL_H}" stroke="#eee"/>`,
      `<text x="${x}" y="${_PANEL_H + 16}" text-anchor="middle" font-size="11">${_fmt(t)}</text>`,
    );
  }
  for (const t of _ticks(yMin, yMax)) {
    const y = sy(t).toFixed(1);
    parts.push(
      `<line x1="0" y1="${y}" x2="${_PANEL_W}" y2="${y}" stroke="#eee"/>`,
      `<text x="-6" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${
        _fmt(t)
      }</text>`,
    );
  }
  parts.push(
    `<text x="${_PANEL_W / 2}" y="${_PANEL_H + 36}" text-anchor="middle" font-size="12">${
      _esc(xLabel)
    }</text>`,
    `<text transform="translate(-44,${
      _PANEL_H / 2
    }) rotate(-90)" text-anchor="middle" font-size="12">${_esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const coords: string[] = [];
    let prevY: number | null = null;
    for (const [x, y] of s.points) {
      // A CDF is a step function: go across, then up.
      if (s.step && prevY !== null) coords.push(`${sx(x).toFixed(1)},${sy(prevY).toFixed(1)}`);
      coords.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
      prevY = y;
    }
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${coords.join(" ")}"/>`,
      `<rect x="${_PANEL_W - 120}" y="${
        _PANEL_H - 44 + i * 18
      }" width="12" height="3" fill="${s.color}"/>`,
      `<text x="${_PANEL_W - 102}" y="${_PANEL_H - 40 + i * 18}" font-size="11">${
        _esc(s.label)
      }</text>`,
    );
  });
  parts.push("</g>");
  return parts.join("\n");
}

/** Render the propagation CDF and height-over-time panels as one SVG document. */
export function renderAnalysisSvg(report: AnalysisReport, options: PlotOptions = {}): string {
  const p = report.propagation;
  const cdf: [number, number][] = p.cdf.length > 0 ? [[0, 0], ...p.cdf] : [];
  const samples = report.convergence.samples;
  const title = options.title ?? `hive sim analyze: ${report.dir}`;
  const sub =
    `${report.nodes} nodes, ${report.blocks.mined} blocks mined, orphan rate ${report.blocks.orphan_rate}, propagation p50/p90/p99 ${
      p.p50_s ?? "-"
    }/${p.p90_s ?? "-"}/${p.p99_s ?? "-"} s`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${_W}" height="${_H}" viewBox="0 0 ${_W} ${_H}" font-family="sans-serif">`,
    `<rect width="${_W}" height="${_H}" fill="white"/>`,
    `<text x="20" y="22" font-size="14">${_esc(title)}</text>`,
    `<text x="20" y="40" font-size="11" fill="#555">${_esc(sub)}</text>`,
    _panel(
      70,
      "Block propagation to all nodes (CDF)",
      "seconds after mining",
      "fraction of blocks",
      [{ points: cdf, color: "#1f77b4", label: `${p.blocks_measured} blocks`, step: true }],
      [0, 1],
    ),
    _panel(540, "Node height over time", "simulation seconds", "height", [
      { points: samples.map((s) => [s.ts, s.max_height]), color: "#d62728", label: "max height" },
      { points: samples.map((s) => [s.ts, s.min_height]), color: "#2ca02c", label: "min height" },
    ]),
    "</svg>",
    "",
  ].join("\n");
}
