/**
 * Role-encrypted shared documents: sealing (age + Ed25519), opening, and the replicated store.
 *
 * @example
 * ```ts
 * import { DocumentStore, openDocument, sealDocument } from "./mod.ts";
 * ```
 * @module
 */
export * from "./document.ts";
export * from "./store.ts";
