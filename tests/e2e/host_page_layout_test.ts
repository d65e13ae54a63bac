/**
 * End to end: the chat page in a real Chromium at desktop (1280×800) and phone (390×844) sizes,
 * on a host that has a second host as its peer. At each size: no horizontal overflow, Send
 * within the viewport, the messages shown belong to the room shown (also right after joining a
 * new room), an empty room shows a hint, a room name over the limit is refused with the
 * server's words, long names stay inside the page, the peer shows its agent id with the peer id
 * on hover. A screenshot of each size is written to `$HIVE_PAGE_SHOTS` (or a temp dir).
 */
import { equal, match, ok } from "@std/assert";
import { ROOM_NAME_ERROR } from "../../commands/host/config.ts";
import {
  eventually,
  getJson,
  type HostProcess,
  removeTestRoot,
  startHostProcess,
} from "./host_helpers.ts";
import {
  LAYOUT_FACTS,
  type LayoutFacts,
  type PageDriver,
  startPageDriver,
} from "./host_page_helpers.ts";

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

async function _facts(driver: PageDriver, page: number): Promise<LayoutFacts> {
  return await driver.call<LayoutFacts>({ op: "eval", page, expression: LAYOUT_FACTS });
}

/** On a phone the room list is in a drawer: open it first. */
async function _sidebar(driver: PageDriver, page: number, phone: boolean): Promise<void> {
  if (!phone) return;
  await driver.call({ op: "click", page, selector: "#menu" });
  await driver.call({ op: "wait", page, selector: "body.drawer aside #rooms" });
  // It slides in (a short transition): wait until it is all on screen, with a deadline.
  await eventually("the drawer to open", async () =>
    await driver.call<boolean>({
      op: "eval",
      page,
      expression: `document.querySelector("aside").getBoundingClientRect().left >= 0`,
    }) || undefined, 5_000);
}

function _assertLayout(facts: LayoutFacts, where: string): void {
  ok(
    facts.scrollWidth <= facts.width,
    `${where}: no horizontal overflow (${facts.scrollWidth} > ${facts.width})`,
  );
  ok(facts.send.inside, `${where}: Send within the viewport: ${JSON.stringify(facts.send)}`);
  for (const room of facts.messageRooms) {
    equal(room, facts.shownRoom, `${where}: a message of #${room} shown in #${facts.shownRoom}`);
  }
}

Deno.test({
  name: "e2e host page: rooms, peers and layout at desktop and phone sizes",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-page-" });
    const shots = Deno.env.get("HIVE_PAGE_SHOTS") ??
      await Deno.makeTempDir({ prefix: "hive-page-shots-" });
    let a: HostProcess | undefined;
    let b: HostProcess | undefined;
    const driver = startPageDriver();
    try {
      a = await startHostProcess({ dataDir: `${root}/a` });
      const bootstrap = (a.ready as unknown as { p2p_addrs: string[] }).p2p_addrs;
      match(
        bootstrap[0],
        /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3/,
        "the ready line has a dialable address",
      );
      b = await startHostProcess({ dataDir: `${root}/b`, args: ["--bootstrap", bootstrap[0]] });
      const bStatus = await getJson<{ host: { url: string } }>(`${b.ready.url}api/status`);
      equal(bStatus.host.url, b.ready.url);
      await driver.call({ op: "launch", userDataDir: `${root}/chromium` });

      for (const size of SIZES) {
        const phone = size.width < 700;
        const where = `${size.name} ${size.width}x${size.height}`;
        const page = await driver.call<number>({ op: "open", url: a.ready.url, ...size });
        await driver.call({
          op: "wait",
          page,
          selector: "body[data-connected=true]",
          state: "attached",
        });

        // A sentence in #general, and a long word that must wrap inside its bubble.
        const sentence =
          `hello from the ${size.name} page, the quick brown fox jumps over the lazy dog`;
        await driver.call({ op: "fill", page, selector: "#text", text: sentence });
        await driver.call({ op: "click", page, selector: "#send-button" });
        await driver.call({ op: "wait", page, selector: ".msg", hasText: sentence });
        await driver.call({ op: "fill", page, selector: "#text", text: "x".repeat(300) });
        await driver.call({ op: "click", page, selector: "#send-button" });
        await driver.call({ op: "wait", page, selector: ".msg", hasText: "xxxxxxxxxx" });
        let facts = await _facts(driver, page);
        _assertLayout(facts, `${where} #general`);
        equal(facts.shownRoom, "general");
        equal(
          facts.sidebarVisible,
          !phone,
          `${where}: sidebar shown on desktop, a closed drawer on a phone`,
        );
        // Text does not wrap a word per line: the sentence's box is wide.
        const widest = Math.max(...facts.textBoxes.map((t) => t.width));
        ok(widest >= Math.min(250, size.width * 0.6), `${where}: message text ${widest}px wide`);

        // Joining a new room shows that room at once, empty, with a hint: no old messages.
        const room = `ops-${size.name}`;
        await _sidebar(driver, page, phone);
        await driver.call({ op: "fill", page, selector: "#room", text: room });
        await driver.call({ op: "click", page, selector: "#join-button" });
        await driver.call({ op: "wait", page, selector: "#messages .hint", hasText: `#${room}` });
        facts = await _facts(driver, page);
        _assertLayout(facts, `${where} #${room}`);
        equal(facts.shownRoom, room);
        equal(facts.messageRooms.length, 0, `${where}: the new room shows no old messages`);
        match(facts.hint ?? "", new RegExp(`No messages in #${room} yet`));
        await driver.call({
          op: "wait",
          page,
          selector: `#rooms button[data-room=${room}].active`,
          state: "attached",
        });
        await driver.call({ op: "fill", page, selector: "#text", text: `only in ${room}` });
        await driver.call({ op: "click", page, selector: "#send-button" });
        await driver.call({ op: "wait", page, selector: ".msg", hasText: `only in ${room}` });
        facts = await _facts(driver, page);
        _assertLayout(facts, `${where} #${room} after a message`);
        equal(facts.messageTexts.length, 1);

        // A name over the server's limit is refused with the server's own words, not cut short.
        await _sidebar(driver, page, phone);
        await driver.call({ op: "fill", page, selector: "#room", text: "a".repeat(200) });
        await driver.call({ op: "click", page, selector: "#join-button" });
        await driver.call({ op: "wait", page, selector: "#error", hasText: ROOM_NAME_ERROR });
        facts = await _facts(driver, page);
        equal(facts.shownRoom, room, "a refused name does not switch rooms");
        // A 32-character name is fine and stays inside the page (ellipsis).
        const long = "r".repeat(32);
        await driver.call({ op: "fill", page, selector: "#room", text: long });
        await driver.call({ op: "click", page, selector: "#join-button" });
        await driver.call({ op: "wait", page, selector: "#room-title", hasText: long });
        _assertLayout(await _facts(driver, page), `${where} #${long}`);

        // Back to #general: its messages only.
        await _sidebar(driver, page, phone);
        await driver.call({ op: "click", page, selector: "#rooms button[data-room=general]" });
        await driver.call({ op: "wait", page, selector: ".msg", hasText: sentence });
        // The drawer slides shut (a short transition): poll, with a deadline.
        facts = await eventually(`${where}: the drawer to close`, async () => {
          const now = await _facts(driver, page);
          return now.sidebarVisible === !phone ? now : undefined;
        }, 5_000);
        _assertLayout(facts, `${where} back in #general`);
        equal(facts.shownRoom, "general");
        ok(facts.messageTexts.includes(sentence));
        ok(!facts.messageTexts.includes(`only in ${room}`));
        equal(facts.sidebarVisible, !phone, `${where}: choosing a room closes the drawer`);

        // The peer (host B) shows by its agent id; the full peer id is on hover.
        const peer = await eventually(`${where}: host B named in the peer list`, async () => {
          const named = await driver.call<{ name: string; title: string } | null>({
            op: "eval",
            page,
            expression: `(() => { const li = document.querySelector('#peers li[data-peer="${
              b!.ready.peer_id
            }"]');
              return li ? { name: li.querySelector(".name").textContent, title: li.title } : null; })()`,
          });
          return named && /^agent-/.test(named.name) ? named : undefined;
        }, 75_000);
        ok(peer.title.startsWith(b.ready.peer_id), `peer title ${peer.title}`);

        const shot = `${shots}/host_page_${size.name}.png`;
        if (phone) {
          await driver.call({ op: "screenshot", page, path: shot });
          await _sidebar(driver, page, phone);
          await driver.call({
            op: "screenshot",
            page,
            path: `${shots}/host_page_${size.name}_drawer.png`,
          });
        } else {
          await driver.call({ op: "screenshot", page, path: shot });
        }
        console.log(`screenshot: ${shot}`);
      }
    } finally {
      await driver.close();
      const codes = await Promise.all([a?.stop("SIGTERM"), b?.stop("SIGTERM")]);
      const left = await removeTestRoot(root);
      equal(left.length, 0, `leftover processes: ${left}`);
      for (const code of codes) if (code !== undefined) equal(code, 0);
    }
  },
});
