/**
 * Test support for the cross-site tests against real servers: the Chromium driver child and the
 * attack snippets a page runs (cross-site WebSocket, no-preflight POST, same-origin read).
 *
 * @module
 */
import { type Browser, startBrowser } from "./_browser.ts";

/** The browser child process. */
export type Driver = Browser;

/**
 * Start the Chromium driver child (see _browser.ts): `open` answers `{page, status}` and gives
 * up after 15 s, every call after 30 s.
 */
export function startDriver(): Driver {
  return startBrowser({ deadlineMs: 30_000, gotoTimeoutMs: 15_000, openStatus: true });
}

/** In a page: open a WebSocket, resolve with its first message, "error" or "timeout". */
export const wsAttempt = (url: string): string =>
  `new Promise((resolve) => {
    const s = new WebSocket(${JSON.stringify(url)});
    const t = setTimeout(() => resolve("timeout"), 5000);
    s.onmessage = (e) => { clearTimeout(t); resolve("message:" + e.data); s.close(); };
    s.onerror = () => { clearTimeout(t); resolve("error"); };
  })`;

/** In a page: a no-preflight cross-site POST (like a form); the response is opaque. */
export const simplePost = (url: string): string =>
  `fetch(${JSON.stringify(url)}, { method: "POST", mode: "no-cors",
     headers: { "content-type": "text/plain" }, body: '{"text":"pwned"}' })
   .then((r) => "sent:" + r.type, (e) => "error:" + e)`;

/** In a page: a same-origin request whose status and body the page can read. */
export const read = (path: string, init = "{}"): string =>
  `fetch(${JSON.stringify(path)}, ${init}).then(async (r) => r.status + " " + await r.text(),
     (e) => "error:" + e)`;

/** A same-origin JSON POST body for {@link read}. */
export const JSON_POST = `{ method: "POST", headers: { "content-type": "application/json" },
  body: '{"text":"from page"}' }`;
