import { DeltaDecoder, DeltaError } from './deltaDecoder.js';
import { RoomSchema, type EntitySchema } from './schema.js';
import type { Snapshot } from './wireCodec.js';
import { WorldState } from './worldState.js';

/** What {@link SnapshotTracker.apply} did with a snapshot. */
export const ApplyResult = {
  APPLIED: 0,
  /** Not newer than the newest state applied: a late or reordered frame, dropped. */
  STALE: 1,
  /** Its baseline is not retained: the client answers with `Ack{request_full}`. */
  BASELINE_MISSING: 2,
  /** It does not fit its baseline (`DeltaError`): also answered with `Ack{request_full}`. */
  INVALID: 3,
} as const;
export type ApplyResult = (typeof ApplyResult)[keyof typeof ApplyResult];

/** Fewest states a tracker keeps. */
export const MIN_RETAINED_STATES = 2;

/**
 * The states a client applied, keyed by tick, kept as long as the server may delta against them
 * (Java's `SnapshotTracker`). Baselines never go backwards, so once a snapshot names baseline B every
 * state older than B is dropped; beyond that at most `retainedStates` are kept (the newest baseline
 * survives eviction). Dropped states go back to a pool: steady state allocates nothing.
 */
export class SnapshotTracker {
  private readonly decoder: DeltaDecoder;
  private readonly retained: WorldState[] = [];
  private readonly free: WorldState[] = [];
  private lastBaselineTick = 0;
  private allocated = 0;
  newest: WorldState | null = null;
  lastError = '';

  readonly room: RoomSchema;

  constructor(schema: EntitySchema | RoomSchema, private readonly retainedStates: number) {
    this.room = RoomSchema.from(schema);
    if (!(retainedStates >= MIN_RETAINED_STATES)) {
      throw new RangeError(`retainedStates too small: retainedStates=${retainedStates}, min=${MIN_RETAINED_STATES}`);
    }
    this.decoder = new DeltaDecoder(this.room);
  }

  apply(snapshot: Snapshot): ApplyResult {
    const tick = snapshot.tick ?? 0;
    if (this.newest !== null && tick <= this.newest.tick) {
      return ApplyResult.STALE;
    }
    const baselineTick = snapshot.baselineTick ?? 0;
    let baseline: WorldState | null = null;
    if (baselineTick !== 0) {
      baseline = this.find(baselineTick);
      if (baseline === null) {
        this.lastError = `baseline not retained: tick=${tick}, baselineTick=${baselineTick}, retained=${this.describe()}`;
        return ApplyResult.BASELINE_MISSING;
      }
    }
    const out = this.free.pop() ?? this.allocate();
    try {
      this.decoder.apply(baseline, snapshot, out);
    } catch (e) {
      this.free.push(out);
      if (!(e instanceof DeltaError)) {
        throw e;
      }
      this.lastError = `snapshot does not fit its baseline: tick=${tick}, baselineTick=${baselineTick}, reason=${e.message}`;
      return ApplyResult.INVALID;
    }
    if (baselineTick !== 0) {
      this.lastBaselineTick = baselineTick;
      this.pruneBefore(baselineTick);
    }
    this.retained.push(out);
    if (this.retained.length > this.retainedStates) {
      const victim = this.retained[0].tick === this.lastBaselineTick && this.retained.length > 2 ? 1 : 0;
      this.free.push(this.retained.splice(victim, 1)[0]);
    }
    this.newest = out;
    return ApplyResult.APPLIED;
  }

  find(tick: number): WorldState | null {
    for (let i = this.retained.length - 1; i >= 0; i--) {
      if (this.retained[i].tick === tick) {
        return this.retained[i];
      }
    }
    return null;
  }

  get retainedCount(): number {
    return this.retained.length;
  }

  /** States ever allocated: stops growing once the pool covers the retention. */
  get allocatedCount(): number {
    return this.allocated;
  }

  private allocate(): WorldState {
    this.allocated++;
    return new WorldState(this.room, 16);
  }

  private pruneBefore(baselineTick: number): void {
    let drop = 0;
    while (drop < this.retained.length && this.retained[drop].tick < baselineTick) {
      this.free.push(this.retained[drop]);
      drop++;
    }
    if (drop > 0) {
      this.retained.splice(0, drop);
    }
  }

  private describe(): string {
    const n = this.retained.length;
    return n === 0 ? 'none' : `${n} states, ticks ${this.retained[0].tick}..${this.retained[n - 1].tick}`;
  }
}
