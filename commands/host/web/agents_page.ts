/**
 * The remote agent manager's page, served at `/remote-agents`: the agents of the configured
 * `hive proxy` with their state and Start, Stop, Restart, Logs and Remove buttons (Remove asks
 * first), and a form that spawns an agent. Like the chat page it is a string in a module (so it
 * ships in the bundle and the binary), takes the host's API token from `?token=` once or from
 * the tab's `sessionStorage`, and sends it as a Bearer header; it never sees the proxy's key,
 * which stays in the host. Names, states, messages and log text are inserted with `textContent`.
 *
 * The spawn form checks its fields against the JSON Schema of the proxy's own `agentSpecSchema`
 * (embedded by `agents_script.ts`, so the page and the server cannot disagree on a pattern); the host checks the
 * body again with the zod schema itself, and the proxy's policy has the last word: a refusal is
 * shown in the form with the proxy's rule and message.
 *
 * @module
 */
import { AGENTS_PAGE_SCRIPT } from "./agents_script.ts";

const _STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header a{color:#cfe0ff}
main{padding:16px;max-width:1000px;margin:0 auto}
#status{margin:0 0 12px;color:#445}
#status.error{color:#c0392b}
#proxy{font-family:ui-monospace,monospace;font-size:12px;opacity:.85}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #eef;vertical-align:middle}
th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#667}
td.id,td.image{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.state{padding:2px 8px;border-radius:10px;font-size:12px;background:#888;color:#fff;white-space:nowrap}
.state.running{background:#2e9d5b}.state.stopped,.state.exited{background:#7a8194}
td.actions .buttons{display:flex;flex-wrap:wrap;gap:4px}
button{padding:6px 12px;border-radius:6px;font:inherit;cursor:pointer;border:1px solid #c5cde0;background:#e3e8f4;color:#1d2330;margin-right:4px}
button:disabled{opacity:.45;cursor:default}
td.actions button{margin-right:0}
button.stop,button.remove,button.danger{background:#fbe3e0;border-color:#e5b4ad}
button.primary{background:#2f6fde;border-color:#2f6fde;color:#fff}
#toolbar{display:flex;gap:8px;margin:0 0 12px}
.panel{background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08);padding:12px 14px;margin:0 0 14px}
.panel h2{font-size:15px;margin:0 0 8px}
#spawn[hidden],#logs[hidden],#details[hidden]{display:none}
#details .row{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
#details dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 14px;margin:0}
#details dt{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#667}
#details dd{margin:0;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
#details ul{margin:0;padding:0;list-style:none}
#spawn .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14em,1fr));gap:8px 12px}
#spawn label{display:flex;flex-direction:column;gap:3px;font-size:12px;color:#445}
#spawn input,#spawn textarea,#spawn select{font:inherit;padding:6px 8px;border:1px solid #ccd;border-radius:6px;width:100%;min-width:0}
#spawn textarea{min-height:3.2em;font-family:ui-monospace,monospace;font-size:12px}
#spawn [aria-invalid=true]{border-color:#c0392b;outline:1px solid #c0392b}
#spawn .row{display:flex;gap:8px;margin-top:10px;flex-wrap:wrap;align-items:center}
.error{color:#c0392b}
#spawn-error:empty{display:none}
#logs .row{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
#logs pre{margin:0;max-height:50vh;overflow:auto;background:#10141c;color:#dfe6f3;padding:10px;border-radius:6px;font-size:12px;white-space:pre-wrap;word-break:break-all}
dialog{border:none;border-radius:8px;box-shadow:0 6px 30px rgba(0,0,0,.3);max-width:min(30em,92vw)}
dialog .row{display:flex;gap:8px;justify-content:flex-end;margin-top:12px}
#auth{display:none;gap:8px;margin:12px 0;flex-wrap:wrap}
body[data-auth] #auth{display:flex}
#auth input{flex:1;min-width:12em;padding:6px 8px;font:inherit;border:1px solid #ccd;border-radius:6px}
@media (max-width:700px){th.image,td.image,th.owner,td.owner{display:none}}
`;

/** The complete remote agents page. */
export const AGENTS_PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hive remote agents</title>
<style>${_STYLE}</style>
</head>
<body>
<header><h1>Remote agents</h1><span id="proxy"></span><a href="/">Chat</a></header>
<main>
<p id="status" role="status">Loading…</p>
<form id="auth"><label for="token">API token of this host (kept for this tab only)</label><input id="token" type="password" autocomplete="off" placeholder="paste the host's --api-token"><button>Use token</button></form>
<div id="toolbar"><button type="button" id="new" class="primary">New agent</button></div>
<form id="spawn" class="panel" hidden novalidate>
<h2>New agent</h2>
<div class="grid">
<label>Name<input id="f-name" name="name" autocomplete="off" placeholder="worker-1" required></label>
<label>Image (program for the process orchestrator)<input id="f-image" name="image" autocomplete="off" placeholder="localhost/busybox:latest" required></label>
<label>Command and arguments<input id="f-cmd" name="cmd" autocomplete="off" placeholder='sh -c "echo hi; sleep 60"'></label>
<label>Restart<select id="f-restart" name="restart"><option value="">default (no)</option></select></label>
<label>Environment (KEY=value per line)<textarea id="f-env" name="env" spellcheck="false"></textarea></label>
<label>Labels (key=value per line)<textarea id="f-labels" name="labels" spellcheck="false"></textarea></label>
</div>
<p id="spawn-error" class="error" role="alert"></p>
<div class="row"><button id="spawn-submit" class="primary">Create</button><button type="button" id="spawn-cancel">Cancel</button></div>
</form>
<section id="details" class="panel" hidden>
<div class="row"><h2 id="details-title">Details</h2><button type="button" id="details-close">Close</button></div>
<dl id="details-list"></dl>
</section>
<section id="logs" class="panel" hidden>
<div class="row"><h2 id="logs-title">Logs</h2><label><input type="checkbox" id="follow"> Follow</label><button type="button" id="logs-refresh">Reload</button><button type="button" id="logs-close">Close</button><span id="log-state"></span></div>
<pre id="log-text"></pre>
</section>
<table>
<thead><tr><th>Name</th><th>State</th><th class="image">Image</th><th class="owner">Owner</th><th>Id</th><th>Actions</th></tr></thead>
<tbody id="rows"></tbody>
</table>
</main>
<dialog id="confirm"><p id="confirm-text"></p><div class="row"><button type="button" id="confirm-cancel">Cancel</button><button type="button" id="confirm-remove" class="danger">Remove</button></div></dialog>
<script>${AGENTS_PAGE_SCRIPT}</script>
</body>
</html>
`;
