import { CloseCodes } from './closeCodes.js';
import type { ClientConnection, ClientStats, Joined } from './clientConnection.js';
import type { EntityMirror } from './entityMirror.js';
import type { SessionListener } from './eventDispatcher.js';
import type { Interpolator } from './interpolator.js';
import type { Predictor, StepFunction } from './predictor.js';
import type { EntitySchema } from './schema.js';
import type { ServerClock } from './serverClock.js';

/**
 * A joined room (Java's `RoomSession`): the mirror of its state, inputs and acks out, listeners,
 * time sync, interpolation and prediction. It outlives lost connections: the SDK resumes the same
 * player by itself, keeping this object, its mirror, retained states and predictor.
 * <p>
 * Reliable typed messages (chat, game events) are not in protocol v1; when they are, they will
 * arrive as a listener callback and leave through a `send` method here, next to {@link sendInput}.
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

  get schema(): EntitySchema {
    return this.info.schema;
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
