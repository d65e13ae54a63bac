/**
 * Inter-process communication: JSON frames over one persistent WebSocket per client.
 *
 * @example
 * ```ts
 * import { IpcClient, IpcServer } from "./mod.ts";
 * import { z } from "zod";
 * const server = await IpcServer.listen({ token: "t" });
 * server.handle("echo", z.object({ text: z.string() }), ({ text }) => ({ text }));
 * const client = await IpcClient.connect({ url: server.url, token: "t" });
 * console.log(await client.request("echo", { text: "hi" })); // { text: "hi" }
 * ```
 * @module
 */
export * from "./protocol.ts";
export * from "./server.ts";
export * from "./client.ts";
export * from "./token.ts";
export { padFrame } from "./transport.ts";
