/**
 * Test support for the chat page's layout tests: their Chromium driver (pages of a chosen size,
 * expressions evaluated in the page; see `_browser.ts`) and the layout facts the tests assert at
 * every size.
 *
 * @module
 */
import { type Browser, startBrowser } from "./_browser.ts";

/** The browser driver of the chat page's layout tests (see _browser.ts). */
export type PageDriver = Browser;

/** Start the Chromium driver child: clicks give up after 10 s, every call after 90 s. */
export function startPageDriver(): PageDriver {
  return startBrowser({ deadlineMs: 90_000, clickTimeoutMs: 10_000 });
}

/** What the layout tests read from the page in one go. */
export interface LayoutFacts {
  width: number;
  scrollWidth: number;
  /** The Send button's box, and whether it lies within the viewport. */
  send: { left: number; right: number; top: number; bottom: number; inside: boolean };
  /** The room the page shows, and the rooms of the messages it shows. */
  shownRoom: string;
  messageRooms: string[];
  messageTexts: string[];
  hint: string | null;
  /** Whether the sidebar is on screen (a drawer below 700 px, closed unless opened). */
  sidebarVisible: boolean;
  /** Height of one line of message text vs the tallest message text box. */
  textBoxes: { width: number; height: number }[];
  badge: string;
  composerDisabled: boolean;
  authShown: boolean;
}

/** The expression that computes {@link LayoutFacts} in the page. */
export const LAYOUT_FACTS = `(() => {
  const box = (el) => el.getBoundingClientRect();
  const send = box(document.querySelector("#send-button"));
  const aside = box(document.querySelector("aside"));
  const hint = document.querySelector("#messages .hint");
  return {
    width: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    send: { left: send.left, right: send.right, top: send.top, bottom: send.bottom,
      inside: send.left >= 0 && send.right <= window.innerWidth && send.top >= 0 && send.bottom <= window.innerHeight && send.width > 0 },
    shownRoom: document.querySelector("#messages").dataset.room,
    messageRooms: [...document.querySelectorAll("#messages .msg")].map((m) => m.dataset.room),
    messageTexts: [...document.querySelectorAll("#messages .msg .text")].map((t) => t.textContent),
    hint: hint ? hint.textContent : null,
    sidebarVisible: aside.right > 0 && aside.left < window.innerWidth,
    textBoxes: [...document.querySelectorAll("#messages .msg .text")].map((t) => ({ width: box(t).width, height: box(t).height })),
    badge: document.querySelector("#daemon").textContent,
    composerDisabled: document.querySelector("#text").disabled,
    authShown: getComputedStyle(document.querySelector("#auth")).display !== "none",
  };
})()`;
