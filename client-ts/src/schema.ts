/**
 * Entity schemas and the quantizers of every field kind: the same arithmetic as the Java
 * `io.tickwire.protocol.schema` package, double for double (protocol/README.md, "Entity schema and
 * quantization"), so a client's mirror and its predicted state are bit-exact with the server's.
 */
import type { tickwire } from './proto/tickwire.js';

/** The kind of a schema field; the names of Java's `FieldKind`. */
export type FieldKind = 'INT' | 'FIXED' | 'ANGLE' | 'BOOL' | 'QUATERNION' | 'STRING';

/**
 * Who receives a field (protocol version 2, `FieldSpec.visibility`): every connection that sees the
 * entity (`PUBLIC`), only the entity's owner, through the snapshot's owner section (`OWNER`), or the
 * connections whose audience (a team, say) equals the entity's (`AUDIENCE`). Everyone else reads 0
 * (or "" for a string).
 */
export type Visibility = 'PUBLIC' | 'OWNER' | 'AUDIENCE';

/** Most slots an entity may have: a changed-slot mask is one uint64. */
export const MAX_SLOTS = 64;

const TWO_PI = 2.0 * Math.PI;
const QUAT_COMPONENT_MAX = 1.0 / Math.sqrt(2.0);
const TWO_POW_63 = 9223372036854775808;

/** Round half to even, as Java's `Math.rint`. */
export function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function slotCountOf(kind: FieldKind): number {
  return kind === 'QUATERNION' ? 4 : 1;
}

/** One field of a schema: its slots and its quantizer. Immutable. */
export class SchemaField {
  readonly slotCount: number;
  /** Largest quantized value of the field's value slots (all but a quaternion's first). */
  readonly steps: number;

  constructor(
    readonly name: string,
    readonly kind: FieldKind,
    readonly index: number,
    readonly firstSlot: number,
    readonly intMin = 0,
    readonly intMax = 0,
    readonly floatMin = 0,
    readonly floatMax = 0,
    readonly precision = 0,
    readonly bits = 0,
    /** STRING fields: most UTF-8 bytes of a value. */
    readonly maxLength = 0,
    readonly visibility: Visibility = 'PUBLIC',
  ) {
    this.slotCount = slotCountOf(kind);
    this.steps = this.computeSteps();
    if (visibility !== 'PUBLIC' && visibility !== 'OWNER' && visibility !== 'AUDIENCE') {
      throw new RangeError(`unknown visibility: field=${name}, visibility=${String(visibility)}`);
    }
  }

  /** True for STRING fields: their slot never carries a number, the text travels in string columns. */
  get isString(): boolean {
    return this.kind === 'STRING';
  }

  private computeSteps(): number {
    switch (this.kind) {
      case 'INT':
        if (!Number.isInteger(this.intMin) || !Number.isInteger(this.intMax) || this.intMax < this.intMin ||
          this.intMax - this.intMin > 2147483646) {
          throw new RangeError(`int field range invalid: field=${this.name}, min=${this.intMin}, max=${this.intMax}`);
        }
        return this.intMax - this.intMin;
      case 'FIXED': {
        if (!(this.precision > 0) || !Number.isFinite(this.floatMin) || !Number.isFinite(this.floatMax) ||
          !(this.floatMax > this.floatMin)) {
          throw new RangeError(`fixed field invalid: field=${this.name}, min=${this.floatMin}, max=${this.floatMax}, ` +
            `precision=${this.precision}`);
        }
        const s = Math.ceil((this.floatMax - this.floatMin) / this.precision - 1e-9);
        if (s >= 2147483647) {
          throw new RangeError(`fixed field has too many steps: field=${this.name}, steps=${s}, max=2147483646`);
        }
        return s;
      }
      case 'ANGLE':
      case 'QUATERNION':
        if (!Number.isInteger(this.bits) || this.bits < 2 || this.bits > 30) {
          throw new RangeError(`${this.kind.toLowerCase()} bits out of range: field=${this.name}, bits=${this.bits}, ` +
            'allowed=2..30');
        }
        return 2 ** this.bits - 1;
      case 'BOOL':
        return 1;
      case 'STRING':
        if (!Number.isInteger(this.maxLength) || this.maxLength < 0 || this.maxLength > 0xffffffff) {
          throw new RangeError(`string max length invalid: field=${this.name}, maxLength=${this.maxLength}`);
        }
        // The slot holds no number (0 in a WorldState): nothing on the wire may set it.
        return 0;
      default:
        throw new RangeError(`unknown kind: field=${this.name}, kind=${String(this.kind)}`);
    }
  }

  /** Largest quantized value of slot `slotInField` of this field. */
  slotMax(slotInField: number): number {
    return this.kind === 'QUATERNION' && slotInField === 0 ? 3 : this.steps;
  }

  /** True for angles: their slot deltas wrap modulo 2^bits. */
  get wraps(): boolean {
    return this.kind === 'ANGLE';
  }

  /** Quantize a number (not for quaternions). NaN and infinities as in Java. */
  quantize(value: number): number {
    switch (this.kind) {
      case 'INT': {
        const v = Number.isNaN(value) ? this.intMin : rint(value);
        return Math.min(Math.max(v, this.intMin), this.intMax) - this.intMin;
      }
      case 'FIXED': {
        if (Number.isNaN(value)) {
          return 0;
        }
        const q = rint((value - this.floatMin) / this.precision);
        return Math.min(Math.max(q, 0), this.steps);
      }
      case 'ANGLE': {
        if (!Number.isFinite(value)) {
          return 0;
        }
        const turns = 2 ** this.bits;
        let q = rint(value / TWO_PI * turns);
        // Java casts to long, which saturates: keep its answer for absurd angles.
        if (q >= TWO_POW_63) {
          return turns - 1;
        }
        if (q <= -TWO_POW_63) {
          q = 0;
        }
        const m = q % turns;
        return m < 0 ? m + turns : m + 0;
      }
      case 'BOOL':
        return value !== 0 && !Number.isNaN(value) ? 1 : 0;
      default:
        throw new TypeError(this.kind === 'STRING' ? `string field has no number: field=${this.name}` :
          `use quantizeQuaternion for field ${this.name}`);
    }
  }

  /** The number a quantized slot value stands for (not for quaternions). */
  dequantize(slotValue: number): number {
    switch (this.kind) {
      case 'INT':
        return this.intMin + slotValue;
      case 'FIXED':
        return this.floatMin + slotValue * this.precision;
      case 'ANGLE':
        return slotValue * TWO_PI / 2 ** this.bits;
      case 'BOOL':
        return slotValue;
      default:
        throw new TypeError(this.kind === 'STRING' ? `string field has no number: field=${this.name}` :
          `use dequantizeQuaternion for field ${this.name}`);
    }
  }

  /** Quantize (x, y, z, w) "smallest three" into `slots[offset..offset+3]`. */
  quantizeQuaternion(x: number, y: number, z: number, w: number, slots: Int32Array | number[], offset: number): void {
    let norm = Math.sqrt(x * x + y * y + z * z + w * w);
    let qx = x;
    let qy = y;
    let qz = z;
    let qw = w;
    if (!(norm > 1e-12) || !Number.isFinite(norm)) {
      qx = 0;
      qy = 0;
      qz = 0;
      qw = 1;
      norm = 1;
    }
    qx /= norm;
    qy /= norm;
    qz /= norm;
    qw /= norm;
    let largest = 0;
    let largestAbs = Math.abs(qx);
    if (Math.abs(qy) > largestAbs) {
      largest = 1;
      largestAbs = Math.abs(qy);
    }
    if (Math.abs(qz) > largestAbs) {
      largest = 2;
      largestAbs = Math.abs(qz);
    }
    if (Math.abs(qw) > largestAbs) {
      largest = 3;
    }
    const largestValue = largest === 0 ? qx : largest === 1 ? qy : largest === 2 ? qz : qw;
    const sign = largestValue < 0 ? -1.0 : 1.0;
    slots[offset] = largest;
    let out = offset + 1;
    for (let c = 0; c < 4; c++) {
      if (c !== largest) {
        const v = sign * (c === 0 ? qx : c === 1 ? qy : c === 2 ? qz : qw);
        const q = rint((v + QUAT_COMPONENT_MAX) / (2 * QUAT_COMPONENT_MAX) * this.steps);
        slots[out++] = Math.min(Math.max(q, 0), this.steps);
      }
    }
  }

  /** Rebuild (x, y, z, w) from `slots[offset..offset+3]` into `xyzw`. */
  dequantizeQuaternion(slots: ArrayLike<number>, offset: number, xyzw: Float64Array | number[]): void {
    const largest = slots[offset] & 3;
    let sumSquares = 0;
    let inIndex = offset + 1;
    for (let c = 0; c < 4; c++) {
      if (c !== largest) {
        const v = slots[inIndex++] / this.steps * (2 * QUAT_COMPONENT_MAX) - QUAT_COMPONENT_MAX;
        xyzw[c] = v;
        sumSquares += v * v;
      }
    }
    xyzw[largest] = Math.sqrt(Math.max(0.0, 1.0 - sumSquares));
  }

  /** UTF-8 bytes of `text` (what `maxLength` bounds). */
  static utf8Length(text: string): number {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length &&
        (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  toString(): string {
    const v = this.visibility === 'PUBLIC' ? '' : ` ${this.visibility.toLowerCase()}`;
    return this.describe() + v;
  }

  private describe(): string {
    switch (this.kind) {
      case 'STRING':
        return `${this.name}:string[${this.maxLength} bytes]`;
      case 'INT':
        return `${this.name}:int[${this.intMin}..${this.intMax}]`;
      case 'FIXED':
        return `${this.name}:fixed[${this.floatMin}..${this.floatMax} step ${this.precision}]`;
      case 'ANGLE':
        return `${this.name}:angle[${this.bits} bits]`;
      case 'BOOL':
        return `${this.name}:bool`;
      default:
        return `${this.name}:quaternion[${this.bits} bits]`;
    }
  }
}

/** Proto `FieldKind` numbers to names. */
const KIND_BY_NUMBER: Record<number, FieldKind> = { 1: 'INT', 2: 'FIXED', 3: 'ANGLE', 4: 'BOOL', 5: 'QUATERNION', 6: 'STRING' };
/** Proto `Visibility` numbers to names. */
const VISIBILITY_BY_NUMBER: Record<number, Visibility> = { 0: 'PUBLIC', 1: 'OWNER', 2: 'AUDIENCE' };
/** Visibility names to proto numbers (tools and tests writing a `FieldSpec`). */
export const VISIBILITY_NUMBER: Record<Visibility, number> = { PUBLIC: 0, OWNER: 1, AUDIENCE: 2 };
/** Field kind names to proto numbers. */
export const KIND_NUMBER: Record<FieldKind, number> = { INT: 1, FIXED: 2, ANGLE: 3, BOOL: 4, QUATERNION: 5, STRING: 6 };

/**
 * The ordered fields of one entity type (from `Welcome.schema`, or one `Welcome.entity_types` entry).
 * Immutable; a decoder, a mirror and a predictor are built from it alone.
 */
export class EntitySchema {
  readonly fields: readonly SchemaField[];
  readonly slotCount: number;
  /** Per slot: largest quantized value (0 for a STRING slot, which never holds a number). */
  readonly slotMaxes: Int32Array;
  /** Per slot: 2^bits - 1 for angle slots (deltas wrap), 0 otherwise. */
  readonly slotWrapMasks: Int32Array;
  /** Per slot: its index among the STRING slots (in `WorldState.strings`), or -1. */
  readonly stringIndexOfSlot: Int32Array;
  /** The STRING slots, ascending. */
  readonly stringSlots: Int32Array;
  /** How many slots carry a number on the wire (every slot but STRING ones). */
  readonly numericSlotCount: number;
  /** Per slot: the field it belongs to. */
  readonly slotField: readonly SchemaField[];
  /** Per slot: true when the field is OWNER-only. */
  readonly ownerSlot: Uint8Array;
  /** Bit masks over slots 0..31 and 32..63: STRING slots, OWNER slots, every slot. */
  readonly stringMaskLow: number;
  readonly stringMaskHigh: number;
  readonly ownerMaskLow: number;
  readonly ownerMaskHigh: number;
  readonly slotMaskLow: number;
  readonly slotMaskHigh: number;
  private readonly byName: Map<string, SchemaField>;

  private constructor(fields: SchemaField[]) {
    this.fields = Object.freeze(fields.slice());
    this.byName = new Map();
    for (const f of fields) {
      if (this.byName.has(f.name)) {
        throw new RangeError(`duplicate field name: name=${f.name}`);
      }
      this.byName.set(f.name, f);
    }
    let slots = 0;
    for (const f of fields) {
      slots += f.slotCount;
    }
    if (slots > MAX_SLOTS) {
      throw new RangeError(`schema has too many slots: slots=${slots}, max=${MAX_SLOTS}`);
    }
    this.slotCount = slots;
    this.slotMaxes = new Int32Array(slots);
    this.slotWrapMasks = new Int32Array(slots);
    this.stringIndexOfSlot = new Int32Array(slots).fill(-1);
    this.ownerSlot = new Uint8Array(slots);
    const stringSlots: number[] = [];
    const slotField: SchemaField[] = [];
    const masks = [0, 0, 0, 0, 0, 0];
    const setBit = (which: number, slot: number): void => {
      const i = which * 2 + (slot >= 32 ? 1 : 0);
      masks[i] = (masks[i] | (1 << (slot & 31))) >>> 0;
    };
    for (const f of fields) {
      for (let s = 0; s < f.slotCount; s++) {
        const slot = f.firstSlot + s;
        this.slotMaxes[slot] = f.slotMax(s);
        this.slotWrapMasks[slot] = f.wraps ? f.slotMax(s) : 0;
        slotField.push(f);
        setBit(2, slot);
        if (f.isString) {
          this.stringIndexOfSlot[slot] = stringSlots.length;
          stringSlots.push(slot);
          setBit(0, slot);
        }
        if (f.visibility === 'OWNER') {
          this.ownerSlot[slot] = 1;
          setBit(1, slot);
        }
      }
    }
    this.slotField = Object.freeze(slotField);
    this.stringSlots = Int32Array.from(stringSlots);
    this.numericSlotCount = slots - stringSlots.length;
    [this.stringMaskLow, this.stringMaskHigh, this.ownerMaskLow, this.ownerMaskHigh, this.slotMaskLow,
      this.slotMaskHigh] = masks;
  }

  static builder(): EntitySchemaBuilder {
    return new EntitySchemaBuilder((fields) => new EntitySchema(fields));
  }

  /** Build from the wire form (`Welcome.schema`, `EntityType.schema`). */
  static fromProto(proto: tickwire.v1.IEntitySchema): EntitySchema {
    const b = EntitySchema.builder();
    for (const spec of proto.fields ?? []) {
      const name = spec.name ?? '';
      const kind = KIND_BY_NUMBER[Number(spec.kind ?? 0)];
      const visibility = VISIBILITY_BY_NUMBER[Number(spec.visibility ?? 0)];
      if (visibility === undefined) {
        throw new RangeError(`unknown visibility: field=${name}, visibility=${String(spec.visibility)}`);
      }
      switch (kind) {
        case 'INT':
          b.intField(name, spec.intMin ?? 0, spec.intMax ?? 0, visibility);
          break;
        case 'FIXED':
          b.fixed(name, spec.floatMin ?? 0, spec.floatMax ?? 0, spec.precision ?? 0, visibility);
          break;
        case 'ANGLE':
          b.angle(name, spec.bits ?? 0, visibility);
          break;
        case 'BOOL':
          b.bool(name, visibility);
          break;
        case 'QUATERNION':
          b.quaternion(name, spec.bits ?? 0, visibility);
          break;
        case 'STRING':
          b.string(name, spec.maxLength ?? 0, visibility);
          break;
        default:
          throw new RangeError(`unknown field kind: field=${name}, kind=${String(spec.kind)}`);
      }
    }
    return b.build();
  }

  /** The wire form (tools and tests; a client gets it in `Welcome`). */
  toProto(): tickwire.v1.IEntitySchema {
    return {
      fields: this.fields.map((f) => ({
        name: f.name, kind: KIND_NUMBER[f.kind], intMin: f.intMin, intMax: f.intMax, floatMin: f.floatMin,
        floatMax: f.floatMax, precision: f.precision, bits: f.bits, maxLength: f.maxLength,
        visibility: VISIBILITY_NUMBER[f.visibility],
      })),
    };
  }

  /** The field called `name`; throws naming the known fields when there is none. */
  field(name: string): SchemaField {
    const f = this.byName.get(name);
    if (f === undefined) {
      throw new RangeError(`no such field: name=${name}, fields=[${[...this.byName.keys()].join(', ')}]`);
    }
    return f;
  }

  hasField(name: string): boolean {
    return this.byName.has(name);
  }

  /** True when `field` is this schema's field (its own object, or one with the same name, kind and slot). */
  owns(field: SchemaField): boolean {
    const own = this.fields[field.index];
    return own === field || (own !== undefined && own.name === field.name && own.kind === field.kind &&
      own.firstSlot === field.firstSlot);
  }

  slotMax(slot: number): number {
    return this.slotMaxes[slot];
  }

  /** STRING slots of this schema. */
  get stringCount(): number {
    return this.stringSlots.length;
  }

  /** True when some field needs protocol version 2: a STRING field or a non-PUBLIC one. */
  get usesVersion2(): boolean {
    return this.fields.some((f) => f.isString || f.visibility !== 'PUBLIC');
  }

  toString(): string {
    return `EntitySchema[${this.fields.map((f) => f.toString()).join(', ')}]`;
  }
}

/** Builds an {@link EntitySchema} field by field, slots in call order. */
export class EntitySchemaBuilder {
  private readonly fields: SchemaField[] = [];
  private nextSlot = 0;

  /** @internal */
  constructor(private readonly make: (fields: SchemaField[]) => EntitySchema) {}

  intField(name: string, min: number, max: number, visibility: Visibility = 'PUBLIC'): this {
    return this.add(new SchemaField(name, 'INT', this.fields.length, this.nextSlot, min, max, 0, 0, 0, 0, 0, visibility));
  }

  fixed(name: string, min: number, max: number, precision: number, visibility: Visibility = 'PUBLIC'): this {
    return this.add(new SchemaField(name, 'FIXED', this.fields.length, this.nextSlot, 0, 0, min, max, precision, 0, 0,
      visibility));
  }

  angle(name: string, bits: number, visibility: Visibility = 'PUBLIC'): this {
    return this.add(new SchemaField(name, 'ANGLE', this.fields.length, this.nextSlot, 0, 0, 0, 0, 0, bits, 0, visibility));
  }

  bool(name: string, visibility: Visibility = 'PUBLIC'): this {
    return this.add(new SchemaField(name, 'BOOL', this.fields.length, this.nextSlot, 0, 0, 0, 0, 0, 0, 0, visibility));
  }

  quaternion(name: string, bits: number, visibility: Visibility = 'PUBLIC'): this {
    return this.add(new SchemaField(name, 'QUATERNION', this.fields.length, this.nextSlot, 0, 0, 0, 0, 0, bits, 0,
      visibility));
  }

  /** Version 2: UTF-8 text of at most `maxLength` bytes; one slot, its value in the string columns. */
  string(name: string, maxLength: number, visibility: Visibility = 'PUBLIC'): this {
    return this.add(new SchemaField(name, 'STRING', this.fields.length, this.nextSlot, 0, 0, 0, 0, 0, 0, maxLength,
      visibility));
  }

  build(): EntitySchema {
    return this.make(this.fields);
  }

  private add(field: SchemaField): this {
    this.fields.push(field);
    this.nextSlot += field.slotCount;
    return this;
  }
}

/** One kind of entity of a room (protocol version 2, `Welcome.entity_types`): its index, name and fields. */
export class EntityType {
  constructor(readonly index: number, readonly name: string, readonly schema: EntitySchema) {}

  toString(): string {
    return `EntityType[${this.index} ${this.name}: ${this.schema.fields.map((f) => f.toString()).join(', ')}]`;
  }
}

/**
 * Every entity type of a room, from `Welcome`: `entity_types` when present, else one type (index 0,
 * named "") whose fields are `Welcome.schema`, which is all a version 1 room has. An entity's type is
 * its index here and never changes. Immutable.
 */
export class RoomSchema {
  readonly types: readonly EntityType[];
  /** Slots per entity in a `WorldState`: the most of any type (entities of smaller types leave the rest 0). */
  readonly slotStride: number;
  /** STRING slots per entity in a `WorldState`'s `strings`: the most of any type. */
  readonly stringStride: number;
  private readonly byName: Map<string, EntityType>;

  constructor(types: readonly EntityType[]) {
    if (types.length === 0) {
      throw new RangeError('a room has at least one entity type');
    }
    types.forEach((t, i) => {
      if (t.index !== i) {
        throw new RangeError(`entity type index mismatch: name=${t.name}, index=${t.index}, position=${i}`);
      }
    });
    this.types = Object.freeze(types.slice());
    this.byName = new Map(types.map((t) => [t.name, t]));
    this.slotStride = Math.max(...types.map((t) => t.schema.slotCount));
    this.stringStride = Math.max(...types.map((t) => t.schema.stringCount));
  }

  /** A room of one type (what every version 1 room is). */
  static single(schema: EntitySchema, name = ''): RoomSchema {
    return new RoomSchema([new EntityType(0, name, schema)]);
  }

  /** Several types, in index order, from (name, schema) pairs. */
  static of(...types: [string, EntitySchema][]): RoomSchema {
    return new RoomSchema(types.map(([name, schema], i) => new EntityType(i, name, schema)));
  }

  /** From a `Welcome`: `entity_types` when present, else one type from `schema`. */
  static fromWelcome(welcome: { schema?: tickwire.v1.IEntitySchema | null; entityTypes?: tickwire.v1.IEntityType[] | null }): RoomSchema {
    const wire = welcome.entityTypes ?? [];
    if (wire.length === 0) {
      return RoomSchema.single(EntitySchema.fromProto(welcome.schema ?? {}));
    }
    return new RoomSchema(wire.map((t, i) => new EntityType(i, t.name ?? '', EntitySchema.fromProto(t.schema ?? {}))));
  }

  /** Convenience for callers that take either a schema or a room schema. */
  static from(schema: EntitySchema | RoomSchema): RoomSchema {
    return schema instanceof RoomSchema ? schema : RoomSchema.single(schema);
  }

  get typeCount(): number {
    return this.types.length;
  }

  /** Type by index or by name; throws naming the known types when there is none. */
  type(which: number | string): EntityType {
    const t = typeof which === 'number' ? this.types[which] : this.byName.get(which);
    if (t === undefined) {
      throw new RangeError(`no such entity type: type=${String(which)}, types=[${this.types.map((x) => x.name).join(', ')}]`);
    }
    return t;
  }

  hasType(name: string): boolean {
    return this.byName.has(name);
  }

  /** True when the room needs protocol version 2 (several types, a STRING or a non-PUBLIC field). */
  get usesVersion2(): boolean {
    return this.types.length > 1 || this.types.some((t) => t.schema.usesVersion2);
  }

  toString(): string {
    return `RoomSchema[${this.types.map((t) => t.toString()).join('; ')}]`;
  }
}
