/**
 * The userspace link relay on loopback: latency added (lower bound exact, upper bound loose),
 * bytes intact and in order under jitter, pacing, loss, close propagation and bounded memory.
 * Durations are measured by the tests; only the relay's delays are asserted, never how fast
 * the test itself runs.
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  LinkRelay,
  type LinkRelayOptions,
  type RelayDirection,
} from "../../../../../adapters/engine/local/links/relay.ts";
import { Pacer } from "../../../../../adapters/engine/local/links/shape.ts";
import { deadline } from "../../../../_helpers.ts";

/** Slack on top of a modelled delay that a loaded 2-core machine may add. */
const SLACK_MS = 400;

/** A TCP echo server on 127.0.0.1; `close()` ends it and its connections. */
function _echo(): { port: number; close: () => Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const served = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      conn.readable.pipeTo(conn.writable).catch(() => {}).finally(() => conns.delete(conn));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await served;
    },
  };
}

async function _readN(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let off = 0;
  // Bounded by n bytes or EOF.
  while (off < n) {
    const got = await conn.read(out.subarray(off));
    if (got === null) throw new Error(`EOF after ${off} of ${n} bytes`);
    off += got;
  }
  return out;
}

function _relay(
  target: number,
  forward: RelayDirection,
  backward: RelayDirection = forward,
  extra: Partial<LinkRelayOptions> = {},
): LinkRelay {
  return LinkRelay.start({
    listen: { hostname: "127.0.0.1", port: 0 },
    target: { hostname: "127.0.0.1", port: target },
    forward,
    backward,
    ...extra,
  });
}

Deno.test("relay: a round trip through a 100 ms link takes at least 200 ms, bytes intact", async () => {
  const echo = _echo();
  const relay = _relay(echo.port, { shape: { latencyMs: 100 } });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  try {
    // Warm-up round trip: it also carries the connect delay (the target sees the SYN late).
    await conn.write(new Uint8Array([1]));
    await deadline(_readN(conn, 1), 5000, "first echo");
    const rtts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const msg = new TextEncoder().encode(`ping ${i}`);
      const t0 = performance.now();
      await conn.write(msg);
      const back = await deadline(_readN(conn, msg.length), 5000, "echo");
      rtts.push(performance.now() - t0);
      deepEqual(back, msg);
    }
    for (const rtt of rtts) {
      ok(rtt >= 199, `round trip ${rtt.toFixed(1)} ms is shorter than the 200 ms link`);
      ok(rtt < 200 + SLACK_MS, `round trip ${rtt.toFixed(1)} ms: far more than 200 ms`);
    }
  } finally {
    conn.close();
    await relay.close();
    await echo.close();
  }
});

Deno.test("relay: jitter varies the delay but never reorders bytes", async () => {
  const echo = _echo();
  const relay = _relay(echo.port, { shape: { latencyMs: 20, jitterMs: 15 } }, undefined, {
    seed: 7,
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  try {
    const sent = new Uint8Array(200_000).map((_, i) => (i * 31 + (i >> 8)) & 255);
    // Written in small pieces so many chunks cross the link, each with its own jitter draw.
    const writer = (async () => {
      for (let off = 0; off < sent.length; off += 1000) {
        await conn.write(sent.subarray(off, off + 1000));
      }
    })();
    const back = await deadline(_readN(conn, sent.length), 20_000, "jittered echo");
    await writer;
    deepEqual(back, sent);
    equal(relay.stats.bytesForward, sent.length);
    equal(relay.stats.bytesBackward, sent.length);
  } finally {
    conn.close();
    await relay.close();
    await echo.close();
  }
});

Deno.test("relay: a 1 Mbit/s uplink paces 50 kB to at least 400 ms", async () => {
  const sink = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const relay = _relay((sink.addr as Deno.NetAddr).port, {
    shape: { latencyMs: 0 },
    up: new Pacer(1_000_000),
  }, { shape: { latencyMs: 0 } });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  try {
    const far = await deadline(sink.accept(), 5000, "accept");
    const bytes = 50_000;
    const t0 = performance.now();
    await conn.write(new Uint8Array(bytes));
    await deadline(_readN(far, bytes), 10_000, "paced bytes");
    const ms = performance.now() - t0;
    // 50,000 bytes * 8 / 1 Mbit/s = 400 ms.
    ok(ms >= 395, `50 kB crossed a 1 Mbit/s link in ${ms.toFixed(0)} ms`);
    ok(ms < 400 + SLACK_MS * 2, `pacing took ${ms.toFixed(0)} ms, far over 400 ms`);
    far.close();
  } finally {
    conn.close();
    sink.close();
    await relay.close();
  }
});

Deno.test("relay: lost segments cost a round trip each", async () => {
  const echo = _echo();
  const relay = _relay(echo.port, { shape: { latencyMs: 10, loss: 0.5 } }, {
    shape: { latencyMs: 10 },
  }, { seed: 3 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  try {
    await conn.write(new Uint8Array([0]));
    await deadline(_readN(conn, 1), 5000, "first echo");
    const before = relay.stats.segmentsLost;
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      await conn.write(new Uint8Array([i]));
      await deadline(_readN(conn, 1), 5000, "echo");
    }
    const ms = performance.now() - t0;
    const lost = relay.stats.segmentsLost - before;
    ok(lost > 0, "at 50 % loss, ten one-segment messages lost none");
    // Ten round trips of 20 ms, plus 20 ms per lost segment.
    const modelled = 10 * 20 + lost * 20;
    ok(ms >= modelled - 2, `${ms.toFixed(0)} ms for ${lost} losses, model says ${modelled}`);
  } finally {
    conn.close();
    await relay.close();
    await echo.close();
  }
});

Deno.test("relay: when one side closes, the other side sees the end", async () => {
  const sink = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const relay = _relay((sink.addr as Deno.NetAddr).port, { shape: { latencyMs: 5 } });
  try {
    // The dialler closes: the target reads its last bytes, then EOF.
    const a = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    const far = await deadline(sink.accept(), 5000, "accept");
    await a.write(new TextEncoder().encode("bye"));
    a.close();
    deepEqual(await deadline(_readN(far, 3), 5000, "last bytes"), new TextEncoder().encode("bye"));
    equal(await deadline(far.read(new Uint8Array(8)), 5000, "EOF at the target"), null);
    far.close();
    // The target closes: the dialler reads EOF.
    const b = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    const far2 = await deadline(sink.accept(), 5000, "accept 2");
    far2.close();
    equal(await deadline(b.read(new Uint8Array(8)), 5000, "EOF at the dialler"), null);
    b.close();
    ok(await _until(() => relay.stats.open === 0), "the relay still holds a connection");
  } finally {
    sink.close();
    await relay.close();
  }
});

Deno.test("relay: a dialler to a closed target port is closed", async () => {
  const gone = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (gone.addr as Deno.NetAddr).port;
  gone.close();
  const relay = _relay(port, { shape: { latencyMs: 0 } });
  try {
    const a = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    const got = await deadline(
      a.read(new Uint8Array(8)).catch(() => null),
      5000,
      "close of a refused link",
    );
    equal(got, null);
    a.close();
  } finally {
    await relay.close();
  }
});

Deno.test("relay: a fast writer on a slow link never makes it hold more than its bound", async () => {
  const sink = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const max = 64 * 1024;
  const relay = _relay(
    (sink.addr as Deno.NetAddr).port,
    {
      shape: { latencyMs: 0 },
      up: new Pacer(8_000_000), // 1 MB/s
    },
    { shape: { latencyMs: 0 } },
    { maxBufferedBytes: max },
  );
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  try {
    const far = await deadline(sink.accept(), 5000, "accept");
    const total = 600_000;
    // The writer pushes as fast as TCP lets it; the reader drains at the link's pace.
    const writer = (async () => {
      const piece = new Uint8Array(32 * 1024);
      for (let sent = 0; sent < total; sent += piece.length) {
        await conn.write(piece.subarray(0, Math.min(piece.length, total - sent)));
      }
    })();
    await deadline(_readN(far, total), 15_000, "slow link drained");
    await writer;
    ok(relay.stats.peakBufferedBytes <= max, `held ${relay.stats.peakBufferedBytes} > ${max}`);
    ok(relay.stats.peakBufferedBytes > 0);
    far.close();
  } finally {
    conn.close();
    sink.close();
    await relay.close();
  }
});

async function _until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

Deno.test("relay: with a source address the target sees it, bytes intact both ways", async () => {
  // The namespace path's relays connect from the dialler's alias, so the target's kernel
  // classes tell the links apart (node:net under the hood: Deno.connect binds no address).
  const target = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const relay = LinkRelay.start({
    listen: { hostname: "127.0.0.1", port: 0 },
    target: { hostname: "127.0.0.1", port: (target.addr as Deno.NetAddr).port },
    source: "127.0.0.77",
    forward: { shape: { latencyMs: 0 } },
    backward: { shape: { latencyMs: 0 } },
  });
  const served = (async () => {
    const c = await target.accept();
    const from = (c.remoteAddr as Deno.NetAddr).hostname;
    const data = new Uint8Array(300_000);
    let n = 0;
    // Bounded by the dialler: it sends 300 kB, then ends its side.
    while (n < data.length) {
      const r = await c.read(data.subarray(n));
      if (r === null) break;
      n += r;
    }
    let off = 0;
    while (off < n) off += await c.write(data.subarray(off, n).map((b) => b ^ 0xff));
    c.close();
    return { from, n };
  })();
  served.catch(() => {});
  try {
    const a = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    const sent = new Uint8Array(300_000).map((_, i) => i % 251);
    let off = 0;
    while (off < sent.length) off += await a.write(sent.subarray(off));
    const back = new Uint8Array(sent.length);
    let n = 0;
    // Bounded by the target: it echoes what it got, then closes.
    while (n < back.length) {
      const r = await deadline(a.read(back.subarray(n)), 10_000, "echo through the relay");
      if (r === null) break;
      n += r;
    }
    a.close();
    const { from, n: got } = await deadline(served, 10_000, "target");
    equal(from, "127.0.0.77");
    equal(got, sent.length);
    equal(n, sent.length);
    ok(back.every((b, i) => b === (sent[i] ^ 0xff)), "bytes intact, in order");
  } finally {
    await relay.close();
    target.close();
  }
});

Deno.test("relay: with choose, each dialler gets its own link and strangers are closed", async () => {
  // The namespace path's one relay into a node: the link (shape, source) is picked by the
  // dialler's address, and a dialler that is no host of the run is closed unserved.
  const echo = _echo();
  const relay = _relay(echo.port, { shape: { latencyMs: 0 } }, undefined, {
    choose: (dialler) =>
      dialler === "127.0.0.1"
        ? { forward: { shape: { latencyMs: 100 } }, backward: { shape: { latencyMs: 50 } } }
        : null,
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  const { connect } = await import("node:net");
  const stranger = connect({ host: "127.0.0.1", port: relay.port, localAddress: "127.0.0.5" });
  const closed = new Promise<number>((resolve) => {
    let got = 0;
    stranger.on("data", (d: Uint8Array) => got += d.length);
    stranger.on("close", () => resolve(got));
    stranger.on("error", () => {});
  });
  try {
    await conn.write(new Uint8Array([1]));
    await deadline(_readN(conn, 1), 5000, "first echo");
    const t0 = performance.now();
    await conn.write(new Uint8Array([2]));
    await deadline(_readN(conn, 1), 5000, "echo");
    const rtt = performance.now() - t0;
    ok(rtt >= 149, `round trip ${rtt.toFixed(1)} ms is shorter than the chosen 100 + 50 ms`);
    equal(await deadline(closed, 5000, "stranger closed"), 0, "the stranger got no byte");
    equal(relay.stats.refused, 1);
    equal(relay.stats.connections, 1);
  } finally {
    stranger.destroy();
    conn.close();
    await relay.close();
    await echo.close();
  }
});
