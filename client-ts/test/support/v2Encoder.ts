import { RoomSchema, WorldState, type Uint64 } from '../../src/index.js';
import { tickwire } from '../../src/proto/tickwire.js';

/**
 * A test-only snapshot ENCODER written from docs/design/schema-v2.md and the proto comments alone
 * (not from the Java encoder), so the TypeScript decoder can be checked by round trips: the state
 * a conforming client must end with, encoded against the state it holds.
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

export function emptyStats(): EncodeStats {
  return { ownerOnCreated: 0, wraps: 0, ownerWraps: 0, changedStrings: 0, ownerStrings: 0, ownerHighBits: 0, createdTypes: 0 };
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
  const ownerIds: number[] = [];
  const ownerMasks: WireMask[] = [];
  const ownerValues: number[] = [];
  const ownerStrings: string[] = [];

  const ids = [...new Set([...base.keys(), ...current.keys()])].sort((a, b) => a - b);
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
