import { equal, match, ok, throws } from "@std/assert";
import { type HttpServerHandle, serveHttp, upgradeWebSocket } from "../../../core/http/server.ts";
import type { HttpLimits } from "../../../core/http/limits.ts";
import { deadline, frame, rawExchange, RawWebSocket, readUntilClosed, statusOf } from "./_raw.ts";

const MiB = 1024 * 1024;

/** A server that echoes bodies and WebSocket messages; `fn` runs with it and it is shut down. */
async function withServer(
  limits: Partial<HttpLimits>,
  fn: (server: HttpServerHandle) => Promise<void>,
): Promise<void> {
  const server = await serveHttp({
    port: 0,
    limits,
    fetch: async (request, info) => {
      const url = new URL(request.url);
      if (url.pathname === "/ws") {
        const { socket, response } = upgradeWebSocket(request);
        socket.onmessage = (event) => {
          socket.send(typeof event.data === "string" ? `echo ${event.data}` : event.data);
        };
        return response;
      }
      if (url.pathname === "/refuse-ws") return new Response("no\n", { status: 403 });
      if (url.pathname === "/ignore-body") return new Response("ignored\n");
      if (request.method === "POST") {
        const text = await request.text();
        return Response.json({ bytes: text.length });
      }
      const addr = info.remoteAddr as Deno.NetAddr;
      return Response.json({ host: url.host, remote: addr.hostname ?? "unix" });
    },
  });
  try {
    await fn(server);
  } finally {
    await deadline(server.shutdown(), 5000, "shutdown");
  }
}

Deno.test("serveHttp answers like Deno.serve: the client's Host in the URL, its address in info", async () => {
  await withServer({}, async (server) => {
    const res = await deadline(fetch(`${server.origin}/x`), 5000, "GET");
    const body = await res.json();
    equal(body.host, `127.0.0.1:${server.port}`);
    equal(body.remote, "127.0.0.1");
    const post = await fetch(`${server.origin}/`, { method: "POST", body: "x".repeat(1000) });
    equal((await post.json()).bytes, 1000);
  });
});

Deno.test("a Content-Length over the limit gets 413 at once, before any body is sent", async () => {
  await withServer({ maxBodyBytes: MiB, bodyTimeoutMs: 30_000 }, async (server) => {
    const started = Date.now();
    const answer = await rawExchange(
      server.port,
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${60 * MiB}\r\n\r\n`,
      3000,
    );
    equal(statusOf(answer), 413, answer);
    match(answer, /exceeds the limit of 1048576/);
    ok(Date.now() - started < 2000, "answered without waiting for the body");
    equal(server.stats().refused.body_too_large, 1);
  });
});

Deno.test("a chunked body is counted while read and cut off with 413 past the limit", async () => {
  await withServer({ maxBodyBytes: 64 * 1024 }, async (server) => {
    const chunk = new Uint8Array(16 * 1024).fill(120);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Ends on its own after 8 MiB so the test cannot send for ever.
        if (sent >= 8 * MiB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await deadline(
      fetch(`${server.origin}/`, { method: "POST", body }).catch((e) => e as Error),
      5000,
      "chunked POST",
    );
    if (res instanceof Response) {
      equal(res.status, 413);
      await res.body?.cancel();
    }
    ok(sent < 8 * MiB, `the server stopped reading (client sent ${sent} bytes)`);
    equal(server.stats().refused.body_too_large, 1);
  });
});

Deno.test("slowloris: a declared body that never comes gets 408 after the body timeout", async () => {
  await withServer({ bodyTimeoutMs: 300 }, async (server) => {
    const started = Date.now();
    const answer = await rawExchange(
      server.port,
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc",
      3000,
    );
    equal(statusOf(answer), 408, answer);
    ok(Date.now() - started >= 250);
    equal(server.stats().refused.body_timeout, 1);
    equal(server.stats().connections, 0);
  });
});

Deno.test("a handler that ignores a body that never comes does not keep the connection", async () => {
  await withServer({ bodyTimeoutMs: 300 }, async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(new TextEncoder().encode(
      "POST /ignore-body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n",
    ));
    const answer = await readUntilClosed(conn, 3000, "connection close");
    match(answer, /ignored/);
  });
});

Deno.test("headers that never finish get 408 after the header timeout", async () => {
  await withServer({ headersTimeoutMs: 300 }, async (server) => {
    const answer = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", 3000);
    equal(statusOf(answer), 408, answer);
    equal(server.stats().refused.headers_timeout, 1);
  });
});

Deno.test("an idle keep-alive connection is closed after the header timeout", async () => {
  await withServer({ headersTimeoutMs: 300 }, async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const answer = await readUntilClosed(conn, 3000, "idle close");
    equal(statusOf(answer), 200);
  });
});

Deno.test("oversized request headers get 431", async () => {
  await withServer({ maxHeaderBytes: 4096 }, async (server) => {
    const answer = await rawExchange(
      server.port,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(8000)}\r\n\r\n`,
      3000,
    );
    equal(statusOf(answer), 431, answer);
  });
});

Deno.test("one connection over the cap gets 503 and is closed; the others keep working", async () => {
  await withServer({ maxConnections: 2 }, async (server) => {
    const held = [
      await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
      await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
    ];
    try {
      ok(await waitForStat(() => server.stats().connections === 2));
      const answer = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
      equal(statusOf(answer), 503, answer);
      match(answer, /2 connections are open/);
      equal(server.stats().refused.busy, 1);
    } finally {
      for (const c of held) c.close();
    }
    ok(await waitForStat(() => server.stats().connections === 0));
    const res = await deadline(fetch(`${server.origin}/`), 3000, "GET after the cap");
    equal(res.status, 200);
    await res.body?.cancel();
  });
});

Deno.test("WebSocket: text comes as a string, binary as an ArrayBuffer, from a real client", async () => {
  await withServer({}, async (server) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    socket.binaryType = "arraybuffer";
    const got: unknown[] = [];
    const done = Promise.withResolvers<void>();
    socket.onopen = () => {
      socket.send("hi");
      socket.send(new Uint8Array([1, 2, 3]));
    };
    socket.onmessage = (event) => {
      got.push(event.data);
      if (got.length === 2) done.resolve();
    };
    socket.onerror = () => done.reject(new Error("socket error"));
    try {
      await deadline(done.promise, 5000, "two echoes");
    } finally {
      socket.close();
    }
    equal(got[0], "echo hi");
    ok(got[1] instanceof ArrayBuffer);
    equal([...new Uint8Array(got[1] as ArrayBuffer)].join(","), "1,2,3");
  });
});

Deno.test("WebSocket: a frame announcing 60 MiB is refused with 1009 from its header alone", async () => {
  await withServer({ maxMessageBytes: MiB }, async (server) => {
    const ws = await RawWebSocket.open(server.port, "/ws");
    try {
      // Only the 14-byte header goes out: a server that waited for the payload would never close.
      await ws.write(frame(2, new Uint8Array(0), { length: 60 * MiB }));
      equal(await ws.closeCode(3000), 1009);
      match(ws.lastCloseReason, /message exceeds 1048576 bytes/);
    } finally {
      ws.close();
    }
  });
});

Deno.test("WebSocket: fragments that add up past the limit are refused with 1009", async () => {
  await withServer({ maxMessageBytes: 64 * 1024 }, async (server) => {
    const ws = await RawWebSocket.open(server.port, "/ws");
    try {
      const part = new Uint8Array(40 * 1024);
      await ws.write(frame(2, part, { fin: false }));
      await ws.write(frame(0, part, { fin: false }));
      equal(await ws.closeCode(3000), 1009);
    } finally {
      ws.close();
    }
  });
});

Deno.test("WebSocket: an unmasked client frame closes with 1002, bad UTF-8 with 1007", async () => {
  await withServer({}, async (server) => {
    const a = await RawWebSocket.open(server.port, "/ws");
    try {
      await a.send(1, new TextEncoder().encode("hello"), { mask: false });
      equal(await a.closeCode(3000), 1002);
      equal(a.lastCloseReason, "WebSocket protocol error");
    } finally {
      a.close();
    }
    const b = await RawWebSocket.open(server.port, "/ws");
    try {
      await b.send(1, new Uint8Array([0xc3, 0x28, 0xff]));
      equal(await b.closeCode(3000), 1007);
    } finally {
      b.close();
    }
  });
});

Deno.test("WebSocket: a handler that answers the upgrade with a refusal sends that refusal", async () => {
  await withServer({}, async (server) => {
    const refused = await RawWebSocket.open(server.port, "/refuse-ws").then(
      () => "opened",
      (e: Error) => e.message,
    );
    match(refused, /403/);
  });
});

Deno.test("WebSocket: a client that stops answering pings is dropped after idleTimeout", async () => {
  const server = await serveHttp({
    port: 0,
    fetch: (request) => upgradeWebSocket(request, { idleTimeout: 0.2 }).response,
  });
  try {
    const ws = await RawWebSocket.open(server.port, "/");
    try {
      const gone = await deadline(
        (async () => {
          let pings = 0;
          while (true) {
            const f = await ws.readFrame();
            if (f === null) return pings;
            if (f.opcode === 9) pings++;
          }
        })(),
        3000,
        "idle disconnect",
      );
      equal(gone, 1, "one unanswered ping, then the connection is dropped");
    } finally {
      ws.close();
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("WebSocket: shutdown closes open sockets with 1001", async () => {
  const server = await serveHttp({ port: 0, fetch: (r) => upgradeWebSocket(r).response });
  const ws = await RawWebSocket.open(server.port, "/");
  try {
    const code = ws.closeCode(3000);
    await deadline(server.shutdown(), 3000, "shutdown");
    equal(await code, 1001);
  } finally {
    ws.close();
  }
});

Deno.test("upgradeWebSocket refuses a request that serveHttp did not receive", () => {
  throws(
    () => upgradeWebSocket(new Request("http://x/", { headers: { upgrade: "websocket" } })),
    TypeError,
  );
});

Deno.test("serveHttp listens on a unix socket", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/http.sock`;
  const server = await serveHttp({ path, fetch: () => new Response("over unix\n") });
  try {
    equal(server.origin, `http+unix://${path}`);
    const conn = await Deno.connect({ transport: "unix", path });
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    );
    match(await readUntilClosed(conn, 3000, "unix answer"), /over unix/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

async function waitForStat(condition: () => boolean): Promise<boolean> {
  const until = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

Deno.test("a port in use rejects with Deno.errors.AddrInUse, as Deno.serve does", async () => {
  const first = await serveHttp({ port: 0, fetch: () => new Response("a") });
  try {
    const error = await serveHttp({ port: first.port, fetch: () => new Response("b") }).then(
      () => null,
      (e: unknown) => e,
    );
    ok(error instanceof Deno.errors.AddrInUse, String(error));
  } finally {
    await first.shutdown();
  }
});

Deno.test("WebSocket: the handler's onclose sees a violation at once, with its code", async () => {
  const closed = Promise.withResolvers<{ code: number; state: number }>();
  const server = await serveHttp({
    port: 0,
    limits: { maxMessageBytes: 1024 },
    fetch: (request) => {
      const { socket, response } = upgradeWebSocket(request);
      socket.onclose = (event) => closed.resolve({ code: event.code, state: socket.readyState });
      return response;
    },
  });
  try {
    const ws = await RawWebSocket.open(server.port, "/");
    try {
      await ws.write(frame(2, new Uint8Array(0), { length: 60 * MiB }));
      // Before the 1 s grace after which the server drops the socket.
      const seen = await deadline(closed.promise, 800, "server-side onclose");
      equal(seen.code, 1009);
      equal(seen.state, 3);
      equal(server.stats().websockets, 0);
    } finally {
      ws.close();
    }
  } finally {
    await server.shutdown();
  }
});
