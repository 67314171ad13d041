import { RoomSchema, type EntitySchema, type EntityType, type SchemaField } from './schema.js';
import { WorldState } from './worldState.js';

/**
 * A field given as itself or by name. A name is looked up on the entity's own type; a
 * {@link SchemaField} must be a field of that type.
 */
export type FieldRef = SchemaField | string;

/**
 * The newest applied state of the room, bit-exact with the server's, with typed field access through
 * the `Welcome` schema (Java's `EntityMirror`). Each entity has a type ({@link typeOf}); fields are
 * read on the entity's own type. Reads always see the newest state; keep {@link copyState} for a state
 * that stays put.
 * <p>
 * In a room with an interest policy the mirror holds this client's view, not the whole room: an entity
 * that leaves the view is removed from the mirror exactly as a destroyed one, and one that enters it
 * appears with all its fields. OWNER fields read 0 ("") except on entities this client owns; AUDIENCE
 * fields read 0 ("") unless this client is in the entity's audience.
 */
export class EntityMirror {
  private state: WorldState | null = null;
  readonly room: RoomSchema;

  constructor(schema: EntitySchema | RoomSchema) {
    this.room = RoomSchema.from(schema);
  }

  /** Type 0's schema (the only one of a version 1 room). */
  get schema(): EntitySchema {
    return this.room.types[0].schema;
  }

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

  /** Ids of the entities of one type (by index or name), ascending (a new array). */
  entityIdsOfType(type: number | string): number[] {
    const t = this.room.type(type).index;
    const s = this.state;
    const ids: number[] = [];
    if (s !== null) {
      for (let i = 0; i < s.count; i++) {
        if (s.types[i] === t) {
          ids.push(s.ids[i]);
        }
      }
    }
    return ids;
  }

  contains(entityId: number): boolean {
    return this.state !== null && this.state.indexOf(entityId) >= 0;
  }

  /** The entity's type. */
  typeOf(entityId: number): EntityType {
    return this.room.types[this.current().types[this.index(entityId)]];
  }

  /** The entity's type index (into `Welcome.entity_types`). */
  typeIndexOf(entityId: number): number {
    return this.current().types[this.index(entityId)];
  }

  /** The name of the entity's type ("" in a version 1 room). */
  typeNameOf(entityId: number): string {
    return this.typeOf(entityId).name;
  }

  /** True when the entity's type has a field called `name`. */
  hasField(entityId: number, name: string): boolean {
    return this.typeOf(entityId).schema.hasField(name);
  }

  getDouble(entityId: number, field: FieldRef): number {
    const i = this.index(entityId);
    const f = this.resolve(i, field);
    return f.dequantize(this.slot(i, f));
  }

  getInt(entityId: number, field: FieldRef): number {
    const i = this.index(entityId);
    const f = this.resolve(i, field);
    const q = this.slot(i, f);
    return f.kind === 'INT' ? f.intMin + q : q;
  }

  getBool(entityId: number, field: FieldRef): boolean {
    const i = this.index(entityId);
    return this.slot(i, this.resolve(i, field)) !== 0;
  }

  /** Text of a STRING field ("" for an OWNER or AUDIENCE field this client does not receive). */
  getString(entityId: number, field: FieldRef): string {
    const i = this.index(entityId);
    const f = this.resolve(i, field);
    if (f.kind !== 'STRING') {
      throw new TypeError(`not a string field: field=${f.name}, kind=${f.kind}`);
    }
    return this.current().stringAt(i, f.firstSlot);
  }

  /** (x, y, z, w) of a quaternion field into `xyzw` (a new array when omitted). */
  getQuaternion(entityId: number, field: FieldRef, xyzw: number[] | Float64Array = [0, 0, 0, 1]): number[] | Float64Array {
    const i = this.index(entityId);
    const f = this.resolve(i, field);
    const s = this.current();
    f.dequantizeQuaternion(s.values, i * s.slotCount + f.firstSlot, xyzw);
    return xyzw;
  }

  /** A copy of the newest state (null before the first snapshot). */
  copyState(): WorldState | null {
    if (this.state === null) {
      return null;
    }
    const copy = new WorldState(this.room, this.state.count);
    copy.copyFrom(this.state);
    return copy;
  }

  private resolve(index: number, field: FieldRef): SchemaField {
    const type = this.room.types[this.current().types[index]];
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

  private slot(index: number, f: SchemaField): number {
    if (f.kind === 'QUATERNION') {
      throw new TypeError(`use getQuaternion for field ${f.name}`);
    }
    if (f.kind === 'STRING') {
      throw new TypeError(`use getString for field ${f.name}`);
    }
    const s = this.current();
    return s.values[index * s.slotCount + f.firstSlot];
  }
}
