/**
 * One client of the IPC server: its socket, per-connection state for request handlers, and the
 * bounded outbound queue (events that do not fit are dropped and counted; replies never are).
 *
 * @module
 */
import type { ServerWebSocket } from "../http/server.ts";
import { eventFrame, type ServerFrame } from "./protocol.ts";

let _nextConnectionId = 1;

/** One connected client. */
export class IpcConnection {
  /** Server-unique id. */
  readonly id: number;
  /** Per-connection state for request handlers (e.g. subscriptions). */
  readonly state: Map<string, unknown> = new Map();
  /** Events dropped because this client's queue was full. */
  dropped = 0;
  readonly #socket: ServerWebSocket;
  readonly #maxQueueBytes: number;
  readonly #onDrop: () => void;

  constructor(socket: ServerWebSocket, maxQueueBytes: number, onDrop: () => void) {
    this.id = _nextConnectionId++;
    this.#socket = socket;
    this.#maxQueueBytes = maxQueueBytes;
    this.#onDrop = onDrop;
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Bytes queued but not yet sent. */
  get queuedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /** Push an event. Returns false (and counts a drop) when the client's queue is full. */
  sendEvent(event: string, data: unknown): boolean {
    if (!this.open) return false;
    if (this.#socket.bufferedAmount > this.#maxQueueBytes) {
      this.dropped++;
      this.#onDrop();
      return false;
    }
    this.#socket.send(JSON.stringify(eventFrame(event, data)));
    return true;
  }

  /** Send a reply or error frame; replies are never dropped. */
  send(frame: ServerFrame): void {
    if (this.open) this.#socket.send(JSON.stringify(frame));
  }

  /** Close the connection. */
  close(code = 1000, reason = ""): void {
    try {
      this.#socket.close(code, reason);
    } catch { /* already closing */ }
  }
}
