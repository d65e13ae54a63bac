/**
 * A person at `hive hap` in tmux, next to a `hive host` whose page is open in real Chromium:
 * keys go in with `tmux send-keys`, the screen is read with `tmux capture-pane`, as a person
 * would see it. The portal joins, composes a help request from a template, and the host's page
 * shows it; a message typed on the page renders in the portal above a half-typed line that
 * stays intact; Ctrl-C leaves without a child process behind.
 */
import { equal, match, ok } from "@std/assert";
import {
  type BrowserDriver,
  eventually,
  getJson,
  type HostProcess,
  pgrep,
  startBrowserDriver,
  startHostProcess,
} from "./host_helpers.ts";
import { MAIN_MODULE } from "../_helpers.ts";

const SESSION = `hap-e2e-${Deno.pid}`;

async function tmux(...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

const screen = () => tmux("capture-pane", "-p", "-t", SESSION);

async function waitScreen(what: string, test: (text: string) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  let text = "";
  while (Date.now() < deadline) {
    text = await screen();
    if (test(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
}

/** The last non-empty line of the pane: the input line. */
function inputLine(text: string): string {
  return text.split("\n").filter((l) => l.trim() !== "").at(-1) ?? "";
}

Deno.test({
  name:
    "hap in tmux: compose a template that the host's page shows; a page message lands above a half-typed line",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-hap-tmux-" });
    let host: HostProcess | undefined;
    let browser: BrowserDriver | undefined;
    try {
      host = await startHostProcess({ dataDir: `${root}/host` });
      const addr = host.ready.addrs.find((a) => a.startsWith("/ip4/127.0.0.1/tcp/"))!;
      const command = [
        Deno.execPath(),
        "run",
        "--allow-all",
        "--quiet",
        MAIN_MODULE,
        "hap",
        "--data-dir",
        `${root}/hap`,
        "--id",
        "alice",
        "--port",
        "0",
        "--no-mdns",
        "--bootstrap",
        addr,
        "--p2p-listen",
        "/ip4/127.0.0.1/tcp/0",
      ].map((a) => `'${a}'`).join(" ");
      await tmux(
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        "140",
        "-y",
        "40",
        "-e",
        "NO_COLOR=1",
        command,
      );
      await waitScreen("the portal", (t) => t.includes("alice (operator) on /hive/chat/general"));

      browser = startBrowserDriver();
      await browser.call({ op: "launch", userDataDir: `${root}/chromium` });
      const page = await browser.call<number>({ op: "open", url: host.ready.url });
      await browser.call({ op: "wait", page, selector: 'body[data-connected="true"]' });
      // The portal's daemon is the host's only peer: wait until it is in #general.
      await eventually("the portal's daemon in #general", async () => {
        const rooms = await getJson<{ rooms: { name: string; peers: string[] }[] }>(
          `${host!.ready.url}agents/chat/rooms`,
        );
        return (rooms.rooms.find((r) => r.name === "general")?.peers.length ?? 0) > 0
          ? true
          : undefined;
      }, 60_000);
      await new Promise((r) => setTimeout(r, 1500)); // gossipsub grafts the topic mesh

      // Compose from a template: Tab completes the name; each field is asked for.
      await tmux("send-keys", "-t", SESSION, "/compose help_", "Tab");
      await waitScreen("Tab completion", (t) => inputLine(t).endsWith("/compose help_request"));
      await tmux("send-keys", "-t", SESSION, "Enter");
      await waitScreen(
        "the first field",
        (t) => inputLine(t).startsWith("topic (string, required)"),
      );
      await tmux("send-keys", "-t", SESSION, "key rotation", "Enter");
      await waitScreen(
        "the urgency field",
        (t) => inputLine(t).startsWith("urgency (low|normal|high"),
      );
      await tmux("send-keys", "-t", SESSION, "high", "Enter");
      await tmux("send-keys", "-t", SESSION, "how do I rotate the hap key?", "Enter");
      await waitScreen("the last field", (t) => inputLine(t).startsWith("tried (text)"));
      await tmux("send-keys", "-t", SESSION, "Enter");
      await waitScreen("sent", (t) => t.includes("help_request sent to /hive/chat/general"));
      await browser.call({
        op: "wait",
        page,
        selector: ".msg",
        hasText:
          "[help_request] topic=key rotation urgency=high question=how do I rotate the hap key?",
        timeoutMs: 30_000,
      });

      // Half a line typed in the portal; a message from the page arrives above it.
      await tmux("send-keys", "-t", SESSION, "-l", "half a thou");
      await waitScreen("the half line", (t) => inputLine(t) === "#general> half a thou");
      await browser.call({ op: "fill", page, selector: "#text", text: "hello from the page" });
      await browser.call({ op: "click", page, selector: "#send button" });
      const text = await waitScreen("the page's message", (t) => t.includes("hello from the page"));
      equal(inputLine(text), "#general> half a thou", "the half-typed line is intact");
      const lines = text.split("\n");
      const at = lines.findIndex((l) => l.includes("hello from the page"));
      const input = lines.findLastIndex((l) => l.trim() !== "");
      ok(at >= 0 && at < input, "the message is above the input line");
      match(lines[at], /agent-[0-9a-f]{8} \(agent, agent\): hello from the page/);
      // The person finishes the word: the line went on from where it was.
      await tmux("send-keys", "-t", SESSION, "-l", "ght");
      await tmux("send-keys", "-t", SESSION, "Enter");
      await browser.call({ op: "wait", page, selector: ".msg", hasText: "half a thought" });

      // Ctrl-C: the portal ends and its daemon with it.
      await tmux("send-keys", "-t", SESSION, "C-c");
      await eventually("the portal to exit", async () => {
        const alive = await pgrep(`${root}/hap`);
        return alive.length === 0 ? true : undefined;
      }, 20_000);
    } finally {
      await tmux("kill-session", "-t", SESSION).catch(() => "");
      await browser?.close();
      await host?.stop();
      for (const pid of await pgrep(root)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
