import type { EntitySchema, SchemaField } from './schema.js';
import { WorldState } from './worldState.js';

/** A field given as itself or by name. */
export type FieldRef = SchemaField | string;

/**
 * The newest applied state of the room, bit-exact with the server's, with typed field access through
 * the `Welcome` schema (Java's `EntityMirror`). Reads always see the newest state; keep
 * {@link copyState} for a state that stays put.
 */
export class EntityMirror {
  private state: WorldState | null = null;

  constructor(readonly schema: EntitySchema) {}

  /** @internal called by the connection after each applied snapshot. */
  onApplied(newest: WorldState): void {
    this.state = newest;
  }

  /** Tick of the newest state, 0 before the first snapshot. */
  get tick(): number {
    return this.state === null ? 0 : this.state.tick;
  }

  /** Server time of the newest state, ms since the room started. */
  get serverTimeMs(): number {
    return this.state === null ? 0 : this.state.serverTimeMs;
  }

  get count(): number {
    return this.state === null ? 0 : this.state.count;
  }

  /** Id of the entity at `index` (ascending ids). */
  entityIdAt(index: number): number {
    return this.current().idAt(index);
  }

  /** Every entity id, ascending (a new array). */
  entityIds(): number[] {
    return this.state === null ? [] : Array.from(this.state.ids.subarray(0, this.state.count));
  }

  contains(entityId: number): boolean {
    return this.state !== null && this.state.indexOf(entityId) >= 0;
  }

  getDouble(entityId: number, field: FieldRef): number {
    const f = this.resolve(field);
    return f.dequantize(this.slot(entityId, f));
  }

  getInt(entityId: number, field: FieldRef): number {
    const f = this.resolve(field);
    const q = this.slot(entityId, f);
    return f.kind === 'INT' ? f.intMin + q : q;
  }

  getBool(entityId: number, field: FieldRef): boolean {
    return this.slot(entityId, this.resolve(field)) !== 0;
  }

  /** (x, y, z, w) of a quaternion field into `xyzw` (a new array when omitted). */
  getQuaternion(entityId: number, field: FieldRef, xyzw: number[] | Float64Array = [0, 0, 0, 1]): number[] | Float64Array {
    const f = this.resolve(field);
    const s = this.current();
    f.dequantizeQuaternion(s.values, this.index(entityId) * s.slotCount + f.firstSlot, xyzw);
    return xyzw;
  }

  /** A copy of the newest state (null before the first snapshot). */
  copyState(): WorldState | null {
    if (this.state === null) {
      return null;
    }
    const copy = new WorldState(this.schema, this.state.count);
    copy.copyFrom(this.state);
    return copy;
  }

  private resolve(field: FieldRef): SchemaField {
    return typeof field === 'string' ? this.schema.field(field) : field;
  }

  private current(): WorldState {
    if (this.state === null) {
      throw new RangeError('no snapshot applied yet');
    }
    return this.state;
  }

  private index(entityId: number): number {
    const s = this.current();
    const i = s.indexOf(entityId);
    if (i < 0) {
      throw new RangeError(`no such entity: entityId=${entityId}, tick=${s.tick}`);
    }
    return i;
  }

  private slot(entityId: number, f: SchemaField): number {
    if (f.kind === 'QUATERNION') {
      throw new TypeError(`use getQuaternion for field ${f.name}`);
    }
    const s = this.current();
    return s.values[this.index(entityId) * s.slotCount + f.firstSlot];
  }
}
