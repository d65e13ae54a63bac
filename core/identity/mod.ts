/**
 * Agent identity: keys, key files, and the registry of announced agent records.
 *
 * @example
 * ```ts
 * import { AgentRegistry, loadOrCreateIdentity } from "./mod.ts";
 * const me = await loadOrCreateIdentity({ path: "hap.key", kind: "hap", role: "operator", capabilities: [] });
 * const registry = new AgentRegistry();
 * ```
 * @module
 */
export * from "./identity.ts";
export * from "./registry.ts";
export * from "./instance.ts";
export * from "./peer_key.ts";
