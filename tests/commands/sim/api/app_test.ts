/**
 * The orchestrator API over real HTTP on loopback, beside a live DES run (paced so it is still
 * going while the test talks to it): status, agents, commands (and 409s), bad input, the
 * cross-site guard, tokens, metrics, the event log and its stream.
 *
 * @module
 */
import { deepEqual, equal, match, ok, throws } from "@std/assert";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { UsageError } from "../../../../core/errors.ts";
import { startLiveApi } from "../../../../commands/sim/api/live.ts";
import { checkApiBind, parseApiAddress } from "../../../../commands/sim/api/server.ts";
import { runMetaOf } from "../../../../commands/sim/api/run_meta.ts";
import { desModel } from "../../../adapters/engine/des/_fixtures.ts";
import { deadline, waitFor } from "../../../_helpers.ts";

const TOKEN = "0123456789abcdef-token";

function _model() {
  return desModel({ nodes: 8, miners: 4, topology: "random", degree: 2, stopTimeS: 7200, seed: 5 });
}

async function _liveRun(token?: string) {
  const model = _model();
  const dir = await Deno.makeTempDir({ prefix: "sim_api_" });
  const logger = createLogger({ level: "error" });
  const live = await startLiveApi({
    address: { hostname: "127.0.0.1", port: 0 },
    token,
    meta: runMetaOf(model, "des", "test"),
    logger,
  });
  // 7200 simulated seconds at 1800 per second: about 4 s of wall time.
  const engine = new DesEngine({ paceSimSPerWallS: 1800, blockIntervalS: 60 });
  const run = engine.run({
    model,
    outDir: dir,
    logger,
    onProgress: (p) => live.progress(p),
    live: live.hooks,
  }).then((r) => {
    live.end("finished");
    return r;
  });
  return { live, run, dir, url: live.api.url };
}

/** fetch will not send a foreign Host header: write the request by hand. */
async function _rawGet(port: number, host: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(
      `GET /api/status HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    ));
    const buf = new Uint8Array(4096);
    const n = await deadline(conn.read(buf), 5000, "the raw answer");
    return new TextDecoder().decode(buf.subarray(0, n ?? 0));
  } finally {
    conn.close();
  }
}

const _json = { "content-type": "application/json" };

Deno.test("sim api: status, agents, commands and their refusals on a live DES run", async () => {
  const { live, run, dir, url } = await _liveRun();
  try {
    ok(await waitFor(() => live.state.lastSeq > 0, 10_000), "events arrive");
    const status = await (await fetch(`${url}/api/status`)).json();
    equal(status.engine, "des");
    equal(status.state, "running");
    equal(status.hosts.total, 8);
    equal(status.stop_time_s, 7200);
    ok(status.progress.percent < 100);

    const agents = (await (await fetch(`${url}/api/agents`)).json()).agents;
    equal(agents.length, 8);
    const id = agents[5].id;
    const one = await (await fetch(`${url}/api/agents/${id}`)).json();
    equal(one.state, "running");
    equal(one.kind, "observer");

    const post = (body: string, headers: Record<string, string> = _json, agent = id) =>
      fetch(`${url}/api/agents/${agent}/command`, { method: "POST", body, headers });
    let r = await post(JSON.stringify({ command: "stop" }));
    equal(r.status, 200);
    deepEqual(await r.json(), { id, command: "stop", state: "stopped" });
    equal((await (await fetch(`${url}/api/agents/${id}`)).json()).state, "stopped");
    const statusDown = await (await fetch(`${url}/api/status`)).json();
    equal(statusDown.hosts.down, 1);

    r = await post(JSON.stringify({ command: "resume" }));
    equal(r.status, 409);
    match((await r.json()).error.message, /is stopped, not paused/);
    r = await post(JSON.stringify({ command: "restart" }));
    equal(r.status, 200);
    equal((await r.json()).state, "running");
    r = await post(JSON.stringify({ command: "pause" }));
    equal((await r.json()).state, "paused");
    r = await post(JSON.stringify({ command: "resume" }));
    equal((await r.json()).state, "running");

    // Bad input.
    r = await post("{not json");
    equal(r.status, 400);
    match((await r.json()).error.message, /expected JSON/);
    r = await post(JSON.stringify({ command: "explode" }));
    equal(r.status, 400);
    match((await r.json()).error.message, /command: expected one of pause, resume, stop, restart/);
    r = await post(JSON.stringify({ command: "stop", extra: 1 }));
    equal(r.status, 400);
    r = await post(JSON.stringify({ command: "stop" }), _json, "nobody");
    equal(r.status, 404);
    r = await post(JSON.stringify({ command: "stop" }), { "content-type": "text/plain" });
    equal(r.status, 415, "the cross-site guard wants JSON on mutations");
    r = await post(JSON.stringify({ command: "stop" }), { ..._json, origin: "http://evil.test" });
    equal(r.status, 403);
    await r.body?.cancel();
    r = await fetch(`${url}/api/events?since=-1`);
    equal(r.status, 400);
    await r.body?.cancel();
    r = await fetch(`${url}/api/events?limit=100000`);
    equal(r.status, 400);
    await r.body?.cancel();
    r = await fetch(`${url}/api/nothing`);
    equal(r.status, 404);
    await r.body?.cancel();
    match(await _rawGet(live.api.port, "rebind.example.com"), /^HTTP\/1\.1 403/, "DNS rebinding");

    const result = await deadline(run, 30_000, "the DES run");
    equal(result.interrupted, false);
    // After the end: commands are refused with the reason; agents read as exited.
    r = await post(JSON.stringify({ command: "stop" }));
    equal(r.status, 409);
    match((await r.json()).error.message, /run is over/);
    const final = await (await fetch(`${url}/api/status`)).json();
    equal(final.state, "finished");
    equal(final.progress.percent, 100);
    // The commands are in the run's own event log, for analysis.
    const text = await Deno.readTextFile(`${dir}/events.ndjson`);
    const commands = text.split("\n").filter((l) => l.includes('"event":"agent"'))
      .map((l) => JSON.parse(l));
    deepEqual(commands.map((c) => [c.host, c.command, c.state]), [
      [id, "stop", "stopped"],
      [id, "restart", "running"],
      [id, "pause", "paused"],
      [id, "resume", "running"],
    ]);
  } finally {
    await live.close();
    await run.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sim api: events by number, the event stream, metrics", async () => {
  const { live, run, dir, url } = await _liveRun();
  try {
    const controller = new AbortController();
    const stream = await fetch(`${url}/api/events?since=0`, {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    equal(stream.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const seqs: number[] = [];
    let ended = false;
    const reading = (async () => {
      let rest = "";
      for await (const chunk of stream.body!.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split("\n\n");
        rest = parts.pop() ?? "";
        for (const part of parts) {
          if (part.startsWith("event: end")) ended = true;
          for (const line of part.split("\n")) {
            if (line.startsWith("data: {")) seqs.push(JSON.parse(line.slice(6)).seq);
          }
        }
      }
    })();
    await deadline(run, 30_000, "the DES run");
    await deadline(reading, 10_000, "the end of the event stream");
    ok(ended, "the stream says the run ended");
    equal(seqs.length, live.state.lastSeq, "every event once");
    deepEqual(seqs, seqs.map((_, i) => i + 1), "in order, no gaps, no repeats");

    // A dashboard's stream (tail=5): at most 5 events per batch, ending at the last one.
    const tailed = await fetch(`${url}/api/events?since=0&tail=5`, {
      headers: { accept: "text/event-stream" },
    });
    const text = await deadline(tailed.text(), 10_000, "the tail stream");
    const batches = text.split("\n\n").filter((b) => b.startsWith("id: "));
    ok(batches.length >= 1);
    for (const b of batches) ok(b.split("\n").filter((l) => l.startsWith("data: ")).length <= 5);
    equal(Number(/^id: (\d+)/.exec(batches.at(-1)!)![1]), live.state.lastSeq);
    match(text, /event: end\ndata: finished/);
    const badTail = await fetch(`${url}/api/events?tail=0`);
    equal(badTail.status, 400);
    await badTail.body?.cancel();

    const page = await (await fetch(`${url}/api/events?since=10&limit=5`)).json();
    deepEqual(page.events.map((e: { seq: number }) => e.seq), [11, 12, 13, 14, 15]);
    equal(page.over, true);

    const metrics = await (await fetch(`${url}/api/metrics`)).text();
    match(metrics, /^# HELP hive_sim_time_seconds/m);
    match(metrics, /^hive_sim_blocks_mined_total\{scenario="[^"]+",engine="des"\} [1-9]\d*$/m);
    match(metrics, /^hive_sim_propagation_seconds\{quantile="0.5"\} [\d.e-]+$/m);
    match(metrics, /^hive_sim_propagation_seconds_count \d+$/m);
    match(metrics, /^hive_sim_agents\{state="exited"\} 8$/m);
  } finally {
    await live.close();
    await run.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sim api: a token is required when set; bad tokens are refused", async () => {
  const { live, run, dir, url } = await _liveRun(TOKEN);
  try {
    let r = await fetch(`${url}/api/status`);
    equal(r.status, 401);
    await r.body?.cancel();
    r = await fetch(`${url}/api/status`, {
      headers: { authorization: "Bearer wrong-token-0000000" },
    });
    equal(r.status, 401);
    await r.body?.cancel();
    r = await fetch(`${url}/api/status`, { headers: { authorization: "Basic abc" } });
    equal(r.status, 401);
    await r.body?.cancel();
    r = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    equal(r.status, 200);
    await r.body?.cancel();
    r = await fetch(`${url}/?token=${encodeURIComponent(TOKEN)}`);
    equal(r.status, 200);
    match(await r.text(), /<!doctype html>/i);
  } finally {
    await deadline(run, 30_000, "the DES run");
    await live.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sim api: --api addresses and the bind rule", () => {
  deepEqual(parseApiAddress("8080"), { hostname: "127.0.0.1", port: 8080 });
  deepEqual(parseApiAddress("0.0.0.0:0"), { hostname: "0.0.0.0", port: 0 });
  deepEqual(parseApiAddress("[::1]:9000"), { hostname: "::1", port: 9000 });
  throws(() => parseApiAddress("70000"), /--api: expected \[ADDR:\]PORT .* got "70000"/);
  throws(() => parseApiAddress("host:"), UsageError);
  throws(() => checkApiBind({ hostname: "0.0.0.0", port: 1 }, undefined), /requires --api-token/);
  throws(() => checkApiBind({ hostname: "127.0.0.1", port: 1 }, "short"), /16\.\.512/);
  checkApiBind({ hostname: "127.0.0.2", port: 1 }, undefined);
  checkApiBind({ hostname: "0.0.0.0", port: 1 }, TOKEN);
});
