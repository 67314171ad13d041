import type { WorldState } from './worldState.js';

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
 * WebSocket's message handler, after the mirror was updated; an exception thrown by one is reported
 * to `console.error` and does not stop the others.
 */
export interface SessionListener<S = unknown> {
  /** A snapshot was applied; the mirror holds its state. */
  onSnapshot?(session: S, info: SnapshotInfo): void;
  /** An entity appeared (in the mirror since this snapshot). */
  onEntityAdded?(session: S, entityId: number): void;
  /** An entity's slots changed since the previous applied snapshot. */
  onEntityChanged?(session: S, entityId: number): void;
  /** An entity is gone since the previous applied snapshot. */
  onEntityRemoved?(session: S, entityId: number): void;
  onPong?(session: S, rttMs: number, serverTick: number): void;
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
 * Delivers a session's events to its listeners, and works out the entity events of a snapshot by
 * one merge walk over the previous and the new state (only when some listener wants them).
 */
export class EventDispatcher<S> {
  private readonly listeners: SessionListener<S>[] = [];

  constructor(private readonly session: () => S) {}

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

  snapshot(previous: WorldState | null, newest: WorldState, info: SnapshotInfo): void {
    if (this.listeners.length === 0) {
      return;
    }
    if (this.listeners.some((l) => l.onEntityAdded || l.onEntityChanged || l.onEntityRemoved)) {
      this.diff(previous, newest);
    }
    this.each((l, s) => l.onSnapshot?.(s, info));
  }

  pong(rttMs: number, serverTick: number): void {
    this.each((l, s) => l.onPong?.(s, rttMs, serverTick));
  }

  error(code: number, message: string): void {
    this.each((l, s) => l.onError?.(s, code, message));
  }

  disconnected(code: number, reason: string, willReconnect: boolean): void {
    this.each((l, s) => l.onDisconnected?.(s, code, reason, willReconnect));
  }

  reconnected(): void {
    this.each((l, s) => l.onReconnected?.(s));
  }

  closed(code: number, reason: string): void {
    this.each((l, s) => l.onClosed?.(s, code, reason));
  }

  private diff(previous: WorldState | null, next: WorldState): void {
    const slots = next.slotCount;
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
        const pv = (previous as WorldState).values;
        const po = i * slots;
        const no = j * slots;
        for (let k = 0; k < slots; k++) {
          if (pv[po + k] !== next.values[no + k]) {
            this.each((l, s) => l.onEntityChanged?.(s, nid));
            break;
          }
        }
        i++;
        j++;
      }
    }
  }

  private each(call: (listener: SessionListener<S>, session: S) => void): void {
    const session = this.session();
    for (const l of this.listeners.slice()) {
      try {
        call(l, session);
      } catch (e) {
        console.error('tickwire: session listener threw', e);
      }
    }
  }
}
