import $protobuf from 'protobufjs/minimal.js';
import Long from 'long';
import { tickwire } from './proto/tickwire.js';

// uint64 fields (changed_masks, times) decode to Long, never to a number that would drop bits past 2^53.
$protobuf.util.Long = Long as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export const ClientMessage = tickwire.v1.ClientMessage;
export const ServerMessage = tickwire.v1.ServerMessage;
export type ServerMessage = tickwire.v1.ServerMessage;
export type Snapshot = tickwire.v1.ISnapshot;
export type Welcome = tickwire.v1.IWelcome;
export type Pong = tickwire.v1.IPong;
export type ServerError = tickwire.v1.IError;
export type WireEntitySchema = tickwire.v1.IEntitySchema;

/**
 * Frames to messages and back: `ServerMessage` from a binary WebSocket frame, `ClientMessage` to
 * one (one envelope per frame, protocol/README.md "Message flow"). Stateless.
 */
export const WireParser = {
  /** Parse one binary frame; throws (protobufjs' error) on malformed bytes. */
  parse(frame: ArrayBuffer | Uint8Array): ServerMessage {
    const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
    return ServerMessage.decode(bytes);
  },

  join(roomId: string, roomType: string, ticket: string, resumeToken: string): Uint8Array {
    return ClientMessage.encode({ join: { roomId, roomType, protocolVersion: PROTOCOL_VERSION, ticket, resumeToken } })
      .finish();
  },

  input(seq: number, payload: Uint8Array, ackTick: number): Uint8Array {
    return ClientMessage.encode({ input: { seq, payload, ackTick } }).finish();
  },

  ack(tick: number, requestFull: boolean): Uint8Array {
    return ClientMessage.encode({ ack: { tick, requestFull } }).finish();
  },

  /** `clientTimeUs`: the client clock in whole microseconds, echoed in `Pong`. */
  ping(clientTimeUs: number): Uint8Array {
    return ClientMessage.encode({ ping: { clientTime: clientTimeUs } }).finish();
  },

  leave(reason: string): Uint8Array {
    return ClientMessage.encode({ leave: { reason } }).finish();
  },
};

/** The protocol version this SDK speaks (`ProtocolVersion.CURRENT`). */
export const PROTOCOL_VERSION = 1;
