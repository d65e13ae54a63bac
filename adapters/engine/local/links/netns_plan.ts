/**
 * What the namespace path of a local run needs before it builds anything: the machine as the
 * path sees it ({@link NetnsEnv}: root, `ip`, `tc`, live pids), whether it can take the path
 * ({@link netnsProblem}, probed in a throwaway namespace), the names of a run's pieces, and the
 * run's addressing ({@link planNetns}: a free /24 of 10.213.0.0/16). See `netns.ts`.
 *
 * @module
 */
/** What the namespace path needs of the machine; tests pass their own. */
export interface NetnsEnv {
  /** The effective user id, or null where unknown. */
  uid(): number | null;
  /**
   * Run a tool; rejects with `Deno.errors.NotFound` when it is not on PATH. `stdin` is written
   * and closed.
   */
  run(cmd: string, args: readonly string[], stdin?: string): Promise<ToolResult>;
  /** Whether a process lives (owners of leftovers). */
  alive(pid: number): boolean;
  /**
   * Where runs claim their /24 (one file per subnet holding the run id, made with `createNew`,
   * so two runs planning at once never take the same one), or null for no claims.
   */
  claimDir: string | null;
}

/** What a tool did. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The machine itself. */
export const SYSTEM_NETNS_ENV: NetnsEnv = {
  uid: () => Deno.uid(),
  async run(cmd, args, stdin) {
    const child = new Deno.Command(cmd, {
      args: [...args],
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin)).catch(() => {});
      await w.close().catch(() => {});
    }
    const out = await child.output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  },
  claimDir: "/run/hive-netns",
  alive(pid) {
    try {
      Deno.kill(pid, "SIGCONT"); // harmless to a live process; fails once the pid is gone
      return true;
    } catch (error) {
      return !(error instanceof Deno.errors.NotFound) &&
        !/ESRCH|No such process/i.test(String(error));
    }
  },
};

/** The most hosts one run's /24 holds (addresses `.2+i` and aliases `.130+i`). */
export const NETNS_MAX_HOSTS = 125;

/** A run id: 7 of [0-9a-z]. */
export const NETNS_ID: RegExp = /^[0-9a-z]{7}$/;

/** A name of a run's piece; group 1 is the run id. */
export const NETNS_NAME: RegExp = /^hv([0-9a-z]{7})(?:br|h\d+|n\d+|-\d+)$/;

/** A run id: the owner's pid in 5 base-36 digits, then 2 random ones. */
export function netnsRunId(pid = Deno.pid, random = Math.random): string {
  const r = Math.floor(random() * 36 * 36).toString(36).padStart(2, "0");
  return pid.toString(36).padStart(5, "0").slice(-5) + r;
}

/** The names of one run's pieces. */
export const netnsNames = {
  namespace: (id: string, i: number): string => `hv${id}-${i}`,
  bridge: (id: string): string => `hv${id}br`,
  hostVeth: (id: string, i: number): string => `hv${id}h${i}`,
  nodeVeth: (id: string, i: number): string => `hv${id}n${i}`,
};

/** Why this machine cannot take the namespace path, or null when it can. */
export async function netnsProblem(env: NetnsEnv = SYSTEM_NETNS_ENV): Promise<string | null> {
  const uid = env.uid();
  if (uid !== 0) return `needs root (running as uid ${uid ?? "unknown"})`;
  for (const tool of ["ip", "tc", "unshare"]) {
    try {
      await env.run(tool, tool === "unshare" ? ["--version"] : ["-V"]);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return `\`${tool}\` not found on PATH (Debian: apt-get install ${
          tool === "unshare" ? "util-linux" : "iproute2"
        })`;
      }
      return `cannot run \`${tool}\`: ${(error as Error).message}`;
    }
  }
  // Everything the path uses, once, in a throwaway namespace: nothing on the machine changes.
  const script = [
    "ip link add hvprobe0 type veth peer name hvprobe1",
    "ip link add hvprobeb type bridge",
    "ip link set hvprobe1 master hvprobeb",
    "tc qdisc add dev hvprobe0 root handle 1: htb",
    "tc class add dev hvprobe0 parent 1: classid 1:1 htb rate 1mbit",
    "tc qdisc add dev hvprobe0 parent 1:1 handle 10: tbf rate 1mbit burst 1600 latency 50ms",
    "tc filter add dev hvprobe0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.1/32 " +
    "flowid 1:1",
  ].join(" && ");
  const out = await env.run("unshare", ["-n", "sh", "-c", script]);
  if (out.code === 0) return null;
  const said = (out.stderr.trim().split("\n")[0] ?? "").slice(0, 120);
  // EPERM is a missing capability (root in a container without it), not a missing kernel piece.
  if (said.includes("Operation not permitted")) {
    const cap = said.startsWith("unshare") ? "CAP_SYS_ADMIN" : "CAP_NET_ADMIN";
    return `needs ${cap} (root without it, as in a default container: \`--cap-add ${
      cap.slice(4)
    }\`): ${said}`;
  }
  return `the kernel lacks what it needs (veth, bridge, htb, tbf, u32): ${
    said || `exit ${out.code}`
  }`;
}

/** The addressing of one run. */
export interface NetnsPlan {
  id: string;
  /** The first three octets of the run's /24, e.g. `10.213.7`. */
  subnet: string;
  hosts: number;
}

/** Host `i`'s address. */
export function netnsAddress(plan: NetnsPlan, i: number): string {
  return `${plan.subnet}.${2 + i}`;
}

/** Host `i`'s relay alias (on the bridge). */
export function netnsAlias(plan: NetnsPlan, i: number): string {
  return `${plan.subnet}.${130 + i}`;
}

/** The bridge's address: where the engine's own connections come from. */
export function netnsBridgeAddress(plan: NetnsPlan): string {
  return `${plan.subnet}.1`;
}

function _ip4(text: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** IPv4 prefixes (`a.b.c.d/n`) used on the machine, from `ip -4 -o addr` and routes. */
export function usedPrefixes(text: string): Array<{ base: number; bits: number }> {
  const out: Array<{ base: number; bits: number }> = [];
  for (const m of text.matchAll(/(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)) {
    const base = _ip4(m[1]);
    const bits = m[2] === undefined ? 32 : Number(m[2]);
    if (base === null || bits > 32 || bits === 0) continue; // the default route covers all
    out.push({ base, bits });
  }
  return out;
}

function _overlaps(a: { base: number; bits: number }, b: { base: number; bits: number }) {
  const bits = Math.min(a.bits, b.bits);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

/** Pick a /24 of 10.213.0.0/16 that no address or route of the machine overlaps. */
export async function planNetns(
  hosts: number,
  env: NetnsEnv = SYSTEM_NETNS_ENV,
  id = netnsRunId(),
): Promise<NetnsPlan> {
  if (hosts > NETNS_MAX_HOSTS) {
    throw new RangeError(
      `--links netns runs at most ${NETNS_MAX_HOSTS} hosts (one /24 per run); got ${hosts}`,
    );
  }
  const addr = await env.run("ip", ["-4", "-o", "addr", "show"]);
  const routes = await env.run("ip", ["-4", "route", "show", "table", "all"]);
  // Every address in the output counts (a gateway's too: harmless); `default` names none.
  const used = usedPrefixes(`${addr.stdout}\n${routes.stdout}`);
  let start = 0;
  for (const c of id) start = (start * 31 + c.charCodeAt(0)) >>> 0;
  for (let k = 0; k < 256; k++) {
    const n = (start + k) % 256;
    const candidate = { base: _ip4(`10.213.${n}.0`)!, bits: 24 };
    if (used.some((u) => _overlaps(u, candidate))) continue;
    if (_claim(env, `10.213.${n}`, id)) return { id, subnet: `10.213.${n}`, hosts };
  }
  throw new Error("no free /24 in 10.213.0.0/16 for the run's namespaces");
}

/** Claim a subnet for run `id`; a claim whose owner is gone is taken over. */
function _claim(env: NetnsEnv, subnet: string, id: string): boolean {
  if (!env.claimDir) return true;
  Deno.mkdirSync(env.claimDir, { recursive: true });
  const path = `${env.claimDir}/${subnet}`;
  // Bounded: a stale claim is removed once, then the subnet is tried again.
  for (let tries = 0; tries < 2; tries++) {
    try {
      Deno.writeTextFileSync(path, id, { createNew: true });
      return true;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const owner = _readClaim(path);
    if (owner !== null && env.alive(parseInt(owner.slice(0, 5), 36))) return false;
    try {
      Deno.removeSync(path);
    } catch { /* another run took it over first */ }
  }
  return false;
}

function _readClaim(path: string): string | null {
  try {
    const id = Deno.readTextFileSync(path).trim();
    return NETNS_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * Drop the subnet claims of run `id`, or (no id) of every run whose owner is gone; returns the
 * ids whose claims were dropped.
 */
export function releaseClaims(env: NetnsEnv, id?: string): string[] {
  if (!env.claimDir) return [];
  const out: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(env.claimDir)];
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^10\.213\.\d+$/.test(e.name)) continue;
    const path = `${env.claimDir}/${e.name}`;
    const owner = _readClaim(path);
    const drop = id !== undefined
      ? owner === id
      : owner === null || !env.alive(parseInt(owner.slice(0, 5), 36));
    if (!drop) continue;
    try {
      Deno.removeSync(path);
      if (owner) out.push(owner);
    } catch { /* gone meanwhile */ }
  }
  return out;
}
