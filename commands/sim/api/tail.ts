/**
 * Live events of engines that log to files (local: `hosts/<host>/*.ndjson`; Shadow:
 * `shadow.data/hosts/<host>/*.stdout`): the run folder is polled twice a second and each new
 * complete line that is a RunEvent is handed on, so the API, the dashboard and the checks
 * follow a local run as they follow the DES engine. Lines that are not RunEvents (program
 * output) are skipped.
 *
 * @module
 */
import { type RunEvent, runEventSchema } from "../../../adapters/engine/types.ts";

/** A running tail. */
export interface FolderTail {
  /** Read what is new now. */
  poll(): Promise<void>;
  /** Read the last lines and stop polling. */
  stop(): Promise<void>;
}

async function _files(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const host of Deno.readDir(dir)) {
      if (!host.isDirectory) continue;
      for await (const f of Deno.readDir(`${dir}/${host.name}`)) {
        if (f.isFile && f.name.endsWith(suffix)) out.push(`${dir}/${host.name}/${f.name}`);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

/** Follow a run folder; `onEvent` gets each new event with its line. */
export function tailRunFolder(
  outDir: string,
  onEvent: (event: RunEvent, line: string) => void,
  intervalMs = 500,
): FolderTail {
  const offsets = new Map<string, number>();
  const decoder = new TextDecoder();
  let busy: Promise<void> | null = null;
  const readFile = async (path: string) => {
    const from = offsets.get(path) ?? 0;
    const file = await Deno.open(path, { read: true });
    try {
      const size = (await file.stat()).size;
      if (size <= from) return;
      await file.seek(from, Deno.SeekMode.Start);
      const buf = new Uint8Array(Math.min(size - from, 8 << 20));
      let n = 0;
      while (n < buf.length) {
        const got = await file.read(buf.subarray(n));
        if (got === null) break;
        n += got;
      }
      const text = decoder.decode(buf.subarray(0, n));
      // Only complete lines: a line being written now is read next time.
      const end = text.lastIndexOf("\n");
      if (end < 0) return;
      offsets.set(path, from + new TextEncoder().encode(text.slice(0, end + 1)).length);
      for (const line of text.slice(0, end).split("\n")) {
        if (!line.startsWith("{")) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        const event = runEventSchema.safeParse(parsed);
        if (event.success) onEvent(event.data, line);
      }
    } finally {
      file.close();
    }
  };
  const pollOnce = async () => {
    const files = [
      ...await _files(`${outDir}/hosts`, ".ndjson"),
      ...await _files(`${outDir}/shadow.data/hosts`, ".stdout"),
    ];
    for (const f of files) await readFile(f).catch(() => {});
  };
  const poll = () => {
    busy ??= pollOnce().finally(() => busy = null);
    return busy;
  };
  const timer = setInterval(() => void poll(), intervalMs);
  return {
    poll,
    async stop() {
      clearInterval(timer);
      await busy;
      await poll();
    },
  };
}
