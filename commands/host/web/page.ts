/**
 * The chat web UI served at `GET /`, kept as strings in modules so it is part of the program
 * wherever it runs: from source, from the `deno bundle` file and from the compiled binary.
 * Markup here; the stylesheet in `style.ts`, the script in `script.ts`.
 *
 * @module
 */
import { CHAT_PAGE_SCRIPT } from "./script.ts";
import { CHAT_PAGE_STYLE } from "./style.ts";

/** The complete chat page. */
export const CHAT_PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hive chat</title>
<style>${CHAT_PAGE_STYLE}</style>
</head>
<body data-connected="false">
<header><button id="menu" type="button" aria-label="rooms and peers">☰ Rooms</button><h1>hive chat</h1><span id="daemon" class="badge">connecting…</span><span id="me" class="me"></span></header>
<main>
<div id="scrim"></div>
<aside id="sidebar">
<h2>Rooms</h2>
<div id="rooms"></div>
<form id="join" class="join"><input id="room" placeholder="join room…" aria-label="room name" autocomplete="off"><button id="join-button" class="secondary">Join</button></form>
<h2>Peers (<span id="peer-count">0</span>)</h2>
<ul id="peers"></ul>
<h2><a href="/remote-agents">Remote agents</a></h2>
</aside>
<section>
<div id="room-title"></div>
<div id="messages" aria-live="polite"><div class="hint">Connecting to the host…</div></div>
<div id="error" role="alert"></div>
<form id="auth"><label for="token">API token of this host (kept for this tab only)</label><input id="token" type="password" autocomplete="off" placeholder="paste the host's --api-token"><button class="primary">Connect</button></form>
<form id="send" class="send"><input id="text" placeholder="Write a message…" autocomplete="off" aria-label="message"><button id="send-button" class="primary">Send</button></form>
</section>
</main>
<script>${CHAT_PAGE_SCRIPT}</script>
</body>
</html>
`;
