import type { SnapshotInfo } from './eventDispatcher.js';
import type { EntitySchema, RoomSchema } from './schema.js';
import { WorldState } from './worldState.js';

/** Pongs and errors kept for one poll before further ones are dropped (Java's `PollQueue.MAX_OTHER_EVENTS`). */
export const MAX_OTHER_EVENTS = 1024;

/** A queued listener call: snapshots carry their own state, other events a call to make. */
export type PolledEvent<L> =
  | { readonly kind: 'snapshot'; state: WorldState; info: SnapshotInfo }
  | { readonly kind: 'event'; readonly droppable: boolean; readonly call: (listener: L) => void };

/** Counters the queue keeps (fields of `ClientStats`). */
export interface PollCounters {
  pollCoalesced: number;
  pollDropped: number;
}

/**
 * The events of a session in `deliveryMode: 'poll'` (Java's `PollQueue`): the socket's handlers queue
 * them, the game loop runs them in `session.poll()`, in the order they happened.
 * <p>
 * Each queued snapshot carries its own copy of the state (from a pool), so that during a polled
 * callback, and after the poll, the mirror shows exactly the snapshot delivered. At most
 * `maxSnapshots` snapshots wait; past that the newest waiting one is overwritten (`pollCoalesced`),
 * which keeps entity events right because they are diffs between the states a poll delivers. Pongs
 * and errors are capped at {@link MAX_OTHER_EVENTS} (`pollDropped`); game messages and connection
 * events (disconnected, reconnected, closed) are never dropped.
 */
export class PollQueue<L> {
  private queue: PolledEvent<L>[] = [];
  private readonly free: WorldState[] = [];
  private lastSnapshot: (PolledEvent<L> & { kind: 'snapshot' }) | null = null;
  private queuedSnapshots = 0;
  private queuedOthers = 0;
  private polling = false;
  /** The state of the snapshot delivered last, null before the first. */
  view: WorldState | null = null;

  constructor(
    private readonly schema: EntitySchema | RoomSchema,
    private readonly maxSnapshots: number,
    private readonly counters: PollCounters,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  offerSnapshot(newest: WorldState, info: SnapshotInfo): void {
    if (this.queuedSnapshots >= this.maxSnapshots && this.lastSnapshot !== null) {
      this.lastSnapshot.state.copyFrom(newest);
      this.lastSnapshot.info = info;
      this.counters.pollCoalesced++;
      return;
    }
    const copy = this.free.pop() ?? new WorldState(this.schema, newest.count);
    copy.copyFrom(newest);
    const e = { kind: 'snapshot' as const, state: copy, info };
    this.queue.push(e);
    this.lastSnapshot = e;
    this.queuedSnapshots++;
  }

  /** Queue a call; `droppable` (pongs, errors) ones past {@link MAX_OTHER_EVENTS} are counted and dropped. */
  offer(droppable: boolean, call: (listener: L) => void): void {
    if (droppable && this.queuedOthers >= MAX_OTHER_EVENTS) {
      this.counters.pollDropped++;
      return;
    }
    this.queue.push({ kind: 'event', droppable, call });
    this.queuedOthers++;
  }

  /**
   * Run every event queued so far; events a callback causes wait for the next poll.
   *
   * @param deliverSnapshot gets the previously delivered state (null the first time) and the new one.
   * @returns events delivered.
   */
  poll(deliverSnapshot: (previous: WorldState | null, next: WorldState, info: SnapshotInfo) => void,
    deliverEvent: (call: (listener: L) => void) => void): number {
    if (this.polling) {
      throw new Error('poll() called from inside a polled callback');
    }
    this.polling = true;
    const events = this.queue;
    this.queue = [];
    this.lastSnapshot = null;
    this.queuedSnapshots = 0;
    this.queuedOthers = 0;
    try {
      for (const e of events) {
        if (e.kind === 'snapshot') {
          const previous = this.view;
          this.view = e.state;
          deliverSnapshot(previous, e.state, e.info);
          if (previous !== null) {
            this.free.push(previous);
          }
        } else {
          deliverEvent(e.call);
        }
      }
    } finally {
      this.polling = false;
    }
    return events.length;
  }
}
