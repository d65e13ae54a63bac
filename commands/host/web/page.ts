/**
 * The chat web UI served at `GET /`, kept as a string in a module so it is part of the program
 * wherever it runs: from source, from the `deno bundle` file and from the compiled binary.
 * Message text is inserted with `textContent`, never as HTML.
 *
 * @module
 */

const _style = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f4f5f7;color:#1d2330;height:100vh;display:flex;flex-direction:column}
header{background:#1d2330;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0}
header .me{font-family:ui-monospace,monospace;font-size:12px;opacity:.85;overflow:hidden;text-overflow:ellipsis}
.badge{padding:2px 8px;border-radius:10px;font-size:12px;background:#888}
.badge.up{background:#2e9d5b}.badge.down{background:#c0392b}
main{flex:1;display:flex;min-height:0}
aside{width:260px;background:#fff;border-right:1px solid #dde;display:flex;flex-direction:column;padding:12px;gap:8px;overflow:auto}
aside h2{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#667;margin:8px 0 4px}
#rooms button{display:block;width:100%;text-align:left;border:0;background:none;padding:6px 8px;border-radius:6px;cursor:pointer;font:inherit}
#rooms button.active{background:#e3e8f4;font-weight:600}
#peers li{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all;margin-bottom:4px}
#peers{padding-left:16px;margin:0}
form.join{display:flex;gap:4px}form.join input{flex:1;min-width:0}
section{flex:1;display:flex;flex-direction:column;min-width:0}
#messages{flex:1;overflow:auto;padding:12px 16px;display:flex;flex-direction:column;gap:8px}
.msg{background:#fff;border-radius:8px;padding:8px 10px;box-shadow:0 1px 2px rgba(0,0,0,.08);max-width:80%}
.msg.self{align-self:flex-end;background:#dcebff}
.msg .meta{font-size:11px;color:#667;display:flex;gap:8px}
.msg .from{font-family:ui-monospace,monospace}
.msg .text{white-space:pre-wrap;word-break:break-word;margin-top:2px}
form.send{display:flex;gap:8px;padding:10px 16px;background:#fff;border-top:1px solid #dde}
form.send input{flex:1;padding:8px;font:inherit}
button.primary{padding:8px 16px;background:#2f6fde;color:#fff;border:0;border-radius:6px;font:inherit;cursor:pointer}
#error{color:#c0392b;font-size:12px;padding:0 16px}
.empty{color:#889;font-style:italic}
`;

const _script = `
const state = { room: null, rooms: [], history: {}, peers: [], me: null };
const $ = (id) => document.getElementById(id);
let socket = null;
let retry = 0;

function short(id) { return id && id.length > 16 ? id.slice(0, 8) + "…" + id.slice(-6) : (id || "?"); }
function time(iso) { const d = new Date(iso); return isNaN(d) ? iso : d.toLocaleTimeString(); }

function renderRooms() {
  const list = $("rooms");
  list.replaceChildren();
  for (const room of state.rooms) {
    const b = document.createElement("button");
    b.textContent = "#" + room;
    b.dataset.room = room;
    if (room === state.room) b.className = "active";
    b.onclick = () => { state.room = room; renderRooms(); renderMessages(); };
    list.append(b);
  }
  $("room-title").textContent = state.room ? "#" + state.room : "";
}

function renderPeers() {
  const list = $("peers");
  list.replaceChildren();
  if (state.peers.length === 0) {
    const li = document.createElement("li"); li.className = "empty"; li.textContent = "no peers yet"; list.append(li);
  }
  for (const p of state.peers) {
    const li = document.createElement("li"); li.textContent = p.peer_id; li.title = (p.addrs || []).join("\\n"); list.append(li);
  }
  $("peer-count").textContent = String(state.peers.length);
}

function renderMessage(m) {
  const div = document.createElement("div");
  div.className = "msg" + (m.self ? " self" : "");
  div.dataset.id = m.id;
  const meta = document.createElement("div"); meta.className = "meta";
  const from = document.createElement("span"); from.className = "from"; from.textContent = m.self ? "you (" + short(m.from) + ")" : short(m.from); from.title = m.from;
  const at = document.createElement("time"); at.dateTime = m.sent_at; at.textContent = time(m.sent_at);
  meta.append(from, at);
  const text = document.createElement("div"); text.className = "text"; text.textContent = m.text;
  div.append(meta, text);
  return div;
}

function renderMessages() {
  const box = $("messages");
  box.replaceChildren(...(state.history[state.room] || []).map(renderMessage));
  box.scrollTop = box.scrollHeight;
}

function setDaemon(up, peerId) {
  const b = $("daemon"); b.textContent = up ? "daemon up" : "daemon down"; b.className = "badge " + (up ? "up" : "down");
  if (peerId) { state.me = peerId; $("me").textContent = "peer " + peerId; }
}

function onFrame(f) {
  if (f.type === "hello") {
    state.rooms = f.rooms; state.history = f.history; state.peers = f.peers;
    if (!state.room || !state.rooms.includes(state.room)) state.room = state.rooms[0] || null;
    setDaemon(f.daemon === "up", f.peer_id); renderRooms(); renderPeers(); renderMessages();
  } else if (f.type === "message") {
    const list = state.history[f.message.room] || (state.history[f.message.room] = []);
    if (list.some((m) => m.id === f.message.id)) return;
    list.push(f.message);
    if (f.message.room === state.room) { const box = $("messages"); box.append(renderMessage(f.message)); box.scrollTop = box.scrollHeight; }
  } else if (f.type === "rooms") {
    state.rooms = f.rooms; if (!state.room) state.room = f.rooms[0]; renderRooms();
  } else if (f.type === "peers") {
    state.peers = f.peers; renderPeers();
  } else if (f.type === "daemon") {
    setDaemon(f.state === "up", f.peer_id);
  } else if (f.type === "error") {
    $("error").textContent = f.message;
  }
}

// A host started with --api-token wants the token on the WebSocket too. The page takes it from
// ?token= once, keeps it for the tab and drops it from the address bar.
const token = (() => {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl !== null) {
    sessionStorage.setItem("hive-token", fromUrl);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    return fromUrl;
  }
  return sessionStorage.getItem("hive-token");
})();

async function explainRefusal() {
  try {
    const health = await (await fetch("/healthz")).json();
    if (health.token_required) {
      $("error").textContent = token
        ? "The host refused this page's API token: open the page again as /?token=<the host's --api-token>."
        : "This host needs its API token: open the page as /?token=<the host's --api-token>.";
    }
  } catch { /* the host is down; reconnecting covers it */ }
}

function connect() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat" +
    (token ? "?token=" + encodeURIComponent(token) : "");
  socket = new WebSocket(url);
  let opened = false;
  socket.onopen = () => { opened = true; retry = 0; $("error").textContent = ""; document.body.dataset.connected = "true"; };
  socket.onmessage = (e) => onFrame(JSON.parse(e.data));
  socket.onclose = () => {
    document.body.dataset.connected = "false"; setDaemon(false);
    if (!opened) explainRefusal();
    const delay = Math.min(5000, 250 * 2 ** retry++);
    setTimeout(connect, delay);
  };
}

$("send").onsubmit = (e) => {
  e.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text || !state.room || !socket || socket.readyState !== 1) return;
  socket.send(JSON.stringify({ type: "send", room: state.room, text }));
  input.value = "";
};
$("join").onsubmit = (e) => {
  e.preventDefault();
  const input = $("room");
  const room = input.value.trim().toLowerCase();
  if (!room || !socket || socket.readyState !== 1) return;
  socket.send(JSON.stringify({ type: "join", room }));
  state.room = room; input.value = "";
};
connect();
`;

/** The complete chat page. */
export const CHAT_PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hive chat</title>
<style>${_style}</style>
</head>
<body data-connected="false">
<header><h1>hive chat</h1><span id="daemon" class="badge">connecting…</span><span id="me" class="me"></span></header>
<main>
<aside>
<h2>Rooms</h2>
<div id="rooms"></div>
<form id="join" class="join"><input id="room" placeholder="join room…" maxlength="32" aria-label="room name"><button>Join</button></form>
<h2>Peers (<span id="peer-count">0</span>)</h2>
<ul id="peers"></ul>
</aside>
<section>
<div style="padding:10px 16px;font-weight:600;border-bottom:1px solid #dde;background:#fff" id="room-title"></div>
<div id="messages" aria-live="polite"></div>
<div id="error" role="alert"></div>
<form id="send" class="send"><input id="text" placeholder="Write a message…" maxlength="2000" autocomplete="off" aria-label="message"><button class="primary">Send</button></form>
</section>
</main>
<script>${_script}</script>
</body>
</html>
`;
