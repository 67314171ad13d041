import type { EntitySchema, SchemaField } from './schema.js';
import type { FieldRef } from './entityMirror.js';

/**
 * One entity's quantized slots, for prediction (Java's `EntityState`): a step function reads and
 * writes fields through the same quantizers as the server, so a prediction that matches the server
 * matches it bit for bit.
 */
export class EntityState {
  readonly slots: Int32Array;

  constructor(readonly schema: EntitySchema) {
    this.slots = new Int32Array(schema.slotCount);
  }

  getDouble(field: FieldRef): number {
    const f = this.resolve(field);
    return f.dequantize(this.slots[f.firstSlot]);
  }

  setDouble(field: FieldRef, value: number): void {
    const f = this.resolve(field);
    this.slots[f.firstSlot] = f.quantize(value);
  }

  getInt(field: FieldRef): number {
    const f = this.resolve(field);
    const q = this.slots[f.firstSlot];
    return f.kind === 'INT' ? f.intMin + q : q;
  }

  setInt(field: FieldRef, value: number): void {
    this.setDouble(field, value);
  }

  getBool(field: FieldRef): boolean {
    return this.slots[this.resolve(field).firstSlot] !== 0;
  }

  setBool(field: FieldRef, value: boolean): void {
    this.slots[this.resolve(field).firstSlot] = value ? 1 : 0;
  }

  getQuaternion(field: FieldRef, xyzw: number[] | Float64Array = [0, 0, 0, 1]): number[] | Float64Array {
    const f = this.resolve(field);
    f.dequantizeQuaternion(this.slots, f.firstSlot, xyzw);
    return xyzw;
  }

  setQuaternion(field: FieldRef, x: number, y: number, z: number, w: number): void {
    const f = this.resolve(field);
    f.quantizeQuaternion(x, y, z, w, this.slots, f.firstSlot);
  }

  copyFrom(other: EntityState): void {
    this.slots.set(other.slots);
  }

  /** @internal */
  copyFromArray(src: Int32Array, offset: number): void {
    this.slots.set(src.subarray(offset, offset + this.slots.length));
  }

  /** True when every slot is within `toleranceSlots` steps (angles modulo their turn). */
  matches(other: EntityState, toleranceSlots = 0): boolean {
    for (let s = 0; s < this.slots.length; s++) {
      let d = Math.abs(this.slots[s] - other.slots[s]);
      const wrap = this.schema.slotWrapMasks[s];
      if (wrap !== 0) {
        d = Math.min(d, wrap + 1 - d);
      }
      if (d > toleranceSlots) {
        return false;
      }
    }
    return true;
  }

  private resolve(field: FieldRef): SchemaField {
    return typeof field === 'string' ? this.schema.field(field) : field;
  }

  toString(): string {
    return `EntityState[${Array.from(this.slots).join(', ')}]`;
  }
}
