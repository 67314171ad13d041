import { CloseCodes, TickwireError } from './closeCodes.js';
import type { ClientOptions } from './clientOptions.js';
import { uint64ToNumber } from './deltaDecoder.js';
import { EntityMirror } from './entityMirror.js';
import { EventDispatcher, type SnapshotInfo } from './eventDispatcher.js';
import { InputJournal } from './inputJournal.js';
import { Interpolator } from './interpolator.js';
import { Link, type LinkHandler, type WebSocketFactory } from './link.js';
import { Predictor, type StepFunction } from './predictor.js';
import { Reconnector, reconnectsOn, retriesAttemptOn } from './reconnector.js';
import { RoomSchema, type EntitySchema } from './schema.js';
import { ServerClock } from './serverClock.js';
import { ApplyResult, SnapshotTracker } from './snapshotTracker.js';
import { MIN_PROTOCOL_VERSION, WireCodec, type Snapshot, type Welcome } from './wireCodec.js';

/** Which room to join, and how (Java's `JoinRequest`). */
export interface JoinRequest {
  /** Join this room (exactly one of roomId and roomType). */
  roomId?: string;
  /** Join or create a room of this type. */
  roomType?: string;
  /** Signed join ticket from the operator's backend; omit in open mode. */
  ticket?: string;
  /** Resume a player of an earlier session (its latest `resumeToken`). */
  resumeToken?: string;
  /**
   * Room options (`Join.options`): a join by type creates its room with them and only joins rooms
   * created with equal ones; the game sees them in `onJoinAttempt`. The room type may refuse them
   * (close 4015), the game may refuse the player (4100-4199).
   */
  options?: Readonly<Record<string, string>>;
}

/** Counters of one session (Java's `ClientStats`). */
export interface ClientStats {
  snapshotsReceived: number;
  fullSnapshots: number;
  deltaSnapshots: number;
  staleSnapshots: number;
  baselineMisses: number;
  protocolErrors: number;
  acksSent: number;
  inputsSent: number;
  inputsResent: number;
  inputsRefused: number;
  pingsSent: number;
  pongsReceived: number;
  /** Game messages written (`RoomSession.send`). */
  messagesSent: number;
  /** Game messages received from the room. */
  messagesReceived: number;
  /** Poll mode: queued snapshots overwritten by a newer one (more than `pollQueueSnapshots` waited). */
  pollCoalesced: number;
  /** Poll mode: pongs and errors dropped (more than 1024 waited). */
  pollDropped: number;
  disconnects: number;
  reconnectAttempts: number;
  reconnects: number;
  bytesIn: number;
  bytesOut: number;
}

/** The room a session joined, from its first `Welcome`. */
export interface Joined {
  sessionId: string;
  roomId: string;
  roomType: string;
  playerEntityId: number;
  playerId: string;
  tickRateHz: number;
  serverTickAtJoin: number;
  /** Type 0's schema (`Welcome.schema`; the only one of a version 1 room). */
  schema: EntitySchema;
  /** Every entity type of the room (`Welcome.entity_types`, or one type from `Welcome.schema`). */
  room: RoomSchema;
  /** The protocol version the connection speaks (`Welcome.protocol_version`: 1, 2 or 3, at most the one asked for). */
  protocolVersion: number;
}

/**
 * One session's connection machinery, one role per collaborator as in the Java SDK's split (same
 * names where the roles match):
 * {@link Link} (the socket of the current connection), {@link WireCodec} (frames), the
 * {@link SnapshotTracker} (retained states), {@link InputJournal} (exactly-once inputs),
 * {@link Reconnector} (resume after a loss), {@link ServerClock} (time sync) and the
 * {@link EventDispatcher} (listeners). Single-threaded: everything runs in WebSocket and timer
 * callbacks of the page or the Node event loop.
 * <p>
 * The session outlives its connections: a loss without a close frame (or the server's ack or idle
 * timeout) starts resume attempts with the newest resume token; on `Welcome{resumed}` the journal
 * resends every input after `last_input_seq`, and the next snapshot is a delta from a retained state.
 */
export class ClientConnection<S> implements LinkHandler {
  readonly stats: ClientStats = {
    snapshotsReceived: 0, fullSnapshots: 0, deltaSnapshots: 0, staleSnapshots: 0, baselineMisses: 0,
    protocolErrors: 0, acksSent: 0, inputsSent: 0, inputsResent: 0, inputsRefused: 0, pingsSent: 0,
    pongsReceived: 0, messagesSent: 0, messagesReceived: 0, pollCoalesced: 0, pollDropped: 0, disconnects: 0, reconnectAttempts: 0, reconnects: 0, bytesIn: 0, bytesOut: 0,
  };
  readonly dispatcher: EventDispatcher<S>;
  readonly journal: InputJournal;
  private readonly reconnector: Reconnector;
  private link: Link | null = null;
  private factory: WebSocketFactory | null = null;
  private joinResolve: ((joined: Joined) => void) | null = null;
  private joinReject: ((error: Error) => void) | null = null;
  private joinedInfo: Joined | null = null;
  private tracker: SnapshotTracker | null = null;
  mirror: EntityMirror | null = null;
  clock: ServerClock | null = null;
  interpolator: Interpolator | null = null;
  predictor: Predictor | null = null;
  resumeToken = '';
  private lastAckedTick = 0;
  private fullRequested = false;
  private pingTimer: ReturnType<typeof setTimeout> | null = null;
  private closing = false;
  private closedFired = false;
  lastRttMs = -1;

  constructor(
    private readonly options: ClientOptions,
    private readonly request: JoinRequest,
    session: () => S,
  ) {
    this.dispatcher = new EventDispatcher(session, options.deliveryMode);
    this.journal = new InputJournal(options.maxPendingInputs);
    this.reconnector = new Reconnector(options.reconnect, options.now, options.random);
  }

  /** Open the first connection and join; resolves with the `Welcome`. */
  join(factory: WebSocketFactory): Promise<Joined> {
    this.factory = factory;
    return new Promise((resolve, reject) => {
      this.joinResolve = resolve;
      this.joinReject = reject;
      this.openLink(this.options.connectTimeoutMs);
    });
  }

  get joined(): Joined {
    if (this.joinedInfo === null) {
      throw new Error('not joined');
    }
    return this.joinedInfo;
  }

  get isReconnecting(): boolean {
    return this.reconnector.active;
  }

  get isOpen(): boolean {
    return !this.closing && !this.closedFired && this.link !== null && this.link.isOpen && this.link.welcomed;
  }

  private openLink(connectTimeoutMs: number): void {
    const link = new Link(this, this.options.now, this.options.silenceTimeoutMs);
    this.link = link;
    link.open(this.options.url, this.factory as WebSocketFactory, connectTimeoutMs);
  }

  // ---------------------------------------------------------------------------------------------
  // Link events
  // ---------------------------------------------------------------------------------------------

  onOpen(link: Link): void {
    if (link !== this.link) {
      return;
    }
    if (this.joinedInfo !== null) {
      this.send(WireCodec.join(this.joinedInfo.roomId, '', '', this.resumeToken, {}, this.options.protocolVersion));
    } else {
      this.send(WireCodec.join(this.request.roomId ?? '', this.request.roomType ?? '', this.request.ticket ?? '',
        this.request.resumeToken ?? '', this.request.options ?? {}, this.options.protocolVersion));
    }
  }

  onFrame(link: Link, data: ArrayBuffer | Uint8Array, receivedMs: number): void {
    if (link !== this.link) {
      return;
    }
    let message;
    try {
      message = WireCodec.parse(data);
    } catch (e) {
      this.stats.protocolErrors++;
      link.fail(CloseCodes.INVALID_PAYLOAD, `malformed ServerMessage: ${String(e)}`);
      return;
    }
    switch (message.body) {
      case 'welcome':
        this.onWelcome(link, message.welcome as Welcome);
        break;
      case 'snapshot':
        if (!link.welcomed) {
          this.protocolError(link, 'Snapshot before Welcome');
          return;
        }
        this.onSnapshot(message.snapshot as Snapshot, data.byteLength, receivedMs);
        break;
      case 'pong': {
        if (this.clock === null) {
          this.protocolError(link, 'Pong before Welcome');
          return;
        }
        const pong = message.pong;
        const sentMs = uint64ToNumber(pong?.clientTime) / 1000;
        this.stats.pongsReceived++;
        this.lastRttMs = receivedMs - sentMs;
        this.clock.onPong(sentMs, receivedMs, uint64ToNumber(pong?.serverTimeNs), pong?.serverTick ?? 0);
        this.dispatcher.pong(this.lastRttMs, pong?.serverTick ?? 0);
        break;
      }
      case 'message': {
        const m = message.message;
        if (!link.welcomed) {
          this.protocolError(link, `message before Welcome: type=${m?.type ?? 0}`);
          return;
        }
        this.stats.messagesReceived++;
        this.dispatcher.message(m?.type ?? 0, m?.payload ?? new Uint8Array(0), m?.tick ?? 0);
        break;
      }
      case 'error': {
        const code = message.error?.code ?? 0;
        const text = message.error?.message ?? '';
        if (!link.welcomed) {
          // A close frame with the same code follows.
          if (this.joinedInfo === null) {
            this.failJoin(code, `join refused: url=${this.options.url}, code=${code}, message=${text}`);
          }
        } else {
          this.dispatcher.error(code, text);
        }
        break;
      }
      default:
        this.stats.protocolErrors++;
        break;
    }
  }

  onLost(link: Link, code: number, reason: string): void {
    this.stats.bytesIn += link.bytesIn;
    this.stats.bytesOut += link.bytesOut;
    if (link !== this.link) {
      return;
    }
    this.cancelPing();
    if (this.joinedInfo === null) {
      this.failJoin(code, `connection closed before Welcome: url=${this.options.url}, closeCode=${code}, reason=${reason}`);
      return;
    }
    if (this.closing) {
      this.reconnector.stop();
      this.fireClosed(code, reason);
      return;
    }
    if (!link.welcomed) {
      this.onAttemptFailed(code, reason);
      return;
    }
    this.stats.disconnects++;
    const willReconnect = this.options.reconnect.enabled && reconnectsOn(code);
    this.dispatcher.disconnected(code, reason, willReconnect);
    if (willReconnect) {
      this.reconnector.onLost();
      this.scheduleAttempt(code, reason);
    } else {
      this.fireClosed(code, reason);
    }
  }

  private scheduleAttempt(code: number, reason: string): void {
    const giveUp = this.reconnector.scheduleNext((timeLeftMs) => {
      this.stats.reconnectAttempts++;
      this.openLink(Math.min(this.options.connectTimeoutMs, timeLeftMs));
    });
    if (giveUp !== null) {
      this.reconnector.stop();
      this.fireClosed(code, `${reason}; ${giveUp}`);
    }
  }

  private onAttemptFailed(code: number, reason: string): void {
    if (!this.reconnector.active) {
      return;
    }
    if (!retriesAttemptOn(code)) {
      this.reconnector.stop();
      this.fireClosed(code, reason);
      return;
    }
    this.scheduleAttempt(code, reason);
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound messages
  // ---------------------------------------------------------------------------------------------

  private onWelcome(link: Link, welcome: Welcome): void {
    if (link.welcomed) {
      this.protocolError(link, 'second Welcome on one connection');
      return;
    }
    if (this.joinedInfo !== null) {
      this.onResumed(link, welcome);
      return;
    }
    const version = welcome.protocolVersion ?? 0;
    // Never above what this client asked for (a server answers with the version the connection speaks).
    if (version < MIN_PROTOCOL_VERSION || version > this.options.protocolVersion) {
      this.failJoin(CloseCodes.PROTOCOL_ERROR, `Welcome speaks an unsupported protocol version: version=${version}, ` +
        `supported=${MIN_PROTOCOL_VERSION}..${this.options.protocolVersion}`);
      link.fail(CloseCodes.PROTOCOL_ERROR, 'unsupported protocol version');
      return;
    }
    let room: RoomSchema;
    try {
      room = RoomSchema.fromWelcome(welcome);
    } catch (e) {
      this.failJoin(CloseCodes.PROTOCOL_ERROR, `Welcome carries an invalid schema: ${String(e)}`);
      link.fail(CloseCodes.PROTOCOL_ERROR, 'invalid schema');
      return;
    }
    link.welcomed = true;
    const tickRateHz = welcome.tickRateHz || 30;
    this.joinedInfo = {
      sessionId: welcome.sessionId ?? '',
      roomId: welcome.roomId ?? '',
      roomType: welcome.roomType ?? '',
      playerEntityId: welcome.entityId ?? 0,
      playerId: welcome.playerId ?? '',
      tickRateHz,
      serverTickAtJoin: welcome.serverTick ?? 0,
      schema: room.types[0].schema,
      room,
      protocolVersion: version,
    };
    this.resumeToken = welcome.resumeToken ?? '';
    this.tracker = new SnapshotTracker(room, this.options.retainedStates);
    this.mirror = new EntityMirror(room);
    this.dispatcher.bind(this.mirror, room, this.options.pollQueueSnapshots, this.stats);
    this.clock = new ServerClock(1000 / tickRateHz);
    this.journal.onProcessed(welcome.lastInputSeq ?? 0);
    this.startPing();
    const resolve = this.joinResolve;
    this.joinResolve = null;
    this.joinReject = null;
    resolve?.(this.joinedInfo);
  }

  private onResumed(link: Link, welcome: Welcome): void {
    const joined = this.joinedInfo as Joined;
    if (!welcome.resumed || welcome.entityId !== joined.playerEntityId || welcome.sessionId !== joined.sessionId ||
      welcome.roomId !== joined.roomId) {
      this.stats.protocolErrors++;
      link.fail(CloseCodes.PROTOCOL_ERROR, `resume answered with another player: resumed=${welcome.resumed}, ` +
        `sessionId=${welcome.sessionId}, entityId=${welcome.entityId}, roomId=${welcome.roomId}`);
      return;
    }
    link.welcomed = true;
    this.reconnector.stop();
    this.resumeToken = welcome.resumeToken ?? '';
    this.fullRequested = false;
    this.stats.reconnects++;
    this.journal.onResumed(welcome.lastInputSeq ?? 0);
    this.flushInputs();
    this.startPing();
    this.dispatcher.reconnected();
  }

  private onSnapshot(snapshot: Snapshot, sizeBytes: number, receivedMs: number): void {
    const tracker = this.tracker as SnapshotTracker;
    this.stats.snapshotsReceived++;
    const previous = tracker.newest;
    const result = tracker.apply(snapshot);
    if (result === ApplyResult.STALE) {
      this.stats.staleSnapshots++;
      return;
    }
    if (result !== ApplyResult.APPLIED) {
      if (result === ApplyResult.BASELINE_MISSING) {
        this.stats.baselineMisses++;
      } else {
        this.stats.protocolErrors++;
      }
      this.requestFull();
      this.dispatcher.error(0, tracker.lastError);
      return;
    }
    this.fullRequested = false;
    const tick = snapshot.tick ?? 0;
    const baselineTick = snapshot.baselineTick ?? 0;
    if (baselineTick === 0) {
      this.stats.fullSnapshots++;
    } else {
      this.stats.deltaSnapshots++;
    }
    const processed = snapshot.lastInputSeq ?? 0;
    this.journal.onProcessed(processed);
    const newest = tracker.newest as typeof previous & object;
    if (this.dispatcher.deliveryMode !== 'poll') {
      (this.mirror as EntityMirror).onApplied(newest);
    }
    this.lastAckedTick = tick;
    if (this.options.autoAck) {
      this.ack(tick);
    }
    if (this.journal.catchingUp) {
      this.flushInputs();
    }
    this.interpolator?.onState(newest, receivedMs);
    this.predictor?.onServerState(newest, processed);
    if (this.dispatcher.wantsSnapshots) {
      const info: SnapshotInfo = {
        tick,
        baselineTick,
        isFull: baselineTick === 0,
        sizeBytes,
        lastInputSeq: processed,
        entityCount: snapshot.entityCount ?? 0,
        createdCount: snapshot.createdIds?.length ?? 0,
        changedCount: snapshot.changedIds?.length ?? 0,
        removedCount: snapshot.removedIds?.length ?? 0,
        serverTimeMs: newest.serverTimeMs,
        receiveTimeMs: receivedMs,
      };
      this.dispatcher.snapshot(previous, newest, info);
    }
  }

  private protocolError(link: Link, message: string): void {
    this.stats.protocolErrors++;
    link.fail(CloseCodes.PROTOCOL_ERROR, message);
  }

  // ---------------------------------------------------------------------------------------------
  // Outbound
  // ---------------------------------------------------------------------------------------------

  /** Journal an input and write it when connected. Returns its seq, or 0 when refused. */
  sendInput(payload: Uint8Array): number {
    if (this.closing || this.closedFired) {
      return 0;
    }
    const seq = this.journal.reserve(payload.slice(), this.isOpen && !this.journal.catchingUp, this.viewTick);
    if (seq === 0) {
      this.stats.inputsRefused++;
      return 0;
    }
    this.flushInputs();
    return seq;
  }

  /**
   * Write a game message now, behind every input and message written before it.
   *
   * @returns false when the session is not open (reconnecting or closed): nothing is sent or kept.
   */
  sendMessage(type: number, payload: Uint8Array): boolean {
    if (!this.isOpen || !this.send(WireCodec.message(type, payload))) {
      return false;
    }
    this.stats.messagesSent++;
    return true;
  }

  private flushInputs(): void {
    if (!this.isOpen) {
      return;
    }
    const resentBefore = this.journal.resent;
    for (let next = this.journal.next(this.options.reconnect.resendWindowInputs); next !== null;
      next = this.journal.next(this.options.reconnect.resendWindowInputs)) {
      this.send(WireCodec.input(next.seq, next.payload, this.lastAckedTick, next.viewTick));
      this.stats.inputsSent++;
    }
    this.stats.inputsResent += this.journal.resent - resentBefore;
  }

  /**
   * `Input.view_tick` for an input sampled now: the server tick the interpolator showed at its latest
   * sample, rounded down; 0 when unknown (no interpolator, or nothing sampled yet).
   */
  get viewTick(): number {
    return this.interpolator === null ? 0 : this.interpolator.viewTick;
  }

  ack(tick: number): void {
    if (this.send(WireCodec.ack(tick, false))) {
      this.stats.acksSent++;
    }
  }

  private requestFull(): void {
    if (!this.fullRequested && this.send(WireCodec.ack(0, true))) {
      this.fullRequested = true;
    }
  }

  ping(): void {
    if (this.send(WireCodec.ping(Math.round(this.options.now() * 1000)))) {
      this.stats.pingsSent++;
    }
  }

  private startPing(): void {
    this.cancelPing();
    const tick = (): void => {
      this.pingTimer = null;
      if (!this.isOpen) {
        return;
      }
      this.ping();
      const clock = this.clock as ServerClock;
      const interval = clock.isSynchronized ? this.options.pingIntervalMs : this.options.initialPingIntervalMs;
      this.pingTimer = setTimeout(tick, interval);
    };
    this.pingTimer = setTimeout(tick, 0);
  }

  private cancelPing(): void {
    if (this.pingTimer !== null) {
      clearTimeout(this.pingTimer);
      this.pingTimer = null;
    }
  }

  private send(frame: Uint8Array): boolean {
    return this.link !== null && this.link.send(frame);
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle
  // ---------------------------------------------------------------------------------------------

  newPredictor(step: StepFunction): Predictor {
    const joined = this.joined;
    if (joined.playerEntityId === 0) {
      throw new RangeError(`no player entity to predict: sessionId=${joined.sessionId}`);
    }
    if (this.predictor === null) {
      this.predictor = new Predictor(joined.room, joined.playerEntityId, step, this, joined.tickRateHz,
        this.options.mispredictionToleranceSlots);
      const newest = this.tracker?.newest ?? null;
      if (newest !== null) {
        this.predictor.onServerState(newest, this.journal.lastProcessedSeq);
      }
    }
    return this.predictor;
  }

  newInterpolator(): Interpolator {
    if (this.interpolator === null) {
      const joined = this.joined;
      this.interpolator = new Interpolator(joined.room, {
        tickRateHz: joined.tickRateHz,
        interpolationDelayTicks: this.options.interpolationDelayTicks,
        maxInterpolationDelayMs: this.options.maxInterpolationDelayMs,
        maxExtrapolationMs: this.options.maxExtrapolationMs,
      });
    }
    return this.interpolator;
  }

  /** Leave: `Leave`, then a close frame; resolves when the session is closed. */
  close(code: number, reason: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.closedFired) {
        resolve();
        return;
      }
      this.dispatcher.onClosedNow(resolve);
      if (this.closing) {
        return;
      }
      this.closing = true;
      this.reconnector.stop();
      this.cancelPing();
      const link = this.link;
      if (link === null || !link.isOpen) {
        this.fireClosed(code, reason);
        return;
      }
      if (link.welcomed) {
        link.send(WireCodec.leave(reason));
      }
      link.close(code, reason);
    });
  }

  /** Test hook: drop the current connection without a close handshake, as a network failure would. */
  dropConnection(): void {
    this.link?.abandon('connection dropped by dropConnection()');
  }

  private failJoin(code: number, message: string): void {
    const reject = this.joinReject;
    this.joinResolve = null;
    this.joinReject = null;
    reject?.(new TickwireError(code, message));
  }

  private fireClosed(code: number, reason: string): void {
    if (this.closedFired) {
      return;
    }
    this.closedFired = true;
    this.cancelPing();
    this.dispatcher.closed(code, reason);
  }
}
