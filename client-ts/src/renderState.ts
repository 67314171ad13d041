import type { FieldRef } from './entityMirror.js';
import type { EntitySchema, SchemaField } from './schema.js';

/**
 * One rendered frame: every entity's fields at the render time, interpolated between two snapshots
 * (Java's `RenderState`). Values are dequantized: one number per slot, a quaternion's four slots
 * hold x, y, z, w. Reused frame after frame by {@link Interpolator.sample}.
 */
export class RenderState {
  count = 0;
  ids: Int32Array;
  values: Float64Array;
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

  constructor(readonly schema: EntitySchema) {
    this.slotCount = schema.slotCount;
    this.ids = new Int32Array(16);
    this.values = new Float64Array(16 * this.slotCount);
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
    return this.values[index * this.slotCount + this.resolve(field).firstSlot];
  }

  getInt(index: number, field: FieldRef): number {
    return Math.round(this.getDouble(index, field));
  }

  getBool(index: number, field: FieldRef): boolean {
    return this.getDouble(index, field) !== 0;
  }

  getQuaternion(index: number, field: FieldRef, xyzw: number[] | Float64Array = [0, 0, 0, 1]): number[] | Float64Array {
    const o = index * this.slotCount + this.resolve(field).firstSlot;
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
      this.values = new Float64Array(capacity * this.slotCount);
    }
    this.count = 0;
  }

  private resolve(field: FieldRef): SchemaField {
    return typeof field === 'string' ? this.schema.field(field) : field;
  }

  toString(): string {
    return `RenderState{count=${this.count}, fromTick=${this.fromTick}, toTick=${this.toTick}, alpha=${this.alpha.toFixed(3)}}`;
  }
}
