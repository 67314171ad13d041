import type { FieldRef } from './entityMirror.js';
import { RoomSchema, type EntitySchema, type EntityType, type SchemaField } from './schema.js';

/**
 * One rendered frame: every entity's fields at the render time, interpolated between two snapshots
 * (Java's `RenderState`). Values are dequantized: one number per slot, a quaternion's four slots
 * hold x, y, z, w; STRING fields hold the newer snapshot's text. Fields are looked up on each
 * entity's own type. Reused frame after frame by {@link Interpolator.sample}.
 */
export class RenderState {
  count = 0;
  ids: Int32Array;
  values: Float64Array;
  /** Per entity: its type index. */
  types: Int32Array;
  /** Texts of STRING slots, `stringStride` per entity (as in `WorldState.strings`). */
  strings: string[];
  /** Server time rendered, ms since the room started. */
  renderServerTimeMs = 0;
  /** How far past the newest snapshot this frame extrapolates, ms (0 when interpolating). */
  extrapolationMs = 0;
  /** Render time behind the newest snapshot's arrival, ms. */
  delayMs = 0;
  fromTick = 0;
  toTick = 0;
  alpha = 0;
  readonly slotCount: number;
  readonly stringStride: number;
  readonly room: RoomSchema;
  /**
   * The server tick this frame shows, rounded down (`fromTick` plus `alpha` of the way to `toTick`);
   * 0 before the first sample. Inputs carry it as `Input.view_tick`.
   */
  viewTick = 0;

  constructor(schema: EntitySchema | RoomSchema) {
    this.room = RoomSchema.from(schema);
    this.slotCount = this.room.slotStride;
    this.stringStride = this.room.stringStride;
    this.ids = new Int32Array(16);
    this.types = new Int32Array(16);
    this.values = new Float64Array(16 * this.slotCount);
    this.strings = new Array<string>(16 * this.stringStride).fill('');
  }

  /** Type 0's schema (the only one of a version 1 room). */
  get schema(): EntitySchema {
    return this.room.types[0].schema;
  }

  /** The type of the entity at `index`. */
  typeAt(index: number): EntityType {
    return this.room.types[this.types[index]];
  }

  entityIdAt(index: number): number {
    return this.ids[index];
  }

  /** Index of `entityId`, or -1. */
  indexOf(entityId: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid];
      if (v < entityId) {
        lo = mid + 1;
      } else if (v > entityId) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  getDouble(index: number, field: FieldRef): number {
    const f = this.resolve(index, field);
    if (f.kind === 'STRING') {
      throw new TypeError(`use getString for field ${f.name}`);
    }
    return this.values[index * this.slotCount + f.firstSlot];
  }

  /** Text of a STRING field (the newer snapshot's). */
  getString(index: number, field: FieldRef): string {
    const f = this.resolve(index, field);
    const si = this.typeAt(index).schema.stringIndexOfSlot[f.firstSlot];
    if (si < 0) {
      throw new TypeError(`not a string field: field=${f.name}, kind=${f.kind}`);
    }
    return this.strings[index * this.stringStride + si];
  }

  getInt(index: number, field: FieldRef): number {
    return Math.round(this.getDouble(index, field));
  }

  getBool(index: number, field: FieldRef): boolean {
    return this.getDouble(index, field) !== 0;
  }

  getQuaternion(index: number, field: FieldRef, xyzw: number[] | Float64Array = [0, 0, 0, 1]): number[] | Float64Array {
    const o = index * this.slotCount + this.resolve(index, field).firstSlot;
    for (let c = 0; c < 4; c++) {
      xyzw[c] = this.values[o + c];
    }
    return xyzw;
  }

  /** @internal */
  begin(entities: number): void {
    if (entities > this.ids.length) {
      const capacity = Math.max(entities, this.ids.length * 2);
      this.ids = new Int32Array(capacity);
      this.types = new Int32Array(capacity);
      this.values = new Float64Array(capacity * this.slotCount);
      this.strings = new Array<string>(capacity * this.stringStride).fill('');
    }
    this.count = 0;
  }

  private resolve(index: number, field: FieldRef): SchemaField {
    const type = this.typeAt(index);
    if (typeof field === 'string') {
      if (!type.schema.hasField(field)) {
        throw new RangeError(`no such field: name=${field}, type=${type.name}, fields=[` +
          `${type.schema.fields.map((f) => f.name).join(', ')}]`);
      }
      return type.schema.field(field);
    }
    if (!type.schema.owns(field)) {
      throw new RangeError(`field of another type: field=${field.name}, entity type=${type.name}`);
    }
    return field;
  }

  toString(): string {
    return `RenderState{count=${this.count}, fromTick=${this.fromTick}, toTick=${this.toTick}, alpha=${this.alpha.toFixed(3)}}`;
  }
}
