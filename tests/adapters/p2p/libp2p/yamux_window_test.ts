/**
 * Yamux window updates at half a window: a stream fed 16 KiB frames answers with one update per
 * 128 KiB instead of one per frame, a remote never runs out of window, and opening streams still
 * get their ACK. Large transfers between real nodes are in node_test.ts.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { StreamState, YamuxStream } from "@chainsafe/libp2p-yamux/stream";
import { defaultLogger } from "@libp2p/logger";
import {
  canDeferWindowUpdate,
  installYamuxWindowHysteresis,
} from "../../../../adapters/p2p/libp2p/yamux_window.ts";

installYamuxWindowHysteresis();
installYamuxWindowHysteresis(); // idempotent

const _WINDOW = 256 * 1024;
const _FRAME = 16 * 1024;

interface _Header {
  type: number;
  flag: number;
  streamID: number;
  length: number;
}

function _stream(state: StreamState): { stream: YamuxStream; sent: _Header[] } {
  const sent: _Header[] = [];
  const stream = new YamuxStream({
    id: "1",
    streamId: 1,
    direction: "inbound",
    log: defaultLogger().forComponent("yamux-window-test"),
    state,
    sendFrame: (header: _Header) => {
      sent.push(header);
      return true;
    },
    getRTT: () => -1,
  } as never);
  return { stream, sent };
}

/** Deliver one data frame the way the muxer does. */
function _receive(stream: YamuxStream, bytes: number): void {
  (stream as unknown as { handleData(frame: unknown): void }).handleData({
    header: { type: 0, flag: 0, streamID: 1, length: bytes },
    data: new Uint8Array(bytes),
  });
}

Deno.test("yamux window: an update goes out per half window, not per frame", () => {
  const { stream, sent } = _stream(StreamState.Established);
  let remoteWindow = _WINDOW; // what the sender may still send
  for (let i = 0; i < 64; i++) { // 1 MiB in 16 KiB frames
    ok(remoteWindow >= _FRAME, `the sender ran out of window after ${i} frames`);
    remoteWindow -= _FRAME;
    const before = sent.length;
    _receive(stream, _FRAME);
    for (const update of sent.slice(before)) remoteWindow += update.length;
  }
  equal(sent.length, 8, "one update per 128 KiB");
  for (const update of sent) {
    equal(update.type, 1); // window update
    equal(update.length, _WINDOW / 2);
  }
});

Deno.test("yamux window: a small message alone sends no update; the update is deferred", () => {
  const { stream, sent } = _stream(StreamState.Established);
  _receive(stream, 200);
  deepEqual(sent, []);
  ok(canDeferWindowUpdate(stream as never));
});

Deno.test("yamux window: an opening stream still acknowledges at once", () => {
  const { stream, sent } = _stream(StreamState.SYNReceived);
  _receive(stream, 200);
  equal(sent.length, 1);
  equal(sent[0].flag & 0x2, 0x2, "ACK flag");
});

Deno.test("yamux window: a paused stream is left to the library", () => {
  equal(
    canDeferWindowUpdate({ state: StreamState.Paused, recvWindow: _WINDOW, recvWindowCapacity: 0 }),
    false,
  );
  equal(
    canDeferWindowUpdate({
      state: StreamState.Established,
      recvWindow: _WINDOW,
      recvWindowCapacity: _WINDOW / 2,
    }),
    false,
  );
});
