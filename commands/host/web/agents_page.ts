/**
 * The remote agent manager's page, served at `/remote-agents`: the agents of the configured
 * `hive proxy` with their state and Start/Stop buttons. Like the chat page it is a string in a
 * module (so it ships in the bundle and the binary), takes the host's API token from `?token=`
 * once or from the tab's `sessionStorage`, and sends it as a Bearer header; it never sees the
 * proxy's key, which stays in the host. Names and states are inserted with `textContent`.
 *
 * @module
 */

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
td.actions{white-space:nowrap}
button{padding:6px 12px;border-radius:6px;font:inherit;cursor:pointer;border:1px solid #c5cde0;background:#e3e8f4;color:#1d2330;margin-right:4px}
button:disabled{opacity:.45;cursor:default}
button.stop{background:#fbe3e0;border-color:#e5b4ad}
#auth{display:none;gap:8px;margin:12px 0;flex-wrap:wrap}
body[data-auth] #auth{display:flex}
#auth input{flex:1;min-width:12em;padding:6px 8px;font:inherit;border:1px solid #ccd;border-radius:6px}
@media (max-width:700px){th.image,td.image,th.owner,td.owner{display:none}}
`;

const _SCRIPT = `
const API = "/agents/agent-manager/agents";
const $ = (id) => document.getElementById(id);
let token = (() => {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl) {
    sessionStorage.setItem("hive-token", fromUrl);
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.size ? "?" + params : "") + location.hash);
  }
  return sessionStorage.getItem("hive-token");
})();
let busy = false;
let timer = null;

function say(text, error) { const s = $("status"); s.textContent = text; s.className = error ? "error" : ""; }

async function call(method, path) {
  const headers = token ? { authorization: "Bearer " + token } : {};
  const response = await fetch(path, { method, headers, cache: "no-store" });
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  return { status: response.status, body };
}

function explain(r) {
  if (r.status === 401) {
    document.body.dataset.auth = token ? "refused" : "needed";
    $("token").focus();
    return token ? "The host refused this token. Paste the host's --api-token below."
      : "This host needs its API token. Paste the host's --api-token below.";
  }
  const message = r.body && r.body.error ? r.body.error.message : "HTTP " + r.status;
  if (r.status === 404 && /agent-manager/.test(message)) {
    return "The remote agent manager is not running on this host (set host.agent_manager: url and key_env or key_file, then start the agent-manager agent).";
  }
  return message;
}

function render(agents) {
  const rows = $("rows");
  rows.replaceChildren();
  if (agents.length === 0) {
    const tr = document.createElement("tr"); const td = document.createElement("td");
    td.colSpan = 6; td.className = "empty"; td.textContent = "The proxy manages no agents yet.";
    tr.append(td); rows.append(tr);
  }
  for (const a of agents) {
    const tr = document.createElement("tr");
    tr.dataset.agentId = a.id; tr.dataset.agentName = a.name; tr.dataset.state = a.state;
    const cell = (cls, text) => { const td = document.createElement("td"); td.className = cls; td.textContent = text; tr.append(td); return td; };
    cell("name", a.name);
    const st = cell("state-cell", ""); const badge = document.createElement("span");
    badge.className = "state " + a.state; badge.textContent = a.state; st.append(badge);
    cell("image", a.image); cell("owner", a.owner); cell("id", a.id.slice(0, 12));
    const actions = cell("actions", "");
    for (const action of ["start", "stop"]) {
      const b = document.createElement("button");
      b.type = "button"; b.className = action; b.textContent = action === "start" ? "Start" : "Stop";
      b.disabled = action === "start" ? a.state === "running" : a.state !== "running";
      b.setAttribute("aria-label", b.textContent + " " + a.name);
      b.onclick = () => act(a, action);
      actions.append(b);
    }
    rows.append(tr);
  }
}

async function refresh() {
  clearTimeout(timer);
  let r;
  try { r = await call("GET", API); } catch (e) { say("The host is unreachable: " + e.message, true); schedule(); return; }
  if (r.status === 200) {
    delete document.body.dataset.auth;
    $("proxy").textContent = r.body.proxy;
    render(r.body.agents);
    if (!busy) say(r.body.agents.length + " agent" + (r.body.agents.length === 1 ? "" : "s") + " on the proxy", false);
  } else {
    say(explain(r), true);
    if (r.status === 401) return;
  }
  schedule();
}

function schedule() { timer = setTimeout(refresh, 5000); }

async function act(agent, action) {
  busy = true;
  for (const b of document.querySelectorAll("#rows button")) b.disabled = true;
  say((action === "start" ? "Starting " : "Stopping ") + agent.name + "…", false);
  try {
    const r = await call("POST", API + "/" + encodeURIComponent(agent.id) + "/" + action);
    if (r.status === 200) say(agent.name + ": " + r.body.state, false);
    else say(agent.name + ": " + explain(r), true);
  } catch (e) {
    say("The host is unreachable: " + e.message, true);
  } finally {
    busy = false;
    await refresh();
  }
}

$("auth").onsubmit = (event) => {
  event.preventDefault();
  const value = $("token").value.trim();
  if (!value) return;
  token = value; sessionStorage.setItem("hive-token", value);
  $("token").value = ""; delete document.body.dataset.auth;
  refresh();
};
refresh();
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
<table>
<thead><tr><th>Name</th><th>State</th><th class="image">Image</th><th class="owner">Owner</th><th>Id</th><th>Actions</th></tr></thead>
<tbody id="rows"></tbody>
</table>
</main>
<script>${_SCRIPT}</script>
</body>
</html>
`;
