import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeltaDecoder, DeltaError, EntitySchema, RoomSchema, WorldState, WireCodec, uint64High } from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';

/** The file the Java codec writes and checks (ConformanceVectorsTest). */
const VECTORS = fileURLToPath(new URL('../../../protocol/src/test/resources/conformance/vectors.json', import.meta.url));

interface FieldVector {
  name: string;
  kind: string;
  firstSlot: number;
  /** STRING fields: no quantizer samples, their max length instead. */
  maxLength?: number;
  quantize?: [string | string[], number | number[]][];
  dequantize?: [number | number[], string | string[]][];
}

interface FrameVector {
  note: string;
  tick: number;
  baselineTick: number;
  frame: string;
  error?: string;
  serverTimeMs?: number;
  lastInputSeq?: number;
  ids?: number[];
  /** Version 2 cases: each entity's type. */
  types?: number[];
  values?: number[];
  /** Version 2 cases: [id, slot, text] for every STRING slot of every entity. */
  strings?: [number, number, string][];
}

interface CaseVector {
  name: string;
  schema: string;
  /** Version 2 cases: a `Welcome` (base64) with the room's entity types and protocol_version 2. */
  welcome?: string;
  slotCount: number;
  slotMax: number[];
  fields: FieldVector[];
  frames: FrameVector[];
}

const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as { format: number; cases: CaseVector[] };

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt('0x' + hex));
  return view.getFloat64(0);
}

function toBits(v: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

function schemaOf(c: CaseVector): EntitySchema {
  return EntitySchema.fromProto(tickwire.v1.EntitySchema.decode(Buffer.from(c.schema, 'base64')));
}

/** The room a case's frames decode with: its Welcome's entity types (version 2), else its one schema. */
function roomOf(c: CaseVector): RoomSchema {
  if (c.welcome === undefined) {
    return RoomSchema.single(schemaOf(c));
  }
  const welcome = tickwire.v1.Welcome.decode(Buffer.from(c.welcome, 'base64'));
  assert.ok(welcome.protocolVersion === 2 || welcome.protocolVersion === 3,
    `${c.name}: a version 2 or 3 case's Welcome speaks version 2 or 3, not ${welcome.protocolVersion}`);
  return RoomSchema.fromWelcome(welcome);
}

/** Java's slot maximum of a STRING slot is its handle range; a TypeScript STRING slot holds no number (0). */
const JAVA_STRING_SLOT_MAX = 2147483647;

test('vectors file has cases, version 2 and 3 ones among them', () => {
  assert.equal(vectors.format, 1);
  assert.ok(vectors.cases.length >= 4);
  assert.ok(vectors.cases.some((c) => c.welcome !== undefined), 'a version 2 case');
  assert.ok(vectors.cases.filter((c) => c.name.endsWith('-v3')).length >= 2, 'version 3 cases');
});

test('version 3 cases carry their changed sections as changed_bits, never as columns', () => {
  for (const c of vectors.cases.filter((v) => v.name.endsWith('-v3'))) {
    let packed = 0;
    let malformed = 0;
    for (const f of c.frames) {
      const s = WireCodec.parse(Buffer.from(f.frame, 'base64')).snapshot!;
      const bits = s.changedBits?.length ?? 0;
      packed += bits > 0 ? 1 : 0;
      malformed += f.error?.startsWith('changed_bits') === true ? 1 : 0;
      if (f.error === undefined) {
        assert.equal(s.changedIds?.length ?? 0, 0, `${c.name} tick ${f.tick}: no changed_ids beside changed_bits`);
      }
    }
    assert.ok(packed > 5, `${c.name}: ${packed} frames with changed_bits`);
    if (c.name === 'arena-110-v3') {
      assert.ok(malformed >= 5, `${c.name}: ${malformed} frames rejected for their changed_bits`);
    }
  }
});

for (const c of vectors.cases) {
  test(`${c.name}: schema derives the same slots as Java`, () => {
    const schema = schemaOf(c);
    assert.equal(schema.slotCount, c.slotCount);
    assert.deepEqual([...schema.slotMaxes].map((m, s) => schema.stringIndexOfSlot[s] >= 0 ? JAVA_STRING_SLOT_MAX : m), c.slotMax);
    assert.deepEqual(schema.fields.map((f) => [f.name, f.kind, f.firstSlot]), c.fields.map((f) => [f.name, f.kind, f.firstSlot]));
    for (const fv of c.fields.filter((f) => f.kind === 'STRING')) {
      assert.equal(schema.field(fv.name).maxLength, fv.maxLength, `${fv.name} max length`);
    }
    // Welcome.schema repeats type 0's schema.
    assert.equal(roomOf(c).types[0].schema.toString(), schema.toString());
  });

  test(`${c.name}: quantizers are bit-exact with Java`, () => {
    const schema = schemaOf(c);
    for (const fv of c.fields) {
      const field = schema.field(fv.name);
      if (field.kind === 'STRING') {
        assert.equal(fv.quantize, undefined);
        continue;
      }
      for (const [input, expected] of fv.quantize ?? []) {
        if (field.kind === 'QUATERNION') {
          const q = (input as string[]).map(fromBits);
          const slots = [0, 0, 0, 0];
          field.quantizeQuaternion(q[0], q[1], q[2], q[3], slots, 0);
          assert.deepEqual(slots, expected, `${fv.name} quantize ${q}`);
        } else {
          const v = fromBits(input as string);
          assert.equal(field.quantize(v), expected, `${fv.name} quantize ${v}`);
        }
      }
      for (const [slots, expected] of fv.dequantize ?? []) {
        if (field.kind === 'QUATERNION') {
          const xyzw = [0, 0, 0, 0];
          field.dequantizeQuaternion(slots as number[], 0, xyzw);
          assert.deepEqual(xyzw.map(toBits), expected, `${fv.name} dequantize ${slots}`);
        } else {
          assert.equal(toBits(field.dequantize(slots as number)), expected, `${fv.name} dequantize ${slots}`);
        }
      }
    }
  });

  test(`${c.name}: every frame decodes to Java's state or is rejected`, () => {
    const room = roomOf(c);
    const decoder = new DeltaDecoder(room);
    const decoded = new Map<number, WorldState>();
    let applied = 0;
    let rejected = 0;
    for (const f of c.frames) {
      const message = WireCodec.parse(Buffer.from(f.frame, 'base64'));
      const snapshot = message.snapshot;
      assert.ok(snapshot, `${f.note}: not a snapshot`);
      assert.equal(snapshot.tick, f.tick);
      assert.equal(snapshot.baselineTick, f.baselineTick);
      const baseline = f.baselineTick === 0 ? null : decoded.get(f.baselineTick) ?? null;
      const out = new WorldState(room, 2);
      const where = `${c.name} tick ${f.tick} (${f.note})`;
      if (f.error !== undefined) {
        assert.throws(() => decoder.apply(baseline, snapshot, out),
          (e: unknown) => e instanceof DeltaError && e.message.startsWith(f.error as string), where);
        rejected++;
        continue;
      }
      decoder.apply(baseline, snapshot, out);
      assert.equal(out.tick, f.tick, where);
      assert.equal(out.serverTimeMs, f.serverTimeMs, where);
      assert.equal(snapshot.lastInputSeq, f.lastInputSeq, where);
      assert.deepEqual([...out.ids.subarray(0, out.count)], f.ids, where);
      assert.deepEqual([...out.types.subarray(0, out.count)], f.types ?? new Array<number>(out.count).fill(0), where);
      assert.deepEqual([...out.values.subarray(0, out.count * room.slotStride)], f.values, where);
      let stringSlots = 0;
      for (let i = 0; i < out.count; i++) {
        stringSlots += out.schemaAt(i).stringCount;
      }
      const strings = f.strings ?? [];
      assert.equal(strings.length, stringSlots, `${where}: every STRING slot listed`);
      for (const [id, slot, text] of strings) {
        assert.equal(out.stringAt(out.indexOf(id), slot), text, `${where}: id ${id} slot ${slot}`);
      }
      decoded.set(f.tick, out);
      applied++;
    }
    assert.ok(applied > 5 && rejected > 5, `applied=${applied}, rejected=${rejected}`);
  });
}

test('masks past bit 53 arrive whole', () => {
  const wide = vectors.cases.find((c) => c.name === 'wide-64');
  assert.ok(wide);
  let sawBit63 = false;
  for (const f of wide.frames) {
    for (const m of WireCodec.parse(Buffer.from(f.frame, 'base64')).snapshot?.changedMasks ?? []) {
      sawBit63 ||= (uint64High(m) & 0x80000000) !== 0;
    }
  }
  assert.ok(sawBit63);
});
