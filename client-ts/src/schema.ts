/**
 * Entity schemas and the quantizers of every field kind: the same arithmetic as the Java
 * `io.tickwire.protocol.schema` package, double for double (protocol/README.md, "Entity schema and
 * quantization"), so a client's mirror and its predicted state are bit-exact with the server's.
 */
import type { tickwire } from './proto/tickwire.js';

/** The kind of a schema field; the names of Java's `FieldKind`. */
export type FieldKind = 'INT' | 'FIXED' | 'ANGLE' | 'BOOL' | 'QUATERNION';

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
  ) {
    this.slotCount = slotCountOf(kind);
    this.steps = this.computeSteps();
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
        throw new TypeError(`use quantizeQuaternion for field ${this.name}`);
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
        throw new TypeError(`use dequantizeQuaternion for field ${this.name}`);
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

  toString(): string {
    switch (this.kind) {
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
const KIND_BY_NUMBER: Record<number, FieldKind> = { 1: 'INT', 2: 'FIXED', 3: 'ANGLE', 4: 'BOOL', 5: 'QUATERNION' };

/**
 * The ordered fields every entity of a room carries (from `Welcome.schema`). Immutable; a decoder,
 * a mirror and a predictor are built from it alone.
 */
export class EntitySchema {
  readonly fields: readonly SchemaField[];
  readonly slotCount: number;
  /** Per slot: largest quantized value. */
  readonly slotMaxes: Int32Array;
  /** Per slot: 2^bits - 1 for angle slots (deltas wrap), 0 otherwise. */
  readonly slotWrapMasks: Int32Array;
  private readonly byName: Map<string, SchemaField>;

  private constructor(fields: SchemaField[]) {
    this.fields = Object.freeze(fields.slice());
    this.byName = new Map(fields.map((f) => [f.name, f]));
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
    for (const f of fields) {
      for (let s = 0; s < f.slotCount; s++) {
        this.slotMaxes[f.firstSlot + s] = f.slotMax(s);
        this.slotWrapMasks[f.firstSlot + s] = f.wraps ? f.slotMax(s) : 0;
      }
    }
  }

  static builder(): EntitySchemaBuilder {
    return new EntitySchemaBuilder((fields) => new EntitySchema(fields));
  }

  /** Build from the wire form in `Welcome.schema`. */
  static fromProto(proto: tickwire.v1.IEntitySchema): EntitySchema {
    const b = EntitySchema.builder();
    for (const spec of proto.fields ?? []) {
      const name = spec.name ?? '';
      const kind = KIND_BY_NUMBER[Number(spec.kind ?? 0)];
      switch (kind) {
        case 'INT':
          b.intField(name, spec.intMin ?? 0, spec.intMax ?? 0);
          break;
        case 'FIXED':
          b.fixed(name, spec.floatMin ?? 0, spec.floatMax ?? 0, spec.precision ?? 0);
          break;
        case 'ANGLE':
          b.angle(name, spec.bits ?? 0);
          break;
        case 'BOOL':
          b.bool(name);
          break;
        case 'QUATERNION':
          b.quaternion(name, spec.bits ?? 0);
          break;
        default:
          throw new RangeError(`unknown field kind: field=${name}, kind=${String(spec.kind)}`);
      }
    }
    return b.build();
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

  slotMax(slot: number): number {
    return this.slotMaxes[slot];
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

  intField(name: string, min: number, max: number): this {
    return this.add(new SchemaField(name, 'INT', this.fields.length, this.nextSlot, min, max));
  }

  fixed(name: string, min: number, max: number, precision: number): this {
    return this.add(new SchemaField(name, 'FIXED', this.fields.length, this.nextSlot, 0, 0, min, max, precision));
  }

  angle(name: string, bits: number): this {
    return this.add(new SchemaField(name, 'ANGLE', this.fields.length, this.nextSlot, 0, 0, 0, 0, 0, bits));
  }

  bool(name: string): this {
    return this.add(new SchemaField(name, 'BOOL', this.fields.length, this.nextSlot));
  }

  quaternion(name: string, bits: number): this {
    return this.add(new SchemaField(name, 'QUATERNION', this.fields.length, this.nextSlot, 0, 0, 0, 0, 0, bits));
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
