/**
 * The reaper of a local run: a small child of `hive sim run` that stops the run's monerods if the
 * run itself dies without cleaning up (`kill -9`), which no code in the run can observe. monerod
 * cannot watch its parent, so this process does it for all of them.
 *
 * @module
 */
import type { Logger } from "../../../core/logger.ts";
import { removeFabric } from "./links/netns.ts";

/** The file the run keeps up to date with the pids of its processes. */
export interface ChildrenFile {
  pids: readonly number[];
  /** The run id of its network namespaces (links path `netns`), removed after the pids. */
  netns?: string;
}

/** Write the pid list (and namespace run id) atomically, so the reaper never reads half a file. */
export function writeChildrenFile(path: string, pids: readonly number[], netns?: string): void {
  const temp = `${path}.tmp`;
  Deno.writeTextFileSync(temp, JSON.stringify({ pids, netns } satisfies ChildrenFile));
  Deno.renameSync(temp, path);
}

async function _readChildren(path: string, logger: Logger): Promise<ChildrenFile> {
  try {
    const data = JSON.parse(await Deno.readTextFile(path)) as Partial<ChildrenFile>;
    return {
      pids: (data.pids ?? []).filter((pid) => Number.isSafeInteger(pid) && pid > 1),
      netns: typeof data.netns === "string" ? data.netns : undefined,
    };
  } catch (error) {
    logger.warn("cannot read the children file", { path, error });
    return { pids: [] };
  }
}

function _signal(pid: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(pid, signal);
    return true;
  } catch {
    return false; // gone already
  }
}

/** SIGTERM every pid, wait up to `graceMs` for them to go, then SIGKILL what is left. */
export async function reapPids(pids: readonly number[], graceMs: number): Promise<number> {
  let alive = pids.filter((pid) => _signal(pid, "SIGTERM"));
  const deadline = Date.now() + graceMs;
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    // SIGCONT is harmless to a running process and fails once the pid is gone.
    alive = alive.filter((pid) => _signal(pid, "SIGCONT"));
  }
  for (const pid of alive) _signal(pid, "SIGKILL");
  return pids.length;
}

/** Options for {@link runReaper}. */
export interface ReaperOptions {
  /** The children file the run keeps. */
  childrenFile: string;
  /** The run's pid. */
  parentPid: number;
  logger: Logger;
  /** How often the parent is checked. Default 500 ms. */
  pollMs?: number;
  /** SIGTERM grace before SIGKILL. Default 10 s. */
  graceMs?: number;
}

/**
 * Wait while the parent lives. SIGTERM/SIGINT (the run stopping normally, having stopped its own
 * children) end the wait without reaping; the parent's disappearance reaps every listed pid.
 * Resolves with what happened.
 */
export async function runReaper(options: ReaperOptions): Promise<"stopped" | "reaped"> {
  const done = Promise.withResolvers<"stopped" | "orphaned">();
  const onSignal = () => done.resolve("stopped");
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  const timer = setInterval(() => {
    if (Deno.ppid !== options.parentPid) done.resolve("orphaned");
  }, options.pollMs ?? 500);
  const why = await done.promise;
  clearInterval(timer);
  Deno.removeSignalListener("SIGTERM", onSignal);
  Deno.removeSignalListener("SIGINT", onSignal);
  if (why === "stopped") return "stopped";
  const { pids, netns } = await _readChildren(options.childrenFile, options.logger);
  await reapPids(pids, options.graceMs ?? 10_000);
  if (netns) {
    await removeFabric(netns).catch((error) =>
      options.logger.warn("cannot remove the run's namespaces", { netns, error })
    );
  }
  options.logger.warn("the run died without stopping its processes; stopped them", {
    parent: options.parentPid,
    processes: pids.length,
    ...(netns ? { netns } : {}),
  });
  return "reaped";
}
