/**
 * Signed envelopes: sign on send, verify (signature, pinned key, topic, clock skew, replay,
 * RBAC) on receive, with drops counted per reason.
 *
 * @example
 * ```ts
 * import { encodeEnvelope, EnvelopeVerifier, signEnvelope } from "./mod.ts";
 * const wire = encodeEnvelope(signEnvelope(me, { topic: "/hive/chat/general", payload: "hi" }));
 * const result = new EnvelopeVerifier().verify(wire, "/hive/chat/general");
 * ```
 * @module
 */
export * from "./envelope.ts";
export * from "./verifier.ts";
export * from "./signed_pubsub.ts";
