/**
 * The chat page's script (plain browser JavaScript kept as a string). It checks room names with
 * the server's own pattern and message (from `../config.ts`), so a name the server would refuse
 * is refused on the page with the same words instead of being cut short; it shows the shown
 * room's messages only; and it tells a missing or wrong API token apart from a daemon that is
 * down, with a place to paste the token (kept in `sessionStorage` for the tab).
 *
 * @module
 */
import { MAX_TEXT } from "../chat_agent.ts";
import { ROOM_NAME_ERROR, ROOM_NAME_PATTERN } from "../config.ts";

/** Script of the chat page. Message text is inserted with `textContent`, never as HTML. */
export const CHAT_PAGE_SCRIPT: string = `
const ROOM_PATTERN = new RegExp(${JSON.stringify(ROOM_NAME_PATTERN.source)});
const ROOM_ERROR = ${JSON.stringify(ROOM_NAME_ERROR)};
const MAX_TEXT = ${MAX_TEXT};
const state = { room: null, rooms: [], history: {}, peers: [], me: null, pendingJoin: null };
const $ = (id) => document.getElementById(id);
let socket = null;
let retry = 0;
let retryTimer = null;

function short(id) { return id && id.length > 16 ? id.slice(0, 8) + "…" + id.slice(-6) : (id || "?"); }
function time(iso) { const d = new Date(iso); return isNaN(d) ? iso : d.toLocaleTimeString(); }
function clip(text, n) { return text.length > n ? text.slice(0, n) + "…" : text; }

// Agent records the host learnt from /hive/agents, by the peer id that carries them.
function agentsOf(peerId) {
  const peer = state.peers.find((p) => p.peer_id === peerId);
  return (peer && Array.isArray(peer.agents)) ? peer.agents : [];
}
function nameOf(peerId) {
  const agents = agentsOf(peerId);
  return agents.length ? agents.map((a) => a.id).join(", ") : "peer " + short(peerId);
}

function setComposer(enabled) {
  $("text").disabled = !enabled; $("send-button").disabled = !enabled;
  $("room").disabled = !enabled; $("join-button").disabled = !enabled;
}

function selectRoom(room) {
  state.room = room;
  document.body.classList.remove("drawer");
  renderRooms(); renderMessages();
}

function renderRooms() {
  const list = $("rooms");
  list.replaceChildren();
  const shown = state.rooms.slice();
  if (state.room && !shown.includes(state.room)) shown.push(state.room);
  for (const room of shown) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = "#" + room; b.title = "#" + room; b.dataset.room = room;
    if (room === state.room) b.className = "active";
    b.onclick = () => selectRoom(room);
    list.append(b);
  }
  const title = $("room-title");
  title.textContent = state.room ? "#" + state.room : "";
  title.title = title.textContent;
}

function renderPeers() {
  const list = $("peers");
  list.replaceChildren();
  if (state.peers.length === 0) {
    const li = document.createElement("li"); li.className = "empty"; li.textContent = "no peers yet"; list.append(li);
  }
  for (const p of state.peers) {
    const li = document.createElement("li");
    li.dataset.peer = p.peer_id;
    li.title = [p.peer_id, ...(p.addrs || [])].join("\\n");
    const agents = Array.isArray(p.agents) ? p.agents : [];
    const name = document.createElement("span"); name.className = "name";
    name.textContent = agents.length ? agents.map((a) => a.id).join(", ") : "unnamed peer";
    li.append(name);
    if (agents.length) {
      const role = document.createElement("span"); role.className = "role";
      role.textContent = " " + agents.map((a) => a.kind + ", role " + a.role).join("; ");
      li.append(role);
    }
    const pid = document.createElement("span"); pid.className = "pid"; pid.textContent = short(p.peer_id);
    li.append(pid);
    list.append(li);
  }
  $("peer-count").textContent = String(state.peers.length);
}

function renderMessage(m) {
  const div = document.createElement("div");
  div.className = "msg" + (m.self ? " self" : "");
  div.dataset.id = m.id; div.dataset.room = m.room;
  const meta = document.createElement("div"); meta.className = "meta";
  const from = document.createElement("span"); from.className = "from";
  from.textContent = m.self ? "you" : nameOf(m.from); from.title = m.from;
  const at = document.createElement("time"); at.dateTime = m.sent_at; at.textContent = time(m.sent_at);
  meta.append(from, at);
  // Own messages say where they stand: pending (waiting for a peer) or not delivered.
  if (m.self && m.status && m.status !== "sent") {
    const st = document.createElement("span"); st.className = "status " + m.status;
    st.textContent = m.status === "pending" ? "sending…" : "not delivered" + (m.reason ? ": " + m.reason : "");
    meta.append(st);
  }
  const text = document.createElement("div"); text.className = "text"; text.textContent = m.text;
  div.append(meta, text);
  return div;
}

function renderMessages() {
  const box = $("messages");
  box.dataset.room = state.room || "";
  const list = (state.history[state.room] || []).filter((m) => m.room === state.room);
  if (list.length === 0) {
    const hint = document.createElement("div"); hint.className = "hint";
    hint.textContent = state.room
      ? "No messages in #" + state.room + " yet. Write the first one below."
      : "Join a room to start chatting.";
    box.replaceChildren(hint);
    return;
  }
  box.replaceChildren(...list.map(renderMessage));
  box.scrollTop = box.scrollHeight;
}

function setBadge(text, kind) { const b = $("daemon"); b.textContent = text; b.className = "badge " + kind; }

function setDaemon(up, peerId) {
  setBadge(up ? "daemon up" : "daemon down", up ? "up" : "down");
  if (peerId) { state.me = peerId; $("me").textContent = "peer " + short(peerId); $("me").title = peerId; }
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
    if (f.message.room === state.room) renderMessages();
  } else if (f.type === "delivery") {
    const m = (state.history[f.room] || []).find((x) => x.id === f.id);
    if (m) { m.status = f.status; m.reason = f.reason; if (f.room === state.room) renderMessages(); }
  } else if (f.type === "rooms") {
    state.rooms = f.rooms;
    if (state.pendingJoin && f.rooms.includes(state.pendingJoin.room)) state.pendingJoin = null;
    if (!state.room) state.room = f.rooms[0] || null;
    renderRooms(); renderMessages();
  } else if (f.type === "peers") {
    // Re-render messages only when a sender's name may have changed (keeps the reader's scroll).
    const names = (peers) => peers.map((p) => p.peer_id + "=" + nameOf(p.peer_id)).join();
    const before = names(state.peers);
    state.peers = f.peers; renderPeers();
    if (names(state.peers) !== before) renderMessages();
  } else if (f.type === "daemon") {
    setDaemon(f.state === "up", f.peer_id);
  } else if (f.type === "error") {
    $("error").textContent = f.message;
    // The server refused the room we switched to: go back to where we were.
    if (state.pendingJoin) {
      const back = state.pendingJoin.from; state.pendingJoin = null;
      if (!state.rooms.includes(state.room)) selectRoom(back && state.rooms.includes(back) ? back : state.rooms[0] || null);
    }
  }
}

// A host started with --api-token wants the token on the WebSocket too. The page takes it from
// ?token= once, keeps it for the tab and drops it from the address bar.
let token = (() => {
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

// Why the WebSocket did not open: no token, a wrong one, or the host is down.
async function explainRefusal() {
  let health;
  try {
    health = await (await fetch("/healthz", { cache: "no-store" })).json();
  } catch {
    setBadge("host unreachable", "down");
    return "retry";
  }
  if (!health.token_required) { setBadge(health.daemon === "up" ? "connecting…" : "daemon down", health.daemon === "up" ? "" : "down"); return "retry"; }
  document.body.dataset.auth = token ? "refused" : "needed";
  setBadge(token ? "unauthorized" : "token needed", "auth");
  $("error").textContent = token
    ? "The host refused this token. Paste the host's --api-token below."
    : "This host needs its API token. Paste the host's --api-token below.";
  $("token").focus();
  // Rooms and messages are behind the token: say so where they would be.
  if (!state.rooms.length) {
    const hint = document.createElement("div"); hint.className = "hint";
    hint.textContent = "Rooms and messages show once the host accepts the token.";
    $("messages").replaceChildren(hint);
  }
  return "stop";
}

function connect() {
  clearTimeout(retryTimer);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat" +
    (token ? "?token=" + encodeURIComponent(token) : "");
  const ws = new WebSocket(url);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true; retry = 0; $("error").textContent = "";
    document.body.dataset.connected = "true"; document.body.dataset.auth = "ok"; setComposer(true);
  };
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
  ws.onclose = async () => {
    if (socket !== ws) return;
    document.body.dataset.connected = "false"; setComposer(false);
    if (opened) setDaemon(false);
    // An unauthorized page waits for a token instead of knocking again and again.
    if (!opened && await explainRefusal() === "stop") return;
    const delay = Math.min(5000, 250 * 2 ** retry++);
    retryTimer = setTimeout(connect, delay);
  };
}

$("send").onsubmit = (e) => {
  e.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text || !state.room || !socket || socket.readyState !== 1) return;
  // Refused whole, never cut short: the text stays in the box to be shortened.
  if (text.length > MAX_TEXT) {
    $("error").textContent = "text: at most " + MAX_TEXT + " characters, this one has " + text.length;
    return;
  }
  $("error").textContent = "";
  socket.send(JSON.stringify({ type: "send", room: state.room, text }));
  input.value = "";
};
$("join").onsubmit = (e) => {
  e.preventDefault();
  const input = $("room");
  const room = input.value.trim().toLowerCase();
  if (!room || !socket || socket.readyState !== 1) return;
  if (!ROOM_PATTERN.test(room)) {
    $("error").textContent = "room: " + ROOM_ERROR + ", got " + JSON.stringify(clip(room, 40));
    return;
  }
  $("error").textContent = "";
  if (!state.rooms.includes(room)) {
    state.pendingJoin = { room, from: state.room };
    socket.send(JSON.stringify({ type: "join", room }));
  }
  input.value = "";
  selectRoom(room);
};
$("auth").onsubmit = (e) => {
  e.preventDefault();
  const value = $("token").value.trim();
  if (!value) return;
  token = value; sessionStorage.setItem("hive-token", value);
  $("token").value = ""; $("error").textContent = ""; delete document.body.dataset.auth;
  setBadge("connecting…", ""); retry = 0;
  if (socket) { const old = socket; socket = null; try { old.close(); } catch {} }
  connect();
};
$("menu").onclick = () => document.body.classList.toggle("drawer");
$("scrim").onclick = () => document.body.classList.remove("drawer");
setComposer(false);
connect();
`;
