/**
 * IPC tokens: random secrets kept in files readable only by their owner.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";

/** Generate a random 256-bit token as hex. */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Read the token at `path`, creating it (mode 0600, parent folders too) when absent.
 * An existing file is tightened to 0600.
 */
export async function ensureTokenFile(path: string): Promise<string> {
  const dir = path.replace(/\/[^/]*$/, "");
  if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const token = generateToken();
    await Deno.writeTextFile(path, token + "\n", { createNew: true, mode: 0o600 });
    return token;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  await Deno.chmod(path, 0o600);
  return await readTokenFile(path);
}

/** Read a token file; the token is its first line. */
export async function readTokenFile(path: string): Promise<string> {
  const token = (await Deno.readTextFile(path)).split("\n")[0].trim();
  if (!token) throw new Error(`token file ${path} is empty`);
  return token;
}

/** Compare two tokens in constant time. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
