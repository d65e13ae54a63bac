/**
 * Bench helper: a libp2p node with the daemon's settings in its own process, without IPC. It
 * prints `{"addr","peer_id"}`, subscribes to the topic given as first argument and prints
 * `<message> <receive time, ms since the epoch>` per message, so the bench can time libp2p
 * across two processes with the receiver's own clock (stdout's delay does not count). Each line
 * on stdin is answered at once with this process's clock, so the bench can measure the offset
 * between the two clocks before it starts.
 *
 * Run by daemon_ipc_bench.ts: deno run -A tests/bench/_libp2p_receiver.ts TOPIC DATA_DIR
 */
import { createBenchNode } from "./_bench_node.ts";

const [topic, dataDir] = Deno.args;
const node = await createBenchNode(dataDir);
node.subscribe(topic);
const decoder = new TextDecoder();
const encoder = new TextEncoder();
let pending: string[] = [];
node.on((event) => {
  if (event.type !== "message") return;
  const at = performance.timeOrigin + performance.now();
  // One write per turn of the event loop, not per message.
  if (pending.length === 0) {
    setTimeout(() => {
      const text = pending.join("");
      pending = [];
      Deno.stdout.writeSync(encoder.encode(text));
    }, 0);
  }
  pending.push(`${decoder.decode(event.data)} ${at.toFixed(3)}\n`);
});
Deno.stdout.writeSync(
  encoder.encode(JSON.stringify({ addr: node.addrs()[0], peer_id: node.peerId }) + "\n"),
);
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
(async () => {
  // Clock probes: answer each line with the time it was read.
  for await (const chunk of Deno.stdin.readable) {
    const at = performance.timeOrigin + performance.now();
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 10) Deno.stdout.writeSync(encoder.encode(`${at.toFixed(3)}\n`));
    }
  }
})();
