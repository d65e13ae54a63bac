/**
 * Logger lines/s to a file, against a bare JSON.stringify + buffered write baseline measured in
 * the same run. Target: >= 0.8x the baseline.
 */
import { createLogger, fileSink } from "../../core/logger.ts";

const dir = Deno.makeTempDirSync();
const encoder = new TextEncoder();
const LINES = 2000;

function bareWriter(path: string) {
  const file = Deno.openSync(path, { append: true, create: true });
  let pending: string[] = [];
  let bytes = 0;
  const flush = () => {
    const data = encoder.encode(pending.join(""));
    let n = 0;
    while (n < data.length) n += file.writeSync(data.subarray(n));
    pending = [];
    bytes = 0;
  };
  return {
    write(fields: Record<string, unknown>) {
      const line = JSON.stringify({
        ts: new Date().toISOString(),
        level: "info",
        msg: "request served",
        component: "bench",
        ...fields,
      }) + "\n";
      pending.push(line);
      bytes += line.length;
      if (bytes >= 64 * 1024) flush();
    },
    close() {
      flush();
      file.close();
    },
  };
}

const bare = bareWriter(`${dir}/bare.log`);
const log = createLogger({
  sinks: [fileSink({ path: `${dir}/hive.log`, maxBytes: 2 ** 40 })],
}).child({ component: "bench" });

const fields = (i: number) => ({ route: "/api/status", status: 200, ms: i % 17, peer: "12D3KooW" });

Deno.bench(
  `bare JSON.stringify + buffered write x${LINES}`,
  { group: "log", baseline: true },
  () => {
    for (let i = 0; i < LINES; i++) bare.write(fields(i));
  },
);
Deno.bench(`hive logger to file x${LINES}`, { group: "log" }, () => {
  for (let i = 0; i < LINES; i++) log.info("request served", fields(i));
});

function rate(fn: (i: number) => void, rounds = 200_000): number {
  for (let i = 0; i < 20_000; i++) fn(i);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) fn(i);
  return rounds / ((performance.now() - start) / 1000);
}
const hiveRate = rate((i) => log.info("request served", fields(i)));
const bareRate = rate((i) => bare.write(fields(i)));
console.log(
  `logger: ${(hiveRate / 1e3).toFixed(0)}k lines/s to a file; baseline ${
    (bareRate / 1e3).toFixed(0)
  }k ` +
    `lines/s; ratio ${(hiveRate / bareRate).toFixed(2)}x (target >= 0.8x)`,
);

globalThis.addEventListener("unload", () => {
  bare.close();
  log.close();
  Deno.removeSync(dir, { recursive: true });
});
