/**
 * The orchestrator API of a simulation run (Hono): status, agents and their commands,
 * Prometheus metrics, the event log and its live stream, the dashboard's series, and the
 * dashboard itself at `/`. The same app serves a live run (`hive sim run --api`, with the
 * engine's {@link EngineRunControl}) and a finished one (`hive sim serve`, without: commands
 * answer 409).
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { AGENT_COMMANDS, type EngineRunControl } from "../../../adapters/engine/types.ts";
import { type CrossSiteGuard, crossSiteMiddleware } from "../../../core/http/guard.ts";
import type { AuthThrottle } from "../../../core/http/auth_throttle.ts";
import type { Logger } from "../../../core/logger.ts";
import { clipText } from "../../../core/errors.ts";
import { tokenAuth } from "../../../core/http/token_auth.ts";
import { agentView, agentViews, runStatus, seriesView } from "./views.ts";
import { prometheusText } from "./metrics.ts";
import type { RunState } from "./state.ts";
import { DASHBOARD_HTML } from "../dashboard/page.ts";

/** Options for {@link createSimApiApp}. */
export interface SimApiAppOptions {
  state: RunState;
  /** The live run's handle, or null (not yet, or a finished run). */
  control: () => EngineRunControl | null;
  guard: CrossSiteGuard;
  /** Bearer token every request must carry (header, or `?token=` for the page). */
  token?: string;
  throttle?: AuthThrottle;
  logger?: Logger;
}

const _commandBody = z.strictObject({
  command: z.enum(AGENT_COMMANDS, { error: `expected one of ${AGENT_COMMANDS.join(", ")}` }),
});

const _since = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const _limit = z.coerce.number().int().min(1).max(10_000);
const _ID = /^[A-Za-z0-9_.\-\/]{1,128}$/;

function _error(code: string, message: string) {
  return { error: { code, message: clipText(message, 300) } };
}

/** Build the app; `app.fetch` goes to `serveHttp`. */
export function createSimApiApp(options: SimApiAppOptions): Hono {
  const { state } = options;
  const app = new Hono();
  app.use(crossSiteMiddleware(options.guard));
  if (options.token) {
    app.use(tokenAuth(options.token, {
      throttle: options.throttle,
      realm: "hive sim",
      needs: "this run's API needs its token",
    }));
  }
  app.get("/", (c) =>
    c.html(DASHBOARD_HTML, 200, {
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " +
        "connect-src 'self'; img-src data:",
    }));
  app.get("/api/status", (c) => c.json(runStatus(state, options.control())));
  app.get("/api/agents", (c) => c.json({ agents: agentViews(state, options.control()) }));
  app.get("/api/agents/:id{.+}", (c) => {
    const id = c.req.param("id");
    if (id.endsWith("/command")) return c.json(_error("method", "use POST for commands"), 405);
    const agent = _ID.test(id) ? agentView(state, options.control(), id) : null;
    if (!agent) return c.json(_error("not_found", `no agent ${JSON.stringify(id)}`), 404);
    return c.json(agent);
  });
  app.post("/api/agents/:id{.+}/command", async (c) => {
    const id = c.req.param("id");
    if (!_ID.test(id) || !agentView(state, options.control(), id)) {
      return c.json(_error("not_found", `no agent ${JSON.stringify(id)}`), 404);
    }
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json(_error("bad_request", 'body: expected JSON {"command": ...}'), 400);
    }
    const parsed = _commandBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? issue.path.join(".") : "body";
      return c.json(_error("bad_request", `${where}: ${issue.message}`), 400);
    }
    const control = options.control();
    if (!control) {
      const why = state.outcome
        ? "the run is over; commands need a live run (hive sim run --api)"
        : "the run has not started its agents yet";
      return c.json(_error("conflict", why), 409);
    }
    const result = await control.command(id, parsed.data.command);
    if (!result.ok) return c.json(_error("conflict", result.reason), 409);
    state.show(id);
    options.logger?.info("agent command", { agent: id, command: parsed.data.command });
    return c.json({ id, command: parsed.data.command, state: result.state });
  });
  app.get("/api/metrics", (c) =>
    c.text(prometheusText(state, options.control()), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  app.get("/api/series", (c) => c.json(seriesView(state)));
  app.get("/api/events", (c) => {
    const since = _since.safeParse(c.req.query("since") ?? c.req.header("last-event-id") ?? 0);
    if (!since.success) {
      return c.json(_error("bad_request", "since: expected a whole number >= 0"), 400);
    }
    const limit = _limit.safeParse(c.req.query("limit") ?? 1000);
    if (!limit.success) return c.json(_error("bad_request", "limit: expected 1..10000"), 400);
    const tail = c.req.query("tail");
    const tailN = tail === undefined ? null : _limit.safeParse(tail);
    if (tailN && !tailN.success) {
      return c.json(_error("bad_request", "tail: expected 1..10000"), 400);
    }
    if ((c.req.header("accept") ?? "").includes("text/event-stream")) {
      return _eventStream(state, since.data, tailN ? tailN.data : null);
    }
    const lines = state.eventsSince(since.data, limit.data);
    const body = `{"first":${state.firstSeq},"last":${state.lastSeq},"over":${
      state.outcome !== null
    },"events":[${lines.join(",")}]}`;
    return c.body(body, 200, { "content-type": "application/json" });
  });
  app.notFound((c) => c.json(_error("not_found", `no route ${c.req.method} ${c.req.path}`), 404));
  return app;
}

const _encoder = new TextEncoder();

/**
 * Server-sent events: the backlog after `since`, then new events in batches (one SSE message
 * per batch, one `data:` line per event, `id:` the last sequence number), `event: end` when
 * the run is over. With `tail`, each batch carries only its last `tail` events (the dashboard
 * wants to know that something happened and to show the newest lines, not every receipt).
 */
function _eventStream(state: RunState, since: number, tail: number | null): Response {
  let unsubscribe = () => {};
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(_encoder.encode(text));
        } catch {
          closed = true;
          unsubscribe();
        }
      };
      let from = since;
      /** Send what is new up to `last`. */
      const upTo = (last: number) => {
        if (tail !== null) from = Math.max(from, last - tail);
        while (from < last) {
          const lines = state.eventsSince(from, Math.min(5_000, last - from));
          if (lines.length === 0) {
            from = last; // dropped from the log: skip ahead
            break;
          }
          from += lines.length;
          send(`id: ${from}\ndata: ${lines.join("\ndata: ")}\n\n`);
        }
      };
      const finish = () => {
        send(`event: end\ndata: ${state.outcome}\n\n`);
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch { /* already closed */ }
      };
      send("retry: 2000\n\n");
      upTo(state.lastSeq);
      if (state.outcome) return finish();
      unsubscribe = state.listen((last, over) => {
        upTo(last);
        if (over) finish();
      });
      heartbeat = setInterval(() => send(": ping\n\n"), 15_000);
    },
    cancel() {
      unsubscribe();
      clearInterval(heartbeat);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
