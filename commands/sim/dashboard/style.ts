/**
 * The dashboard's stylesheet: one column on a phone (390 px), a grid of charts on wider
 * screens; tables scroll sideways inside their box instead of widening the page.
 *
 * @module
 */

/** Stylesheet of the dashboard. */
export const DASHBOARD_STYLE: string = `
:root { --fg: #1b1f24; --muted: #5b6570; --line: #d8dde3; --bg: #f6f7f9; --card: #fff;
  --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --accent: #0b5cad; }
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { padding: 10px 12px; background: var(--card); border-bottom: 1px solid var(--line);
  position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 16px; margin: 0 0 4px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  background: #e8eef5; color: var(--accent); }
.badge.finished { background: #e6f4ea; color: var(--ok); }
.badge.failed, .badge.interrupted { background: #fdecea; color: var(--bad); }
#progress { height: 6px; background: var(--line); border-radius: 3px; margin-top: 6px; }
#progress > div { height: 100%; width: 0; background: var(--accent); border-radius: 3px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px; color: var(--muted);
  font-size: 13px; }
.facts b { color: var(--fg); font-weight: 600; }
main { display: grid; grid-template-columns: 1fr; gap: 10px; padding: 10px; }
@media (min-width: 900px) { main { grid-template-columns: 1fr 1fr; } .wide { grid-column: 1 / -1; } }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px; min-width: 0; }
section h2 { font-size: 14px; margin: 0 0 6px; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.chart { width: 100%; min-height: 180px; }
.scroll { overflow-x: auto; max-height: 420px; overflow-y: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line);
  white-space: nowrap; }
th { position: sticky; top: 0; background: var(--card); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td .state-running { color: var(--ok); } td .state-stopped, td .state-paused { color: var(--bad); }
button { font: inherit; font-size: 12px; padding: 3px 8px; margin: 1px; border-radius: 4px;
  border: 1px solid var(--line); background: #fff; cursor: pointer; min-height: 28px; }
button:disabled { opacity: .45; cursor: default; }
input[type=search] { font: inherit; padding: 4px 6px; width: 100%; max-width: 260px;
  margin-bottom: 6px; border: 1px solid var(--line); border-radius: 4px; }
#checks li.pass { color: var(--ok); } #checks li.fail { color: var(--bad); font-weight: 600; }
#checks { margin: 0; padding-left: 18px; }
#log { font: 12px/1.35 ui-monospace, monospace; white-space: pre; overflow: auto;
  max-height: 220px; margin: 0; }
#error { color: var(--bad); padding: 0 12px; }
#error:empty { display: none; }
.u-legend { font-size: 12px; }
`;
