/**
 * Test support for the chat page's layout tests: the client side of `host_page_browser.ts`
 * (pages of a chosen size, expressions evaluated in the page) and the layout facts the tests
 * assert at every size.
 *
 * @module
 */

/** A request to the page driver. */
export type PageRequest =
  | { op: "launch"; userDataDir: string }
  | { op: "open"; url: string; width: number; height: number }
  | { op: "eval"; page: number; expression: string }
  | { op: "fill"; page: number; selector: string; text: string }
  | { op: "click"; page: number; selector: string }
  | {
    op: "wait";
    page: number;
    selector: string;
    hasText?: string;
    state?: "visible" | "attached" | "hidden";
    timeoutMs?: number;
  }
  | { op: "screenshot"; page: number; path: string }
  | { op: "close" };

/** A driver child and a typed way to call it. */
export interface PageDriver {
  call<T = unknown>(request: PageRequest): Promise<T>;
  /** Close the browser and wait for the child to exit (kills it if it does not). */
  close(): Promise<void>;
}

/** Start the driver child (`deno run -A host_page_browser.ts`). */
export function startPageDriver(): PageDriver {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      new URL("./host_page_browser.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const reading = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines.filter(Boolean)) {
        const reply = JSON.parse(line) as {
          id: number;
          ok: boolean;
          result?: unknown;
          error?: string;
        };
        const waiter = pending.get(reply.id);
        pending.delete(reply.id);
        if (reply.ok) waiter?.resolve(reply.result);
        else waiter?.reject(new Error(reply.error));
      }
    }
    for (const waiter of pending.values()) waiter.reject(new Error("page driver exited"));
  })();
  return {
    call<T>(request: PageRequest): Promise<T> {
      const id = nextId++;
      const { promise, resolve, reject } = Promise.withResolvers<T>();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // Every call has a deadline so a stuck browser fails the test instead of hanging it.
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`page driver: ${request.op} timed out`));
      }, 90_000);
      promise.finally(() => clearTimeout(timer)).catch(() => {});
      writer.write(new TextEncoder().encode(JSON.stringify({ id, ...request }) + "\n")).catch(
        reject,
      );
      return promise;
    },
    async close() {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      try {
        await this.call({ op: "close" }).catch(() => {});
        await writer.close().catch(() => {});
        await child.status;
        await reading;
      } finally {
        clearTimeout(timer);
      }
    },
  };
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
