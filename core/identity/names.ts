/**
 * The names an identity is made of (kind, agent id, role, capability), apart from the keys, so
 * that config schemas can check them without loading any cryptography at start-up.
 *
 * @module
 */
import { z } from "zod";

/** Kinds of participant: autonomous agents (`hive host`) and humans (`hive hap`). */
export const AGENT_KINDS = ["agent", "hap"] as const;
/** A participant kind. */
export type AgentKind = typeof AGENT_KINDS[number];

/** An agent id: a letter or digit, then letters, digits, `.`, `_` or `-` (64 at most). */
export const agentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  error:
    "expected an id of letters, digits, '.', '_' and '-' (1..64, starting with a letter or digit)",
});
/** A role name: lower-case letters, digits, `-` and `_`. */
export const roleNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, {
  error: "expected a role name of a-z, 0-9, - and _ (1..32, starting with a letter)",
});
/** A capability name such as `chat` or `documents.write`. */
export const capabilitySchema = z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, {
  error: "expected a capability name of a-z, 0-9, '.', '_' and '-'",
});

/** Default HTTP port (health, metrics, UI) of each kind: distinct so both run on one machine. */
export const DEFAULT_HTTP_PORTS: Record<AgentKind, number> = { agent: 8787, hap: 8789 };
