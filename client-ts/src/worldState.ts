import { EntitySchema, RoomSchema } from './schema.js';

/**
 * The state of every entity of a room at one tick (Java's `WorldState`): ids ascending and, per
 * entity, its type and `slotCount` quantized ints, in flat typed arrays. `slotCount` is the room's
 * slot stride, the most slots of any entity type: an entity of a smaller type leaves the rest 0. A
 * STRING slot holds 0; its text is in `strings` (stride `stringStride`, in the order of the type's
 * STRING slots). Mutable while the decoder fills it, read-only afterwards; arrays grow on demand and
 * are reused, so a pooled instance allocates nothing once it has reached the world's size (strings
 * are JavaScript strings, shared, never copied character by character).
 */
export class WorldState {
  readonly room: RoomSchema;
  /** Slots per entity in `values`: the room's slot stride. */
  readonly slotCount: number;
  /** Texts per entity in `strings`: the room's string stride. */
  readonly stringStride: number;
  tick = 0;
  /** Server clock at capture, ms since the room started. */
  serverTimeMs = 0;
  count = 0;
  /** Backing id array; only the first `count` entries mean anything. Read-only for callers. */
  ids: Int32Array;
  /** Per entity: its type (index into `room.types`). Read-only. */
  types: Int32Array;
  /** Backing values, entity-major; the first `count * slotCount` entries mean anything. Read-only. */
  values: Int32Array;
  /** Texts of STRING slots, entity-major; the first `count * stringStride` entries mean anything. Read-only. */
  strings: string[];

  constructor(schema: EntitySchema | RoomSchema, initialCapacity = 16) {
    this.room = RoomSchema.from(schema);
    this.slotCount = this.room.slotStride;
    this.stringStride = this.room.stringStride;
    const capacity = Math.max(1, initialCapacity);
    this.ids = new Int32Array(capacity);
    this.types = new Int32Array(capacity);
    this.values = new Int32Array(capacity * this.slotCount);
    this.strings = new Array<string>(capacity * this.stringStride).fill('');
  }

  /** Type 0's schema (the only one of a version 1 room). */
  get schema(): EntitySchema {
    return this.room.types[0].schema;
  }

  idAt(index: number): number {
    return this.ids[index];
  }

  typeAt(index: number): number {
    return this.types[index];
  }

  /** The schema of the entity at `index`. */
  schemaAt(index: number): EntitySchema {
    return this.room.types[this.types[index]].schema;
  }

  valueAt(index: number, slot: number): number {
    return this.values[index * this.slotCount + slot];
  }

  /** Text of STRING slot `slot` of the entity at `index`. */
  stringAt(index: number, slot: number): string {
    const si = this.schemaAt(index).stringIndexOfSlot[slot];
    if (si === undefined || si < 0) {
      throw new RangeError(`not a string slot: index=${index}, slot=${slot}`);
    }
    return this.strings[index * this.stringStride + si];
  }

  /**
   * Binary search: the index of `id`, or a negative value when absent. `from` skips the ids before that index
   * (a walk over ascending ids passes the last index it found).
   */
  indexOf(id: number, from = 0): number {
    const ids = this.ids;
    let lo = Math.max(0, from);
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

  /**
   * Overwrite with a copy of the given arrays: the capture of one tick. `types` defaults to all 0,
   * `strings` (entity-major, `stringStride` per entity) to all "".
   */
  capture(tick: number, serverTimeMs: number, count: number, ids: ArrayLike<number>, values: ArrayLike<number>,
    types?: ArrayLike<number>, strings?: ArrayLike<string>): void {
    this.ensureCapacity(count);
    for (let i = 0; i < count; i++) {
      this.ids[i] = ids[i];
      this.types[i] = types === undefined ? 0 : types[i];
    }
    const n = count * this.slotCount;
    for (let i = 0; i < n; i++) {
      this.values[i] = values[i];
    }
    const m = count * this.stringStride;
    for (let i = 0; i < m; i++) {
      this.strings[i] = strings === undefined ? '' : strings[i];
    }
    this.tick = tick;
    this.serverTimeMs = serverTimeMs;
    this.count = count;
  }

  copyFrom(other: WorldState): void {
    if (other.slotCount !== this.slotCount || other.stringStride !== this.stringStride) {
      throw new TypeError(`states of different rooms: slots ${other.slotCount} vs ${this.slotCount}, ` +
        `strings ${other.stringStride} vs ${this.stringStride}`);
    }
    this.ensureCapacity(other.count);
    this.ids.set(other.ids.subarray(0, other.count));
    this.types.set(other.types.subarray(0, other.count));
    this.values.set(other.values.subarray(0, other.count * this.slotCount));
    const m = other.count * this.stringStride;
    for (let i = 0; i < m; i++) {
      this.strings[i] = other.strings[i];
    }
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
      const types = new Int32Array(capacity);
      types.set(this.types);
      const values = new Int32Array(capacity * this.slotCount);
      values.set(this.values);
      const stringsLength = capacity * this.stringStride;
      for (let i = this.strings.length; i < stringsLength; i++) {
        this.strings.push('');
      }
      this.ids = ids;
      this.types = types;
      this.values = values;
    }
  }

  /** Same entities with the same types, values and texts (tick and time ignored). */
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
      if (this.types[i] !== other.types[i]) {
        return `entity ${this.ids[i]} type: ${this.types[i]} vs ${other.types[i]}`;
      }
      const schema = this.schemaAt(i);
      for (let s = 0; s < schema.slotCount; s++) {
        if (this.valueAt(i, s) !== other.valueAt(i, s)) {
          return `entity ${this.ids[i]} slot ${s}: ${this.valueAt(i, s)} vs ${other.valueAt(i, s)}`;
        }
      }
      for (let k = 0; k < schema.stringCount; k++) {
        const a = this.strings[i * this.stringStride + k];
        const b = other.strings[i * other.stringStride + k];
        if (a !== b) {
          return `entity ${this.ids[i]} slot ${schema.stringSlots[k]}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
        }
      }
    }
    return null;
  }

  toString(): string {
    return `WorldState{tick=${this.tick}, count=${this.count}}`;
  }
}
