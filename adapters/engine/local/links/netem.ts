/**
 * Whether this kernel has `netem`, the qdisc that gives links latency and loss in the kernel.
 * The probe adds one to the loopback device of a throwaway network namespace
 * (`unshare -rn`: no root needed where user namespaces are allowed), so it changes nothing on
 * the machine. Many kernels ship without the module (these machines: `tbf` and `htb` only).
 *
 * @module
 */

/** Whether `netem` can be used here, and why not. */
export interface NetemProbe {
  available: boolean;
  /** `ok`, or what failed (the tool's own words, clipped). */
  reason: string;
}

let _cached: Promise<NetemProbe> | undefined;

/** Probe once per process (the kernel does not change under a run). */
export function probeNetem(): Promise<NetemProbe> {
  _cached ??= _probe();
  return _cached;
}

async function _probe(): Promise<NetemProbe> {
  try {
    const out = await new Deno.Command("unshare", {
      args: ["-rn", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"],
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(5000),
    }).output();
    if (out.success) return { available: true, reason: "ok" };
    const said = new TextDecoder().decode(out.stderr).trim().split("\n")[0] ?? "";
    return { available: false, reason: `tc: ${said.slice(0, 120) || `exit ${out.code}`}` };
  } catch (error) {
    return { available: false, reason: `cannot run unshare/tc: ${(error as Error).message}` };
  }
}
