import type { EntitySchema } from './schema.js';

/**
 * The state of every entity of a room at one tick: ids ascending and, per entity, `slotCount`
 * quantized ints, both in flat typed arrays (Java's `WorldState`). Mutable while the decoder fills
 * it, read-only afterwards; arrays grow on demand and are reused, so a pooled instance allocates
 * nothing once it has reached the world's size.
 */
export class WorldState {
  readonly slotCount: number;
  tick = 0;
  /** Server clock at capture, ms since the room started. */
  serverTimeMs = 0;
  count = 0;
  /** Backing id array; only the first `count` entries mean anything. Read-only for callers. */
  ids: Int32Array;
  /** Backing values, entity-major; the first `count * slotCount` entries mean anything. Read-only. */
  values: Int32Array;

  constructor(readonly schema: EntitySchema, initialCapacity = 16) {
    this.slotCount = schema.slotCount;
    const capacity = Math.max(1, initialCapacity);
    this.ids = new Int32Array(capacity);
    this.values = new Int32Array(capacity * this.slotCount);
  }

  idAt(index: number): number {
    return this.ids[index];
  }

  valueAt(index: number, slot: number): number {
    return this.values[index * this.slotCount + slot];
  }

  /** Binary search: the index of `id`, or a negative value when absent. */
  indexOf(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid];
      if (v < id) {
        lo = mid + 1;
      } else if (v > id) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** Overwrite with a copy of the given arrays: the capture of one tick. */
  capture(tick: number, serverTimeMs: number, count: number, ids: ArrayLike<number>, values: ArrayLike<number>): void {
    this.ensureCapacity(count);
    for (let i = 0; i < count; i++) {
      this.ids[i] = ids[i];
    }
    const n = count * this.slotCount;
    for (let i = 0; i < n; i++) {
      this.values[i] = values[i];
    }
    this.tick = tick;
    this.serverTimeMs = serverTimeMs;
    this.count = count;
  }

  copyFrom(other: WorldState): void {
    this.ensureCapacity(other.count);
    this.ids.set(other.ids.subarray(0, other.count));
    this.values.set(other.values.subarray(0, other.count * this.slotCount));
    this.tick = other.tick;
    this.serverTimeMs = other.serverTimeMs;
    this.count = other.count;
  }

  reset(tick: number, serverTimeMs: number): void {
    this.tick = tick;
    this.serverTimeMs = serverTimeMs;
    this.count = 0;
  }

  /** Grow to hold at least `entities`, keeping the contents. */
  ensureCapacity(entities: number): void {
    if (entities > this.ids.length) {
      const capacity = Math.max(entities, this.ids.length + (this.ids.length >> 1) + 1);
      const ids = new Int32Array(capacity);
      ids.set(this.ids);
      const values = new Int32Array(capacity * this.slotCount);
      values.set(this.values);
      this.ids = ids;
      this.values = values;
    }
  }

  /** Same entities with the same values (tick and time ignored). */
  contentEquals(other: WorldState): boolean {
    return this.firstDifference(other) === null;
  }

  /** What differs first, for test failure messages; null when equal. */
  firstDifference(other: WorldState): string | null {
    if (this.count !== other.count) {
      return `entity count: ${this.count} vs ${other.count}`;
    }
    for (let i = 0; i < this.count; i++) {
      if (this.ids[i] !== other.ids[i]) {
        return `id at index ${i}: ${this.ids[i]} vs ${other.ids[i]}`;
      }
      for (let s = 0; s < this.slotCount; s++) {
        if (this.valueAt(i, s) !== other.valueAt(i, s)) {
          return `entity ${this.ids[i]} slot ${s}: ${this.valueAt(i, s)} vs ${other.valueAt(i, s)}`;
        }
      }
    }
    return null;
  }

  toString(): string {
    return `WorldState{tick=${this.tick}, count=${this.count}}`;
  }
}
