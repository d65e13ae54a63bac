/**
 * End to end: agents loaded from `--agents-dir` are started and stopped through the management
 * API and CLI; a broken agent module is reported while the host keeps serving; the API wants
 * its bearer token; bad flags exit 2 before anything starts.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import {
  eventually,
  getJson,
  type HostProcess,
  pgrep,
  removeTestRoot,
  startHostProcess,
} from "./host_helpers.ts";
import { runHive } from "../_helpers.ts";

const AGENTS = new URL("../../fixtures/agents_broken", import.meta.url).pathname;
const TOKEN = "e2e-token-0123456789abcdef";

function hive(...args: string[]) {
  return runHive(args, { env: { HOME: "/nonexistent-hive-home" } });
}

/** Open /ws/chat, send `send` frames one by one, and collect the first `count` frames. */
async function _chatFrames(url: string, send: string[], count: number) {
  const socket = new WebSocket(
    `${url.replace(/^http/, "ws")}ws/chat?token=${encodeURIComponent(TOKEN)}`,
  );
  // Listen for the close from the start: a refused socket closes right after its error.
  const closed = new Promise((r) => socket.onclose = r);
  const frames: Record<string, unknown>[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(frames)}`)), 20_000);
  socket.onmessage = (e) => {
    frames.push(JSON.parse(e.data));
    if (frames.length === 1) { for (const text of send) socket.send(text); }
    if (frames.length >= count) resolve();
  };
  socket.onerror = () => reject(new Error("chat socket failed"));
  try {
    await promise;
  } finally {
    clearTimeout(timer);
    socket.close();
    await closed;
  }
  return frames;
}

Deno.test("e2e host: agents from --agents-dir start and stop through the API and CLI", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-agents-" });
  let host: HostProcess | undefined;
  try {
    host = await startHostProcess({
      dataDir: `${root}/data`,
      args: ["--agents-dir", AGENTS, "--api-token", TOKEN],
    });
    const url = host.ready.url;
    deepEqual(host.ready.agents, [
      { name: "chat", state: "running" },
      { name: "broken_agent", state: "failed" },
      { name: "echo", state: "running" },
    ]);
    ok(host.logs.some((l) => /"msg":"agent module is broken; skipped".*broken_agent\.ts/.test(l)));

    // The API wants the token; the CLI passes it.
    equal(
      (await fetch(`${url}api/agents`).then(async (r) => (await r.body?.cancel(), r))).status,
      401,
    );
    const auth = ["--url", url, "--api-token", TOKEN];
    const noToken = await hive("host", "agents", "--url", url);
    equal(noToken.code, 1);
    match(noToken.stderr, /wants a bearer token/);

    const listed = await hive("host", "agents", ...auth, "--json");
    equal(listed.code, 0, listed.stderr);
    const agents = JSON.parse(listed.stdout) as { name: string; state: string; error: string }[];
    const broken = agents.find((a) => a.name === "broken_agent")!;
    equal(broken.state, "failed");
    match(broken.error, /import failed: broken_agent: this module fails on import/);

    // The echo agent's own routes are live while it runs, behind the host's token.
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const withoutToken = await fetch(`${url}agents/echo/heard`);
    equal(withoutToken.status, 401);
    await withoutToken.body?.cancel();
    const said = await fetch(`${url}agents/echo/say`, {
      method: "POST",
      body: JSON.stringify({ text: "anyone?" }),
      headers: { "content-type": "application/json", ...bearer },
    });
    equal(said.status, 200);
    equal(typeof (await said.json()).recipients, "number");
    const badSay = await fetch(`${url}agents/echo/say`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", ...bearer },
    });
    equal(badSay.status, 400);
    await badSay.body?.cancel();

    const stopped = await hive("host", "agent", "stop", "echo", ...auth);
    equal(stopped.code, 0, stopped.stderr);
    equal(stopped.stdout, "agent echo: stopped\n");
    const gone = await fetch(`${url}agents/echo/heard`, { headers: bearer });
    equal(gone.status, 404);
    await gone.body?.cancel();
    const status = await getJson<{ daemon: { topics: string[] } }>(`${url}api/status`, {
      authorization: `Bearer ${TOKEN}`,
    });
    ok(!status.daemon.topics.includes("/hive/echo"), "a stopped agent's topic is unsubscribed");

    const started = await hive("host", "agent", "start", "echo", ...auth, "--json");
    equal(started.code, 0, started.stderr);
    const echo = JSON.parse(started.stdout);
    equal(echo.state, "running");
    equal(echo.starts, 2);
    const heard = await getJson<{ peer_id: string; heard: unknown[] }>(
      `${url}agents/echo/heard`,
      bearer,
    );
    equal(heard.peer_id, host.ready.peer_id);

    const refused = await hive("host", "agent", "start", "broken_agent", ...auth);
    equal(refused.code, 1);
    match(refused.stderr, /HTTP 409: agent "broken_agent" cannot start: import failed/);
    const unknown = await hive("host", "agent", "stop", "nobody", ...auth);
    equal(unknown.code, 1);
    match(unknown.stderr, /HTTP 404: no agent named "nobody"/);
    const badName = await hive("host", "agent", "stop", "Bad/Name", ...auth);
    equal(badName.code, 2);
    match(
      badName.stderr,
      /NAME: expected a-z, 0-9, - and _ \(1\.\.64 characters\), got "Bad\/Name"/,
    );

    // Bad input from a browser socket gets an error frame naming the field; the socket stays usable.
    const frames = await _chatFrames(url, [
      "not json",
      JSON.stringify({ type: "send", room: "Bad Room!", text: "x" }),
      JSON.stringify({ type: "send", room: "general", text: "   " }),
      JSON.stringify({ type: "shout", room: "general" }),
      JSON.stringify({ type: "join", room: "ops" }),
    ], 6);
    equal(frames[0].type, "hello");
    deepEqual(frames.slice(1, 5).map((f) => f.type), ["error", "error", "error", "error"]);
    match(
      frames[1].message as string,
      /expected \{type:"send",room,text\} or \{type:"join",room\}/,
    );
    match(frames[2].message as string, /^room: expected a room name.*got "Bad Room!"/);
    match(frames[3].message as string, /^text: expected a non-empty message/);
    deepEqual(frames[5], { type: "rooms", rooms: ["general", "ops"] });
    const badSend = await fetch(`${url}agents/chat/send`, {
      method: "POST",
      body: JSON.stringify({ room: "general", text: 5 }),
      headers: { "content-type": "application/json", ...bearer },
    });
    equal(badSend.status, 400);
    match((await badSend.json()).error.message, /^text: expected string, got 5/);

    // Through all of that the host kept serving.
    const human = await hive("host", "status", ...auth);
    equal(human.code, 0, human.stderr);
    match(human.stdout, /daemon: +up\n/);
    match(human.stdout, /daemon_mode: +supervised/);
    match(human.stdout, /agents: +chat running, broken_agent failed, echo running/);
    await eventually(
      "healthz",
      async () => (await getJson(`${url}healthz`)).ok === true || undefined,
    );
  } finally {
    const code = await host?.stop("SIGTERM");
    const left = await removeTestRoot(root);
    equal(left.length, 0, `leftover processes: ${left}`);
    equal(code, 0);
  }
});

Deno.test("e2e host: bad flags exit 2 with the field and value, before anything starts", async () => {
  const open = await hive("host", "--bind", "0.0.0.0", "--port", "0");
  equal(open.code, 2);
  match(open.stderr, /api_token: binding 0\.0\.0\.0 \(not loopback\) requires --api-token/);
  const port = await hive("host", "--port", "http");
  equal(port.code, 2);
  match(port.stderr, /port: expected integer 0\.\.65535, got "http"/);
  const url = await hive("host", "status", "--url", "ftp://x");
  equal(url.code, 2);
  match(url.stderr, /--url: expected an http:\/\/ URL, got "ftp:\/\/x"/);
  const down = await hive("host", "status", "--url", "http://127.0.0.1:9");
  equal(down.code, 1);
  match(down.stderr, /cannot reach the host at http:\/\/127\.0\.0\.1:9/);
});

Deno.test("e2e host: kill -9 of the host leaves no orphan daemon", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-orphan-" });
  let host: HostProcess | undefined;
  try {
    host = await startHostProcess({ dataDir: `${root}/data` });
    const daemonPid = host.ready.daemon_pid;
    ok((await pgrep(root)).includes(daemonPid));
    // No shutdown code runs in the host: the daemon must notice its parent is gone by itself.
    equal(await host.stop("SIGKILL"), 137);
    await eventually(
      "the orphaned daemon to exit",
      async () => (await pgrep(root)).length === 0 ? true : undefined,
      20_000,
    );
  } finally {
    await removeTestRoot(root);
  }
});
