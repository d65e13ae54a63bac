/**
 * Yamux window updates at half a window, as go-yamux and rust-yamux send them.
 *
 * `@chainsafe/libp2p-yamux` sends a window update frame after every data frame it receives, so
 * each gossipsub message costs its sender a second frame to read, decrypt and parse, and its
 * receiver one to build, encrypt and write: about a fifth of a sending daemon's CPU at 1k msgs/s.
 * Other implementations wait until half the receive window is used. That keeps the sender from
 * ever stalling on an exhausted window (the update goes out when the window is half used, with
 * half still to go), so flow control is unchanged; only the small updates are gone.
 *
 * {@link installYamuxWindowHysteresis} patches the library's stream class once per process;
 * streams in any other state (opening, paused, closing) keep the library's behaviour.
 *
 * @module
 */
import { StreamState, YamuxStream } from "@chainsafe/libp2p-yamux/stream";

interface _WindowState {
  state: StreamState;
  recvWindow: number;
  recvWindowCapacity: number;
}

let _installed = false;

/** Whether an established stream may skip this window update: less than half a window used. */
export function canDeferWindowUpdate(stream: _WindowState): boolean {
  return stream.state === StreamState.Established &&
    stream.recvWindow - stream.recvWindowCapacity < stream.recvWindow / 2;
}

/** Make yamux streams in this process send window updates only once half a window is used. */
export function installYamuxWindowHysteresis(): void {
  if (_installed) return;
  _installed = true;
  const prototype = YamuxStream.prototype as unknown as { sendWindowUpdate(): void };
  const librarySendWindowUpdate = prototype.sendWindowUpdate;
  prototype.sendWindowUpdate = function (this: _WindowState) {
    if (canDeferWindowUpdate(this)) return;
    librarySendWindowUpdate.call(this);
  };
}
