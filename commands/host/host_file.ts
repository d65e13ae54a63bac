/**
 * `<data-dir>/host.json`: where a running host can be reached, like the daemon's `daemon.json`.
 * The host writes it once its HTTP port is bound (so `--port 0` is found) and removes it on a
 * clean stop; `hive host status|agents|agent` read it when no `--url` is given. A file left by a
 * killed host is recognised by its pid. Also here: why a data dir is busy, told before a second
 * host spawns a daemon that could only fail on the daemon's lock.
 *
 * @module
 */
import { z } from "zod";
import { busyDataDir as portBusyDataDir } from "../../adapters/p2p/daemon/busy.ts";
import { isProcessAlive } from "../../core/lock.ts";

/** File name of the host's reachability record inside its data dir. */
export const HOST_FILE = "host.json";

/** What `host.json` holds. */
export const hostFileSchema = z.object({
  url: z.url(),
  port: z.int().min(1).max(65535),
  pid: z.int().positive(),
  started_at: z.iso.datetime(),
  peer_id: z.string().nullable(),
  /** Full multiaddrs (with `/p2p/<peer id>`) another host passes to `--bootstrap`. */
  p2p_addrs: z.array(z.string()),
});
/** A parsed `host.json`. */
export type HostFile = z.output<typeof hostFileSchema>;

/** Path of `host.json` in `dataDir`. */
export function hostFilePath(dataDir: string): string {
  return `${dataDir}/${HOST_FILE}`;
}

/** Write `host.json` atomically (temp file + rename), readable by its owner only. */
export async function writeHostFile(dataDir: string, info: HostFile): Promise<void> {
  const path = hostFilePath(dataDir);
  const tmp = `${path}.${info.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  await Deno.rename(tmp, path);
}

/** Remove `host.json` if it is still the one process `pid` wrote. */
export function removeHostFileSync(dataDir: string, pid: number): void {
  const path = hostFilePath(dataDir);
  try {
    const parsed = hostFileSchema.safeParse(JSON.parse(Deno.readTextFileSync(path)));
    if (parsed.success && parsed.data.pid === pid) Deno.removeSync(path);
  } catch { /* gone or unreadable: nothing of ours to remove */ }
}

/** What {@link readHostFile} found. */
export type HostFileState =
  | { state: "missing" }
  | { state: "invalid"; path: string; problem: string }
  | { state: "stale"; path: string; info: HostFile }
  | { state: "live"; path: string; info: HostFile };

/** Read `host.json` and tell a live host from one that has exited. */
export async function readHostFile(
  dataDir: string,
  isAlive: (pid: number) => Promise<boolean> = isProcessAlive,
): Promise<HostFileState> {
  const path = hostFilePath(dataDir);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { state: "missing" };
    return { state: "invalid", path, problem: (error as Error).message };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { state: "invalid", path, problem: "not JSON" };
  }
  const parsed = hostFileSchema.safeParse(raw);
  if (!parsed.success) return { state: "invalid", path, problem: "unexpected fields" };
  const info = parsed.data;
  return (await isAlive(info.pid)) ? { state: "live", path, info } : { state: "stale", path, info };
}

/** A listen address as another node dials it: with `/p2p/<peer id>` at the end. */
export function dialableAddr(addr: string, peerId: string | null): string {
  if (!peerId || addr.includes("/p2p/")) return addr;
  return `${addr.replace(/\/$/, "")}/p2p/${peerId}`;
}

/**
 * Who holds a busy data dir's daemon lock when a live host runs there (from its `host.json`),
 * or null; the `holder` of the P2P port's busy-data-dir check.
 */
export async function describeHostHolder(
  dataDir: string,
  isAlive: (pid: number) => Promise<boolean> = isProcessAlive,
): Promise<string | null> {
  const host = await readHostFile(dataDir, isAlive);
  return host.state === "live"
    ? `the daemon of the hive host at ${host.info.url} (host pid ${host.info.pid})`
    : null;
}

/**
 * Why a host cannot start its daemon on `dataDir`, or null: the P2P port's check
 * ({@link portBusyDataDir}) with the running host named from `host.json` when there is one.
 */
export async function busyDataDir(
  dataDir: string,
  isAlive: (pid: number) => Promise<boolean> = isProcessAlive,
): Promise<string | null> {
  return await portBusyDataDir(dataDir, { isAlive, holder: describeHostHolder });
}
