/**
 * Role-based access control: config maps each role to capabilities and to topic patterns it
 * may publish and subscribe on. Both ends enforce it: a sender refuses before publishing (with a
 * message naming the role and the rule), and a receiver drops what a role may not publish.
 *
 * Patterns match `/`-separated segments: `*` is exactly one segment, `**` is any number of
 * segments (zero included), anything else matches itself. So `/hive/chat/*` matches
 * `/hive/chat/general` but not `/hive/chat/a/b`, and `/hive/tasks/**` matches `/hive/tasks`
 * and everything below it.
 *
 * @example
 * ```ts
 * import { Rbac } from "./rbac.ts";
 * const rbac = new Rbac(config.rbac);
 * const denied = rbac.publishDenial("observer", "/hive/chat/general");
 * if (denied) throw new Error(denied); // role observer may not publish on /hive/chat/general ...
 * ```
 * @module
 */
import { z } from "zod";

const _patternSchema = z.string().regex(/^\/[^\s]*$/, {
  error: "expected a topic pattern starting with / (segments, * or **)",
});

/** One role's rights. */
export const roleRulesSchema = z.strictObject({
  description: z.string().max(200).default(""),
  capabilities: z.array(z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/)).max(64).default([]),
  publish: z.array(_patternSchema).max(64).default([]),
  subscribe: z.array(_patternSchema).max(64).default([]),
});
/** One role's rights. */
export type RoleRules = z.output<typeof roleRulesSchema>;

/** Roles shipped by default; a config's `rbac.roles` replaces them as a whole. */
export const DEFAULT_ROLES: Record<string, z.input<typeof roleRulesSchema>> = {
  admin: {
    description: "everything",
    capabilities: ["chat", "tasks", "documents.read", "documents.write", "admin"],
    publish: ["/hive/**"],
    subscribe: ["/hive/**"],
  },
  operator: {
    description: "people who run the mesh: chat, tasks, documents",
    capabilities: ["chat", "tasks", "documents.read", "documents.write"],
    publish: ["/hive/agents", "/hive/chat/*", "/hive/tasks/**", "/hive/docs"],
    subscribe: ["/hive/**"],
  },
  agent: {
    description: "autonomous agents on a host (their own topics included): any /hive topic",
    capabilities: ["chat", "tasks", "documents.read", "documents.write"],
    publish: ["/hive/**"],
    subscribe: ["/hive/**"],
  },
  observer: {
    description: "read-only: may announce itself, read chat and fetch documents",
    capabilities: ["documents.read"],
    publish: ["/hive/agents", "/hive/docs"],
    subscribe: ["/hive/agents", "/hive/chat/*", "/hive/docs"],
  },
};

/** The `rbac` section of the config. */
export const rbacConfigSchema = z.strictObject({
  roles: z.record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, {
      error: "expected a role name of a-z, 0-9, - and _",
    }),
    roleRulesSchema,
  ).default(() =>
    Object.fromEntries(
      Object.entries(DEFAULT_ROLES).map(([k, v]) => [k, roleRulesSchema.parse(v)]),
    )
  ),
}).prefault({});
/** A loaded `rbac` section. */
export type RbacConfig = z.output<typeof rbacConfigSchema>;

/** Does `topic` match `pattern` (`*` one segment, `**` any number)? */
export function topicMatches(pattern: string, topic: string): boolean {
  return _match(pattern.split("/"), 0, topic.split("/"), 0);
}

function _match(p: string[], i: number, t: string[], j: number): boolean {
  while (i < p.length) {
    const seg = p[i];
    if (seg === "**") {
      if (i === p.length - 1) return true;
      for (let k = j; k <= t.length; k++) if (_match(p, i + 1, t, k)) return true;
      return false;
    }
    if (j >= t.length) return false;
    if (seg === "*" ? t[j] === "" : seg !== t[j]) return false;
    i++;
    j++;
  }
  return j === t.length;
}

/** Checks roles' rights against topics. */
export class Rbac {
  readonly #roles: Map<string, RoleRules>;

  constructor(config: RbacConfig) {
    this.#roles = new Map(Object.entries(config.roles));
  }

  /** Role names known to the config. */
  roles(): string[] {
    return [...this.#roles.keys()].sort();
  }

  /** A role's rules, or undefined when the config has no such role. */
  rules(role: string): RoleRules | undefined {
    return this.#roles.get(role);
  }

  /** Capabilities of `role` (none for an unknown role). */
  capabilities(role: string): string[] {
    return [...(this.#roles.get(role)?.capabilities ?? [])];
  }

  /** Does `role` have `capability`? */
  can(role: string, capability: string): boolean {
    return this.#roles.get(role)?.capabilities.includes(capability) ?? false;
  }

  /** Null when `role` has `capability`, else a message naming the role and the rule. */
  capabilityDenial(role: string, capability: string): string | null {
    if (this.can(role, capability)) return null;
    return `role ${role} lacks ${capability}: rbac.roles.${role}.capabilities is ` +
      `${this.#roles.get(role)?.capabilities.join(", ") || "empty"}`;
  }

  /** Null when `role` may publish on `topic`, else a message naming the role and its rules. */
  publishDenial(role: string, topic: string): string | null {
    return this.#denial("publish", role, topic);
  }

  /** Null when `role` may subscribe to `topic`, else a message naming the role and its rules. */
  subscribeDenial(role: string, topic: string): string | null {
    return this.#denial("subscribe", role, topic);
  }

  #denial(action: "publish" | "subscribe", role: string, topic: string): string | null {
    const rules = this.#roles.get(role);
    if (!rules) {
      return `role ${role} is not in the rbac config (roles: ${this.roles().join(", ") || "none"})`;
    }
    const patterns = rules[action];
    if (patterns.some((p) => topicMatches(p, topic))) return null;
    const allowed = patterns.length ? patterns.join(", ") : "nothing";
    return `role ${role} may not ${action} on ${topic}: rbac.roles.${role}.${action} allows ${allowed}`;
  }
}
