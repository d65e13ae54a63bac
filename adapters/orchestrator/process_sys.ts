/**
 * What the `process` orchestrator asks of the system: whether a recorded process still runs (pid
 * plus its start time, so a recycled pid is not mistaken for it), signalling a process group, and
 * reading agents' log files from an offset or by their last lines.
 *
 * @module
 */

/**
 * State and start time of a pid, or null when it does not exist. From `/proc` when the process
 * may read it (Deno asks for all permissions there, as `hive` runs); otherwise from `ps`. The
 * start time carries its source (`proc:`, `ps:`) so the two are never compared with each other.
 */
export function procStat(pid: number): { start: string; state: string } | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], start: `proc:${fields[19]}` };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) return null;
  }
  try {
    const out = new Deno.Command("ps", { args: ["-o", "stat=,lstart=", "-p", String(pid)] })
      .outputSync();
    const line = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || !line) return null;
    const [state, ...start] = line.split(/\s+/);
    return { state: state[0], start: `ps:${start.join(" ")}` };
  } catch {
    return null;
  }
}

/** Whether the recorded process (pid and start time) still runs. */
export function pidAlive(row: { pid: number | null; pstart: string | null }): boolean {
  if (row.pid === null) return false;
  const stat = procStat(row.pid);
  if (stat === null || stat.state === "Z" || stat.state === "X") return false;
  // Recorded by the other method (the proxy ran with other permissions): the pid alone decides.
  if (row.pstart === null || row.pstart.split(":")[0] !== stat.start.split(":")[0]) return true;
  return stat.start === row.pstart;
}

/** Signal a process group; a group already gone is fine. */
export function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch { /* already gone */ }
}

/** The last `n` lines of a text buffer. */
export function lastLines(bytes: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (n <= 0) return new Uint8Array(0);
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 10) end--;
  let seen = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (bytes[i] === 10 && ++seen === n) return bytes.subarray(i + 1);
  }
  return bytes;
}

/** Bytes of a file from `offset` on (up to 64 KiB), empty if none or no file. */
export async function readFrom(path: string, offset: number): Promise<Uint8Array<ArrayBuffer>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return new Uint8Array(0);
  }
  try {
    await file.seek(offset, Deno.SeekMode.Start);
    const buf = new Uint8Array(64 * 1024);
    const n = await file.read(buf);
    return n ? buf.slice(0, n) : new Uint8Array(0);
  } finally {
    file.close();
  }
}
