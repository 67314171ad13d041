import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeltaDecoder, DeltaError, EntitySchema, RoomSchema, WireCodec, WorldState } from '../src/index.js';
import { BitReader } from '../src/bitReader.js';
import { tickwire } from '../src/proto/tickwire.js';
import {
  BitWriter, bestOrder, bitLength, encodeSnapshot, expGolombLength, mask64, packChanged, packCreated, random, snapshotFrame,
  stateOf, zigzag, type Frame,
} from './support/v2Encoder.js';

/**
 * Protocol version 3 (protocol/README.md, "Version 3: bit-packed changes"): the bit order and the
 * Exp-Golomb code against the spec's table, the spec's annotated frame byte for byte, exactness of 32- and
 * 33-bit fields and 64-bit masks, and every stream the spec says a decoder rejects; created values as
 * `created_bits` (fixed-width fields, "Created entities") likewise.
 */

/** Bits as the spec lists them (stream order, spaces ignored) as bytes. */
function bitsToBytes(bits: string): Uint8Array {
  const w = new BitWriter();
  for (const c of bits.replace(/ /g, '')) {
    w.writeBit(c === '1' ? 1 : 0);
  }
  return w.finish();
}

function readerOf(bits: string): BitReader {
  const r = new BitReader();
  r.reset(bitsToBytes(bits));
  return r;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function bytesOf(hexText: string): Uint8Array {
  return Uint8Array.from(hexText.split(' ').map((h) => parseInt(h, 16)));
}

// The spec's table: v, then its EG(0), EG(2), EG(5) in stream order.
const EG_TABLE: [number, string, string, string][] = [
  [0, '1', '1 00', '1 00000'],
  [1, '0 1 0', '1 10', '1 10000'],
  [2, '0 1 1', '1 01', '1 01000'],
  [5, '0 0 1 01', '0 1 100', '1 10100'],
  [23, '0 0 0 0 1 0001', '0 0 1 1101', '1 11101'],
];

test('Exp-Golomb codes read and write as the spec table spells them', () => {
  for (const [v, ...codes] of EG_TABLE) {
    [0, 2, 5].forEach((k, i) => {
      const bits = codes[i].replace(/ /g, '');
      const r = readerOf(bits);
      assert.equal(r.readExpGolomb(k), v, `EG(${k}) of ${v}`);
      assert.equal(r.bitPosition, bits.length, `EG(${k}) of ${v} is ${bits.length} bits`);
      assert.equal(expGolombLength(k, v), bits.length);
      const w = new BitWriter();
      w.writeExpGolomb(k, v);
      assert.equal(hex(w.finish()), hex(bitsToBytes(bits)), `EG(${k}) of ${v}`);
    });
  }
});

test('bits fill bytes from the least significant bit; fields are least significant bit first', () => {
  const r = new BitReader();
  r.reset(Uint8Array.of(0b10110001, 0xff, 0x01));
  assert.equal(r.readBit(), 1);
  assert.equal(r.readBits(3), 0b000);
  assert.equal(r.readBits(6), 0b111011, 'a field across a byte boundary');
  assert.equal(r.readBits(14), 127, 'the rest of byte 1 (six 1 bits) and byte 2 (0x01)');
  r.finish();
  const w = new BitWriter();
  w.writeBits(5, 3);
  w.writeBits(0x3ff, 10);
  assert.equal(hex(w.finish()), 'fd 1f');
});

test('fields of 32 and 33 bits and 48-bit Exp-Golomb fields come back exact, never as int32', () => {
  const cases: [number, number][] = [
    [0, 4294967294], [15, 4294967294], [15, 4294967293], [0, 2147483648], [7, 4294967295], [15, 2 ** 33 - 1],
    [0, 2 ** 33 - 2], [15, 2 ** 47 - 1], [3, 0], [1, 1],
  ];
  const w = new BitWriter();
  for (const [k, v] of cases) {
    w.writeExpGolomb(k, v);
  }
  w.writeBits(0xfffffffe, 32);
  w.writeBits(2 ** 33 - 3, 33);
  w.writeBits(2 ** 48 - 1, 48);
  const r = new BitReader();
  r.reset(w.finish());
  for (const [k, v] of cases) {
    assert.equal(r.readExpGolomb(k), v, `EG(${k}) of ${v}`);
  }
  assert.equal(r.readBits(32), 0xfffffffe);
  assert.equal(r.readBits(33), 2 ** 33 - 3);
  assert.equal(r.readBits(48), 2 ** 48 - 1);
  r.finish();
});

test('seeded random codes and fields round-trip at every bit offset (the reader\'s word and byte paths agree)', () => {
  const rnd = random(20261126);
  const items: [string, number, number][] = [];
  const w = new BitWriter();
  for (let i = 0; i < 20000; i++) {
    const kind = rnd();
    if (kind < 0.6) {
      const k = Math.floor(rnd() * 16);
      const v = Math.floor(rnd() * 2 ** Math.floor(rnd() * 34));
      w.writeExpGolomb(k, v);
      items.push(['eg', k, v]);
    } else if (kind < 0.9) {
      const n = Math.floor(rnd() * 49);
      const v = Math.floor(rnd() * 2 ** n);
      w.writeBits(v, n);
      items.push(['bits', n, v]);
    } else {
      const bit = rnd() < 0.5 ? 0 : 1;
      w.writeBit(bit);
      items.push(['bit', 1, bit]);
    }
  }
  const r = new BitReader();
  r.reset(w.finish());
  items.forEach(([kind, n, v], i) => {
    const got = kind === 'eg' ? r.readExpGolomb(n) : kind === 'bits' ? r.readBits(n) : r.readBit();
    assert.equal(got, v, `item ${i}: ${kind} ${n}`);
  });
  assert.equal(r.bitPosition, w.bitCount);
  r.finish();
});

test('the encoder picks, per slot, the order that makes the frame smallest; ties the smallest', () => {
  assert.equal(bestOrder([]), 0);
  assert.equal(bestOrder([0, 0, 0]), 0);
  assert.equal(bestOrder([4]), 1, 'EG(0) and EG(2) of 4 are 5 bits, EG(1) 4');
  assert.equal(bestOrder([23]), 3);
  assert.equal(bestOrder([15]), 4);
  assert.equal(bestOrder([1]), 1, 'EG(1) of 1 is 2 bits, EG(0) and EG(2) 3');
  assert.equal(bestOrder([1, 2]), 0, 'a tie: 3 + 3 bits in EG(0), 2 + 4 in EG(1): the smaller order');
  assert.equal(bestOrder([2 ** 20, 2 ** 20 + 5]), 15);
  assert.equal(zigzag(12) - 1, 23);
  assert.equal(zigzag(8) - 1, 15);
  assert.equal(zigzag(-2147483648), 4294967295);
});

// The spec's annotated frame: x, y fixed -512..512 step 0.01, heading angle 10 bits, kind int 0..7, hp int 0..100.
const movers = EntitySchema.builder().fixed('x', -512, 512, 0.01).fixed('y', -512, 512, 0.01).angle('heading', 10)
  .intField('kind', 0, 7).intField('hp', 0, 100).build();
const moversRoom = RoomSchema.single(movers);
const baselineFrame: Frame = new Map([
  [1, { type: 0, values: [40000, 41000, 12, 1, 100], strings: [] }],
  [2, { type: 0, values: [50000, 51000, 500, 2, 90], strings: [] }],
  [5, { type: 0, values: [60000, 61000, 1020, 3, 80], strings: [] }],
]);
const exampleTarget: Frame = new Map([
  [1, { type: 0, values: [40000, 41000, 12, 1, 100], strings: [] }],
  [5, { type: 0, values: [60012, 61000, 4, 3, 80], strings: [] }],
  [7, { type: 0, values: [51200, 51300, 256, 0, 100], strings: [] }],
]);
const EXAMPLE_STREAM = '82 c1 00 59 f1 3f';
// protocol/README.md, "One frame, annotated", with the changed section of "Version 3", "One frame, annotated":
// the embedded Snapshot is 39 bytes (40 - 10 column bytes + 9 bytes of field 19).
const EXAMPLE_FRAME = '12 27 18 ac 02 08 67 10 64 20 03 2a 01 02 32 01 07 3a 0a 80 90 03 e4 90 03 80 02 00 64 ' +
  '9a 01 06 82 c1 00 59 f1 3f 58 f0 0c';

test('the spec\'s annotated stream: 46 bits, item by item, and the encoder writes exactly its bytes', () => {
  const spelled = '0 1 0' + '0 0 0 0' + '1 1 0 0 0 0 0' + '1 1 0 0' + '0 0 0 0' + '0 0 1 0' + '0 1 1' + '0' +
    '1 0 1 0 0' + '0 1 1 1 1 1' + '1 1 1 1 1';
  assert.equal(spelled.replace(/ /g, '').length, 46);
  assert.equal(hex(bitsToBytes(spelled)), EXAMPLE_STREAM);
  const s = new BitReader();
  s.reset(bytesOf(EXAMPLE_STREAM));
  assert.equal(s.readExpGolomb(0), 1, 'count');
  assert.equal(s.readBits(4), 0, 'idOrder');
  assert.equal(s.readBits(7), 3, 'orderCount');
  assert.deepEqual([s.readBits(4), s.readBits(4), s.readBits(4)], [3, 0, 4], 'orders');
  assert.equal(s.readExpGolomb(0), 2, 'gap: baseline index 2 of ids 1, 2, 5');
  assert.equal(s.readBit(), 0, 'sameMask');
  assert.equal(s.readBits(5), 0b00101, 'mask');
  assert.equal(s.readExpGolomb(3), 23, 'x');
  assert.equal(s.readExpGolomb(4), 15, 'heading');
  assert.equal(s.bitPosition, 46);
  s.finish();
  assert.equal(hex(packChanged(moversRoom, [{ id: 5, baseIndex: 2, type: 0, bits: [0, 2], deltas: [12, 8] }])), EXAMPLE_STREAM);
});

test('the spec\'s annotated frame decodes to the same state as its version 1 form', () => {
  const decoder = new DeltaDecoder(moversRoom);
  const baseline = stateOf(moversRoom, baselineFrame, 100);
  const expected = stateOf(moversRoom, exampleTarget, 103, 1648);
  const packed = WireCodec.parse(bytesOf(EXAMPLE_FRAME)).snapshot!;
  assert.equal(packed.lastInputSeq, 300);
  assert.equal(hex(packed.changedBits!), EXAMPLE_STREAM);
  assert.equal(packed.changedIds!.length, 0);
  const out = new WorldState(moversRoom, 1);
  decoder.apply(baseline, packed, out);
  assert.equal(out.firstDifference(expected), null);
  // The version 1 frame of the same spec section, for comparison: 10 column bytes instead of 9.
  const v1 = WireCodec.parse(bytesOf('12 28 18 ac 02 08 67 10 64 20 03 2a 01 02 32 01 07 3a 0a 80 90 03 e4 90 03 80 02 00 64 ' +
    '42 01 05 4a 01 05 52 02 18 10 58 f0 0c')).snapshot!;
  const out1 = new WorldState(moversRoom, 1);
  decoder.apply(baseline, v1, out1);
  assert.equal(out1.firstDifference(expected), null);
});

// --- Rejections -------------------------------------------------------------------------------------------------

/** A delta against `baselineFrame` (tick 100) that changes entities only, its changed section `bits`. */
function packedSnapshot(bits: Uint8Array, extra: Partial<tickwire.v1.ISnapshot> = {}): tickwire.v1.ISnapshot {
  return { tick: 103, baselineTick: 100, entityCount: 3, serverTimeMs: 1648, changedBits: bits, ...extra };
}

/** A stream from its items; `header` writes count, idOrder, orderCount and orders. */
function stream(count: number, idOrder: number, orders: number[], body: (w: BitWriter) => void): Uint8Array {
  const w = new BitWriter();
  w.writeExpGolomb(0, count);
  if (count > 0) {
    w.writeBits(idOrder, 4);
    w.writeBits(orders.length, 7);
    for (const k of orders) {
      w.writeBits(k, 4);
    }
  }
  body(w);
  return w.finish();
}

function rejects(room: RoomSchema, baseline: WorldState, snapshot: tickwire.v1.ISnapshot, message: RegExp): void {
  const parsed = WireCodec.parse(snapshotFrame(snapshot)).snapshot!;
  const out = new WorldState(room, 1);
  const before = [...baseline.values];
  assert.throws(() => new DeltaDecoder(room).apply(baseline, parsed, out),
    (e: unknown) => e instanceof DeltaError && message.test(e.message), String(message));
  assert.deepEqual([...baseline.values], before, 'the baseline is never touched');
}

function accepts(room: RoomSchema, baseline: WorldState, snapshot: tickwire.v1.ISnapshot): WorldState {
  const parsed = WireCodec.parse(snapshotFrame(snapshot)).snapshot!;
  const out = new WorldState(room, 1);
  new DeltaDecoder(room).apply(baseline, parsed, out);
  return out;
}

test('malformed streams are rejected: ends early, a byte left over, non-zero padding, a zero run over 32', () => {
  const baseline = stateOf(moversRoom, baselineFrame, 100);
  const good = bytesOf(EXAMPLE_STREAM);
  const target = stateOf(moversRoom, new Map([...baselineFrame].map(([id, e]) =>
    [id, id === 5 ? { ...e, values: [60012, 61000, 4, 3, 80] } : e])), 103, 1648);
  assert.equal(accepts(moversRoom, baseline, packedSnapshot(good)).firstDifference(target), null);
  rejects(moversRoom, baseline, packedSnapshot(good.subarray(0, 5)),
    /^changed_bits malformed: ends early at bit 37 of 40, wanted 4 more$/);
  rejects(moversRoom, baseline, packedSnapshot(Uint8Array.of(...good, 0)),
    /^changed_bits malformed: 1 byte\(s\) left after the last entity$/);
  rejects(moversRoom, baseline, packedSnapshot(Uint8Array.of(...good.subarray(0, 5), 0xff)),
    /^changed_bits malformed: non-zero padding after the last entity$/);
  // count = 0 is one bit; anything set after it is padding.
  assert.equal(accepts(moversRoom, baseline, packedSnapshot(Uint8Array.of(0x01))).firstDifference(
    stateOf(moversRoom, baselineFrame, 103, 1648)), null);
  rejects(moversRoom, baseline, packedSnapshot(Uint8Array.of(0x03)), /^changed_bits malformed: non-zero padding after the last entity$/);
  // A count whose zero run is 33 bits long, then a 1.
  const longRun = new BitWriter();
  for (let i = 0; i < 33; i++) {
    longRun.writeBit(0);
  }
  longRun.writeBit(1);
  longRun.writeBits(0, 33);
  rejects(moversRoom, baseline, packedSnapshot(longRun.finish()),
    /^changed_bits malformed: zero prefix longer than 32 bits at bit 33$/);
  // 32 zeros are still a code: count 2^32 - 1 reads whole, and is more entities than ids exist.
  const run32 = new BitWriter();
  run32.writeExpGolomb(0, 2 ** 32 - 1);
  assert.equal(run32.bitCount, 65);
  rejects(moversRoom, baseline, packedSnapshot(run32.finish()), /^changed_bits malformed: count=4294967295$/);
  // The gap's zero run too long, inside the entity list.
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0], (w) => {
    for (let i = 0; i < 40; i++) {
      w.writeBit(0);
    }
    w.writeBit(1);
  })), /^changed_bits malformed: zero prefix longer than 32 bits at bit 51$/);
  // Only zero bits until the end: ends early.
  rejects(moversRoom, baseline, packedSnapshot(Uint8Array.of(0, 0)),
    /^changed_bits malformed: ends early at bit 16 inside a code's zero prefix$/);
});

test('stream items the spec forbids are rejected with what and the values', () => {
  const baseline = stateOf(moversRoom, baselineFrame, 100);
  const ok = (w: BitWriter, gap: number, mask: number) => {
    w.writeExpGolomb(0, gap);
    w.writeBit(0);
    w.writeBits(mask, 5);
  };
  // Both forms at once.
  rejects(moversRoom, baseline, packedSnapshot(bytesOf(EXAMPLE_STREAM), { changedIds: [5] }),
    /^changed_bits and changed columns both present: ids=1, masks=0, values=0$/);
  rejects(moversRoom, baseline, packedSnapshot(bytesOf(EXAMPLE_STREAM), { changedValues: [24] }),
    /^changed_bits and changed columns both present/);
  rejects(moversRoom, baseline, packedSnapshot(bytesOf(EXAMPLE_STREAM), { changedMasks: [mask64([0])] }),
    /^changed_bits and changed columns both present/);
  // sameMask on the first entity.
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0], (w) => {
    w.writeExpGolomb(0, 0);
    w.writeBit(1);
  })), /^changed_bits malformed: sameMask on the first entity$/);
  // A value for a slot at or past orderCount: orders for slot 0 only, mask names slot 2 (heading).
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [3], (w) => {
    ok(w, 2, 0b00100);
    w.writeExpGolomb(3, 15);
  })), /^changed_bits malformed: value for slot 2 at id=5, orderCount=1$/);
  // orderCount above 64.
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, new Array<number>(65).fill(0), (w) => {
    ok(w, 2, 1);
    w.writeExpGolomb(0, 0);
  })), /^changed_bits malformed: orderCount=65, at most 64$/);
  // zz(d) - 1 = 2^32 - 1 (no 32-bit zigzag is that).
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0], (w) => {
    ok(w, 2, 1);
    w.writeExpGolomb(0, 4294967295);
  })), /^changed_bits malformed: value too large at id=5, slot=0$/);
  // A fresh mask of 0.
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [], (w) => ok(w, 2, 0))),
    /^changed mask invalid: index=0, mask=0x0, slots=5$/);
  // An index past the baseline's end (it holds ids 1, 2, 5: indexes 0..2).
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0], (w) => {
    ok(w, 3, 1);
    w.writeExpGolomb(0, 0);
  })), /^changed_bits index out of range: index=0, baselineIndex=3, baseline=3$/);
  // Two entities at one index cannot be written (gaps are >= 0), but a count larger than the list is.
  rejects(moversRoom, baseline, packedSnapshot(stream(2, 0, [0], (w) => {
    ok(w, 2, 1);
    w.writeExpGolomb(0, 0);
  })), /^changed_bits malformed: ends early at bit 32 inside a code's zero prefix$/);
  // A gap far past the baseline.
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0], (w) => w.writeExpGolomb(0, 2147483647))),
    /^changed_bits index out of range: index=0, baselineIndex=2147483647, baseline=3$/);
  // A value out of its slot's range after applying it: kind (0..7) of id 5 is 3, +5 makes 8.
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0, 0, 0, 0], (w) => {
    ok(w, 2, 0b01000);
    w.writeExpGolomb(0, zigzag(5) - 1);
  })), /^changed value out of range: id=5, slot=3, value=8, max=7$/);
  rejects(moversRoom, baseline, packedSnapshot(stream(1, 0, [0, 0, 0, 0], (w) => {
    ok(w, 2, 0b01000);
    w.writeExpGolomb(0, zigzag(-4) - 1);
  })), /^changed value out of range: id=5, slot=3, value=-1, max=7$/);
  // The entity count still has to add up.
  rejects(moversRoom, baseline, packedSnapshot(bytesOf(EXAMPLE_STREAM), { entityCount: 4 }), /^entity count mismatch/);
});

// Two types: a 5-slot one with a STRING and an OWNER slot, and a 2-slot one.
const wideType = EntitySchema.builder().intField('a', 0, 100).string('name', 8).intField('b', 0, 100)
  .intField('ammo', 0, 9, 'OWNER').intField('c', 0, 100).build();
const narrowType = EntitySchema.builder().intField('p', 0, 100).intField('q', 0, 100).build();
const twoTypes = RoomSchema.of(['wide', wideType], ['narrow', narrowType]);
const twoTypesBase: Frame = new Map([
  [1, { type: 0, values: [10, 0, 20, 0, 30], strings: ['ann'] }],
  [2, { type: 1, values: [40, 50], strings: [] }],
  [3, { type: 0, values: [60, 0, 70, 0, 80], strings: ['bo'] }],
]);

test('masks are as wide as the entity\'s type; sameMask carries bits over types; STRING bits take changed_strings', () => {
  const baseline = stateOf(twoTypes, twoTypesBase, 100);
  // id 1 (5 slots): a, name, c; id 2 (2 slots): p, q (a fresh 2-bit mask); id 3: same mask as... id 2's (p, q = a, name):
  // a and name. Values: a +1, c -1; p +2, q -3; a +4.
  const bits = stream(3, 0, [2, 0, 0, 0, 1], (w) => {
    w.writeExpGolomb(0, 0);
    w.writeBit(0);
    w.writeBits(0b10011, 5);
    w.writeExpGolomb(2, zigzag(1) - 1);
    w.writeExpGolomb(1, zigzag(-1) - 1);
    w.writeExpGolomb(0, 0);
    w.writeBit(0);
    w.writeBits(0b11, 2);
    w.writeExpGolomb(2, zigzag(2) - 1);
    w.writeExpGolomb(0, zigzag(-3) - 1);
    w.writeExpGolomb(0, 0);
    w.writeBit(1);
    w.writeExpGolomb(2, zigzag(4) - 1);
  });
  const out = accepts(twoTypes, baseline, packedSnapshot(bits, { changedStrings: ['zoë', 'cy'] }));
  const expected = stateOf(twoTypes, new Map([
    [1, { type: 0, values: [11, 0, 20, 0, 29], strings: ['zoë'] }],
    [2, { type: 1, values: [42, 47], strings: [] }],
    [3, { type: 0, values: [64, 0, 70, 0, 80], strings: ['cy'] }],
  ]), 103, 1648);
  assert.equal(out.firstDifference(expected), null);
  rejects(twoTypes, baseline, packedSnapshot(bits, { changedStrings: ['zoë'] }),
    /^changed_strings length mismatch: too short at id=3, strings=1$/);
  rejects(twoTypes, baseline, packedSnapshot(bits, { changedStrings: ['zoë', 'cy', 'extra'] }),
    /^changed_strings length mismatch: expected=2, strings=3$/);
  rejects(twoTypes, baseline, packedSnapshot(bits, { changedStrings: ['zoë', 'much too long'] }), /^string too long/);

  // sameMask from a 5-slot mask with bit 4 onto the 2-slot type: a bit at or above its slot count.
  rejects(twoTypes, baseline, packedSnapshot(stream(2, 0, [0, 0, 0, 0, 0], (w) => {
    w.writeExpGolomb(0, 0);
    w.writeBit(0);
    w.writeBits(0b10000, 5);
    w.writeExpGolomb(0, 0);
    w.writeExpGolomb(0, 0);
    w.writeBit(1);
  })), /^changed mask invalid: index=1, mask=0x10, slots=2$/);
  // A mask naming the OWNER slot (3).
  rejects(twoTypes, baseline, packedSnapshot(stream(1, 0, [0, 0, 0, 0], (w) => {
    w.writeExpGolomb(0, 0);
    w.writeBit(0);
    w.writeBits(0b01000, 5);
    w.writeExpGolomb(0, 0);
  })), /^changed mask names an owner-only field: index=0, mask=0x8, ownerSlots=0x8$/);
});

test('64-slot masks travel whole: bits 31, 32, 53 and 63, values at both ends of an angle', () => {
  const b = EntitySchema.builder();
  for (let i = 0; i < 64; i++) {
    if (i === 63) {
      b.angle(`h${i}`, 30);
    } else {
      b.intField(`f${i}`, 0, 1000);
    }
  }
  const wide = RoomSchema.single(b.build());
  const values = Array.from({ length: 64 }, (_, i) => (i === 63 ? 5 : 500));
  const base: Frame = new Map([[9, { type: 0, values, strings: [] }], [10, { type: 0, values, strings: [] }]]);
  const now: Frame = new Map([
    [9, { type: 0, values: values.map((v, i) => (i === 31 ? 1000 : i === 32 ? 0 : i === 53 ? 501 : i === 63 ? 2 ** 30 - 3 : v)),
      strings: [] }],
    [10, { type: 0, values: values.map((v, i) => (i === 31 ? 499 : i === 32 ? 1 : i === 53 ? 0 : i === 63 ? 2 ** 29 + 5 : v)),
      strings: [] }],
  ]);
  const bits = packChanged(wide, [
    { id: 9, baseIndex: 0, type: 0, bits: [31, 32, 53, 63], deltas: [500, -500, 1, -8] },
    { id: 10, baseIndex: 1, type: 0, bits: [31, 32, 53, 63], deltas: [-1, -499, -500, -(2 ** 29)] },
  ]);
  const out = accepts(wide, stateOf(wide, base, 100), { tick: 103, baselineTick: 100, entityCount: 2, serverTimeMs: 1648,
    changedBits: bits });
  assert.equal(out.firstDifference(stateOf(wide, now, 103, 1648)), null);
});

// --- Created entities: created_bits ------------------------------------------------------------------------------

// The spec's annotated frame in full version 3 form: created_values `3a 0a ...` (12 bytes) become field 20 (10 bytes).
const EXAMPLE_CREATED = '00 c8 c8 90 01 04 32';
const EXAMPLE_FRAME_V3 = '12 25 18 ac 02 08 67 10 64 20 03 2a 01 02 32 01 07 a2 01 07 ' + EXAMPLE_CREATED + ' ' +
  '9a 01 06 82 c1 00 59 f1 3f 58 f0 0c';

/** The delta of the annotated frame that only creates id 7 (values as given), its values as `created_bits` `bits`. */
function createdSnapshot(bits: Uint8Array, extra: Partial<tickwire.v1.ISnapshot> = {}): tickwire.v1.ISnapshot {
  return { tick: 103, baselineTick: 100, entityCount: 4, serverTimeMs: 1648, createdIds: [7], createdBits: bits, ...extra };
}

test('a created value takes the bits of its slot\'s maximum: 17, 17, 10, 3, 7 for movers, 1 for a BOOL, 0 for one value', () => {
  assert.deepEqual([...movers.slotMaxes].map(bitLength), [17, 17, 10, 3, 7]);
  const odd = EntitySchema.builder().bool('b').intField('one', 3, 3).intField('wide', -5, 2147483641).build();
  assert.deepEqual([...odd.slotMaxes].map(bitLength), [1, 0, 31]);
  // id 7: x 51200, y 51300, heading 256, kind 0, hp 100: 54 bits, two zero bits of padding, 7 bytes.
  const w = new BitWriter();
  w.writeBits(51200, 17);
  w.writeBits(51300, 17);
  w.writeBits(256, 10);
  w.writeBits(0, 3);
  w.writeBits(100, 7);
  assert.equal(w.bitCount, 54);
  assert.equal(hex(w.finish()), EXAMPLE_CREATED);
  assert.equal(hex(packCreated(moversRoom, [0], [51200, 51300, 256, 0, 100])), EXAMPLE_CREATED);
});

test('the annotated frame with created_bits and changed_bits decodes to its version 1 state; the encoder writes both', () => {
  const baseline = stateOf(moversRoom, baselineFrame, 100);
  const expected = stateOf(moversRoom, exampleTarget, 103, 1648);
  const packed = WireCodec.parse(bytesOf(EXAMPLE_FRAME_V3)).snapshot!;
  assert.equal(hex(packed.createdBits!), EXAMPLE_CREATED);
  assert.equal(packed.createdValues!.length, 0);
  assert.equal(hex(packed.changedBits!), EXAMPLE_STREAM);
  const out = new WorldState(moversRoom, 1);
  new DeltaDecoder(moversRoom).apply(baseline, packed, out);
  assert.equal(out.firstDifference(expected), null);
  const ours = WireCodec.parse(snapshotFrame(encodeSnapshot(moversRoom, baselineFrame, 100, exampleTarget, 103,
    { packed: true, serverTimeMs: 1648, lastInputSeq: 300 }))).snapshot!;
  assert.equal(hex(ours.createdBits!), EXAMPLE_CREATED);
  assert.equal(hex(ours.changedBits!), EXAMPLE_STREAM);
  assert.equal(ours.createdValues!.length, 0);
  assert.equal(snapshotFrame(ours).length, bytesOf(EXAMPLE_FRAME_V3).length, 'the same fields, whatever their order');
});

test('created_bits is rejected beside created_values, at another length, with padding set, with a value above its max', () => {
  const baseline = stateOf(moversRoom, baselineFrame, 100);
  const good = bytesOf(EXAMPLE_CREATED);
  const withSeven = stateOf(moversRoom, new Map([...baselineFrame, [7, exampleTarget.get(7)!]]), 103, 1648);
  assert.equal(accepts(moversRoom, baseline, createdSnapshot(good)).firstDifference(withSeven), null);
  // The same values as version 2's column still decode.
  assert.equal(accepts(moversRoom, baseline, createdSnapshot(new Uint8Array(0), { createdValues: [51200, 51300, 256, 0, 100] }))
    .firstDifference(withSeven), null);

  rejects(moversRoom, baseline, createdSnapshot(good, { createdValues: [51200, 51300, 256, 0, 100] }),
    /^created_bits and created_values both present: values=5$/);
  rejects(moversRoom, baseline, createdSnapshot(good, { createdValues: [0] }),
    /^created_bits and created_values both present: values=1$/);
  rejects(moversRoom, baseline, createdSnapshot(good.subarray(0, 6)), /^created_bits length mismatch: expected=7, bytes=6$/);
  rejects(moversRoom, baseline, createdSnapshot(Uint8Array.of(...good, 0)),
    /^created_bits length mismatch: expected=7, bytes=8$/);
  // Nothing created: the field must be absent (an empty field is absent on the wire).
  rejects(moversRoom, baseline, createdSnapshot(Uint8Array.of(0), { createdIds: [], entityCount: 3 }),
    /^created_bits length mismatch: expected=0, bytes=1$/);
  // Two created entities need 108 bits, 14 bytes.
  rejects(moversRoom, baseline, createdSnapshot(good, { createdIds: [7, 1], entityCount: 5 }),
    /^created_bits length mismatch: expected=14, bytes=7$/);
  // Neither field although the values need bits: version 2's count check.
  rejects(moversRoom, baseline, createdSnapshot(new Uint8Array(0)), /^created_values length mismatch: created=1, /);
  // Bits 54 and 55 are padding.
  for (const bit of [0x40, 0x80]) {
    const padded = good.slice();
    padded[6] |= bit;
    rejects(moversRoom, baseline, createdSnapshot(padded), /^created_bits malformed: non-zero padding after the last entity$/);
  }
  // hp's 7 bits are stream bits 47..53: bit 7 of byte 5 and bits 0..5 of byte 6. All ones: 127 > 100.
  const hp127 = good.slice();
  hp127[5] |= 0x80;
  hp127[6] |= 0x3f;
  rejects(moversRoom, baseline, createdSnapshot(hp127), /^created value out of range: id=7, slot=4, value=127, max=100$/);
  // x's 17 bits all ones: 131071 > 102400.
  const x = good.slice();
  x[0] = 0xff;
  x[1] = 0xff;
  x[2] |= 0x01;
  rejects(moversRoom, baseline, createdSnapshot(x), /^created value out of range: id=7, slot=0, value=131071, max=102400$/);
  // The value just at the maximum is fine.
  const hp100 = packCreated(moversRoom, [0], [102400, 0, 1023, 7, 100]);
  const out = accepts(moversRoom, baseline, createdSnapshot(hp100));
  assert.deepEqual([...out.values.subarray(3 * 5, 4 * 5)], [102400, 0, 1023, 7, 100]);
});

test('created_bits follows created_types: each entity its own type\'s widths, STRING slots no bits, OWNER slots 0', () => {
  // wide: a 7 bits, name (STRING) none, b 7, ammo (OWNER, 0..9) 4, c 7 = 25 bits; narrow: p 7, q 7 = 14 bits.
  const baseline = stateOf(twoTypes, twoTypesBase, 100);
  const values = [11, 0, 22, 0, 33, 44, 55];
  const bits = packCreated(twoTypes, [0, 1], [11, 22, 0, 33, 44, 55]);
  assert.equal(bits.length, 5, '39 bits');
  const snapshot = (b: Uint8Array, extra: Partial<tickwire.v1.ISnapshot> = {}): tickwire.v1.ISnapshot => ({
    tick: 103, baselineTick: 100, entityCount: 5, serverTimeMs: 1648, createdIds: [4, 1], createdTypes: [0, 1],
    createdStrings: ['dee'], createdBits: b, ...extra,
  });
  const out = accepts(twoTypes, baseline, snapshot(bits));
  const expected = stateOf(twoTypes, new Map([...twoTypesBase,
    [4, { type: 0, values: values.slice(0, 5), strings: ['dee'] }],
    [5, { type: 1, values: values.slice(5), strings: [] }]]), 103, 1648);
  assert.equal(out.firstDifference(expected), null);
  // The length comes from the types: two narrow ones are 28 bits, two wide ones 50.
  rejects(twoTypes, baseline, snapshot(bits, { createdTypes: [1, 1], createdStrings: [] }),
    /^created_bits length mismatch: expected=4, bytes=5$/);
  rejects(twoTypes, baseline, snapshot(bits, { createdTypes: [0, 0], createdStrings: ['dee', 'eve'] }),
    /^created_bits length mismatch: expected=7, bytes=5$/);
  // A one-type-0 room without created_types: every entity is type 0 (25 bits each).
  rejects(twoTypes, baseline, snapshot(bits, { createdTypes: [], createdStrings: ['dee', 'eve'] }),
    /^created_bits length mismatch: expected=7, bytes=5$/);
  // An OWNER slot's value must be 0; above its maximum too, it is named as owner-only first (as Java does).
  rejects(twoTypes, baseline, snapshot(packCreated(twoTypes, [0, 1], [11, 22, 3, 33, 44, 55])),
    /^created value for an owner-only field: id=4, slot=3, value=3$/);
  rejects(twoTypes, baseline, snapshot(packCreated(twoTypes, [0, 1], [11, 22, 15, 33, 44, 55])),
    /^created value for an owner-only field: id=4, slot=3, value=15$/);
});

test('created slots that need no bits send no field; 31-bit slots read exact across bytes', () => {
  const constant = RoomSchema.single(EntitySchema.builder().intField('team', 3, 3).intField('flag', 0, 0).build());
  const empty = stateOf(constant, new Map(), 1);
  const one = stateOf(constant, new Map([[5, { type: 0, values: [0, 0], strings: [] }]]), 2, 66);
  const created = { tick: 2, baselineTick: 1, entityCount: 1, serverTimeMs: 66, createdIds: [5] };
  assert.equal(accepts(constant, empty, created).firstDifference(one), null);
  assert.equal(accepts(constant, empty, { ...created, createdValues: [0, 0] }).firstDifference(one), null, 'version 2 form');
  rejects(constant, empty, { ...created, createdBits: Uint8Array.of(0) }, /^created_bits length mismatch: expected=0, bytes=1$/);
  rejects(constant, empty, { ...created, createdValues: [0] }, /^created_values length mismatch/);
  const frame: Frame = new Map([[5, { type: 0, values: [0, 0], strings: [] }]]);
  const encoded = encodeSnapshot(constant, new Map(), 1, frame, 2, { packed: true });
  assert.equal(encoded.createdBits, undefined);
  assert.equal(encoded.createdValues!.length, 0);

  // A BOOL, a 31-bit INT (the widest a slot gets) and a BOOL, three entities: 99 bits, 13 bytes, the 31-bit fields
  // from bits 1, 34 and 67, across four or five bytes each.
  const big = RoomSchema.single(EntitySchema.builder().bool('on').intField('n', 0, 2147483646).bool('off').build());
  const rows = [[1, 2147483646, 0], [0, 1234567890, 1], [1, 1, 1]];
  const bits = packCreated(big, [0, 0, 0], rows.flat());
  assert.equal(bits.length, 13);
  const out = accepts(big, stateOf(big, new Map(), 1), { tick: 2, baselineTick: 1, entityCount: 3, serverTimeMs: 66,
    createdIds: [1, 1, 1], createdBits: bits });
  assert.deepEqual([...out.values.subarray(0, 9)], rows.flat());
});
