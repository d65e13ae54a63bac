/** The monerod/wallet RPC clients validate replies: a wrong field names its path and value. */
import { equal, match } from "@std/assert";
import {
  DEFAULT_MINER_ADDRESS,
  MonerodRpc,
  RpcError,
} from "../../../../adapters/engine/local/rpc.ts";
import { rejection } from "../../../_helpers.ts";
const _ADDR = DEFAULT_MINER_ADDRESS;

Deno.test("RPC replies are validated: a wrong field names its path and value", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    if (new URL(req.url).pathname === "/get_info") {
      return Response.json({ status: "OK", height: "tall", top_block_hash: "x" });
    }
    const method = JSON.parse(body).method;
    if (method === "generateblocks") {
      return Response.json({ jsonrpc: "2.0", id: "0", error: { code: -7, message: "boom" } });
    }
    return new Response("not json", { status: 200 });
  });
  try {
    const rpc = new MonerodRpc({ url: `http://127.0.0.1:${server.addr.port}` });
    const e1 = await rejection(rpc.getInfo(), RpcError);
    match(e1.message, /height: expected number, got "tall"/);
    const e2 = await rejection(rpc.generateBlocks(1, _ADDR), RpcError);
    equal(e2.rpcCode, -7);
    match(e2.message, /generateblocks: boom/);
    const e3 = await rejection(rpc.getBans(), RpcError);
    match(e3.message, /not JSON/);
    const gone = new MonerodRpc({ url: "http://127.0.0.1:1", timeoutMs: 2000 });
    match((await rejection(gone.getInfo(), RpcError)).message, /unreachable/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("get_info: a peer count wrapped below zero reads as 0, a real count passes", async () => {
  const replies = [
    // monerod's unsigned counter after a ban dropped connections: 2^64 - 1 as a JSON number
    '{"status":"OK","height":5,"top_block_hash":"ab","incoming_connections_count":18446744073709551615,"outgoing_connections_count":2}',
    '{"status":"OK","height":5,"top_block_hash":"ab","incoming_connections_count":3,"outgoing_connections_count":-1}',
  ];
  let next = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(replies[next++], { headers: { "content-type": "application/json" } }),
  );
  try {
    const rpc = new MonerodRpc({ url: `http://127.0.0.1:${server.addr.port}` });
    const info = await rpc.getInfo();
    equal(info.incoming_connections_count, 0);
    equal(info.outgoing_connections_count, 2);
    const e = await rejection(rpc.getInfo(), RpcError);
    match(e.message, /outgoing_connections_count/);
  } finally {
    await server.shutdown();
  }
});
