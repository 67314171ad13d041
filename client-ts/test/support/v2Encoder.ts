import { RoomSchema, WorldState, type Uint64 } from '../../src/index.js';
import { BitReader } from '../../src/bitReader.js';
import { tickwire } from '../../src/proto/tickwire.js';

/**
 * A test-only snapshot ENCODER written from docs/design/schema-v2.md and the proto comments alone
 * (not from the Java encoder), so the TypeScript decoder can be checked by round trips: the state
 * a conforming client must end with, encoded against the state it holds. With `packed` it writes the
 * changed section in version 3 form, `changed_bits`, and the created values as `created_bits`, from
 * protocol/README.md "Version 3" alone ({@link packChanged}, {@link packCreated}).
 *
 * A {@link Frame} is what one connection must hold at one tick: its view's entities, each with its
 * type, its slots (STRING slots 0) and its texts, OWNER slots holding the real value on entities this
 * connection owns and 0 ("") elsewhere, AUDIENCE slots likewise. The encoder derives the shared
 * sections from the frames with every OWNER slot zeroed, and the owner section from the difference
 * between the target and what the client holds after the shared sections.
 */
export interface EntityFrame {
  type: number;
  /** One per slot of the type; STRING slots 0. */
  values: number[];
  /** One per STRING slot of the type, in slot order. */
  strings: string[];
}

export type Frame = Map<number, EntityFrame>;

export interface EncodeExtras {
  serverTimeMs?: number;
  lastInputSeq?: number;
  /** Counts what the encoded snapshot exercised (for property tests that must not pass vacuously). */
  stats?: EncodeStats;
  /**
   * Version 3: the changed section as `changed_bits` instead of `changed_ids`/`changed_masks`/`changed_values`
   * (absent, like the columns, when no entity changed).
   */
  packed?: boolean;
  /**
   * Version 3: the created values as `created_bits` instead of `created_values` (absent, like the column, when they
   * need no bits). Defaults to `packed`; set apart only to mix the forms, which no server does but a decoder accepts.
   */
  packCreated?: boolean;
  packedStats?: PackedStats;
}

export interface EncodeStats {
  /** Owner-section entries of entities created in the same snapshot. */
  ownerOnCreated: number;
  /** Angle deltas (shared or owner) that wrap across 0. */
  wraps: number;
  ownerWraps: number;
  changedStrings: number;
  ownerStrings: number;
  /** Owner mask bits at slot 32 or above. */
  ownerHighBits: number;
  createdTypes: number;
}

/** What the version 3 streams exercised. */
export interface PackedStats {
  /** Snapshots with `changed_bits`. */
  packedFrames: number;
  /** Entities written with sameMask 1. */
  sameMasks: number;
  /** Masks written as a field wider than 32 bits. */
  wideMasks: number;
  /** Values whose slot's order was above 0. */
  orderedValues: number;
  /** Snapshots with `created_bits`. */
  createdBitsFrames: number;
  /** Snapshots in `created_bits` form that created entities but left the field out: their slots need no bits. */
  createdNoBits: number;
}

export function emptyStats(): EncodeStats {
  return { ownerOnCreated: 0, wraps: 0, ownerWraps: 0, changedStrings: 0, ownerStrings: 0, ownerHighBits: 0, createdTypes: 0 };
}

export function emptyPackedStats(): PackedStats {
  return { packedFrames: 0, sameMasks: 0, wideMasks: 0, orderedValues: 0, createdBitsFrames: 0, createdNoBits: 0 };
}

/** One changed entity of a snapshot's changed section, as both forms need it. */
export interface ChangedEntry {
  id: number;
  /** The entity's index in the baseline's ascending ids: what version 3's stream names it by. */
  baseIndex: number;
  type: number;
  /** The set mask bits (slots of the entity's type), ascending, STRING slots included. */
  bits: number[];
  /** One difference per non-STRING bit, in bit order (angles already wrapped). */
  deltas: number[];
}

/**
 * Bits in the order of protocol/README.md "Version 3": bit i is bit (i mod 8) of byte floor(i / 8), fields
 * least significant bit first. Plain arithmetic, so fields up to 48 bits are exact.
 */
export class BitWriter {
  private readonly out: number[] = [];
  private count = 0;

  get bitCount(): number {
    return this.count;
  }

  writeBit(bit: number): void {
    if ((this.count & 7) === 0) {
      this.out.push(0);
    }
    if (bit !== 0) {
      this.out[this.out.length - 1] |= 1 << (this.count & 7);
    }
    this.count++;
  }

  /** `value` (>= 0, below 2^n) as an n-bit field, least significant bit first. */
  writeBits(value: number, n: number): void {
    if (!(value >= 0 && value < 2 ** n && Number.isInteger(value))) {
      throw new RangeError(`field does not fit: value=${value}, bits=${n}`);
    }
    let v = value;
    for (let i = 0; i < n; i++) {
      this.writeBit(v % 2);
      v = Math.floor(v / 2);
    }
  }

  /** EG(k) of v: L - k - 1 zero bits, a 1 bit, then u = v + 2^k without its top bit as an (L - 1)-bit field. */
  writeExpGolomb(k: number, v: number): void {
    const u = v + 2 ** k;
    const L = bitLength(u);
    for (let i = 0; i < L - k - 1; i++) {
      this.writeBit(0);
    }
    this.writeBit(1);
    this.writeBits(u - 2 ** (L - 1), L - 1);
  }

  /** The stream, the last byte padded with zero bits. */
  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** Bits of a positive integer below 2^53. */
export function bitLength(u: number): number {
  let L = 0;
  for (let x = u; x >= 1; x = Math.floor(x / 2)) {
    L++;
  }
  return L;
}

/** The length of EG(k) of v: 2L - k - 1 with L the bit length of v + 2^k. */
export function expGolombLength(k: number, v: number): number {
  return 2 * bitLength(v + 2 ** k) - k - 1;
}

/** The order k in 0..15 that codes `values` in the fewest bits; ties the smallest k (0 for no values). */
export function bestOrder(values: readonly number[]): number {
  let best = 0;
  let bestBits = Infinity;
  for (let k = 0; k <= 15; k++) {
    let total = 0;
    for (const v of values) {
      total += expGolombLength(k, v);
    }
    if (total < bestBits) {
      best = k;
      bestBits = total;
    }
  }
  return best;
}

/** Version 1's zigzag on 32 bits, unsigned: 0, -1, 1, -2, ... to 0, 1, 2, 3, ... */
export function zigzag(d: number): number {
  return ((d << 1) ^ (d >> 31)) >>> 0;
}

/**
 * The changed section as `changed_bits` (protocol/README.md, "Version 3"): count EG(0); when count > 0 the id
 * order (4 bits), the value orders' count m (7 bits, one past the highest slot with a value) and m 4-bit
 * orders, each the k of {@link bestOrder} over that slot's values in this frame; then per entity, ids
 * ascending, the gap EG(idOrder), sameMask (1 whenever the mask equals the previous entity's), else the mask
 * as an n-bit field (n = the type's slot count), then per set non-STRING bit EG(order[s]) of zz(d) - 1.
 */
export function packChanged(room: RoomSchema, entries: readonly ChangedEntry[], stats?: PackedStats): Uint8Array {
  const w = new BitWriter();
  w.writeExpGolomb(0, entries.length);
  if (entries.length === 0) {
    return w.finish();
  }
  const gaps: number[] = [];
  const perSlot: number[][] = Array.from({ length: 64 }, () => []);
  let previous = -1;
  let m = 0;
  for (const e of entries) {
    gaps.push(e.baseIndex - previous - 1);
    previous = e.baseIndex;
    const schema = room.types[e.type].schema;
    let k = 0;
    for (const s of e.bits) {
      if (schema.stringIndexOfSlot[s] < 0) {
        perSlot[s].push(zigzag(e.deltas[k++]) - 1);
        m = Math.max(m, s + 1);
      }
    }
  }
  const idOrder = bestOrder(gaps);
  const orders = perSlot.slice(0, m).map(bestOrder);
  w.writeBits(idOrder, 4);
  w.writeBits(m, 7);
  for (const k of orders) {
    w.writeBits(k, 4);
  }
  let previousMask = '';
  entries.forEach((e, i) => {
    w.writeExpGolomb(idOrder, gaps[i]);
    const schema = room.types[e.type].schema;
    const mask = e.bits.join();
    if (i > 0 && mask === previousMask) {
      w.writeBit(1);
      if (stats !== undefined) {
        stats.sameMasks++;
      }
    } else {
      w.writeBit(0);
      for (let s = 0; s < schema.slotCount; s++) {
        w.writeBit(e.bits.includes(s) ? 1 : 0);
      }
      if (stats !== undefined && schema.slotCount > 32) {
        stats.wideMasks++;
      }
    }
    previousMask = mask;
    let k = 0;
    for (const s of e.bits) {
      if (schema.stringIndexOfSlot[s] < 0) {
        w.writeExpGolomb(orders[s], zigzag(e.deltas[k++]) - 1);
        if (stats !== undefined && orders[s] > 0) {
          stats.orderedValues++;
        }
      }
    }
  });
  return w.finish();
}

/**
 * The created values as `created_bits` (protocol/README.md, "Version 3", "Created entities"): per created entity
 * (`types[i]` its type, `values` version 2's `created_values` of them all, OWNER slots already 0), per non-STRING
 * slot in slot order, the value as a w-bit field, w the bit length of the slot's maximum (0 bits for a maximum of
 * 0), bits in `changed_bits` order, zero bits to the end of the byte. Empty when the fields total 0 bits.
 */
export function packCreated(room: RoomSchema, types: readonly number[], values: readonly number[]): Uint8Array {
  const w = new BitWriter();
  let v = 0;
  for (const t of types) {
    const schema = room.types[t].schema;
    for (let s = 0; s < schema.slotCount; s++) {
      if (schema.stringIndexOfSlot[s] < 0) {
        w.writeBits(values[v++], bitLength(schema.slotMax(s)));
      }
    }
  }
  if (v !== values.length) {
    throw new Error(`created values left over: used=${v}, values=${values.length}`);
  }
  return w.finish();
}

/**
 * `created_bits` back into version 2's `created_values`, each created entity's type from `types` (`created_types`, or
 * all type 0 when it is empty): for comparing streams column by column. Uses the SDK's {@link BitReader}.
 */
export function unpackCreated(room: RoomSchema, createdCount: number, types: readonly number[], bits: Uint8Array): number[] {
  const r = new BitReader('created_bits');
  r.reset(bits);
  const out: number[] = [];
  for (let c = 0; c < createdCount; c++) {
    const schema = room.types[types.length === 0 ? 0 : types[c]].schema;
    for (let s = 0; s < schema.slotCount; s++) {
      if (schema.stringIndexOfSlot[s] < 0) {
        out.push(r.readBits(bitLength(schema.slotMax(s))));
      }
    }
  }
  r.finish();
  return out;
}

/** A uint64 as the generated code types it (protobufjs writes any `{low, high}` object). */
export type WireMask = NonNullable<tickwire.v1.ISnapshot['changedMasks']>[number];

/** A uint64 mask of the given slot bits, as two words (what protobufjs writes for `{low, high}`). */
export function mask64(bits: number[]): WireMask {
  let low = 0;
  let high = 0;
  for (const b of bits) {
    if (b < 32) {
      low = (low | (1 << b)) >>> 0;
    } else {
      high = (high | (1 << (b - 32))) >>> 0;
    }
  }
  const words: Uint64 = { low, high };
  return words as unknown as WireMask;
}

/** The difference `to - from` of a slot as it travels: angles modulo 2^bits into [-2^(bits-1), 2^(bits-1)). */
export function slotDelta(wrapMask: number, from: number, to: number): number {
  const d = to - from;
  if (wrapMask === 0) {
    return d;
  }
  const turn = wrapMask + 1;
  let m = ((d % turn) + turn) % turn;
  if (m >= turn / 2) {
    m -= turn;
  }
  return m;
}

function deltaIds(ids: number[]): number[] {
  const out: number[] = [];
  let previous = 0;
  for (const id of ids) {
    out.push(id - previous);
    previous = id;
  }
  return out;
}

/** Encode `current` (tick `tick`) against `baseline` (tick `baselineTick`, null and 0 for a full snapshot). */
export function encodeSnapshot(room: RoomSchema, baseline: Frame | null, baselineTick: number, current: Frame, tick: number,
  extras: EncodeExtras = {}): tickwire.v1.ISnapshot {
  const base: Frame = baseline ?? new Map();
  const removed: number[] = [];
  const created: number[] = [];
  const changed: number[] = [];
  const createdTypes: number[] = [];
  const createdValues: number[] = [];
  const createdStrings: string[] = [];
  const changedMasks: WireMask[] = [];
  const changedValues: number[] = [];
  const changedStrings: string[] = [];
  const changedEntries: ChangedEntry[] = [];
  const ownerIds: number[] = [];
  const ownerMasks: WireMask[] = [];
  const ownerValues: number[] = [];
  const ownerStrings: string[] = [];

  const ids = [...new Set([...base.keys(), ...current.keys()])].sort((a, b) => a - b);
  const baseIds = [...base.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const was = base.get(id);
    const now = current.get(id);
    if (now === undefined) {
      removed.push(id);
      continue;
    }
    const schema = room.types[now.type].schema;
    const text = (e: EntityFrame, slot: number): string => e.strings[schema.stringIndexOfSlot[slot]];
    if (was === undefined) {
      created.push(id);
      createdTypes.push(now.type);
      for (let s = 0; s < schema.slotCount; s++) {
        const owner = schema.ownerSlot[s] !== 0;
        if (schema.stringIndexOfSlot[s] >= 0) {
          createdStrings.push(owner ? '' : text(now, s));
        } else {
          createdValues.push(owner ? 0 : now.values[s]);
        }
      }
    } else {
      if (was.type !== now.type) {
        throw new Error(`an entity's type never changes: id=${id}, ${was.type} -> ${now.type}`);
      }
      const bits: number[] = [];
      const values: number[] = [];
      const texts: string[] = [];
      for (let s = 0; s < schema.slotCount; s++) {
        if (schema.ownerSlot[s] !== 0) {
          continue;
        }
        if (schema.stringIndexOfSlot[s] >= 0) {
          if (text(was, s) !== text(now, s)) {
            bits.push(s);
            texts.push(text(now, s));
          }
        } else if (was.values[s] !== now.values[s]) {
          bits.push(s);
          const d = slotDelta(schema.slotWrapMasks[s], was.values[s], now.values[s]);
          if (d !== now.values[s] - was.values[s] && extras.stats !== undefined) {
            extras.stats.wraps++;
          }
          values.push(d);
        }
      }
      if (bits.length > 0) {
        changed.push(id);
        changedMasks.push(mask64(bits));
        changedValues.push(...values);
        changedStrings.push(...texts);
        changedEntries.push({ id, baseIndex: baseIds.indexOf(id), type: now.type, bits, deltas: values });
      }
    }
    // Owner section: OWNER slots against what the client holds after the shared sections.
    const bits: number[] = [];
    for (let s = 0; s < schema.slotCount; s++) {
      if (schema.ownerSlot[s] === 0) {
        continue;
      }
      if (schema.stringIndexOfSlot[s] >= 0) {
        const held = was === undefined ? '' : text(was, s);
        if (held !== text(now, s)) {
          bits.push(s);
          ownerStrings.push(text(now, s));
        }
      } else {
        const held = was === undefined ? 0 : was.values[s];
        if (held !== now.values[s]) {
          bits.push(s);
          const d = slotDelta(schema.slotWrapMasks[s], held, now.values[s]);
          if (d !== now.values[s] - held && extras.stats !== undefined) {
            extras.stats.ownerWraps++;
          }
          ownerValues.push(d);
        }
      }
    }
    if (bits.length > 0) {
      ownerIds.push(id);
      ownerMasks.push(mask64(bits));
      if (extras.stats !== undefined) {
        extras.stats.ownerOnCreated += was === undefined ? 1 : 0;
        extras.stats.ownerHighBits += bits.filter((b) => b >= 32).length;
      }
    }
  }
  if (extras.stats !== undefined) {
    extras.stats.changedStrings += changedStrings.length;
    extras.stats.ownerStrings += ownerStrings.length;
    extras.stats.createdTypes += createdTypes.some((t) => t !== 0) ? 1 : 0;
  }
  const snapshot: tickwire.v1.ISnapshot = {
    tick,
    baselineTick,
    lastInputSeq: extras.lastInputSeq ?? 0,
    entityCount: current.size,
    removedIds: deltaIds(removed),
    createdIds: deltaIds(created),
    createdValues,
    changedIds: deltaIds(changed),
    changedMasks,
    changedValues,
    serverTimeMs: extras.serverTimeMs ?? tick * 33,
    createdStrings,
    changedStrings,
    ownerIds: deltaIds(ownerIds),
    ownerMasks,
    ownerValues,
    ownerStrings,
  };
  // Absent when every created entity is type 0.
  if (createdTypes.some((t) => t !== 0)) {
    snapshot.createdTypes = createdTypes;
  }
  if (extras.packed === true) {
    snapshot.changedIds = [];
    snapshot.changedMasks = [];
    snapshot.changedValues = [];
    if (changedEntries.length > 0) {
      snapshot.changedBits = packChanged(room, changedEntries, extras.packedStats);
      if (extras.packedStats !== undefined) {
        extras.packedStats.packedFrames++;
      }
    }
  }
  if (extras.packCreated ?? (extras.packed === true)) {
    const bits = packCreated(room, createdTypes, createdValues);
    snapshot.createdValues = [];
    if (bits.length > 0) {
      snapshot.createdBits = bits;
    }
    if (extras.packedStats !== undefined) {
      extras.packedStats.createdBitsFrames += bits.length > 0 ? 1 : 0;
      extras.packedStats.createdNoBits += bits.length === 0 && created.length > 0 ? 1 : 0;
    }
  }
  return snapshot;
}

/** The whole `ServerMessage` frame of a snapshot, as a server would send it. */
export function snapshotFrame(snapshot: tickwire.v1.ISnapshot): Uint8Array {
  return tickwire.v1.ServerMessage.encode({ snapshot }).finish();
}

/** The state a conforming client holds for `frame` at `tick`. */
export function stateOf(room: RoomSchema, frame: Frame, tick: number, serverTimeMs = tick * 33): WorldState {
  const ids = [...frame.keys()].sort((a, b) => a - b);
  const stride = room.slotStride;
  const values = new Array<number>(ids.length * stride).fill(0);
  const strings = new Array<string>(ids.length * room.stringStride).fill('');
  const types: number[] = [];
  ids.forEach((id, i) => {
    const e = frame.get(id) as EntityFrame;
    types.push(e.type);
    e.values.forEach((v, s) => { values[i * stride + s] = v; });
    e.strings.forEach((t, k) => { strings[i * room.stringStride + k] = t; });
  });
  const state = new WorldState(room, ids.length);
  state.capture(tick, serverTimeMs, ids.length, ids, values, types, strings);
  return state;
}

/** A deep copy of a frame. */
export function copyFrame(frame: Frame): Frame {
  return new Map([...frame].map(([id, e]) => [id, { type: e.type, values: e.values.slice(), strings: e.strings.slice() }]));
}

/** Seeded PRNG (mulberry32): the same seed gives the same test. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Version 3's `changed_bits` (empty: absent) back into version 2's columns (ids delta-coded, masks as words, values as
 * differences), reading each entity's type from `baseline`: for comparing streams column by column. Uses the
 * SDK's {@link BitReader}, whose bit order and codes the unit tests check against the spec's table.
 */
export function unpackChanged(room: RoomSchema, baseline: Frame | null, bits: Uint8Array):
  { changedIds: number[]; changedMasks: WireMask[]; changedValues: number[] } {
  const r = new BitReader();
  r.reset(bits);
  const out = { changedIds: [] as number[], changedMasks: [] as WireMask[], changedValues: [] as number[] };
  if (bits.length === 0) {
    return out; // the field left out: nothing changed
  }
  const count = r.readExpGolomb(0);
  if (count === 0) {
    r.finish();
    return out;
  }
  const idOrder = r.readBits(4);
  const orders = Array.from({ length: r.readBits(7) }, () => r.readBits(4));
  const baseIds = baseline === null ? [] : [...baseline.keys()].sort((a, b) => a - b);
  let id = 0;
  let index = -1;
  let previous: number[] = [];
  for (let i = 0; i < count; i++) {
    index += r.readExpGolomb(idOrder) + 1;
    if (index >= baseIds.length) {
      throw new Error(`changed index past the baseline: ${index}`);
    }
    out.changedIds.push(baseIds[index] - id);
    id = baseIds[index];
    const e = baseline?.get(id);
    if (e === undefined) {
      throw new Error(`changed id not in baseline: ${id}`);
    }
    const schema = room.types[e.type].schema;
    let slots: number[];
    if (r.readBit() === 1) {
      slots = previous;
    } else {
      slots = [];
      for (let s = 0; s < schema.slotCount; s++) {
        if (r.readBit() === 1) {
          slots.push(s);
        }
      }
    }
    previous = slots;
    out.changedMasks.push(mask64(slots));
    for (const s of slots) {
      if (schema.stringIndexOfSlot[s] < 0) {
        const zz = r.readExpGolomb(orders[s]) + 1;
        out.changedValues.push((zz >>> 1) ^ -(zz & 1));
      }
    }
  }
  r.finish();
  return out;
}
