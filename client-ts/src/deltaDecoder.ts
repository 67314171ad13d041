import type { tickwire } from './proto/tickwire.js';
import type { EntitySchema } from './schema.js';
import type { WorldState } from './worldState.js';

/** A uint64 as the protobuf runtime hands it over: a `Long` ({low, high}), a number or a bigint. */
export type Uint64 = number | bigint | { low: number; high: number };

/** A snapshot that does not fit its baseline or breaks the encoding's rules (Java's `DeltaException`). */
export class DeltaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeltaError';
  }
}

const TWO_POW_32 = 4294967296;
const MAX_ID = 2147483647;
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

function hex64(high: number, low: number): string {
  return high === 0 ? low.toString(16) : high.toString(16) + low.toString(16).padStart(8, '0');
}

const EMPTY: never[] = [];

/**
 * Applies a `Snapshot` to the baseline it names, producing the state at its tick: the same merge
 * walk and the same checks, in the same order, with the same messages as Java's `DeltaDecoder`
 * (protocol/README.md, "Applying a snapshot"). `changed_masks` are uint64: bits 32..63 are read
 * from the high word, never through a JavaScript number's 53-bit mantissa.
 * <p>
 * Stateless apart from the schema; allocates nothing once `out` has reached the world's size.
 */
export class DeltaDecoder {
  private readonly slotCount: number;
  private readonly wrapMasks: Int32Array;
  private readonly slotMax: Int32Array;

  constructor(readonly schema: EntitySchema) {
    this.slotCount = schema.slotCount;
    this.wrapMasks = schema.slotWrapMasks;
    this.slotMax = schema.slotMaxes;
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

    const slots = this.slotCount;
    const removedIds = snapshot.removedIds ?? EMPTY;
    const createdIds = snapshot.createdIds ?? EMPTY;
    const createdValues = snapshot.createdValues ?? EMPTY;
    const changedIds = snapshot.changedIds ?? EMPTY;
    const changedMasks: ArrayLike<Uint64> = snapshot.changedMasks ?? EMPTY;
    const changedValues = snapshot.changedValues ?? EMPTY;
    const removedCount = removedIds.length;
    const createdCount = createdIds.length;
    const changedCount = changedIds.length;
    if (createdValues.length !== createdCount * slots) {
      throw new DeltaError(`created_values length mismatch: created=${createdCount}, slots=${slots}, ` +
        `values=${createdValues.length}`);
    }
    if (changedMasks.length !== changedCount) {
      throw new DeltaError(`changed_masks length mismatch: changed=${changedCount}, masks=${changedMasks.length}`);
    }
    // Valid bits: slots 0..31 in the low word, 32..63 in the high word.
    const validLow = slots >= 32 ? 0xffffffff : (2 ** slots - 1);
    const validHigh = slots >= 64 ? 0xffffffff : slots > 32 ? 2 ** (slots - 32) - 1 : 0;
    let expectedValues = 0;
    for (let c = 0; c < changedCount; c++) {
      const m = changedMasks[c];
      const low = uint64Low(m);
      const high = uint64High(m);
      if ((low | high) === 0 || (low & ~validLow) !== 0 || (high & ~validHigh) !== 0) {
        throw new DeltaError(`changed mask invalid: index=${c}, mask=0x${hex64(high, low)}, slots=${slots}`);
      }
      expectedValues += bitCount32(low) + bitCount32(high);
    }
    if (changedValues.length !== expectedValues) {
      throw new DeltaError(`changed_values length mismatch: expected=${expectedValues}, values=${changedValues.length}`);
    }
    const expectedCount = snapshot.entityCount ?? 0;
    const baseCount = baseline === null ? 0 : baseline.count;
    if (baseCount - removedCount + createdCount !== expectedCount) {
      throw new DeltaError(`entity count mismatch: baseline=${baseCount}, removed=${removedCount}, ` +
        `created=${createdCount}, entity_count=${expectedCount}`);
    }

    out.reset(tick, uint64ToNumber(snapshot.serverTimeMs));
    out.ensureCapacity(baseCount + createdCount);
    const outIds = out.ids;
    const outValues = out.values;
    const baseIds = baseline === null ? null : baseline.ids;
    const baseValues = baseline === null ? null : baseline.values;
    const slotMax = this.slotMax;
    const wrapMasks = this.wrapMasks;

    let n = 0;
    let b = 0;
    let r = 0;
    let c = 0;
    let ch = 0;
    let valueIndex = 0;
    let nextRemoved = removedCount > 0 ? readId(removedIds[0], 0, 'removed_ids', 0) : NONE;
    let nextCreated = createdCount > 0 ? readId(createdIds[0], 0, 'created_ids', 0) : NONE;
    let nextChanged = changedCount > 0 ? readId(changedIds[0], 0, 'changed_ids', 0) : NONE;

    while (b < baseCount || c < createdCount) {
      const baseId = b < baseCount ? (baseIds as Int32Array)[b] : NONE;
      if (nextCreated < baseId) {
        const createdOffset = c * slots;
        const outOffset = n * slots;
        outIds[n++] = nextCreated;
        for (let s = 0; s < slots; s++) {
          const v = createdValues[createdOffset + s];
          if (v > slotMax[s]) {
            throw new DeltaError(`created value out of range: id=${nextCreated}, slot=${s}, value=${v}, max=${slotMax[s]}`);
          }
          outValues[outOffset + s] = v;
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

      const outOffset = n * slots;
      const baseOffset = b * slots;
      outIds[n++] = baseId;
      for (let s = 0; s < slots; s++) {
        outValues[outOffset + s] = (baseValues as Int32Array)[baseOffset + s];
      }
      if (nextChanged === baseId) {
        const m = changedMasks[ch];
        for (let word = 0; word < 2; word++) {
          let bits = word === 0 ? uint64Low(m) : uint64High(m);
          const slotBase = word * 32;
          while (bits !== 0) {
            const s = slotBase + 31 - Math.clz32(bits & -bits);
            bits = (bits & (bits - 1)) >>> 0;
            const delta = changedValues[valueIndex++];
            const wrap = wrapMasks[s];
            const old = outValues[outOffset + s];
            // Angle slots: Java adds two ints (wrapping modulo 2^32) and masks; ToInt32 of the exact sum keeps the same low bits.
            const v = wrap !== 0 ? ((old + delta) & wrap) : old + delta;
            if (v < 0 || v > slotMax[s]) {
              throw new DeltaError(`changed value out of range: id=${baseId}, slot=${s}, value=${v}, max=${slotMax[s]}`);
            }
            outValues[outOffset + s] = v;
          }
        }
        ch++;
        nextChanged = ch < changedCount ? readId(changedIds[ch], nextChanged, 'changed_ids', ch) : NONE;
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
