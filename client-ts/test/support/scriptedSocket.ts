import type { WebSocketLike } from '../../src/index.js';
import { tickwire } from '../../src/proto/tickwire.js';

/**
 * A WebSocket that opens on the next timer turn, records every frame the SDK sends (decoded) and
 * delivers the frames a test scripts, as the server would.
 */
export class ScriptedSocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: tickwire.v1.ClientMessage[] = [];

  constructor() {
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }

  send(data: Uint8Array): void {
    this.sent.push(tickwire.v1.ClientMessage.decode(data));
  }

  close(code?: number, reason?: string): void {
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code: code ?? 1000, reason: reason ?? '' }), 0);
  }

  deliver(bytes: Uint8Array): void {
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }

  /** Deliver one encoded `ServerMessage`. */
  deliverMessage(message: tickwire.v1.IServerMessage): void {
    this.deliver(tickwire.v1.ServerMessage.encode(message).finish());
  }

  /** The server closes the connection with a close frame. */
  serverClose(code: number, reason: string): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}
