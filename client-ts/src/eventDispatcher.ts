import type { EntityMirror } from './entityMirror.js';
import { PollQueue, type PollCounters } from './pollQueue.js';
import type { EntitySchema, RoomSchema } from './schema.js';
import type { WorldState } from './worldState.js';

/**
 * Where listener callbacks run (Java's `DeliveryMode`): `callbacks` (default) in the socket's message
 * handler as events happen; `poll` queued until the game loop calls `session.poll()`, which runs them
 * there, in order, with the mirror showing the snapshot being delivered.
 */
export type DeliveryMode = 'callbacks' | 'poll';

/** What one applied snapshot carried (Java's `SnapshotInfo`). */
export interface SnapshotInfo {
  readonly tick: number;
  readonly baselineTick: number;
  readonly isFull: boolean;
  readonly sizeBytes: number;
  readonly lastInputSeq: number;
  readonly entityCount: number;
  readonly createdCount: number;
  readonly changedCount: number;
  readonly removedCount: number;
  readonly serverTimeMs: number;
  /** Local time of arrival (the client's clock, ms). */
  readonly receiveTimeMs: number;
}

/**
 * Callbacks of a session (Java's `SessionListener`); implement the ones you need. They run in the
 * WebSocket's message handler, after the mirror was updated (with `deliveryMode: 'poll'`: inside
 * `session.poll()`, in the same order); an exception thrown by one is reported to `console.error` and
 * does not stop the others.
 */
export interface SessionListener<S = unknown> {
  /** A snapshot was applied; the mirror holds its state. */
  onSnapshot?(session: S, info: SnapshotInfo): void;
  /**
   * An entity appeared (in the mirror since this snapshot): created, or (in a room with an interest
   * policy) entered this client's view. `session.mirror.typeOf(entityId)` names its type.
   */
  onEntityAdded?(session: S, entityId: number): void;
  /** An entity's slots (numbers or texts) changed since the previous applied snapshot. */
  onEntityChanged?(session: S, entityId: number): void;
  /**
   * An entity is gone since the previous applied snapshot: destroyed, or left this client's view (the
   * protocol does not tell the two apart, by design; an entity that comes back is added again).
   */
  onEntityRemoved?(session: S, entityId: number): void;
  onPong?(session: S, rttMs: number, serverTick: number): void;
  /**
   * A game message from the room: reliable and ordered (each message the room sent this player while
   * connected arrives once, in the order sent; messages sent while the player was detached are lost),
   * in line with the snapshots: a message the game sent during tick `t` arrives before the snapshot of
   * tick `t`. `type` is game-defined (at least 1); `payload` is this message's own array, shared by the
   * session's listeners (do not modify); `tick` is the server tick the message belongs to. Never
   * dropped in poll mode.
   */
  onMessage?(session: S, type: number, payload: Uint8Array, tick: number): void;
  /** An `Error` from the server, or a snapshot that could not be applied (code 0). */
  onError?(session: S, code: number, message: string): void;
  /** The connection ended; `willReconnect` says whether the session tries to resume. */
  onDisconnected?(session: S, closeCode: number, reason: string, willReconnect: boolean): void;
  /** The session resumed on a new connection (same player, same mirror). */
  onReconnected?(session: S): void;
  /** The session is over, once. */
  onClosed?(session: S, closeCode: number, reason: string): void;
}

/**
 * Delivers a session's events to its listeners, at once or through the {@link PollQueue} in poll mode,
 * and works out the entity events of a snapshot by one merge walk over the previous and the new state
 * (only when some listener wants them; in poll mode between the states a poll actually delivers).
 * Either way one session's events reach the listeners in the order they happened.
 */
export class EventDispatcher<S> {
  private readonly listeners: SessionListener<S>[] = [];
  private readonly closeHooks: (() => void)[] = [];
  private pollQueue: PollQueue<SessionListener<S>> | null = null;
  private mirror: EntityMirror | null = null;

  constructor(private readonly session: () => S, readonly deliveryMode: DeliveryMode = 'callbacks') {}

  /**
   * Bind a joined session's mirror, once, before its first snapshot. In poll mode the mirror then
   * follows the polled snapshots, and events queue from here on.
   */
  bind(mirror: EntityMirror, schema: EntitySchema | RoomSchema, maxPolledSnapshots: number, counters: PollCounters): void {
    this.mirror = mirror;
    if (this.deliveryMode === 'poll') {
      this.pollQueue = new PollQueue(schema, maxPolledSnapshots, counters);
    }
  }

  /** Run the queued events here and now (poll mode); returns how many were delivered. */
  poll(): number {
    if (this.pollQueue === null) {
      throw new Error(`poll() needs deliveryMode 'poll': deliveryMode=${this.deliveryMode}`);
    }
    return this.pollQueue.poll((previous, next, info) => this.deliverSnapshot(previous, next, info),
      (call) => this.each((l, s) => call(l), this.session()));
  }

  /** Events waiting for {@link poll}. */
  get queued(): number {
    return this.pollQueue === null ? 0 : this.pollQueue.size;
  }

  /** Run `hook` when the session closes, at once even in poll mode (the SDK's own bookkeeping). */
  onClosedNow(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  add(listener: SessionListener<S>): void {
    this.listeners.push(listener);
  }

  remove(listener: SessionListener<S>): boolean {
    const i = this.listeners.indexOf(listener);
    if (i < 0) {
      return false;
    }
    this.listeners.splice(i, 1);
    return true;
  }

  get isEmpty(): boolean {
    return this.listeners.length === 0;
  }

  /** True when an applied snapshot goes anywhere: to the poll queue, or to some listener. */
  get wantsSnapshots(): boolean {
    return this.pollQueue !== null || this.listeners.length > 0;
  }

  /**
   * A snapshot was applied; `previous` and `newest` are the tracker's states, valid during the call.
   * In callbacks mode the connection has already shown `newest` in the mirror.
   */
  snapshot(previous: WorldState | null, newest: WorldState, info: SnapshotInfo): void {
    if (this.pollQueue !== null) {
      this.pollQueue.offerSnapshot(newest, info);
      return;
    }
    if (this.listeners.length === 0) {
      return;
    }
    this.deliverSnapshot(previous, newest, info);
  }

  private deliverSnapshot(previous: WorldState | null, next: WorldState, info: SnapshotInfo): void {
    if (this.pollQueue !== null) {
      this.mirror?.onApplied(next);
    }
    if (this.listeners.some((l) => l.onEntityAdded || l.onEntityChanged || l.onEntityRemoved)) {
      this.diff(previous, next);
    }
    this.each((l, s) => l.onSnapshot?.(s, info));
  }

  pong(rttMs: number, serverTick: number): void {
    this.route(true, (l, s) => l.onPong?.(s, rttMs, serverTick));
  }

  message(type: number, payload: Uint8Array, tick: number): void {
    this.route(false, (l, s) => l.onMessage?.(s, type, payload, tick));
  }

  error(code: number, message: string): void {
    this.route(true, (l, s) => l.onError?.(s, code, message));
  }

  disconnected(code: number, reason: string, willReconnect: boolean): void {
    this.route(false, (l, s) => l.onDisconnected?.(s, code, reason, willReconnect));
  }

  reconnected(): void {
    this.route(false, (l, s) => l.onReconnected?.(s));
  }

  closed(code: number, reason: string): void {
    for (const hook of this.closeHooks.splice(0)) {
      try {
        hook();
      } catch (e) {
        console.error('tickwire: close hook threw', e);
      }
    }
    this.route(false, (l, s) => l.onClosed?.(s, code, reason));
  }

  /** Deliver now, or queue for the next poll (`droppable`: pongs and errors, capped in the queue). */
  private route(droppable: boolean, call: (listener: SessionListener<S>, session: S) => void): void {
    if (this.pollQueue === null) {
      this.each(call);
      return;
    }
    this.pollQueue.offer(droppable, (l) => call(l, this.session()));
  }

  private diff(previous: WorldState | null, next: WorldState): void {
    const slots = next.slotCount;
    const strings = next.stringStride;
    const pc = previous === null ? 0 : previous.count;
    let i = 0;
    let j = 0;
    while (i < pc || j < next.count) {
      const pid = i < pc ? (previous as WorldState).ids[i] : Number.MAX_SAFE_INTEGER;
      const nid = j < next.count ? next.ids[j] : Number.MAX_SAFE_INTEGER;
      if (pid < nid) {
        this.each((l, s) => l.onEntityRemoved?.(s, pid));
        i++;
      } else if (nid < pid) {
        this.each((l, s) => l.onEntityAdded?.(s, nid));
        j++;
      } else {
        const prev = previous as WorldState;
        const pv = prev.values;
        const po = i * slots;
        const no = j * slots;
        let changed = prev.types[i] !== next.types[j];
        for (let k = 0; k < slots && !changed; k++) {
          changed = pv[po + k] !== next.values[no + k];
        }
        for (let k = 0; k < strings && !changed; k++) {
          changed = prev.strings[i * strings + k] !== next.strings[j * strings + k];
        }
        if (changed) {
          this.each((l, s) => l.onEntityChanged?.(s, nid));
        }
        i++;
        j++;
      }
    }
  }

  private each(call: (listener: SessionListener<S>, session: S) => void, session: S = this.session()): void {
    for (const l of this.listeners.slice()) {
      try {
        call(l, session);
      } catch (e) {
        console.error('tickwire: session listener threw', e);
      }
    }
  }
}
