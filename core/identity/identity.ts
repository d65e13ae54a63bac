/**
 * Agent identity shared by `hive host` and `hive hap`: an id, a role and its capabilities, a
 * kind (`agent` for autonomous agents, `hap` for people), an Ed25519 key that signs every
 * message and an X25519 key (an age identity) that opens documents encrypted to the role.
 *
 * The keys live in a key file created with mode 0600. A key file that group or others can read
 * is refused: a leaked signing key lets anyone speak as this agent.
 *
 * @example
 * ```ts
 * import { loadOrCreateIdentity } from "./identity.ts";
 * const me = await loadOrCreateIdentity({
 *   path: "/tmp/hap.key",
 *   kind: "hap",
 *   role: "operator",
 *   capabilities: ["chat"],
 * });
 * console.log(me.id, me.recipient); // hap-3f9a1c2b age1...
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { z } from "zod";
import { ConfigError, HiveError, parseWith } from "../errors.ts";
import { AGENT_KINDS, agentIdSchema, type AgentKind } from "./names.ts";

export {
  AGENT_KINDS,
  agentIdSchema,
  type AgentKind,
  capabilitySchema,
  roleNameSchema,
} from "./names.ts";

const _b64Key = (bytes: number) =>
  z.string().refine((s) => _isBase64(s, bytes), {
    error: `expected ${bytes} bytes in base64`,
  });

/** The key file's content (JSON). */
export const keyFileSchema = z.strictObject({
  version: z.literal(1),
  id: agentIdSchema,
  kind: z.enum(AGENT_KINDS),
  /** Ed25519 secret key (32 bytes, base64). */
  ed25519_secret: _b64Key(32),
  /** age X25519 identity (`AGE-SECRET-KEY-1...`). */
  x25519_identity: z.string().regex(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/, {
    error: "expected an age X25519 identity (AGE-SECRET-KEY-1...)",
  }),
  created_at: z.string(),
});
/** A parsed key file. */
export type KeyFile = z.output<typeof keyFileSchema>;

/** The public face of an identity: what others need to verify and encrypt to it. */
export interface AgentPublic {
  id: string;
  kind: AgentKind;
  role: string;
  capabilities: string[];
  /** Ed25519 public key, base64. */
  public_key: string;
  /** age recipient (`age1...`) of the X25519 key. */
  recipient: string;
}

/** A loaded identity with its secret keys. */
export interface AgentIdentity extends AgentPublic {
  /** Ed25519 secret key (32 bytes). */
  readonly secretKey: Uint8Array;
  /** Ed25519 public key (32 bytes). */
  readonly publicKey: Uint8Array;
  /** age X25519 identity string, for decrypting. */
  readonly ageIdentity: string;
  /** Key file path, or null for an identity made in memory. */
  readonly path: string | null;
}

/** A key file readable by group or others. Exits 2 (fix the file, then run again). */
export class KeyFilePermissionError extends HiveError {
  constructor(path: string, mode: number) {
    const octal = (mode & 0o777).toString(8).padStart(4, "0");
    super(
      `key file ${path} has mode ${octal}: group and others must not read a signing key; ` +
        `fix it with \`chmod 600 ${path}\` (or move it away to make a new identity)`,
      { code: "key_file_permissions", exitCode: 2 },
    );
  }
}

/** Options for {@link loadOrCreateIdentity}. */
export interface IdentityOptions {
  /** Key file path. Created (mode 0600) when missing. */
  path: string;
  /** Participant kind; a key file of another kind is refused. */
  kind: AgentKind;
  /** Role this identity acts in (from config). */
  role: string;
  /** Capabilities of the role (from the RBAC config). */
  capabilities: readonly string[];
  /** Agent id. Default: the key file's, or `<kind>-<8 hex of the public key>` for a new one. */
  id?: string;
  /**
   * Ed25519 secret key (32 bytes) a new key file takes instead of a fresh one, e.g. the key a
   * data dir's daemon already has, so the node keeps its peer id. Ignored when the file exists.
   */
  secretKey?: Uint8Array;
}

/**
 * Secret and public keys of a fresh identity, as a key file would hold them; the Ed25519 key is
 * `secretKey` when given (the X25519 key is always fresh).
 */
export async function generateKeyFile(
  kind: AgentKind,
  id?: string,
  secretKey?: Uint8Array,
): Promise<KeyFile> {
  if (secretKey !== undefined && secretKey.length !== 32) {
    throw new TypeError("expected a 32-byte Ed25519 secret key");
  }
  const secret = secretKey ?? ed25519.utils.randomSecretKey();
  const pub = ed25519.getPublicKey(secret);
  return {
    version: 1,
    id: id ?? defaultAgentId(kind, pub),
    kind,
    ed25519_secret: Buffer.from(secret).toString("base64"),
    x25519_identity: await generateX25519Identity(),
    created_at: new Date().toISOString(),
  };
}

/** `<kind>-<first 8 hex digits of sha256(public key)>`: stable and short. */
export function defaultAgentId(kind: AgentKind, publicKey: Uint8Array): string {
  return `${kind}-${Buffer.from(sha256(publicKey)).toString("hex").slice(0, 8)}`;
}

/** Build an identity from a key file's content (no disk access). */
export async function identityFromKeyFile(
  file: KeyFile,
  options: { role: string; capabilities: readonly string[]; path?: string | null },
): Promise<AgentIdentity> {
  const secretKey = new Uint8Array(Buffer.from(file.ed25519_secret, "base64"));
  const publicKey = ed25519.getPublicKey(secretKey);
  return {
    id: file.id,
    kind: file.kind,
    role: options.role,
    capabilities: [...options.capabilities],
    public_key: Buffer.from(publicKey).toString("base64"),
    recipient: await identityToRecipient(file.x25519_identity),
    secretKey,
    publicKey,
    ageIdentity: file.x25519_identity,
    path: options.path ?? null,
  };
}

/**
 * Read the key file at `options.path`, or create it (mode 0600) with fresh keys. Refuses a file
 * that group or others may read ({@link KeyFilePermissionError}), a file of another kind, and a
 * configured id that differs from the file's.
 */
export async function loadOrCreateIdentity(options: IdentityOptions): Promise<AgentIdentity> {
  let file: KeyFile;
  try {
    file = await readKeyFile(options.path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    file = await generateKeyFile(options.kind, options.id, options.secretKey);
    await _writeKeyFile(options.path, file);
  }
  if (file.kind !== options.kind) {
    throw new ConfigError(
      `key file ${options.path} belongs to a ${file.kind}, not a ${options.kind}; ` +
        `give this ${options.kind} a key file of its own`,
    );
  }
  if (options.id !== undefined && options.id !== file.id) {
    throw new ConfigError(
      `id: the key file ${options.path} is for "${file.id}", not "${options.id}"; ` +
        `drop the id setting or point key_file at another file`,
    );
  }
  return await identityFromKeyFile(file, { ...options, path: options.path });
}

/** Read and check a key file: mode first (so a loose file is refused before use), then content. */
export async function readKeyFile(path: string): Promise<KeyFile> {
  const info = await Deno.stat(path);
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new KeyFilePermissionError(path, info.mode);
  }
  let data: unknown;
  try {
    data = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new ConfigError(`key file ${path}: not JSON (${(error as Error).message})`);
  }
  return parseWith(keyFileSchema, data, { what: `key file ${path}` });
}

async function _writeKeyFile(path: string, file: KeyFile): Promise<void> {
  const dir = path.replace(/\/[^/]*$/, "");
  if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2) + "\n", {
    createNew: true,
    mode: 0o600,
  });
  // The umask may not reduce 0600 further, but an odd one could add nothing; be explicit.
  await Deno.chmod(path, 0o600);
}

/** The public part of an identity (safe to print and announce). */
export function publicOf(identity: AgentPublic): AgentPublic {
  const { id, kind, role, capabilities, public_key, recipient } = identity;
  return { id, kind, role, capabilities: [...capabilities], public_key, recipient };
}

function _isBase64(text: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false;
  return Buffer.from(text, "base64").length === bytes;
}
