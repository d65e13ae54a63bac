/**
 * The dashboard served at `/` by the orchestrator API: live height per node, forks and reorgs,
 * transactions, the propagation CDF, checks, and the agents with their commands. Kept as
 * strings in modules (the chart library too, in `uplot_vendor.ts`) so it is part of the program
 * wherever it runs and loads nothing from elsewhere.
 *
 * @module
 */
import { DASHBOARD_SCRIPT } from "./script.ts";
import { DASHBOARD_STYLE } from "./style.ts";
import { UPLOT_CSS, UPLOT_JS } from "./uplot_vendor.ts";

/** The complete dashboard page. */
export const DASHBOARD_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hive sim</title>
<link rel="icon" href="data:,">
<style>${UPLOT_CSS}</style>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
<h1><span id="title">hive sim</span> <span id="state" class="badge">loading…</span></h1>
<div id="progress"><div></div></div>
<div id="facts" class="facts"></div>
</header>
<div id="error" role="alert"></div>
<main>
<section class="wide"><h2>Height per node</h2><div id="heights" class="chart"></div>
<p class="note">Steps: a node's height holds until its next block. Shaded: attack windows.
Dashed: the highest node.</p></section>
<section><h2>Forks and reorgs</h2><div id="forks" class="chart"></div>
<p id="forks-note" class="note"></p></section>
<section><h2>Transactions sent and confirmed</h2><div id="tx" class="chart"></div>
<p id="tx-note" class="note"></p></section>
<section><h2>Block propagation (CDF)</h2><div id="cdf" class="chart"></div>
<p id="cdf-note" class="note"></p></section>
<section><h2>Checks</h2><ul id="checks"></ul></section>
<section class="wide"><h2>Agents</h2>
<input id="filter" type="search" placeholder="filter by name, kind or state" aria-label="filter agents">
<div class="scroll"><table><thead><tr><th>agent</th><th>kind</th><th>state</th><th>height</th>
<th>mined</th><th>blocks</th><th>reorgs</th><th>last event</th><th>command</th></tr></thead>
<tbody id="agents"></tbody></table></div><p id="agents-note" class="note"></p></section>
<section class="wide"><h2>Events (<span id="event-count">0</span>)</h2><pre id="log"></pre></section>
</main>
<script>${UPLOT_JS}</script>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
