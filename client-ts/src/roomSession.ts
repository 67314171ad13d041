import { CloseCodes } from './closeCodes.js';
import type { ClientConnection, ClientStats, Joined } from './clientConnection.js';
import type { EntityMirror } from './entityMirror.js';
import type { SessionListener } from './eventDispatcher.js';
import type { Interpolator } from './interpolator.js';
import type { Predictor, StepFunction } from './predictor.js';
import type { EntitySchema, RoomSchema } from './schema.js';
import type { ServerClock } from './serverClock.js';

/**
 * A joined room (Java's `RoomSession`): the mirror of its state, inputs, game messages and acks out,
 * listeners, time sync, interpolation and prediction. It outlives lost connections: the SDK resumes
 * the same player by itself, keeping this object, its mirror, retained states and predictor.
 */
export class RoomSession {
  /** @internal */
  constructor(private readonly connection: ClientConnection<RoomSession>, private readonly info: Joined) {}

  get sessionId(): string {
    return this.info.sessionId;
  }

  get roomId(): string {
    return this.info.roomId;
  }

  get roomType(): string {
    return this.info.roomType;
  }

  /** The entity this player controls, 0 when the game spawned none. */
  get playerEntityId(): number {
    return this.info.playerEntityId;
  }

  /** Player id from the join ticket; empty in open mode. */
  get playerId(): string {
    return this.info.playerId;
  }

  get tickRateHz(): number {
    return this.info.tickRateHz;
  }

  get serverTickAtJoin(): number {
    return this.info.serverTickAtJoin;
  }

  /** Type 0's schema (`Welcome.schema`): all a version 1 room has; see {@link room} for every type. */
  get schema(): EntitySchema {
    return this.info.schema;
  }

  /** Every entity type of the room; an entity's type is `mirror.typeOf(id)`. */
  get room(): RoomSchema {
    return this.info.room;
  }

  /** The protocol version this connection speaks (`Welcome.protocol_version`: 1, 2 or 3, at most `ClientOptions.protocolVersion`). */
  get protocolVersion(): number {
    return this.info.protocolVersion;
  }

  /** The newest resume token (changes with every resume). */
  get resumeToken(): string {
    return this.connection.resumeToken;
  }

  get isReconnecting(): boolean {
    return this.connection.isReconnecting;
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  get mirror(): EntityMirror {
    return this.connection.mirror as EntityMirror;
  }

  get clock(): ServerClock {
    return this.connection.clock as ServerClock;
  }

  get stats(): Readonly<ClientStats> {
    return this.connection.stats;
  }

  /**
   * Send one game input (about one per tick: the server applies one per tick, in order). Kept until
   * the server applied it and resent after a resume, so it applies exactly once.
   *
   * @returns its seq (from 1), or 0 when refused (too many unapplied inputs while disconnected).
   */
  sendInput(payload: Uint8Array): number {
    return this.connection.sendInput(payload);
  }

  /**
   * Send a game message to the room: reliable and ordered while the connection lives (the server hands
   * each one to the game's `onMessage` once, in the order sent). Separate from inputs: not one per tick,
   * not replayed by prediction, not kept across a reconnection. The server closes the connection for a
   * payload over its `--max-message-bytes` (default 1024: 1009) or more than `--max-messages-per-second`
   * (default 30: 1008).
   *
   * @param type game-defined, an integer from 1 to 2^32 - 1 (the wire's uint32).
   * @param payload written before this returns; the caller may reuse the array.
   * @returns true when written; false when the session is not open (reconnecting or closed): nothing sent.
   * @throws RangeError when `type` is not an integer in [1, 2^32 - 1].
   */
  send(type: number, payload: Uint8Array): boolean {
    if (!Number.isInteger(type) || type < 1 || type > 0xffffffff) {
      throw new RangeError(`message type must be an integer in [1, 4294967295]: type=${type}`);
    }
    return this.connection.sendMessage(type, payload);
  }

  /**
   * Run the queued listener callbacks here, in order (`deliveryMode: 'poll'`); call it once per frame.
   * During a callback and after the poll the mirror shows the snapshot delivered (after the poll: the
   * newest one delivered). Events a callback causes wait for the next poll.
   *
   * @returns events delivered (snapshots, messages, pongs, errors, connection events).
   * @throws Error in `callbacks` mode, or when called from inside a polled callback.
   */
  poll(): number {
    return this.connection.dispatcher.poll();
  }

  /** Poll mode: events waiting for {@link poll}. */
  get queuedEvents(): number {
    return this.connection.dispatcher.queued;
  }

  /** Ack a tick by hand (with `autoAck: false`). */
  ack(tick: number): void {
    this.connection.ack(tick);
  }

  /** Last input the server applied (`last_input_seq`). */
  get lastProcessedInputSeq(): number {
    return this.connection.journal.lastProcessedSeq;
  }

  /** Send a ping now (the SDK pings by itself). */
  ping(): void {
    this.connection.ping();
  }

  /** Round trip of the newest pong, ms (-1 before the first). */
  get lastRttMs(): number {
    return this.connection.lastRttMs;
  }

  /** The session's interpolator, created on first use; sample it once per frame. */
  interpolator(): Interpolator {
    return this.connection.newInterpolator();
  }

  /** The predictor of the player's entity, created with `step` on first use. */
  predictor(step: StepFunction): Predictor {
    return this.connection.newPredictor(step);
  }

  addListener(listener: SessionListener<RoomSession>): void {
    this.connection.dispatcher.add(listener);
  }

  removeListener(listener: SessionListener<RoomSession>): boolean {
    return this.connection.dispatcher.remove(listener);
  }

  /** Leave the room: `Leave`, close 1000; resolves when closed. */
  leave(reason = 'leave'): Promise<void> {
    return this.connection.close(CloseCodes.NORMAL, reason);
  }

  /** Drop the connection as a network failure would (no close frame): the session resumes. For tests. */
  dropConnectionForTest(): void {
    this.connection.dropConnection();
  }

  toString(): string {
    return `RoomSession{roomId=${this.roomId}, sessionId=${this.sessionId}, entityId=${this.playerEntityId}}`;
  }
}
