import type { tickwire } from './proto/tickwire.js';
import { RoomSchema, SchemaField, type EntitySchema } from './schema.js';
import type { WorldState } from './worldState.js';
import { BitReader } from './bitReader.js';
import { DeltaError } from './deltaError.js';

export { DeltaError };

/** A uint64 as the protobuf runtime hands it over: a `Long` ({low, high}), a number or a bigint. */
export type Uint64 = number | bigint | { low: number; high: number };

const TWO_POW_32 = 4294967296;
const MAX_ID = 2147483647;
/** A version 3 value is `zz(d) - 1` and must be below this (zz(d) fits 32 bits and is never 0). */
const MAX_PACKED_VALUE = 4294967295;
/** At most 64 slots, so at most 64 value orders. */
const MAX_ORDER_COUNT = 64;
const NONE = Number.MAX_SAFE_INTEGER;

/** Low 32 bits of a uint64, unsigned. */
export function uint64Low(v: Uint64): number {
  if (typeof v === 'number') {
    return v >>> 0;
  }
  if (typeof v === 'bigint') {
    return Number(v & 0xffffffffn);
  }
  return v.low >>> 0;
}

/** High 32 bits of a uint64, unsigned. */
export function uint64High(v: Uint64): number {
  if (typeof v === 'number') {
    return Math.floor(v / TWO_POW_32) >>> 0;
  }
  if (typeof v === 'bigint') {
    return Number((v >> 32n) & 0xffffffffn);
  }
  return v.high >>> 0;
}

/** A uint64 that holds a time or a count as a number (exact below 2^53). */
export function uint64ToNumber(v: Uint64 | null | undefined): number {
  if (v === null || v === undefined) {
    return 0;
  }
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'bigint') {
    return Number(v);
  }
  return uint64High(v) * TWO_POW_32 + uint64Low(v);
}

function bitCount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The checks every mask shares: not 0, and no bit at or past its type's slot count. */
function checkMask(section: string, index: number, low: number, high: number, schema: EntitySchema): void {
  if ((low | high) === 0 || (low & ~schema.slotMaskLow) !== 0 || (high & ~schema.slotMaskHigh) !== 0) {
    throw new DeltaError(`${section} mask invalid: index=${index}, mask=0x${hex64(high, low)}, slots=${schema.slotCount}`);
  }
}

/** A changed section's mask (either form): the shared checks, and no OWNER slot (those travel in the owner section). */
function checkChangedMask(index: number, low: number, high: number, schema: EntitySchema): void {
  checkMask('changed', index, low, high, schema);
  if ((low & schema.ownerMaskLow) !== 0 || (high & schema.ownerMaskHigh) !== 0) {
    throw new DeltaError(`changed mask names an owner-only field: index=${index}, mask=0x${hex64(high, low)}, ` +
      `ownerSlots=0x${hex64(schema.ownerMaskHigh, schema.ownerMaskLow)}`);
  }
}

/** Adds a mask's numeric bits to `into.values` and its STRING bits to `into.strings`. */
function countColumns(into: ColumnCursor, low: number, high: number, schema: EntitySchema): void {
  const stringLow = low & schema.stringMaskLow;
  const stringHigh = high & schema.stringMaskHigh;
  into.values += bitCount32(low & ~stringLow) + bitCount32(high & ~stringHigh);
  into.strings += bitCount32(stringLow) + bitCount32(stringHigh);
}

/** A section's value and string columns must hold exactly what its masks name. */
function checkColumnLengths(section: string, expected: ColumnCursor, values: number, strings: number): void {
  if (values !== expected.values) {
    throw new DeltaError(`${section}_values length mismatch: expected=${expected.values}, values=${values}`);
  }
  if (strings !== expected.strings) {
    throw new DeltaError(`${section}_strings length mismatch: expected=${expected.strings}, strings=${strings}`);
  }
}

function hex64(high: number, low: number): string {
  return high === 0 ? low.toString(16) : high.toString(16) + low.toString(16).padStart(8, '0');
}

const EMPTY: never[] = [];
const EMPTY_BYTES = new Uint8Array(0);

/** Version 3: the width of a created value's field in `created_bits`, the bit length of its slot's maximum. */
function createdSlotBits(slotMax: number): number {
  return 32 - Math.clz32(slotMax);
}

/**
 * Applies a `Snapshot` to the baseline it names, producing the state at its tick: the merge walk and
 * the checks of protocol/README.md, "Applying a snapshot", with the messages of Java's `DeltaDecoder`
 * for everything version 1 has. `changed_masks` and `owner_masks` are uint64: bits 32..63 are read
 * from the high word, never through a JavaScript number's 53-bit mantissa.
 * <p>
 * Version 2 (docs/design/schema-v2.md): each created entity has a type (`created_types`, absent when
 * all are type 0) and carries its own type's slots; masks index the entity's own type's slots; STRING
 * slots take their text from `created_strings` / `changed_strings`, never from a numeric column; after
 * the shared sections the owner section sets the OWNER slots of this client's entities (differences
 * from what the shared sections left, angles wrapping, strings as text). OWNER slots carry 0 ("") in
 * the shared sections: a created OWNER slot that is not, or a changed mask bit on one, is rejected.
 * <p>
 * Version 3 (protocol/README.md, "Version 3: bit-packed changes"): a snapshot may carry its changed
 * section as one bit stream, `changed_bits`, instead of `changed_ids`/`changed_masks`/`changed_values`;
 * both forms are accepted in any snapshot (never both at once). The stream is read while the baseline is
 * walked: an entity's mask is as wide as its type's slot count, STRING bits have no value in the stream
 * (their texts still come from `changed_strings`), each value is `zz(d) - 1` in the Exp-Golomb order the
 * stream's header gives its slot. Created entities' values may come as `created_bits` instead of
 * `created_values` (never both): per created entity, per non-STRING slot in slot order, a field as wide as the
 * bit length of the slot's maximum; its length in bytes follows from `created_types` and is checked before
 * anything is applied, the padding after the last field must be zero, and each value must be within its slot's
 * maximum. When the created slots need no bits at all, neither field is sent. Everything else in the snapshot
 * is decoded as in version 2.
 * <p>
 * Stateless apart from the room schema and reused scratch (an array, the two bit readers, the stream's orders);
 * allocates nothing once `out` and the scratch have reached the world's size (texts are the parsed
 * message's own strings).
 */
export class DeltaDecoder {
  readonly room: RoomSchema;
  private readonly single: boolean;
  private changedTypes = new Int32Array(16);
  /** Version 3 scratch: the reader over `changed_bits`, its header, the previous entity's mask. */
  private readonly bits = new BitReader('changed_bits');
  /** Version 3 scratch: the reader over `created_bits`. */
  private readonly createdBits = new BitReader('created_bits');
  /** Per type, per slot: the width of a created value in `created_bits` (0 for STRING slots), and per type their sum. */
  private readonly createdWidths: Uint8Array[];
  private readonly typeCreatedBits: number[];
  private readonly orders = new Uint8Array(MAX_ORDER_COUNT);
  private orderCount = 0;
  private idOrder = 0;
  /** Reused: the value and string entries a section's masks name, checked against its columns. */
  private readonly expectedColumns: ColumnCursor = { values: 0, strings: 0 };
  private maskLow = 0;
  private maskHigh = 0;

  constructor(schema: EntitySchema | RoomSchema) {
    this.room = RoomSchema.from(schema);
    this.single = this.room.typeCount === 1;
    this.createdWidths = this.room.types.map((t) => {
      const schema = t.schema;
      return Uint8Array.from(schema.slotMaxes, (max, s) => (schema.stringIndexOfSlot[s] >= 0 ? 0 : createdSlotBits(max)));
    });
    this.typeCreatedBits = this.createdWidths.map((widths) => widths.reduce((sum, w) => sum + w, 0));
  }

  /** Type 0's schema (the only one of a version 1 room). */
  get schema(): EntitySchema {
    return this.room.types[0].schema;
  }

  /**
   * Apply `snapshot` to `baseline` into `out`.
   *
   * @param baseline the state at `snapshot.baselineTick`, or null when that is 0.
   * @param out receives the new state; must not be `baseline`. On a failure only `out` is changed.
   * @throws DeltaError when the snapshot does not fit the baseline.
   */
  apply(baseline: WorldState | null, snapshot: tickwire.v1.ISnapshot, out: WorldState): void {
    if (baseline === out) {
      throw new TypeError('out must not be the baseline');
    }
    const room = this.room;
    if (out.slotCount !== room.slotStride || out.stringStride !== room.stringStride ||
      (baseline !== null && (baseline.slotCount !== room.slotStride || baseline.stringStride !== room.stringStride))) {
      throw new TypeError('states of another room schema');
    }
    const tick = snapshot.tick ?? 0;
    const baselineTick = snapshot.baselineTick ?? 0;
    if (baselineTick === 0) {
      if (baseline !== null && baseline.count !== 0) {
        throw new TypeError('full snapshot must be applied to a null baseline');
      }
    } else if (baseline === null || baseline.tick !== baselineTick) {
      throw new DeltaError(`baseline not held: tick=${tick}, baselineTick=${baselineTick}, given=` +
        (baseline === null ? 'none' : baseline.tick));
    }
    if (tick === 0 || (baselineTick !== 0 && tick <= baselineTick)) {
      throw new DeltaError(`snapshot tick not after baseline: tick=${tick}, baselineTick=${baselineTick}`);
    }

    const types = room.types;
    const typeCount = types.length;
    const removedIds = snapshot.removedIds ?? EMPTY;
    const createdIds = snapshot.createdIds ?? EMPTY;
    const createdTypes = snapshot.createdTypes ?? EMPTY;
    const createdValues = snapshot.createdValues ?? EMPTY;
    const createdStrings: ArrayLike<string> = snapshot.createdStrings ?? EMPTY;
    const changedIds = snapshot.changedIds ?? EMPTY;
    const changedMasks: ArrayLike<Uint64> = snapshot.changedMasks ?? EMPTY;
    const changedValues = snapshot.changedValues ?? EMPTY;
    const changedStrings: ArrayLike<string> = snapshot.changedStrings ?? EMPTY;
    const changedBits = snapshot.changedBits;
    const packed = changedBits !== null && changedBits !== undefined && changedBits.length !== 0;
    const removedCount = removedIds.length;
    const createdCount = createdIds.length;
    let changedCount = changedIds.length;
    const typed = createdTypes.length !== 0;
    if (packed) {
      if (changedCount !== 0 || changedMasks.length !== 0 || changedValues.length !== 0) {
        throw new DeltaError(`changed_bits and changed columns both present: ids=${changedCount}, ` +
          `masks=${changedMasks.length}, values=${changedValues.length}`);
      }
      changedCount = this.readPackedHeader(changedBits as Uint8Array);
    }

    if (typed && createdTypes.length !== createdCount) {
      throw new DeltaError(`created_types length mismatch: created=${createdCount}, types=${createdTypes.length}`);
    }
    let expectedCreatedValues = 0;
    let expectedCreatedBits = 0;
    let expectedCreatedStrings = 0;
    if (typed) {
      for (let c = 0; c < createdCount; c++) {
        const t = createdTypes[c] >>> 0;
        if (t >= typeCount) {
          throw new DeltaError(`created type unknown: index=${c}, type=${t}, types=${typeCount}`);
        }
        expectedCreatedValues += types[t].schema.numericSlotCount;
        expectedCreatedBits += this.typeCreatedBits[t];
        expectedCreatedStrings += types[t].schema.stringCount;
      }
    } else {
      expectedCreatedValues = createdCount * types[0].schema.numericSlotCount;
      expectedCreatedBits = createdCount * this.typeCreatedBits[0];
      expectedCreatedStrings = createdCount * types[0].schema.stringCount;
    }
    // Version 3 form: created_bits, or neither field when the created slots need no bits (every value is 0).
    const createdBits = snapshot.createdBits;
    const createdPacked = (createdBits !== null && createdBits !== undefined && createdBits.length !== 0) ||
      (expectedCreatedBits === 0 && createdValues.length === 0);
    if (createdPacked) {
      this.beginCreatedBits(createdBits ?? EMPTY_BYTES, createdValues.length, expectedCreatedBits);
    } else if (createdValues.length !== expectedCreatedValues) {
      throw new DeltaError(`created_values length mismatch: created=${createdCount}, ` +
        (this.single ? `slots=${types[0].schema.numericSlotCount}, ` : `expected=${expectedCreatedValues}, `) +
        `values=${createdValues.length}`);
    }
    if (createdStrings.length !== expectedCreatedStrings) {
      throw new DeltaError(`created_strings length mismatch: created=${createdCount}, expected=${expectedCreatedStrings}, ` +
        `strings=${createdStrings.length}`);
    }
    if (!packed) {
      this.checkChangedColumns(baseline, changedIds, changedMasks, changedValues, changedStrings);
    }
    const ownerIds = snapshot.ownerIds ?? EMPTY;
    const ownerMasks: ArrayLike<Uint64> = snapshot.ownerMasks ?? EMPTY;
    if (ownerMasks.length !== ownerIds.length) {
      throw new DeltaError(`owner_masks length mismatch: owners=${ownerIds.length}, masks=${ownerMasks.length}`);
    }
    const expectedCount = snapshot.entityCount ?? 0;
    const baseCount = baseline === null ? 0 : baseline.count;
    if (baseCount - removedCount + createdCount !== expectedCount) {
      throw new DeltaError(`entity count mismatch: baseline=${baseCount}, removed=${removedCount}, ` +
        `created=${createdCount}, entity_count=${expectedCount}`);
    }

    out.reset(tick, uint64ToNumber(snapshot.serverTimeMs));
    out.ensureCapacity(baseCount + createdCount);
    const stride = room.slotStride;
    const stringStride = room.stringStride;
    const outIds = out.ids;
    const outTypes = out.types;
    const outValues = out.values;
    const outStrings = out.strings;
    const baseIds = baseline === null ? null : baseline.ids;
    const baseTypes = baseline === null ? null : baseline.types;
    const baseValues = baseline === null ? null : baseline.values;
    const baseStrings = baseline === null ? null : baseline.strings;

    let n = 0;
    let b = 0;
    let r = 0;
    let c = 0;
    let ch = 0;
    let createdValueIndex = 0;
    let createdStringIndex = 0;
    const createdReader = this.createdBits;
    const createdWidths = this.createdWidths;
    const cursor: ColumnCursor = { values: 0, strings: 0 };
    let nextRemoved = removedCount > 0 ? readId(removedIds[0], 0, 'removed_ids', 0) : NONE;
    let nextCreated = createdCount > 0 ? readId(createdIds[0], 0, 'created_ids', 0) : NONE;
    let nextChanged = changedCount === 0 ? NONE :
      packed ? this.readPackedId(-1, 0, baseIds, baseCount) : readId(changedIds[0], 0, 'changed_ids', 0);

    while (b < baseCount || c < createdCount) {
      const baseId = b < baseCount ? (baseIds as Int32Array)[b] : NONE;
      if (nextCreated < baseId) {
        const t = typed ? createdTypes[c] >>> 0 : 0;
        const schema = types[t].schema;
        const slotMax = schema.slotMaxes;
        const stringOf = schema.stringIndexOfSlot;
        const owner = schema.ownerSlot;
        const widths = createdWidths[t];
        const outOffset = n * stride;
        const outStringOffset = n * stringStride;
        outTypes[n] = t;
        outIds[n++] = nextCreated;
        const slots = schema.slotCount;
        for (let s = 0; s < slots; s++) {
          const si = stringOf[s];
          if (si >= 0) {
            const text = createdStrings[createdStringIndex++];
            checkText(schema, s, text, nextCreated);
            if (owner[s] !== 0 && text !== '') {
              throw new DeltaError(`created text for an owner-only field: id=${nextCreated}, slot=${s}`);
            }
            outStrings[outStringOffset + si] = text;
            outValues[outOffset + s] = 0;
            continue;
          }
          const v = createdPacked ? createdReader.readBits(widths[s]) : createdValues[createdValueIndex++];
          // Java's order: an OWNER slot's non-zero value is named as such even when it is out of range too.
          if (owner[s] !== 0 && v !== 0) {
            throw new DeltaError(`created value for an owner-only field: id=${nextCreated}, slot=${s}, value=${v}`);
          }
          if (v > slotMax[s]) {
            throw new DeltaError(`created value out of range: id=${nextCreated}, slot=${s}, value=${v}, max=${slotMax[s]}`);
          }
          outValues[outOffset + s] = v;
        }
        for (let s = slots; s < stride; s++) {
          outValues[outOffset + s] = 0;
        }
        for (let k = schema.stringCount; k < stringStride; k++) {
          outStrings[outStringOffset + k] = '';
        }
        c++;
        nextCreated = c < createdCount ? readId(createdIds[c], nextCreated, 'created_ids', c) : NONE;
        continue;
      }
      if (nextCreated === baseId) {
        throw new DeltaError(`created id already in baseline: id=${baseId}`);
      }
      if (nextRemoved < baseId) {
        throw new DeltaError(`removed id not in baseline: id=${nextRemoved}`);
      }
      if (nextChanged < baseId) {
        throw new DeltaError(`changed id not in baseline: id=${nextChanged}`);
      }
      if (nextRemoved === baseId) {
        if (nextChanged === baseId) {
          throw new DeltaError(`id both removed and changed: id=${baseId}`);
        }
        b++;
        r++;
        nextRemoved = r < removedCount ? readId(removedIds[r], nextRemoved, 'removed_ids', r) : NONE;
        continue;
      }

      const outOffset = n * stride;
      const baseOffset = b * stride;
      const outStringOffset = n * stringStride;
      const baseStringOffset = b * stringStride;
      const t = (baseTypes as Int32Array)[b];
      outTypes[n] = t;
      outIds[n++] = baseId;
      for (let s = 0; s < stride; s++) {
        outValues[outOffset + s] = (baseValues as Int32Array)[baseOffset + s];
      }
      for (let k = 0; k < stringStride; k++) {
        outStrings[outStringOffset + k] = (baseStrings as string[])[baseStringOffset + k];
      }
      if (nextChanged === baseId) {
        if (packed) {
          this.applyPacked(types[t].schema, ch, outValues, outOffset, outStrings, outStringOffset, changedStrings, cursor,
            baseId);
          ch++;
          nextChanged = ch < changedCount ? this.readPackedId(b, ch, baseIds, baseCount) : NONE;
        } else {
          applyMask(types[t].schema, changedMasks[ch], outValues, outOffset, outStrings, outStringOffset,
            changedValues, changedStrings, cursor, 'changed', baseId);
          ch++;
          nextChanged = ch < changedCount ? readId(changedIds[ch], nextChanged, 'changed_ids', ch) : NONE;
        }
      }
      b++;
    }
    out.count = n;
    if (r !== removedCount) {
      throw new DeltaError(`removed id not in baseline: id=${nextRemoved}`);
    }
    if (ch !== changedCount) {
      throw new DeltaError(`changed id not in baseline: id=${nextChanged}`);
    }
    if (createdPacked) {
      createdReader.finish();
    }
    if (packed) {
      this.bits.finish();
      if (cursor.strings !== changedStrings.length) {
        throw new DeltaError(`changed_strings length mismatch: expected=${cursor.strings}, strings=${changedStrings.length}`);
      }
    }
    if (ownerIds.length !== 0) {
      this.applyOwnerSection(snapshot, out);
    }
  }

  /**
   * Version 2's changed columns, checked whole before the walk: one mask per id, each valid for its entity's
   * type (its baseline entity's; always type 0 in a one-type room) and free of OWNER slots, one value per set
   * numeric bit and one text per set STRING bit.
   */
  private checkChangedColumns(baseline: WorldState | null, changedIds: ArrayLike<number>, changedMasks: ArrayLike<Uint64>,
    changedValues: ArrayLike<number>, changedStrings: ArrayLike<string>): void {
    const types = this.room.types;
    const changedCount = changedIds.length;
    if (changedMasks.length !== changedCount) {
      throw new DeltaError(`changed_masks length mismatch: changed=${changedCount}, masks=${changedMasks.length}`);
    }
    if (!this.single) {
      if (this.changedTypes.length < changedCount) {
        this.changedTypes = new Int32Array(Math.max(changedCount, this.changedTypes.length * 2));
      }
      let id = 0;
      let at = 0;
      for (let c = 0; c < changedCount; c++) {
        id = readId(changedIds[c], id, 'changed_ids', c);
        at = baseline === null ? -1 : baseline.indexOf(id, at);
        if (at < 0) {
          throw new DeltaError(`changed id not in baseline: id=${id}`);
        }
        this.changedTypes[c] = baseline!.types[at];
      }
    }
    const expected = this.expectedColumns;
    expected.values = 0;
    expected.strings = 0;
    for (let c = 0; c < changedCount; c++) {
      const schema = types[this.single ? 0 : this.changedTypes[c]].schema;
      const m = changedMasks[c];
      const low = uint64Low(m);
      const high = uint64High(m);
      checkChangedMask(c, low, high, schema);
      countColumns(expected, low, high, schema);
    }
    checkColumnLengths('changed', expected, changedValues.length, changedStrings.length);
  }

  /**
   * Version 3: start reading `changed_bits`; returns the number of changed entities and keeps the id order
   * and the per-slot value orders. The header exists only when that number is not 0.
   */
  private readPackedHeader(bytes: Uint8Array): number {
    const r = this.bits;
    r.reset(bytes);
    const count = r.readExpGolomb(0);
    if (count > MAX_ID) {
      throw new DeltaError(`changed_bits malformed: count=${count}`);
    }
    this.orderCount = 0;
    if (count === 0) {
      return 0;
    }
    this.idOrder = r.readBits(4);
    const m = r.readBits(7);
    if (m > MAX_ORDER_COUNT) {
      throw new DeltaError(`changed_bits malformed: orderCount=${m}, at most ${MAX_ORDER_COUNT}`);
    }
    for (let s = 0; s < m; s++) {
      this.orders[s] = r.readBits(4);
    }
    this.orderCount = m;
    return count;
  }

  /**
   * Version 3: start reading `created_bits` after checking it is the only created value field and exactly
   * `ceil(expectedBits / 8)` bytes long (an absent field is 0 bytes: right only when the created slots need no bits).
   */
  private beginCreatedBits(bytes: Uint8Array, valueCount: number, expectedBits: number): void {
    if (valueCount !== 0) {
      throw new DeltaError(`created_bits and created_values both present: values=${valueCount}`);
    }
    const expectedBytes = Math.ceil(expectedBits / 8);
    if (bytes.length !== expectedBytes) {
      throw new DeltaError(`created_bits length mismatch: expected=${expectedBytes}, bytes=${bytes.length}`);
    }
    this.createdBits.reset(bytes);
  }

  /**
   * Version 3 names a changed entity by its place in the baseline: an Exp-Golomb coded count of the baseline
   * entities between it and the previous changed one (`previous`, -1 before the first). Returns its id.
   */
  private readPackedId(previous: number, index: number, baseIds: Int32Array | null, baseCount: number): number {
    const at = previous + this.bits.readExpGolomb(this.idOrder) + 1;
    if (at >= baseCount) {
      throw new DeltaError(`changed_bits index out of range: index=${index}, baselineIndex=${at}, baseline=${baseCount}`);
    }
    return (baseIds as Int32Array)[at];
  }

  /**
   * Version 3: one changed entity from the stream, applied to its row in place: the mask (or the previous
   * entity's), checked against the entity's type, then per set bit a text from `changed_strings` (STRING
   * slots) or a value from the stream in its slot's order.
   */
  private applyPacked(schema: EntitySchema, index: number, values: Int32Array, valueOffset: number, strings: string[],
    stringOffset: number, texts: ArrayLike<string>, cursor: ColumnCursor, entityId: number): void {
    const r = this.bits;
    let low: number;
    let high: number;
    if (r.readBit() !== 0) {
      if (index === 0) {
        throw new DeltaError('changed_bits malformed: sameMask on the first entity');
      }
      low = this.maskLow;
      high = this.maskHigh;
    } else {
      const n = schema.slotCount;
      low = r.readBits(n < 32 ? n : 32) >>> 0;
      high = n > 32 ? r.readBits(n - 32) : 0;
    }
    checkChangedMask(index, low, high, schema);
    this.maskLow = low;
    this.maskHigh = high;
    const stringOf = schema.stringIndexOfSlot;
    const orders = this.orders;
    const orderCount = this.orderCount;
    for (let word = 0; word < 2; word++) {
      let bits = word === 0 ? low : high;
      const slotBase = word * 32;
      while (bits !== 0) {
        const s = slotBase + 31 - Math.clz32(bits & -bits);
        bits = (bits & (bits - 1)) >>> 0;
        const si = stringOf[s];
        if (si >= 0) {
          if (cursor.strings >= texts.length) {
            throw new DeltaError(`changed_strings length mismatch: too short at id=${entityId}, strings=${texts.length}`);
          }
          const text = texts[cursor.strings++];
          checkText(schema, s, text, entityId);
          strings[stringOffset + si] = text;
          continue;
        }
        if (s >= orderCount) {
          throw new DeltaError(`changed_bits malformed: value for slot ${s} at id=${entityId}, orderCount=${orderCount}`);
        }
        const v = r.readExpGolomb(orders[s]);
        if (v >= MAX_PACKED_VALUE) {
          throw new DeltaError(`changed_bits malformed: value too large at id=${entityId}, slot=${s}`);
        }
        // zz(d) = v + 1 in 1..2^32-1; unzigzag on 32 bits (>>> and & read the exact double's low 32 bits).
        const zz = v + 1;
        addDelta(schema, s, (zz >>> 1) ^ -(zz & 1), values, valueOffset, 'changed', entityId);
      }
    }
  }

  /**
   * The owner section, on the state the shared sections produced: checked whole first (ids in the
   * state, masks on OWNER slots of the entity's type, column lengths), then applied.
   */
  private applyOwnerSection(snapshot: tickwire.v1.ISnapshot, out: WorldState): void {
    const types = this.room.types;
    const ownerIds = snapshot.ownerIds ?? EMPTY;
    const ownerMasks: ArrayLike<Uint64> = snapshot.ownerMasks ?? EMPTY;
    const ownerValues = snapshot.ownerValues ?? EMPTY;
    const ownerStrings: ArrayLike<string> = snapshot.ownerStrings ?? EMPTY;
    const count = ownerIds.length;
    if (this.changedTypes.length < count) {
      this.changedTypes = new Int32Array(Math.max(count, this.changedTypes.length * 2));
    }
    // Pass 1: resolve each owner id to its index in `out` (kept in the scratch), check masks, count.
    const indexes = this.changedTypes;
    let id = 0;
    let at = 0;
    const expected = this.expectedColumns;
    expected.values = 0;
    expected.strings = 0;
    for (let k = 0; k < count; k++) {
      id = readId(ownerIds[k], id, 'owner_ids', k);
      at = out.indexOf(id, at);
      if (at < 0) {
        throw new DeltaError(`owner id not in view: id=${id}`);
      }
      indexes[k] = at;
      const schema = types[out.types[at]].schema;
      const m = ownerMasks[k];
      const low = uint64Low(m);
      const high = uint64High(m);
      checkMask('owner', k, low, high, schema);
      if ((low & ~schema.ownerMaskLow) !== 0 || (high & ~schema.ownerMaskHigh) !== 0) {
        throw new DeltaError(`owner mask names a field that is not owner-only: id=${id}, mask=0x${hex64(high, low)}, ` +
          `ownerSlots=0x${hex64(schema.ownerMaskHigh, schema.ownerMaskLow)}`);
      }
      countColumns(expected, low, high, schema);
    }
    checkColumnLengths('owner', expected, ownerValues.length, ownerStrings.length);
    // Pass 2: apply, differences from the value the shared sections left.
    const stride = out.slotCount;
    const stringStride = out.stringStride;
    const values = out.values;
    const strings = out.strings;
    const cursor: ColumnCursor = { values: 0, strings: 0 };
    for (let k = 0; k < count; k++) {
      const i = indexes[k];
      applyMask(types[out.types[i]].schema, ownerMasks[k], values, i * stride, strings, i * stringStride,
        ownerValues, ownerStrings, cursor, 'owner', out.ids[i]);
    }
  }
}

/** Where {@link applyMask} reads next in a section's numeric and string columns. */
interface ColumnCursor {
  values: number;
  strings: number;
}

/**
 * Apply one entity's mask of differences (a changed entry or an owner-section entry) to its row in place: a
 * STRING slot takes the next text, any other slot adds the next zigzag-decoded difference (angles wrap), range
 * checked. Advances `cursor` over the section's columns.
 */
function applyMask(schema: EntitySchema, m: Uint64, values: Int32Array, valueOffset: number, strings: string[],
  stringOffset: number, numbers: ArrayLike<number>, texts: ArrayLike<string>, cursor: ColumnCursor, section: string,
  entityId: number): void {
  const stringOf = schema.stringIndexOfSlot;
  for (let word = 0; word < 2; word++) {
    let bits = word === 0 ? uint64Low(m) : uint64High(m);
    const slotBase = word * 32;
    while (bits !== 0) {
      const s = slotBase + 31 - Math.clz32(bits & -bits);
      bits = (bits & (bits - 1)) >>> 0;
      const si = stringOf[s];
      if (si >= 0) {
        const text = texts[cursor.strings++];
        checkText(schema, s, text, entityId);
        strings[stringOffset + si] = text;
        continue;
      }
      addDelta(schema, s, numbers[cursor.values++], values, valueOffset, section, entityId);
    }
  }
}

/** Add one slot's difference in place: angles wrap, anything else must stay in `[0, slotMax]`. */
function addDelta(schema: EntitySchema, s: number, delta: number, values: Int32Array, valueOffset: number, section: string,
  entityId: number): void {
  const wrap = schema.slotWrapMasks[s];
  const old = values[valueOffset + s];
  // Angle slots: Java adds two ints (wrapping modulo 2^32) and masks; ToInt32 of the exact sum keeps the same low bits.
  const v = wrap !== 0 ? ((old + delta) & wrap) : old + delta;
  const max = schema.slotMaxes[s];
  if (v < 0 || v > max) {
    throw new DeltaError(`${section} value out of range: id=${entityId}, slot=${s}, value=${v}, max=${max}`);
  }
  values[valueOffset + s] = v;
}

/** A STRING slot's text fits the field's `max_length` (UTF-8 bytes). */
function checkText(schema: EntitySchema, slot: number, text: string, id: number): void {
  if (typeof text !== 'string') {
    throw new DeltaError(`string missing: id=${id}, slot=${slot}`);
  }
  const field = schema.slotField[slot];
  if (text.length * 3 > field.maxLength) {
    const bytes = SchemaField.utf8Length(text);
    if (bytes > field.maxLength) {
      throw new DeltaError(`string too long: id=${id}, field=${field.name}, slot=${slot}, bytes=${bytes}, ` +
        `max=${field.maxLength}`);
    }
  }
}

function readId(delta: number, previous: number, column: string, index: number): number {
  const d = delta >>> 0;
  if (d === 0) {
    throw new DeltaError(`${column} not strictly ascending: index=${index}, delta=0`);
  }
  const id = previous + d;
  if (id > MAX_ID) {
    throw new DeltaError(`${column} id out of range: index=${index}, id=${id}`);
  }
  return id;
}
