/**
 * API keys of `hive proxy`: each client has its own named key with a scope (`read` or `write`;
 * write includes read). The keys file holds only SHA-256 hashes of keys, so reading it does not
 * give a key away; `HIVE_PROXY_KEYS` (`name:scope:key,...`) is for deployments that inject
 * secrets through the environment and is hashed in memory at start.
 *
 * A plain SHA-256 is enough here because keys are 256-bit random values, not passwords: there is
 * no dictionary to try, so a slow KDF would only slow every request down. A presented key is
 * hashed once and compared with every stored hash with `timingSafeEqual` (no early exit), so the
 * time taken says nothing about which key came close.
 *
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { ConfigError, parseWith } from "../../core/errors.ts";

/** What a key may do. */
export const SCOPES = ["read", "write"] as const;
/** One of {@link SCOPES}. */
export type Scope = typeof SCOPES[number];

/** A key's name: it becomes the `hive.owner` label and appears in the audit log. */
export const keyNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/, {
  error: "expected a key name of a-z, 0-9, _ and -, 1..63 characters",
});

const _hashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, {
  error: "expected sha256:<64 hex digits>",
});

/** The keys file: names, scopes and hashes, never keys. */
export const keysFileSchema = z.strictObject({
  keys: z.array(z.strictObject({
    name: keyNameSchema,
    scope: z.enum(SCOPES),
    hash: _hashSchema,
    created: z.string().optional(),
  })).default([]),
});

/** Who is calling. */
export interface Principal {
  /** The key's name. */
  name: string;
  /** What it may do. */
  scope: Scope;
}

interface _Entry extends Principal {
  hash: Buffer;
}

/** `sha256:<hex>` of a key. */
export function hashKey(key: string): string {
  return "sha256:" + createHash("sha256").update(key).digest("hex");
}

/** A new random key: `hive_` and 43 base64url characters (256 bits). */
export function generateKey(): string {
  return "hive_" + randomBytes(32).toString("base64url");
}

/** The set of keys a proxy accepts. */
export class KeyRing {
  readonly #entries: _Entry[] = [];
  readonly #verified = new Map<string, Principal>();

  /** Add a key by its hash (`sha256:<hex>`). A name may appear once. */
  addHash(name: string, scope: Scope, hash: string): void {
    if (this.#entries.some((e) => e.name === name)) {
      throw new ConfigError(`key ${name}: defined twice`);
    }
    this.#entries.push({ name, scope, hash: Buffer.from(hash.slice("sha256:".length), "hex") });
  }

  /** Add a key given in clear (from `HIVE_PROXY_KEYS`). */
  addKey(name: string, scope: Scope, key: string): void {
    this.addHash(name, scope, hashKey(key));
  }

  /** Number of keys. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * The principal of a presented key, or null. A key not seen before is hashed and compared with
   * every stored hash, taking the same time whichever key is close. Keys that verified are
   * remembered (up to 1024), so a client's next request skips the hash: only a caller who
   * already holds a valid key can observe that shortcut.
   */
  verify(presented: string): Principal | null {
    const known = this.#verified.get(presented);
    if (known) return known;
    if (presented.length === 0 || presented.length > 512) return null;
    const digest = createHash("sha256").update(presented).digest();
    let found: _Entry | null = null;
    for (const entry of this.#entries) {
      if (timingSafeEqual(digest, entry.hash) && found === null) found = entry;
    }
    if (!found) return null;
    const principal = { name: found.name, scope: found.scope };
    if (this.#verified.size >= 1024) this.#verified.clear();
    this.#verified.set(presented, principal);
    return principal;
  }
}

/**
 * The key a request presents (`Authorization: Bearer <key>`, else `X-API-Key`): null for none,
 * "" for an Authorization header that is not a bearer token.
 */
export function presentedKey(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match ? match[1] : "";
  }
  return headers.get("x-api-key");
}

/**
 * Parse `HIVE_PROXY_KEYS`: `name:scope:key` entries separated by commas. Keys must be at least
 * 24 characters so a short guessable one is never accepted.
 */
export function parseEnvKeys(text: string, ring: KeyRing): void {
  const entries = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  entries.forEach((entry, i) => {
    const [name, scope, ...rest] = entry.split(":");
    const key = rest.join(":");
    const where = `HIVE_PROXY_KEYS[${i}]`;
    parseWith(keyNameSchema, name, { what: `${where} name` });
    if (!SCOPES.includes(scope as Scope)) {
      throw new ConfigError(`${where}: scope must be read or write, got ${JSON.stringify(scope)}`);
    }
    if (!/^[\x21-\x7e]{24,512}$/.test(key)) {
      throw new ConfigError(`${where} (${name}): expected a key of 24..512 printable characters`);
    }
    ring.addKey(name, scope as Scope, key);
  });
}

/** Read a keys file into `ring`; a missing file adds nothing. */
export async function loadKeysFile(path: string, ring: KeyRing): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw new ConfigError(`keys file ${path}: ${error}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(`keys file ${path}: not YAML: ${error}`);
  }
  const file = parseWith(keysFileSchema, raw, { what: `keys file ${path}` });
  for (const k of file.keys) ring.addHash(k.name, k.scope, k.hash);
}

/**
 * Add a new key to the keys file (created with mode 0600 if missing) and return the key, which
 * is shown once and stored nowhere.
 */
export async function addKeyToFile(
  path: string,
  options: { name: string; scope: Scope },
): Promise<string> {
  parseWith(keyNameSchema, options.name, { what: "key name" });
  let file: z.output<typeof keysFileSchema> = { keys: [] };
  try {
    file = parseWith(keysFileSchema, parseYaml(await Deno.readTextFile(path)) ?? {}, {
      what: `keys file ${path}`,
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (file.keys.some((k) => k.name === options.name)) {
    throw new ConfigError(`keys file ${path}: a key named ${options.name} exists already`);
  }
  const key = generateKey();
  file.keys.push({
    name: options.name,
    scope: options.scope,
    hash: hashKey(key),
    created: new Date().toISOString(),
  });
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (dir) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeTextFile(tmp, stringifyYaml(file), { mode: 0o600 });
  await Deno.rename(tmp, path);
  return key;
}
