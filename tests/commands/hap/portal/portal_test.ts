/**
 * The portal over real sessions on loopback libp2p nodes, driven key by key through a small
 * terminal emulator: a message from another person lands above a half-typed line, a template
 * form checks each field and sends, Ctrl-C cancels a form, history is written to its file.
 */
import { equal, match, ok } from "@std/assert";
import { Portal, readHistory } from "../../../../commands/hap/portal/portal.ts";
import { loadTemplates } from "../../../../commands/hap/templates.ts";
import type { HapMessage } from "../../../../commands/hap/session.ts";
import type { Libp2pP2P } from "../../../../adapters/p2p/libp2p/port.ts";
import { node, session, until } from "../_mesh.ts";
import { Term } from "./_term.ts";

const TOPIC = "/hive/chat/general";

Deno.test({
  name: "portal: live messages above a half-typed line, a template form, Ctrl-C, history",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const nodes: Libp2pP2P[] = [];
    const dir = await Deno.makeTempDir();
    const closers: (() => Promise<void>)[] = [];
    try {
      nodes.push(await node(), await node());
      await nodes[1].node.connect(nodes[0].node.addrs()[0]);
      const { session: me } = await session(nodes[0], "alice", "operator");
      const { session: bob } = await session(nodes[1], "bob", "operator");
      closers.push(() => me.close(), () => bob.close());
      const term = new Term();
      const historyFile = `${dir}/history`;
      const portal = await Portal.open({
        session: me,
        templates: await loadTemplates(null),
        topic: "general",
        historyFile,
        write: (t) => term.write(t),
        columns: () => 100,
      });
      const screen = () => term.lines.join("\n");
      const settle = () => new Promise((r) => setTimeout(r, 50));
      await bob.join(TOPIC);
      await bob.join("/hive/tasks/requests");
      await until(
        "the mesh has both on the topic",
        async () => (await nodes[1].peers(TOPIC)).length > 0,
      );

      // Half a line typed, then bob speaks: his line is above, ours is intact below.
      portal.feed("half typed");
      await settle();
      await bob.sendChat(TOPIC, "hi from bob");
      await until(
        "bob's line shows",
        () => screen().includes("bob (operator, person): hi from bob"),
      );
      equal(term.lines[term.row], "#general> half typed");
      ok(term.lines.indexOf(term.lines.find((l) => l.includes("hi from bob"))!) < term.row);

      // Finish the line: it is sent to bob.
      const got: HapMessage[] = [];
      bob.on((e) => e.type === "message" && got.push(e.message));
      portal.feed(" and sent\r");
      await until("bob got the line", () => got.length === 1);
      equal(got[0].text, "half typed and sent");

      // A form: an enum miss is refused and asked again; the filled template is sent.
      portal.feed("/compose task_request\r");
      await until(
        "the form asks for the title",
        () => /^title \(string, required\): $/.test(term.lines[term.row]),
      );
      portal.feed("\r");
      await until(
        "a required field is insisted on",
        () => /field title is required; try again/.test(screen()),
      );
      portal.feed("rotate keys\rasap\r");
      await until(
        "an enum miss is named",
        () =>
          /field priority: expected one of low, normal, high, urgent, got "asap"/.test(screen()),
      );
      portal.feed("hi\t\r\r\r2.5\rsoon please\r"); // Tab completes the enum "hi" -> "high"
      await until("bob got the template", () => got.length === 2);
      equal(got[1].type, "template");
      equal(got[1].topic, "/hive/tasks/requests");
      equal(got[1].template?.fields.priority, "high");
      equal(got[1].template?.fields.estimate_hours, 2.5);
      match(screen(), /task_request sent to \/hive\/tasks\/requests/);

      // Ctrl-C in a form cancels it, not the portal.
      portal.feed("/compose help_request\rtyping\x03");
      await until(
        "the form is cancelled",
        () => /cancelled \(Ctrl-C\); nothing was sent/.test(screen()),
      );
      equal(got.length, 2);

      // Commands answer; history persisted.
      portal.feed("/whoami\r/agents\r/nope\r");
      await until("the commands answered", () => /unknown command \/nope/.test(screen()));
      match(screen(), /role: +operator/);
      match(screen(), /people:\n {2}alice/);
      match(screen(), /unknown command \/nope/);
      const history = await readHistory(historyFile);
      ok(history.includes("half typed and sent"));
      ok(history.includes("/compose task_request"));
      portal.feed("/quit\r");
      await portal.done;
      portal.close();
    } finally {
      for (const close of closers) await close().catch(() => {});
      for (const n of nodes) await n.close().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});
