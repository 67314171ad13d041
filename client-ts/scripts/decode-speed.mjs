// Decode speed of two recorded frames in both forms, in Node: the "every entity changed" delta and the first full
// snapshot (110 created entities) of the conformance cases arena-110 (version 2 columns, created_values) and
// arena-110-v3 (the same frames with changed_bits and created_bits).
// Run after `npm run build`: node scripts/decode-speed.mjs [iterations]
import { readFileSync } from 'node:fs';
import { DeltaDecoder, EntitySchema, RoomSchema, WireCodec, WorldState } from '../dist/src/index.js';
import { tickwire } from '../dist/src/proto/tickwire.js';

const vectors = JSON.parse(readFileSync(new URL('../../protocol/src/test/resources/conformance/vectors.json', import.meta.url), 'utf8'));
const iterations = Number(process.argv[2] ?? 20000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [name, note] of [['arena-110', 'every entity changed'], ['arena-110-v3', 'every entity changed'],
  ['arena-110', 'full snapshot, 110 entities'], ['arena-110-v3', 'full snapshot, 110 entities']]) {
  const c = vectors.cases.find((x) => x.name === name);
  const room = RoomSchema.single(EntitySchema.fromProto(tickwire.v1.EntitySchema.decode(Buffer.from(c.schema, 'base64'))));
  const decoder = new DeltaDecoder(room);
  const states = new Map();
  let frame = null;
  for (const f of c.frames) {
    if (f.error !== undefined) {
      continue;
    }
    const out = new WorldState(room, 2);
    decoder.apply(f.baselineTick === 0 ? null : states.get(f.baselineTick), WireCodec.parse(Buffer.from(f.frame, 'base64')).snapshot, out);
    states.set(f.tick, out);
    if (f.note === note) {
      frame = f;
    }
  }
  const bytes = Buffer.from(frame.frame, 'base64');
  const baseline = frame.baselineTick === 0 ? null : states.get(frame.baselineTick);
  const parsed = WireCodec.parse(bytes).snapshot;
  const out = new WorldState(room, 256);
  const full = [];
  const applyOnly = [];
  for (let run = 0; run < 7; run++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      decoder.apply(baseline, WireCodec.parse(bytes).snapshot, out);
    }
    full.push(Number(process.hrtime.bigint() - t) / iterations / 1000);
    t = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      decoder.apply(baseline, parsed, out);
    }
    applyOnly.push(Number(process.hrtime.bigint() - t) / iterations / 1000);
  }
  console.log(`${name}, ${note}: ${out.count} entities, frame ${bytes.length} B (changed_bits ${parsed.changedBits?.length ?? 0} B, ` +
    `created_bits ${parsed.createdBits?.length ?? 0} B); ` +
    `median of 7 runs x ${iterations}: parse + apply ${median(full).toFixed(2)} us, apply only ${median(applyOnly).toFixed(2)} us ` +
    `(min ${Math.min(...full).toFixed(2)} / ${Math.min(...applyOnly).toFixed(2)})`);
}
