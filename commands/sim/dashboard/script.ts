/**
 * The dashboard's script (plain browser JavaScript kept as a string, so the page is part of the
 * program). It loads `/api/status`, `/api/series` and `/api/agents`, draws the charts with
 * uPlot, and follows `/api/events` as server-sent events: each batch of events schedules a
 * refresh (at most one every 0.7 s), so the page updates without reloading and never falls
 * behind a fast run. Agent names and event text are inserted with `textContent`, never as HTML.
 * A token given as `?token=` in the page's address is sent on every request.
 *
 * @module
 */

/** Script of the dashboard page. */
export const DASHBOARD_SCRIPT: string = String.raw`
"use strict";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const TOKEN = params.get("token");
const COMMANDS = ["pause", "resume", "stop", "restart"];
const COLORS = ["#0b5cad", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e", "#1f77b4"];
const state = { lastSeq: 0, meta: null, series: null, agents: [], status: null, charts: {},
  log: [], updates: 0, over: false, refreshTimer: null, refreshing: false, again: false };

function withToken(path) {
  if (!TOKEN) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
}
async function api(path, init) {
  const r = await fetch(withToken(path), init);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((body.error && body.error.message) || ("HTTP " + r.status));
  return body;
}
function showError(text) { $("error").textContent = text || ""; }
function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en");
  const d = digits === undefined ? (a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3) : digits;
  return String(Number(x.toFixed(d)));
}
function fmtTime(s) {
  if (s === null || s === undefined) return "-";
  if (s < 120) return fmt(s) + " s";
  if (s < 7200) return fmt(s / 60, 1) + " min";
  return fmt(s / 3600, 2) + " h";
}

// Attack windows shaded behind the plot of every time chart.
function shadePlugin() {
  return { hooks: { drawClear: [(u) => {
    const meta = state.meta;
    if (!meta || !meta.attacks.length) return;
    const ctx = u.ctx;
    const left = u.bbox.left, right = u.bbox.left + u.bbox.width;
    ctx.save();
    ctx.fillStyle = "rgba(198, 40, 40, 0.10)";
    ctx.strokeStyle = "rgba(198, 40, 40, 0.5)";
    for (const w of meta.attacks) {
      const end = w.endS === null ? meta.stopTimeS : w.endS;
      const x0 = Math.max(left, u.valToPos(w.startS, "x", true));
      const x1 = Math.min(right, u.valToPos(end, "x", true));
      if (!(x1 > x0)) continue;
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      ctx.fillStyle = "rgba(198, 40, 40, 0.8)";
      ctx.font = Math.round(11 * devicePixelRatio) + "px system-ui";
      ctx.fillText(w.label, x0 + 4, u.bbox.top + 12 * devicePixelRatio);
      ctx.fillStyle = "rgba(198, 40, 40, 0.10)";
    }
    ctx.restore();
  }] } };
}

function chartWidth(id) { return Math.max(260, $(id).clientWidth - 4); }
const stepped = () => uPlot.paths.stepped({ align: 1 });

// Merge step series [[t, v], ...] onto one x axis; a value holds until its next step.
function mergeSteps(list, tEnd) {
  const xs = new Set();
  for (const pts of list) for (const p of pts) xs.add(p[0]);
  if (tEnd !== null) xs.add(tEnd);
  const x = [...xs].sort((a, b) => a - b);
  const ys = list.map((pts) => {
    const y = new Array(x.length).fill(null);
    let j = -1;
    for (let i = 0; i < x.length; i++) {
      while (j + 1 < pts.length && pts[j + 1][0] <= x[i]) j++;
      y[i] = j >= 0 ? pts[j][1] : null;
    }
    return y;
  });
  return [x, ...ys];
}

function makeChart(key, id, opts, data) {
  const el = $(id);
  if (state.charts[key]) {
    const c = state.charts[key];
    if (c.series.length === opts.series.length) { c.setData(data); return c; }
    c.destroy();
  }
  el.textContent = "";
  const chart = new uPlot(Object.assign({ width: chartWidth(id), height: 220,
    plugins: [shadePlugin()], legend: { live: false } }, opts), data, el);
  state.charts[key] = chart;
  return chart;
}

// Tick steps a person reads at a glance: seconds, minutes, hours.
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
  21600, 43200, 86400, 172800, 604800];
function timeAxis() {
  return { label: "simulated time", incrs: TIME_INCRS, size: 36, values: (u, vals) => {
    const span = u.scales.x.max - u.scales.x.min;
    const unit = span >= 4 * 3600 ? [3600, " h"] : span >= 240 ? [60, " min"] : [1, " s"];
    return vals.map((v) => v === null ? "" : fmt(v / unit[0]) + unit[1]);
  } };
}
// The whole run on the x axis: the stop time once known, else what has been simulated.
function xRange() {
  const end = state.meta ? state.meta.stopTimeS : 0;
  const now = state.series ? state.series.now_s : 0;
  return (u, a, b) => [0, Math.max(end || 0, now || 0) || b || 1];
}

function drawHeights(s) {
  const end = s.now_s;
  const list = [s.max_height].concat(s.heights.map((h) => h.points));
  const data = mergeSteps(list, end);
  const series = [{}, { label: "max", stroke: "#222", width: 2, dash: [6, 4], paths: stepped() }]
    .concat(s.heights.map((h, i) => ({ label: h.host, stroke: COLORS[i % COLORS.length],
      // Later lines are thinner so one on top of another leaves the one below visible.
      width: Math.max(1, 3 - i * 0.15), paths: stepped() })));
  makeChart("heights", "heights", { series, scales: { x: { time: false, range: xRange() } },
    axes: [timeAxis(), { label: "height", size: 44 }] }, data);
  const max = s.max_height.length ? s.max_height[s.max_height.length - 1][1] : 0;
  $("heights").dataset.maxHeight = String(max);
  $("heights").dataset.points = String(data[0].length);
}

function drawForks(s) {
  const forks = s.forks.filter((f) => f.kind === "fork");
  const reorgs = s.forks.filter((f) => f.kind === "reorg");
  const xs = [...new Set(s.forks.map((f) => f.ts))].sort((a, b) => a - b);
  const at = (list, key) => {
    const m = new Map(list.map((f) => [f.ts, f[key]]));
    return xs.map((x) => m.has(x) ? m.get(x) : null);
  };
  const data = [xs, at(forks, "height"), at(reorgs, "height")];
  makeChart("forks", "forks", { series: [{},
    { label: "fork (height)", stroke: "#edae49", paths: () => null,
      points: { show: true, size: 7, fill: "#edae49" } },
    { label: "reorg (height)", stroke: "#c62828", paths: () => null,
      points: { show: true, size: 9, fill: "#c62828" } }],
    scales: { x: { time: false, range: xRange() } },
    axes: [timeAxis(), { label: "height", size: 44 }] }, data);
  $("forks-note").textContent = forks.length + " forks, " + reorgs.length +
    " reorgs (deepest " + fmt(Math.max(0, ...reorgs.map((r) => r.depth))) + ")";
}

function drawTx(s) {
  const sent = s.tx.map((p) => [p[0], p[1]]);
  const conf = s.tx.map((p) => [p[0], p[2]]);
  const data = mergeSteps([sent, conf], s.now_s);
  makeChart("tx", "tx", { series: [{},
    { label: "sent", stroke: "#0b5cad", width: 2.5, paths: stepped() },
    { label: "confirmed", stroke: "#2e933c", width: 1.5, dash: [5, 3], paths: stepped() }],
    scales: { x: { time: false, range: xRange() } },
    axes: [timeAxis(), { label: "transactions", size: 44 }] }, data);
  $("tx-note").textContent = s.tx.length ? "" : "no transactions in this run yet";
}

function drawCdf(s) {
  const p = s.propagation;
  const pts = p.cdf.filter((c) => c[0] > 0);
  const data = [pts.map((c) => c[0]), pts.map((c) => c[1])];
  makeChart("cdf", "cdf", { plugins: [], series: [{},
    { label: p.kind === "receipt" ? "blocks reaching a node" : "blocks reaching 90 %",
      stroke: "#6a4c93", width: 2, paths: stepped() }],
    scales: { x: { time: false, distr: 3, log: 10 }, y: { range: [0, 1] } },
    // Label the powers of ten only; the minor ticks stay unlabelled.
    axes: [{ label: "seconds after mining (log scale)", values: (u, v) => v.map((x) =>
      x !== null && Math.abs(Math.log10(x) - Math.round(Math.log10(x))) < 1e-9 ? fmt(x) : "") },
      { label: "fraction", size: 44 }] }, data);
  $("cdf-note").textContent = p.count ? ("n = " + fmt(p.count) + ", p50 " + fmt(p.p50) +
    " s, p90 " + fmt(p.p90) + " s") : "no propagation data yet";
}

function renderStatus(st) {
  state.status = st;
  $("title").textContent = st.scenario + " · " + st.engine + " · seed " + st.seed;
  const badge = $("state");
  badge.textContent = st.state;
  badge.className = "badge " + st.state;
  const pr = st.progress;
  $("progress").firstElementChild.style.width = pr.percent + "%";
  const facts = [
    ["sim time", fmtTime(st.sim_time_s) + " / " + fmtTime(st.stop_time_s)],
    ["progress", pr.percent + " %" + (pr.eta_s !== null && st.state === "running" ?
      ", ETA " + fmtTime(pr.eta_s) : "")],
    ["hosts up", st.hosts.up + " / " + st.hosts.total],
    ["height", st.heights.min === null ? "-" : st.heights.min + "–" + st.heights.max],
    ["blocks", fmt(st.blocks_mined)], ["forks", fmt(st.forks)],
    ["reorgs", fmt(st.reorgs) + (st.reorgs ? " (max " + st.max_reorg_depth + ")" : "")],
    ["tx", fmt(st.tx.sent) + " sent, " + fmt(st.tx.confirmed) + " confirmed"],
    ["checks", st.checks.failed ? st.checks.failed + " failed" :
      st.checks.passed ? st.checks.passed + " passed" : "-"],
    ["version", st.version],
  ];
  const box = $("facts");
  box.textContent = "";
  for (const [k, v] of facts) {
    const span = document.createElement("span");
    span.textContent = k + " ";
    const b = document.createElement("b");
    b.textContent = v;
    span.append(b);
    box.append(span);
  }
  const checks = $("checks");
  checks.textContent = "";
  for (const c of st.checks.results) {
    const li = document.createElement("li");
    li.className = c.pass ? "pass" : "fail";
    li.dataset.check = c.check;
    li.textContent = (c.pass ? "PASS " : "FAIL ") + c.check + ": " + c.detail;
    checks.append(li);
  }
  if (!st.checks.results.length) {
    const li = document.createElement("li");
    li.textContent = "no checks configured or run yet";
    checks.append(li);
  }
}

const ALLOWED = { running: ["pause", "stop", "restart"], paused: ["resume", "stop", "restart"],
  stopped: ["restart"] };

function renderAgents() {
  const filter = $("filter").value.trim().toLowerCase();
  const live = state.status && state.status.state === "running";
  const rows = state.agents.filter((a) => !filter || a.id.toLowerCase().includes(filter) ||
    a.kind.toLowerCase().includes(filter) || a.state.includes(filter));
  const body = $("agents");
  body.textContent = "";
  for (const a of rows.slice(0, 200)) {
    const tr = document.createElement("tr");
    tr.dataset.agent = a.id;
    const cells = [a.id, a.kind, a.state, a.height, a.counters.mined, a.counters.blocks,
      a.counters.reorgs, a.last_event_ts === null ? "-" : fmtTime(a.last_event_ts)];
    cells.forEach((v, i) => {
      const td = document.createElement("td");
      if (i === 2) {
        const span = document.createElement("span");
        span.className = "state-" + a.state;
        span.textContent = v;
        td.append(span);
        td.className = "state";
      } else td.textContent = v === null || v === undefined ? "-" : String(v);
      if (i >= 3) td.className = "num";
      tr.append(td);
    });
    const td = document.createElement("td");
    for (const cmd of COMMANDS) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = cmd;
      b.dataset.agent = a.id;
      b.dataset.command = cmd;
      b.disabled = !live || !(ALLOWED[a.state] || []).includes(cmd);
      td.append(b);
    }
    tr.append(td);
    body.append(tr);
  }
  $("agents-note").textContent = rows.length > 200 ?
    "showing 200 of " + rows.length + " (filter to find others)" : rows.length + " agents";
}

async function command(id, cmd) {
  try {
    const r = await api("/api/agents/" + encodeURIComponent(id) + "/command", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ command: cmd }) });
    showError("");
    const a = state.agents.find((x) => x.id === id);
    if (a) a.state = r.state;
    renderAgents();
    scheduleRefresh(0);
  } catch (e) {
    showError(id + " " + cmd + ": " + e.message);
  }
}

async function refresh() {
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try {
    const [st, series, agents] = await Promise.all([api("/api/status"), api("/api/series"),
      api("/api/agents")]);
    state.meta = series.meta;
    state.series = series;
    state.agents = agents.agents;
    renderStatus(st);
    drawHeights(series);
    drawForks(series);
    drawTx(series);
    drawCdf(series);
    renderAgents();
    state.updates++;
    document.body.dataset.updates = String(state.updates);
    document.body.dataset.state = st.state;
    showError("");
  } catch (e) {
    showError("could not load the run: " + e.message);
  } finally {
    state.refreshing = false;
    if (state.again) { state.again = false; scheduleRefresh(300); }
  }
}

function scheduleRefresh(ms) {
  if (state.refreshTimer !== null) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, ms);
}

function logEvents(lines) {
  for (const line of lines) state.log.push(line);
  if (state.log.length > 60) state.log.splice(0, state.log.length - 60);
  $("log").textContent = state.log.join("\n");
  $("event-count").textContent = fmt(state.lastSeq);
}

function follow() {
  // tail=60: each batch brings its newest 60 events (the log view), not every receipt.
  const es = new EventSource(withToken("/api/events?tail=60&since=" + state.lastSeq));
  es.onmessage = (m) => {
    const lines = m.data.split("\n");
    state.lastSeq = Number(m.lastEventId) || state.lastSeq;
    logEvents(lines);
    scheduleRefresh(700);
  };
  es.addEventListener("end", () => {
    es.close();
    state.over = true;
    scheduleRefresh(0);
  });
  es.onerror = () => {
    if (state.over) return;
    showError("event stream interrupted; reconnecting…");
  };
  es.onopen = () => showError("");
}

document.addEventListener("click", (e) => {
  const b = e.target.closest("button[data-command]");
  if (b && !b.disabled) command(b.dataset.agent, b.dataset.command);
});
$("filter").addEventListener("input", renderAgents);
let resizeTimer = null;
addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [key, c] of Object.entries(state.charts)) {
      c.setSize({ width: chartWidth(key), height: 220 });
    }
  }, 150);
});
refresh().then(follow);
`;
