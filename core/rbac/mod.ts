/**
 * Role-based access control over topics.
 *
 * @example
 * ```ts
 * import { Rbac, rbacConfigSchema } from "./mod.ts";
 * const rbac = new Rbac(rbacConfigSchema.parse({}));
 * rbac.publishDenial("operator", "/hive/chat/general"); // null: allowed
 * ```
 * @module
 */
export * from "./rbac.ts";
