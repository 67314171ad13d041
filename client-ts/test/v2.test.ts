import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeltaDecoder, DeltaError, EntityMirror, EntitySchema, RoomSchema, WireCodec, WorldState,
} from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';
import { mask64, snapshotFrame } from './support/v2Encoder.js';

/**
 * Protocol version 2 (docs/design/schema-v2.md) on snapshots written out by hand, column by column:
 * entity types, STRING fields, the owner section (including entities created in the same snapshot)
 * and angles wrapping in it, and the frames a conforming decoder must reject.
 */

// player: x (slot 0), name (1, STRING 8 bytes), ammo (2, OWNER), aim (3, OWNER angle 4 bits),
//         secret (4, OWNER STRING), team (5, AUDIENCE)
// rock:   kind (slot 0), label (1, STRING 12 bytes)
const player = EntitySchema.builder()
  .fixed('x', 0, 100, 0.5)
  .string('name', 8)
  .intField('ammo', 0, 50, 'OWNER')
  .angle('aim', 4, 'OWNER')
  .string('secret', 6, 'OWNER')
  .intField('team', 0, 3, 'AUDIENCE')
  .build();
const rock = EntitySchema.builder().intField('kind', 0, 9).string('label', 12).build();
const room = RoomSchema.of(['player', player], ['rock', rock]);

/** Apply through the wire: encode the hand-written snapshot, parse it back as a client would. */
function apply(decoder: DeltaDecoder, baseline: WorldState | null, snapshot: tickwire.v1.ISnapshot): WorldState {
  const parsed = WireCodec.parse(snapshotFrame(snapshot)).snapshot!;
  const out = new WorldState(decoder.room, 1);
  decoder.apply(baseline, parsed, out);
  return out;
}

function mirrorOf(state: WorldState): EntityMirror {
  const m = new EntityMirror(state.room);
  m.onApplied(state);
  return m;
}

// Tick 10, full: player 1 (someone else's), rock 2, player 5 (ours, created in this snapshot with its
// owner values from 0 / "").
const full: tickwire.v1.ISnapshot = {
  tick: 10, entityCount: 3, serverTimeMs: 330,
  createdIds: [1, 1, 3],
  createdTypes: [0, 1, 0],
  // player 1: x, ammo, aim, team | rock 2: kind | player 5: x, ammo, aim, team
  createdValues: [20, 0, 0, 2, 7, 40, 0, 0, 1],
  // player 1: name, secret | rock 2: label | player 5: name, secret
  createdStrings: ['Ann', '', 'granite', 'Bo', ''],
  ownerIds: [5],
  ownerMasks: [mask64([2, 3, 4])],
  ownerValues: [30, 14],
  ownerStrings: ['k3y'],
};

test('a full version 2 snapshot: types, strings, owner values on an entity created in it', () => {
  const decoder = new DeltaDecoder(room);
  const s = apply(decoder, null, full);
  assert.deepEqual([...s.ids.subarray(0, s.count)], [1, 2, 5]);
  assert.deepEqual([...s.types.subarray(0, s.count)], [0, 1, 0]);
  const m = mirrorOf(s);
  assert.equal(m.typeNameOf(1), 'player');
  assert.equal(m.typeOf(2).name, 'rock');
  assert.equal(m.typeIndexOf(5), 0);
  assert.deepEqual(m.entityIdsOfType('player'), [1, 5]);
  assert.equal(m.getDouble(1, 'x'), 10);
  assert.equal(m.getString(1, 'name'), 'Ann');
  assert.equal(m.getInt(1, 'ammo'), 0, 'not ours: OWNER field reads 0');
  assert.equal(m.getString(1, 'secret'), '');
  assert.equal(m.getInt(1, 'team'), 2);
  assert.equal(m.getInt(2, 'kind'), 7);
  assert.equal(m.getString(2, 'label'), 'granite');
  assert.throws(() => m.getInt(2, 'ammo'), /no such field: name=ammo, type=rock/);
  assert.throws(() => m.getInt(2, player.field('x')), /field of another type: field=x, entity type=rock/);
  assert.equal(m.getDouble(5, 'x'), 20);
  assert.equal(m.getString(5, 'name'), 'Bo');
  assert.equal(m.getInt(5, 'ammo'), 30, 'ours: from the owner section, against 0');
  assert.equal(s.valueAt(2, 3), 14);
  assert.equal(m.getString(5, 'secret'), 'k3y');
  assert.throws(() => m.getDouble(5, 'name'), /use getString for field name/);
  assert.throws(() => m.getString(5, 'x'), /not a string field: field=x/);
});

test('a version 2 delta: per-type masks, string changes, owner deltas with the angle wrapping, strings kept from the baseline', () => {
  const decoder = new DeltaDecoder(room);
  const base = apply(decoder, null, full);
  const delta: tickwire.v1.ISnapshot = {
    tick: 12, baselineTick: 10, entityCount: 3, serverTimeMs: 396,
    removedIds: [1],
    createdIds: [9],
    createdTypes: [1],
    createdValues: [4],
    createdStrings: ['pebble'],
    changedIds: [2, 3],
    // rock 2: label (slot 1) | player 5: x (slot 0) and team (slot 5)
    changedMasks: [mask64([1]), mask64([0, 5])],
    changedValues: [-6, 1],
    changedStrings: ['basalt'],
    // player 5: ammo 30 -> 28, aim 14 -> 3 (+5 wraps modulo 16), secret replaced
    ownerIds: [5],
    ownerMasks: [mask64([2, 3, 4])],
    ownerValues: [-2, 5],
    ownerStrings: ['n€w'],
  };
  const s = apply(decoder, base, delta);
  const m = mirrorOf(s);
  assert.deepEqual(m.entityIds(), [2, 5, 9]);
  assert.equal(s.count, 3);
  assert.equal(m.getString(2, 'label'), 'basalt');
  assert.equal(m.getInt(2, 'kind'), 7, 'unchanged slot of a changed rock');
  assert.equal(m.getDouble(5, 'x'), 17);
  assert.equal(m.getString(5, 'name'), 'Bo', 'a string survives the baseline copy');
  assert.equal(m.getInt(5, 'team'), 2);
  assert.equal(m.getInt(5, 'ammo'), 28);
  assert.equal(s.valueAt(1, 3), 3, 'owner angle 14 + 5 wraps to 3');
  assert.equal(m.getString(5, 'secret'), 'n€w', '5 UTF-8 bytes, within 6');
  assert.equal(m.typeNameOf(9), 'rock');
  assert.equal(m.getString(9, 'label'), 'pebble');
  // The baseline is untouched.
  assert.equal(base.stringAt(1, 1), 'granite');
  assert.equal(base.valueAt(2, 2), 30);
});

test('an owner angle wraps downward too; owner slots and strings not in the mask stay as held', () => {
  const decoder = new DeltaDecoder(room);
  const base = apply(decoder, null, full);
  const s = apply(decoder, base, { tick: 11, baselineTick: 10, entityCount: 3, ownerIds: [5], ownerMasks: [mask64([3])],
    ownerValues: [-15] });
  assert.equal(s.valueAt(2, 3), 15, '14 - 15 wraps to 15 modulo 16');
  assert.equal(s.valueAt(2, 2), 30, 'untouched owner slot stays');
  assert.equal(s.stringAt(2, 4), 'k3y', 'untouched owner string stays');
});

test('created_types absent: every created entity is type 0', () => {
  const decoder = new DeltaDecoder(room);
  const s = apply(decoder, null, { tick: 1, entityCount: 2, createdIds: [3, 1], createdValues: [1, 0, 0, 0, 2, 0, 0, 3],
    createdStrings: ['a', '', 'b', ''] });
  assert.deepEqual([...s.types.subarray(0, 2)], [0, 0]);
  assert.equal(s.stringAt(1, 1), 'b');
  assert.equal(s.valueAt(1, 5), 3);
});

test('a string-only type and a type without fields carry nothing in the numeric columns', () => {
  const tagged = RoomSchema.of(['mover', EntitySchema.builder().intField('n', 0, 9).build()],
    ['tag', EntitySchema.builder().string('text', 4).build()], ['marker', EntitySchema.builder().build()]);
  const decoder = new DeltaDecoder(tagged);
  const s = apply(decoder, null, { tick: 1, entityCount: 3, createdIds: [1, 1, 1], createdTypes: [1, 2, 0], createdValues: [5],
    createdStrings: ['hi'] });
  assert.deepEqual([...s.types.subarray(0, 3)], [1, 2, 0]);
  assert.equal(s.stringAt(0, 0), 'hi');
  assert.equal(s.valueAt(2, 0), 5);
  const next = apply(decoder, s, { tick: 2, baselineTick: 1, entityCount: 3, changedIds: [1], changedMasks: [mask64([0])],
    changedStrings: ['yo'] });
  assert.equal(next.stringAt(0, 0), 'yo');
});

test('a single-type room with no version 2 field decodes exactly as version 1', () => {
  const v1 = RoomSchema.single(EntitySchema.builder().intField('a', 0, 9).angle('h', 3).build());
  assert.equal(v1.usesVersion2, false);
  assert.equal(room.usesVersion2, true);
  const decoder = new DeltaDecoder(v1);
  const s = apply(decoder, null, { tick: 1, entityCount: 1, createdIds: [4], createdValues: [9, 7] });
  const next = apply(decoder, s, { tick: 2, baselineTick: 1, entityCount: 1, changedIds: [4], changedMasks: [mask64([0, 1])],
    changedValues: [-9, 2] });
  assert.deepEqual([...next.values.subarray(0, 2)], [0, 1]);
});

/** Frames a conforming decoder must reject, each a single breach of the rules on `full` or on a delta from it. */
const rejections: [string, tickwire.v1.ISnapshot, boolean, RegExp][] = [
  ['created_types shorter than created_ids', { ...full, createdTypes: [0, 1] }, false,
    /^created_types length mismatch: created=3, types=2/],
  ['created type not in the room', { ...full, createdTypes: [0, 2, 0] }, false, /^created type unknown: index=1, type=2, types=2/],
  ['created_values sized for the wrong types', { ...full, createdTypes: [0, 0, 0] }, false,
    /^created_values length mismatch: created=3, expected=12, values=9/],
  ['a string missing', { ...full, createdStrings: ['Ann', '', 'granite', 'Bo'] }, false,
    /^created_strings length mismatch: created=3, expected=5, strings=4/],
  ['a created OWNER slot that is not 0', { ...full, createdValues: [20, 1, 0, 2, 7, 40, 0, 0, 1] }, false,
    /^created value for an owner-only field: id=1, slot=2, value=1/],
  ['a created OWNER string that is not empty', { ...full, createdStrings: ['Ann', 'x', 'granite', 'Bo', ''] }, false,
    /^created text for an owner-only field: id=1, slot=4/],
  ['a string longer than max_length in UTF-8 bytes', { ...full, createdStrings: ['Ann', '', 'granite', 'Bø€€', ''] }, false,
    /^string too long: id=5, field=name, slot=1, bytes=9, max=8/],
  ['an owner id not in the state', { ...full, ownerIds: [6] }, false, /^owner id not in view: id=6/],
  ['owner ids not ascending', { ...full, ownerIds: [5, 0], ownerMasks: [mask64([2]), mask64([2])], ownerValues: [1, 1],
    ownerStrings: [] }, false, /^owner_ids not strictly ascending: index=1, delta=0/],
  ['an owner mask bit on a PUBLIC slot', { ...full, ownerMasks: [mask64([0, 2, 3, 4])], ownerValues: [1, 30, 14] }, false,
    /^owner mask names a field that is not owner-only: id=5, mask=0x1d, ownerSlots=0x1c/],
  ['an owner mask past the type', { ...full, ownerMasks: [mask64([2, 3, 4, 40])] }, false, /^owner mask invalid/],
  ['owner_values short', { ...full, ownerValues: [30] }, false, /^owner_values length mismatch: expected=2, values=1/],
  ['owner_strings long', { ...full, ownerStrings: ['k3y', 'x'] }, false, /^owner_strings length mismatch: expected=1, strings=2/],
  ['owner_masks short', { ...full, ownerMasks: [] }, false, /^owner_masks length mismatch: owners=1, masks=0/],
  ['an owner value out of range', { ...full, ownerValues: [51, 14] }, false, /^owner value out of range: id=5, slot=2, value=51, max=50/],
  ['a changed mask bit on an OWNER slot', { tick: 11, baselineTick: 10, entityCount: 3, changedIds: [5], changedMasks: [mask64([2])],
    changedValues: [1] }, true, /^changed mask names an owner-only field: index=0, mask=0x4, ownerSlots=0x1c/],
  ['a changed mask past the rock type', { tick: 11, baselineTick: 10, entityCount: 3, changedIds: [2], changedMasks: [mask64([2])],
    changedValues: [1] }, true, /^changed mask invalid: index=0, mask=0x4, slots=2/],
  ['a changed string sent in changed_values', { tick: 11, baselineTick: 10, entityCount: 3, changedIds: [2], changedMasks: [mask64([1])],
    changedValues: [1] }, true, /^changed_values length mismatch: expected=0, values=1/],
  ['a changed string missing', { tick: 11, baselineTick: 10, entityCount: 3, changedIds: [2], changedMasks: [mask64([0, 1])],
    changedValues: [1] }, true, /^changed_strings length mismatch: expected=1, strings=0/],
  ['a changed id not in the baseline', { tick: 11, baselineTick: 10, entityCount: 3, changedIds: [3], changedMasks: [mask64([0])],
    changedValues: [1] }, true, /^changed id not in baseline: id=3/],
];

for (const [what, snapshot, delta, error] of rejections) {
  test(`rejected: ${what}`, () => {
    const decoder = new DeltaDecoder(room);
    const base = delta ? apply(decoder, null, full) : null;
    assert.throws(() => apply(decoder, base, snapshot), (e: unknown) => e instanceof DeltaError && error.test(e.message),
      what);
  });
}

test('Welcome: entity_types when present, else one type from schema; STRING max_length and visibility parsed', () => {
  const wire = tickwire.v1.Welcome.decode(tickwire.v1.Welcome.encode({
    schema: player.toProto(),
    entityTypes: [{ name: 'player', schema: player.toProto() }, { name: 'rock', schema: rock.toProto() }],
  }).finish());
  const parsed = RoomSchema.fromWelcome(wire);
  assert.deepEqual(parsed.types.map((t) => t.name), ['player', 'rock']);
  assert.equal(parsed.type('rock').index, 1);
  const name = parsed.type('player').schema.field('name');
  assert.equal(name.kind, 'STRING');
  assert.equal(name.maxLength, 8);
  assert.equal(parsed.type(0).schema.field('ammo').visibility, 'OWNER');
  assert.equal(parsed.type(0).schema.field('team').visibility, 'AUDIENCE');
  assert.equal(parsed.type(0).schema.field('x').visibility, 'PUBLIC');
  assert.equal(parsed.slotStride, 6);
  assert.equal(parsed.stringStride, 2);
  assert.throws(() => parsed.type('tree'), /no such entity type: type=tree, types=\[player, rock\]/);
  const single = RoomSchema.fromWelcome(tickwire.v1.Welcome.decode(tickwire.v1.Welcome.encode({ schema: rock.toProto() }).finish()));
  assert.equal(single.typeCount, 1);
  assert.equal(single.types[0].name, '');
  assert.deepEqual(single.types[0].schema.fields.map((f) => f.name), ['kind', 'label']);
});
