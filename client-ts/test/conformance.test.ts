import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeltaDecoder, DeltaError, EntitySchema, WorldState, WireCodec, uint64High } from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';

/** The file the Java codec writes and checks (ConformanceVectorsTest). */
const VECTORS = fileURLToPath(new URL('../../../protocol/src/test/resources/conformance/vectors.json', import.meta.url));

interface FieldVector {
  name: string;
  kind: string;
  firstSlot: number;
  quantize: [string | string[], number | number[]][];
  dequantize: [number | number[], string | string[]][];
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
  values?: number[];
}

interface CaseVector {
  name: string;
  schema: string;
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

test('vectors file has cases', () => {
  assert.equal(vectors.format, 1);
  assert.ok(vectors.cases.length >= 3);
});

for (const c of vectors.cases) {
  test(`${c.name}: schema derives the same slots as Java`, () => {
    const schema = schemaOf(c);
    assert.equal(schema.slotCount, c.slotCount);
    assert.deepEqual([...schema.slotMaxes], c.slotMax);
    assert.deepEqual(schema.fields.map((f) => [f.name, f.kind, f.firstSlot]), c.fields.map((f) => [f.name, f.kind, f.firstSlot]));
  });

  test(`${c.name}: quantizers are bit-exact with Java`, () => {
    const schema = schemaOf(c);
    for (const fv of c.fields) {
      const field = schema.field(fv.name);
      for (const [input, expected] of fv.quantize) {
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
      for (const [slots, expected] of fv.dequantize) {
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
    const schema = schemaOf(c);
    const decoder = new DeltaDecoder(schema);
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
      const out = new WorldState(schema, 2);
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
      assert.deepEqual([...out.values.subarray(0, out.count * schema.slotCount)], f.values, where);
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
