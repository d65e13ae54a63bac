/**
 * The script of the remote agents page (`agents_page.ts`): polling the list, the row buttons,
 * the Remove confirmation, the details panel (full id, state, image, owner, created, labels; it
 * follows the polled list), the logs panel (tail, or a followed stream read as it arrives) and the
 * spawn form. The form checks its fields against the JSON Schema of the proxy's own
 * `agentSpecSchema`, embedded here, so the page and the server cannot disagree on a pattern.
 *
 * @module
 */
import { z } from "zod";
import { agentSpecSchema } from "../../../adapters/orchestrator/types.ts";

/** The spawn spec's JSON Schema, safe to embed in a script element. */
const _SPEC_JSON = JSON.stringify(z.toJSONSchema(agentSpecSchema, { io: "input" }))
  .replaceAll("<", "\\u003c");

/** The page's script (inserted into a `<script>` element by `agents_page.ts`). */
export const AGENTS_PAGE_SCRIPT: string = `
const API = "/agents/agent-manager/agents";
const SPEC = __SPEC__;
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
let logs = null; // { agent, controller } while the logs panel is open
let details = null; // the id of the agent whose details are open

function say(text, error) { const s = $("status"); s.textContent = text; s.className = error ? "error" : ""; }

async function call(method, path, body) {
  const headers = token ? { authorization: "Bearer " + token } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
  let parsed = null;
  try { parsed = await response.json(); } catch { /* not JSON */ }
  return { status: response.status, body: parsed };
}

function explain(r) {
  if (r.status === 401) {
    document.body.dataset.auth = token ? "refused" : "needed";
    $("token").focus();
    return token ? "The host refused this token. Paste the host's --api-token below."
      : "This host needs its API token. Paste the host's --api-token below.";
  }
  const error = r.body && r.body.error;
  const message = error ? error.message : "HTTP " + r.status;
  if (r.status === 404 && /agent-manager/.test(message)) {
    return "The remote agent manager is not running on this host (set host.agent_manager: url and key_env or key_file, then start the agent-manager agent).";
  }
  if (error && error.code === "proxy_policy") return "Refused by the proxy's policy: " + message;
  return message;
}

const ACTIONS = [
  ["start", "Start", (a) => a.state !== "running"],
  ["stop", "Stop", (a) => a.state === "running"],
  ["restart", "Restart", () => true],
  ["details", "Details", () => true],
  ["logs", "Logs", () => true],
  ["remove", "Remove", () => true],
];

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
    const buttons = document.createElement("div"); buttons.className = "buttons";
    cell("actions", "").append(buttons);
    for (const [action, label, enabled] of ACTIONS) {
      const b = document.createElement("button");
      b.type = "button"; b.className = action; b.textContent = label;
      b.disabled = busy || !enabled(a);
      b.setAttribute("aria-label", label + " " + a.name);
      b.onclick = () => action === "logs" ? openLogs(a) : action === "details" ? showDetails(a)
        : action === "remove" ? confirmRemove(a) : act(a, action);
      buttons.append(b);
    }
    rows.append(tr);
  }
  if (details !== null) {
    const open = agents.find((a) => a.id === details);
    if (open) showDetails(open); else closeDetails();
  }
}

// --- Details ------------------------------------------------------------------------------
function showDetails(agent) {
  details = agent.id;
  $("details").hidden = false;
  $("details").dataset.agentId = agent.id;
  $("details-title").textContent = "Details of " + agent.name;
  const list = $("details-list");
  list.replaceChildren();
  const item = (name, value) => {
    const dt = document.createElement("dt"); dt.textContent = name;
    const dd = document.createElement("dd"); dd.className = name.toLowerCase();
    if (typeof value === "string") dd.textContent = value; else dd.append(value);
    list.append(dt, dd);
  };
  item("Id", agent.id);
  item("State", agent.state);
  item("Image", agent.image);
  item("Owner", agent.owner || "unknown");
  const when = agent.created ? new Date(agent.created) : null;
  item("Created", when && !isNaN(when) ? agent.created + " (" + when.toLocaleString() + ")" : "unknown");
  const labels = document.createElement("ul");
  for (const [k, v] of Object.entries(agent.labels || {}).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    const li = document.createElement("li"); li.textContent = k + "=" + v; labels.append(li);
  }
  if (!labels.children.length) labels.textContent = "none";
  item("Labels", labels);
}

function closeDetails() {
  details = null;
  $("details").hidden = true;
}
$("details-close").onclick = closeDetails;

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

const DOING = { start: "Starting ", stop: "Stopping ", restart: "Restarting ", remove: "Removing " };

async function act(agent, action) {
  busy = true;
  for (const b of document.querySelectorAll("#rows button")) b.disabled = true;
  say(DOING[action] + agent.name + "…", false);
  let result;
  try {
    const r = action === "remove"
      ? await call("DELETE", API + "/" + encodeURIComponent(agent.id))
      : await call("POST", API + "/" + encodeURIComponent(agent.id) + "/" + action);
    if (r.status === 204) {
      result = [agent.name + " removed", false];
      if (logs && logs.agent.id === agent.id) closeLogs();
    } else if (r.status === 200) result = [agent.name + ": " + r.body.state, false];
    else result = [agent.name + ": " + explain(r), true];
  } catch (e) {
    result = ["The host is unreachable: " + e.message, true];
  }
  busy = false;
  await refresh();
  // The outcome stays on screen until the next poll (the refresh would say the count).
  say(result[0], result[1]);
}

// Remove asks first, in the page (a native confirm() would block the tab and its polling).
let removing = null;
function confirmRemove(agent) {
  removing = agent;
  $("confirm-text").textContent = "Remove " + agent.name + "? The proxy stops it and deletes it with its logs; this cannot be undone.";
  $("confirm").showModal();
  $("confirm-cancel").focus();
}
$("confirm-cancel").onclick = () => { removing = null; $("confirm").close(); };
$("confirm-remove").onclick = () => {
  const agent = removing; removing = null; $("confirm").close();
  if (agent) act(agent, "remove");
};

// --- Logs ---------------------------------------------------------------------------------
function closeLogs() {
  if (logs && logs.controller) logs.controller.abort();
  logs = null;
  $("logs").hidden = true;
  $("follow").checked = false;
}

async function openLogs(agent) {
  if (logs && logs.controller) logs.controller.abort();
  logs = { agent, controller: null };
  $("logs").hidden = false;
  $("logs").dataset.agentId = agent.id;
  $("logs-title").textContent = "Logs of " + agent.name;
  await loadLogs();
}

function showLog(text, error) {
  const pre = $("log-text");
  pre.textContent = text; pre.className = error ? "error" : "";
  pre.scrollTop = pre.scrollHeight;
}

async function loadLogs() {
  if (!logs) return;
  const current = logs;
  if (current.controller) current.controller.abort();
  const controller = new AbortController();
  current.controller = controller;
  const follow = $("follow").checked;
  const url = API + "/" + encodeURIComponent(current.agent.id) + "/logs?tail=200" + (follow ? "&follow=1" : "");
  const headers = token ? { authorization: "Bearer " + token } : {};
  $("log-state").textContent = follow ? "following…" : "";
  let response;
  try {
    response = await fetch(url, { headers, cache: "no-store", signal: controller.signal });
  } catch (e) {
    if (!controller.signal.aborted) showLog("The host is unreachable: " + e.message, true);
    return;
  }
  if (!response.ok) {
    let body = null; try { body = await response.json(); } catch { /* not JSON */ }
    showLog(explain({ status: response.status, body }), true);
    $("log-state").textContent = "";
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  showLog("");
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length > 200000) text = text.slice(-200000);
      if (logs === current) showLog(text || "(no output yet)");
    }
  } catch { /* aborted */ }
  if (logs === current && current.controller === controller) {
    showLog(text || "(no output)");
    $("log-state").textContent = follow ? "stream ended" : "";
  }
}
$("follow").onchange = () => loadLogs();
$("logs-refresh").onclick = () => loadLogs();
$("logs-close").onclick = () => closeLogs();

// --- Spawn --------------------------------------------------------------------------------
const FIELDS = ["name", "image", "cmd", "env", "labels", "restart"];
for (const value of SPEC.properties.restart.enum) {
  const o = document.createElement("option"); o.value = value; o.textContent = value; $("f-restart").append(o);
}

function words(line) {
  const out = []; const re = /"([^"]*)"|'([^']*)'|(\\S+)/g; let m;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function pairs(field, text, keyPattern, valuePattern) {
  const out = {};
  const lines = text.split("\\n").map((l) => l.trim()).filter((l) => l);
  for (let i = 0; i < lines.length; i++) {
    const eq = lines[i].indexOf("=");
    if (eq <= 0) throw { field, message: field + " line " + (i + 1) + ": expected KEY=VALUE, got " + JSON.stringify(lines[i].slice(0, 40)) };
    const key = lines[i].slice(0, eq), value = lines[i].slice(eq + 1);
    if (!new RegExp(keyPattern).test(key)) throw { field, message: field + "." + key + ": not a valid key (" + keyPattern + ")" };
    if (valuePattern && !new RegExp(valuePattern).test(value)) throw { field, message: field + "." + key + ": not a valid value (" + valuePattern + ")" };
    out[key] = value;
  }
  return lines.length ? out : undefined;
}

// The spec from the form, checked against the proxy's schema; throws {field, message}.
function specFromForm() {
  const p = SPEC.properties;
  const spec = { name: $("f-name").value.trim(), image: $("f-image").value.trim() };
  if (!spec.name) throw { field: "name", message: "name: required" };
  if (!new RegExp(p.name.pattern).test(spec.name)) throw { field: "name", message: "name: expected a DNS label: a-z, 0-9 and -, 1..63 characters, not starting or ending in -" };
  if (!spec.image) throw { field: "image", message: "image: required" };
  if (spec.image.length > p.image.maxLength || !new RegExp(p.image.pattern).test(spec.image)) throw { field: "image", message: "image: expected an image reference (no spaces)" };
  const cmd = words($("f-cmd").value);
  if (cmd.length > p.cmd.maxItems) throw { field: "cmd", message: "cmd: at most " + p.cmd.maxItems + " arguments" };
  if (cmd.length) spec.cmd = cmd;
  const env = pairs("env", $("f-env").value, p.env.propertyNames.pattern);
  if (env) spec.env = env;
  const labels = pairs("labels", $("f-labels").value, p.labels.propertyNames.pattern, p.labels.additionalProperties.pattern);
  if (labels) spec.labels = labels;
  const restart = $("f-restart").value;
  if (restart) spec.restart = restart;
  return spec;
}

function formError(message, field) {
  $("spawn-error").textContent = message;
  for (const f of FIELDS) $("f-" + f).removeAttribute("aria-invalid");
  if (field && FIELDS.includes(field)) { $("f-" + field).setAttribute("aria-invalid", "true"); $("f-" + field).focus(); }
}

$("new").onclick = () => {
  $("spawn").hidden = !$("spawn").hidden;
  if (!$("spawn").hidden) { formError(""); $("f-name").focus(); }
};
$("spawn-cancel").onclick = () => { $("spawn").hidden = true; formError(""); };
$("spawn").onsubmit = async (event) => {
  event.preventDefault();
  let spec;
  try { spec = specFromForm(); } catch (e) { formError(e.message, e.field); return; }
  formError("");
  $("spawn-submit").disabled = true;
  say("Creating " + spec.name + "…", false);
  try {
    const r = await call("POST", API, spec);
    if (r.status === 201) {
      $("spawn").reset(); $("spawn").hidden = true;
      await refresh();
      say(r.body.name + " created: " + r.body.state, false);
    } else {
      const error = r.body && r.body.error;
      // A policy rule points at the field it judged (images: the image).
      formError(explain(r), error && (error.field || (error.rule === "images" ? "image" : null)));
      say("The agent was not created", true);
    }
  } catch (e) {
    formError("The host is unreachable: " + e.message);
  } finally {
    $("spawn-submit").disabled = false;
  }
};

$("auth").onsubmit = (event) => {
  event.preventDefault();
  const value = $("token").value.trim();
  if (!value) return;
  token = value; sessionStorage.setItem("hive-token", value);
  $("token").value = ""; delete document.body.dataset.auth;
  refresh();
};
refresh();
`.replace("__SPEC__", () => _SPEC_JSON);
