/**
 * `GET /v1/agents`, the request a poller sends over and over: its JSON text kept while the
 * orchestrator hands back the same agents, and its common form (no query, a valid key) answered
 * ahead of the Hono app. The router and middleware chain cost more server time per request than
 * all of the listing's checks, so skipping them for this one request is what brings the listing
 * close to a bare hello route (see the README's benchmark).
 *
 * The fast path makes the same checks in the same order as the app (no query, so no key in it;
 * the key; the per-key rate limit; a GET needs no write scope), counts the same metrics and
 * answers the same bytes and headers. Everything else goes to the app, and so does every
 * refusal and failure, with the rate limit already taken remembered so it is not taken twice.
 *
 * @module
 */
import type { Agent, Orchestrator } from "../../adapters/orchestrator/types.ts";
import { type KeyRing, presentedKey } from "./keys.ts";
import type { ProxyMetrics } from "./metrics.ts";
import type { RateWindows } from "./rate_limit.ts";

/** Headers of a listing, as the app sends them. */
export const JSON_HEADERS = { "content-type": "application/json" };

const _PATH = "/v1/agents";

/** What {@link Listing} needs from the app. */
export interface ListingOptions {
  /** The engine. */
  orchestrator: Orchestrator;
  /** Accepted keys. */
  keys: KeyRing;
  /** The app's per-key rate limit. */
  windows: RateWindows;
  /** The app's counters. */
  metrics: ProxyMetrics;
  /** The app itself, for everything the fast path does not answer. */
  next: (request: Request) => Response | Promise<Response>;
}

/** The listing's JSON text and fast path. */
export class Listing {
  readonly #options: ListingOptions;
  #last: { agents: Agent[]; body: string } | undefined;
  readonly #counted = new WeakMap<Request, number>();

  constructor(options: ListingOptions) {
    this.#options = options;
  }

  /**
   * The JSON text of `agents`. An orchestrator that hands back the same agent objects while
   * nothing changed (the process orchestrator does, even the same array) gets the previous text
   * again instead of a new serialization.
   */
  text(agents: Agent[]): string {
    const last = this.#last;
    const same = last !== undefined &&
      (last.agents === agents ||
        last.agents.length === agents.length && last.agents.every((a, i) => a === agents[i]));
    if (!same) this.#last = { agents, body: JSON.stringify({ agents }) };
    return this.#last!.body;
  }

  /** The rate-limit answer the fast path already took for `request` (0: allowed), if any. */
  counted(request: Request): number | undefined {
    return this.#counted.get(request);
  }

  /** Serve one request: a poller's listing here, anything else by the app. */
  fetch = async (request: Request): Promise<Response> => {
    const { keys, windows, metrics, orchestrator, next } = this.#options;
    const url = request.url;
    // The path exactly, found as Hono finds it; a query string fails the endsWith.
    if (
      request.method !== "GET" || !url.endsWith(_PATH) ||
      url.indexOf("/", url.indexOf(":") + 4) !== url.length - _PATH.length
    ) return await next(request);
    const presented = presentedKey(request.headers);
    const principal = presented ? keys.verify(presented) : null;
    if (!principal) return await next(request);
    const waitS = windows.take(principal.name);
    if (waitS > 0) {
      this.#counted.set(request, waitS);
      return await next(request);
    }
    let body: string;
    try {
      body = this.text(await orchestrator.list());
    } catch {
      this.#counted.set(request, 0);
      return await next(request);
    }
    metrics.request(200);
    return new Response(body, { headers: JSON_HEADERS });
  };
}
