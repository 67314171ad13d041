import $protobuf from 'protobufjs/minimal.js';
import { tickwire } from './proto/tickwire.js';

/**
 * The two 32-bit words of a uint64 as protobufjs hands them over when a `Long` class is configured.
 * The SDK configures this one instead of the `long` package: decoding only needs the words (masks are
 * read word by word, times converted with {@link uint64ToNumber}), and it keeps 10 KB out of the bundle.
 */
class Uint64Bits {
  constructor(readonly low: number, readonly high: number, readonly unsigned: boolean) {}

  static fromBits(low: number, high: number, unsigned: boolean): Uint64Bits {
    return new Uint64Bits(low, high, unsigned);
  }

  static isLong(value: unknown): boolean {
    return value instanceof Uint64Bits;
  }
}

// uint64 fields (changed_masks, times) decode to words, never to a number that would drop bits past 2^53.
$protobuf.util.Long = Uint64Bits as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export const ClientMessage = tickwire.v1.ClientMessage;
export const ServerMessage = tickwire.v1.ServerMessage;
export type ServerMessage = tickwire.v1.ServerMessage;
export type Snapshot = tickwire.v1.ISnapshot;
export type Welcome = tickwire.v1.IWelcome;
export type Pong = tickwire.v1.IPong;
export type ServerError = tickwire.v1.IError;
export type GameMessage = tickwire.v1.IGameMessage;
export type WireEntitySchema = tickwire.v1.IEntitySchema;
export type WireEntityType = tickwire.v1.IEntityType;

/**
 * Frames to messages and back: `ServerMessage` from a binary WebSocket frame, `ClientMessage` to
 * one (one envelope per frame, protocol/README.md "Message flow"). Stateless.
 */
export const WireCodec = {
  /** Parse one binary frame; throws (protobufjs' error) on malformed bytes. */
  parse(frame: ArrayBuffer | Uint8Array): ServerMessage {
    const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
    return ServerMessage.decode(bytes);
  },

  /** Parse an `EntitySchema` message on its own (tools and tests; a client gets it in `Welcome`). */
  parseSchema(bytes: Uint8Array): tickwire.v1.EntitySchema {
    return tickwire.v1.EntitySchema.decode(bytes);
  },

  /**
   * `options`: room options (`Join.options`), written in the map's iteration order. `protocolVersion`: what the
   * client asks to speak (`Join.protocol_version`, {@link PROTOCOL_VERSION} unless told).
   */
  join(roomId: string, roomType: string, ticket: string, resumeToken: string,
    options: Readonly<Record<string, string>> = {}, protocolVersion: number = PROTOCOL_VERSION): Uint8Array {
    return ClientMessage.encode({ join: { roomId, roomType, protocolVersion, ticket, resumeToken,
      options: { ...options } } }).finish();
  },

  /** `viewTick`: the server tick shown when the input was sampled (`Input.view_tick`, 0 = unknown). */
  input(seq: number, payload: Uint8Array, ackTick: number, viewTick = 0): Uint8Array {
    return ClientMessage.encode({ input: { seq, payload, ackTick, viewTick } }).finish();
  },

  ack(tick: number, requestFull: boolean): Uint8Array {
    return ClientMessage.encode({ ack: { tick, requestFull } }).finish();
  },

  /** `clientTimeUs`: the client clock in whole microseconds, echoed in `Pong`. */
  ping(clientTimeUs: number): Uint8Array {
    return ClientMessage.encode({ ping: { clientTime: clientTimeUs } }).finish();
  },

  /** A game message (`ClientMessage.message`); the server ignores `tick` from a client, so none is written. */
  message(type: number, payload: Uint8Array): Uint8Array {
    return ClientMessage.encode({ message: { type, payload } }).finish();
  },

  leave(reason: string): Uint8Array {
    return ClientMessage.encode({ leave: { reason } }).finish();
  },
};

/**
 * The protocol version this SDK asks for in `Join` by default (`ProtocolVersion.CURRENT`): 3, version 2
 * (entity types, string fields, owner and audience fields, views; docs/design/schema-v2.md) with the
 * changed section bit-packed into `changed_bits` (protocol/README.md, "Version 3"). The decoder reads both
 * forms whatever was asked; `ClientOptionsInit.protocolVersion` 2 asks for the plain varint columns.
 */
export const PROTOCOL_VERSION = 3;

/** The oldest `Welcome.protocol_version` this SDK accepts (`ProtocolVersion.MIN_SUPPORTED`). */
export const MIN_PROTOCOL_VERSION = 1;
