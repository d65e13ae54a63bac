/**
 * What the chat agent reads from outside, in one place: the payload published on a room topic,
 * the frames a browser sends on `/ws/chat`, and the body of `POST /agents/chat/send`. Each is
 * checked here before the agent acts on it; errors name the field and a short prefix of the value.
 *
 * @example
 * ```ts
 * import { parseWire, sendBodyProblem } from "./chat_wire.ts";
 * parseWire('{"v":1,"text":"hi","sent_at":"2026-12-01T00:00:00Z"}'); // {v:1, text:"hi", ...}
 * sendBodyProblem({ type: "join" }); // 'type: expected "send" or nothing, got "join"'
 * ```
 * @module
 */
import { z } from "zod";
import { describeValue } from "../../core/errors.ts";
import { roomSchema } from "./config.ts";

/** Longest chat message, in characters. */
export const MAX_TEXT = 2000;

/** The JSON payload published on a room topic (more fields, e.g. a portal's template, pass). */
export const chatWireSchema = z.object({
  v: z.literal(1),
  text: z.string().min(1).max(MAX_TEXT),
  sent_at: z.iso.datetime(),
  /** The sender's message id: the same on every retry, so receivers drop repeats. */
  mid: z.string().min(1).max(64).optional(),
});

/** A frame from a browser. */
export const chatClientFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("send"),
    room: roomSchema,
    text: z.string().trim().min(1, { error: "expected a non-empty message" }).max(MAX_TEXT),
  }),
  z.strictObject({ type: z.literal("join"), room: roomSchema }),
], { error: 'expected {type:"send",room,text} or {type:"join",room}' });

/** A room payload, or null when it is not one of ours. */
export function parseWire(text: string): z.output<typeof chatWireSchema> | null {
  try {
    const parsed = chatWireSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Why a `POST /send` body is refused before validation (not an object, a foreign `type`), or null. */
export function sendBodyProblem(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return `expected a JSON object {room, text}, got ${describeValue(body)}`;
  }
  const type = (body as { type?: unknown }).type;
  if (type !== undefined && type !== "send") {
    return `type: expected "send" or nothing, got ${describeValue(type)}`;
  }
  return null;
}

const _SEEN_LIMIT = 4096;

/** Add `id` to `seen`, forgetting the oldest beyond 4,096 ids (a Set iterates in insertion order). */
export function rememberId(seen: Set<string>, id: string): void {
  seen.add(id);
  if (seen.size > _SEEN_LIMIT) seen.delete(seen.values().next().value!);
}
