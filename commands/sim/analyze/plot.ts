/**
 * The figure of `hive sim analyze --plot`, made to go into a paper as it is: the CDF of block
 * propagation delay on a log-scale time axis, and node height over time as step lines with the
 * attack windows shaded, under a caption naming scenario, engine, seed and hive version.
 *
 * Choices that make it fit for print: steps, not diagonals (a height holds until the next
 * block); the lowest line drawn last, thinner and dashed, so where min and max agree both stay
 * visible; every series ends on the right edge of the frame (the last step is inside it); tick
 * labels and numbers rounded for people. Hand-written SVG: two charts are a few dozen elements.
 *
 * @module
 */
import type { AnalysisReport } from "./analyze.ts";

const _W = 960;
const _H = 440;
const _PANEL_W = 390;
const _PANEL_H = 260;
/** Width of one character of an 11 px label, a little over the average of the font. */
const _CHAR_W = 6.5;
const _TOP = 70;

/** An attack window to shade (seconds; `endS` null: until the end). */
export interface PlotWindow {
  label: string;
  startS: number;
  endS: number | null;
}

/** Options for {@link renderAnalysisSvg}. */
export interface PlotOptions {
  /** Title line; defaults to the scenario (or the run folder). */
  title?: string;
  /** Facts for the caption; each missing one reads "unknown". */
  caption?: { scenario?: string; engine?: string; seed?: number; version?: string };
  /** Attack windows shaded on the time chart. */
  windows?: PlotWindow[];
  /** Right end of the time axis (the run's stop time); default the last sample. */
  endS?: number;
}

function _esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number for people: 3 significant digits below 1000, whole numbers above. */
export function plotNumber(v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1000) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

/** Round steps (1, 2, 5 x 10^k) giving about `count` ticks from min to max. */
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

/** Time ticks in seconds, minutes or hours, whichever reads best for the span. */
function _timeTicks(max: number): { values: number[]; label: (v: number) => string; unit: string } {
  const [div, unit] = max >= 4 * 3600 ? [3600, "h"] : max >= 240 ? [60, "min"] : [1, "s"];
  const values = _ticks(0, max / div).map((v) => v * div);
  return { values, label: (v) => plotNumber(v / div), unit };
}

interface _Series {
  points: [number, number][];
  color: string;
  label: string;
  width: number;
  dash?: string;
}

interface _Axes {
  sx: (x: number) => number;
  sy: (y: number) => number;
}

function _frame(x0: number, title: string): string[] {
  return [
    `<g transform="translate(${x0},${_TOP})">`,
    `<text x="${_PANEL_W / 2}" y="-14" text-anchor="middle" font-size="15" font-weight="bold">${
      _esc(title)
    }</text>`,
  ];
}

function _axisLabels(xLabel: string, yLabel: string): string[] {
  return [
    `<text x="${_PANEL_W / 2}" y="${_PANEL_H + 38}" text-anchor="middle" font-size="12">${
      _esc(xLabel)
    }</text>`,
    `<text transform="translate(-46,${
      _PANEL_H / 2
    }) rotate(-90)" text-anchor="middle" font-size="12">${_esc(yLabel)}</text>`,
  ];
}

function _xTick(x: number, label: string, major = true): string[] {
  const X = x.toFixed(1);
  return [
    `<line x1="${X}" y1="0" x2="${X}" y2="${_PANEL_H}" stroke="${major ? "#e3e3e3" : "#f3f3f3"}"/>`,
    ...(label
      ? [`<text x="${X}" y="${_PANEL_H + 16}" text-anchor="middle" font-size="11">${label}</text>`]
      : []),
  ];
}

function _yTick(y: number, label: string): string[] {
  const Y = y.toFixed(1);
  return [
    `<line x1="0" y1="${Y}" x2="${_PANEL_W}" y2="${Y}" stroke="#e3e3e3"/>`,
    `<text x="-6" y="${Y}" text-anchor="end" dominant-baseline="middle" font-size="11">${label}</text>`,
  ];
}

/** Step line: across at the old value, then up; extended to `xEnd` so it ends in the frame. */
function _steps(s: _Series, a: _Axes, xEnd: number): string {
  const coords: string[] = [];
  let prev: number | null = null;
  for (const [x, y] of s.points) {
    if (prev !== null) coords.push(`${a.sx(x).toFixed(1)},${a.sy(prev).toFixed(1)}`);
    coords.push(`${a.sx(x).toFixed(1)},${a.sy(y).toFixed(1)}`);
    prev = y;
  }
  if (prev !== null) coords.push(`${a.sx(xEnd).toFixed(1)},${a.sy(prev).toFixed(1)}`);
  const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
  return `<polyline fill="none" stroke="${s.color}" stroke-width="${s.width}"${dash} ` +
    `stroke-linejoin="miter" points="${coords.join(" ")}"/>`;
}

function _legend(series: _Series[]): string[] {
  return series.flatMap((s, i) => {
    const y = 14 + i * 18;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    return [
      `<line x1="10" y1="${y}" x2="34" y2="${y}" stroke="${s.color}" stroke-width="${s.width}"${dash}/>`,
      `<text x="40" y="${y}" dominant-baseline="middle" font-size="11">${_esc(s.label)}</text>`,
    ];
  });
}

function _noData(parts: string[]): string {
  parts.push(
    `<rect x="0" y="0" width="${_PANEL_W}" height="${_PANEL_H}" fill="none" stroke="#888"/>`,
    `<text x="${_PANEL_W / 2}" y="${_PANEL_H / 2}" text-anchor="middle" fill="#888">no data</text>`,
    "</g>",
  );
  return parts.join("\n");
}

/** The propagation CDF on a log-scale x axis (decades labelled, 2..9 as faint lines). */
function _cdfPanel(x0: number, report: AnalysisReport): string {
  const p = report.propagation;
  const parts = _frame(x0, "Block propagation to all nodes (CDF)");
  const pts = p.cdf.filter(([x]) => x > 0);
  if (pts.length === 0) return _noData(parts);
  const lo = 10 ** Math.floor(Math.log10(pts[0][0]));
  const hi = 10 ** Math.max(Math.ceil(Math.log10(pts[pts.length - 1][0])), Math.log10(lo) + 1);
  const a: _Axes = {
    sx: (x) => ((Math.log10(x) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * _PANEL_W,
    // Headroom above 1, so the top of the curve is not drawn on the frame.
    sy: (y) => _PANEL_H - (y / 1.04) * _PANEL_H,
  };
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    parts.push(..._xTick(a.sx(d), plotNumber(d)));
    if (d < hi) { for (let m = 2; m < 10; m++) parts.push(..._xTick(a.sx(d * m), "", false)); }
  }
  for (const t of [0, 0.25, 0.5, 0.75, 1]) parts.push(..._yTick(a.sy(t), plotNumber(t)));
  const series: _Series = {
    points: [[pts[0][0], 0], ...pts],
    color: "#1f4e9c",
    label: `${p.blocks_measured} blocks (p50 ${plotNumber(p.p50_s ?? NaN)} s, p90 ${
      plotNumber(p.p90_s ?? NaN)
    } s)`,
    width: 2,
  };
  parts.push(
    _steps(series, a, hi),
    `<rect x="0" y="0" width="${_PANEL_W}" height="${_PANEL_H}" fill="none" stroke="#888"/>`,
    `<g transform="translate(${_PANEL_W - 250},${_PANEL_H - 40})">`,
    ..._legend([series]),
    "</g>",
    ..._axisLabels("seconds after mining (log scale)", "fraction of blocks"),
    "</g>",
  );
  return parts.join("\n");
}

/** Min and max height as steps over time, attack windows shaded. */
function _heightPanel(x0: number, report: AnalysisReport, options: PlotOptions): string {
  const parts = _frame(x0, "Node height over time");
  const samples = report.convergence.samples;
  if (samples.length === 0) return _noData(parts);
  const end = Math.max(options.endS ?? 0, samples[samples.length - 1].ts, 1);
  const yMax = Math.max(1, ...samples.map((s) => s.max_height));
  const rough = _ticks(Math.min(...samples.map((s) => s.min_height)), yMax);
  const step = rough.length > 1 ? rough[1] - rough[0] : 1;
  // Axis from a round number below the lowest height to one above the highest, with room.
  const yMin = Math.floor(Math.min(...samples.map((s) => s.min_height)) / step) * step;
  const top = Math.ceil((yMax + step * 0.05) / step) * step;
  const yTicks = _ticks(yMin, top);
  // 3 % room right of the end: the last step is inside the frame, not on its edge.
  const a: _Axes = {
    sx: (x) => (x / (end * 1.03)) * _PANEL_W,
    sy: (y) => _PANEL_H - ((y - yMin) / Math.max(1, top - yMin)) * _PANEL_H,
  };
  // Shading first, under the grid and lines. Labels that would overlap go a line higher.
  const rows: Array<Array<[number, number]>> = [];
  for (const w of options.windows ?? []) {
    const x1 = a.sx(Math.max(0, Math.min(end, w.startS)));
    const x2 = a.sx(Math.max(0, Math.min(end, w.endS ?? end)));
    if (!(x2 > x1)) continue;
    const span: [number, number] = [x1 + 4, x1 + 4 + w.label.length * _CHAR_W];
    let row = rows.findIndex((taken) => taken.every(([s, e]) => span[1] < s || span[0] > e));
    if (row < 0) row = rows.push([]) - 1;
    rows[row].push(span);
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="0" width="${(x2 - x1).toFixed(1)}" height="${_PANEL_H}" ` +
        `fill="#c62828" fill-opacity="0.10"/>`,
      `<text x="${(x1 + 4).toFixed(1)}" y="${_PANEL_H - 6 - 14 * row}" font-size="11" ` +
        `fill="#a11">${_esc(w.label)}</text>`,
    );
  }
  const time = _timeTicks(end);
  for (const t of time.values) parts.push(..._xTick(a.sx(t), time.label(t)));
  for (const t of yTicks) parts.push(..._yTick(a.sy(t), plotNumber(t)));
  const series: _Series[] = [
    {
      points: samples.map((s) => [s.ts, s.max_height]),
      color: "#d1495b",
      label: "max height",
      width: 3,
    },
    // Drawn on top, thinner and dashed: where both agree, both stay visible.
    {
      points: samples.map((s) => [s.ts, s.min_height]),
      color: "#1a7f37",
      label: "min height",
      width: 1.5,
      dash: "5 3",
    },
  ];
  parts.push(
    ...series.map((s) => _steps(s, a, end)),
    `<rect x="0" y="0" width="${_PANEL_W}" height="${_PANEL_H}" fill="none" stroke="#888"/>`,
    // Top left: the lines start bottom left and climb to the right.
    `<g transform="translate(0,4)">`,
    ..._legend(series),
    "</g>",
    ..._axisLabels(`simulated time (${time.unit})`, "height (blocks)"),
    "</g>",
  );
  return parts.join("\n");
}

/** The caption: what the figure is of, to be read without the text around it. */
function _caption(report: AnalysisReport, options: PlotOptions): string {
  const c = options.caption ?? {};
  const p = report.propagation;
  const facts = [
    `scenario ${c.scenario ?? "unknown"}`,
    `engine ${c.engine ?? "unknown"}`,
    `seed ${c.seed ?? "unknown"}`,
    `hive ${c.version ?? "unknown"}`,
  ].join(" · ");
  const numbers =
    `${report.nodes} nodes, ${report.blocks.mined} blocks mined, orphan rate ${
      plotNumber(report.blocks.orphan_rate)
    }, propagation p50/p90/p99 ${plotNumber(p.p50_s ?? NaN)}/${plotNumber(p.p90_s ?? NaN)}/${
      plotNumber(p.p99_s ?? NaN)
    } s` + ((options.windows ?? []).length ? "; shaded: attack windows" : "");
  const y = _TOP + _PANEL_H + 70;
  return [
    `<text x="20" y="${y}" font-size="12" fill="#333">${_esc(facts)}</text>`,
    `<text x="20" y="${y + 18}" font-size="12" fill="#333">${_esc(numbers)}</text>`,
  ].join("\n");
}

/** Render the two charts and the caption as one SVG document. */
export function renderAnalysisSvg(report: AnalysisReport, options: PlotOptions = {}): string {
  const title = options.title ?? options.caption?.scenario ?? report.dir;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${_W}" height="${_H}" viewBox="0 0 ${_W} ${_H}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${_W}" height="${_H}" fill="white"/>`,
    `<text x="20" y="26" font-size="16" font-weight="bold">${_esc(title)}</text>`,
    _cdfPanel(80, report),
    _heightPanel(80 + _PANEL_W + 90, report, options),
    _caption(report, options),
    "</svg>",
    "",
  ].join("\n");
}
